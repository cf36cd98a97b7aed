/* bumble export --systemd: a tool as a hardened systemd service for hosts
 * without Kubernetes: only the capabilities its programs need, a read-only
 * system, restarts with a limit, its JSON lines to the journal. */
#include <string.h>

#include "fleet.h"

/* s as one quoted word of a systemd command line (systemd.service,
 * "Command lines"): the quotes and C escapes systemd reads, and "%" and
 * "$" doubled so that no specifier or variable is expanded in it. */
static void systemd_word(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '%' || *p == '$')
			fprintf(out, "%c%c", *p, *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void capabilities(FILE *out, const char *key, const struct fleet_tool *t)
{
	fprintf(out, "%s=", key);
	for (int c = 0, first = 1; c < FLEET_CAP_COUNT; c++) {
		if (!(t->caps & 1u << c))
			continue;
		fprintf(out, "%sCAP_%s", first ? "" : " ", fleet_cap_names[c]);
		first = 0;
	}
	fputc('\n', out);
}

int export_systemd(FILE *out, const struct fleet_opts *o,
		   const struct fleet_tool *t)
{
	char path[4096];

	if (o->install_path)
		snprintf(path, sizeof(path), "%s", o->install_path);
	else
		snprintf(path, sizeof(path), "/usr/local/bin/%s", t->name);
	fprintf(out,
		"# %s %s as a systemd service, written by bumble export "
		"--systemd.\n"
		"# Programs: %s.\n"
		"# Privileges: docs/fleet.md says which attach type needs "
		"what.\n"
		"# Install: the tool at the path ExecStart names, this file "
		"as\n"
		"# /etc/systemd/system/%s.service, then systemctl "
		"daemon-reload\n"
		"# and systemctl enable --now %s.\n",
		t->name, t->version, t->programs, t->name, t->name);
	fprintf(out,
		"[Unit]\n"
		"Description=%s %s, an eBPF tool bundled by bumble\n"
		"StartLimitIntervalSec=300\n"
		"StartLimitBurst=5\n",
		t->name, t->version);
	if (t->has_metrics)
		fputs("Wants=network-online.target\n"
		      "After=network-online.target\n",
		      out);
	fputs("\n[Service]\nType=exec\nExecStart=", out);
	systemd_word(out, path);
	for (size_t i = 0; i < t->arg_count; i++) {
		fputc(' ', out);
		systemd_word(out, t->args[i]);
	}
	fprintf(out,
		"\nRestart=on-failure\n"
		"RestartSec=5\n"
		"# JSON lines on stdout, the status and errors on stderr\n"
		"StandardOutput=journal\n"
		"StandardError=journal\n"
		"SyslogIdentifier=%s\n"
		"MemoryMax=%lluM\n",
		t->name, t->memory_limit_mib);
	capabilities(out, "AmbientCapabilities", t);
	capabilities(out, "CapabilityBoundingSet", t);
	if (o->sys_admin) /* kernels before 5.11 charge maps to memlock */
		fputs("LimitMEMLOCK=infinity\n", out);
	fputs("NoNewPrivileges=yes\n"
	      "ProtectSystem=strict\n"
	      "ProtectHome=yes\n"
	      "PrivateTmp=yes\n"
	      "PrivateDevices=yes\n"
	      "ProtectKernelTunables=yes\n"
	      "ProtectKernelModules=yes\n"
	      "ProtectKernelLogs=yes\n"
	      "ProtectControlGroups=yes\n"
	      "ProtectClock=yes\n"
	      "ProtectHostname=yes\n"
	      "RestrictNamespaces=yes\n"
	      "RestrictRealtime=yes\n"
	      "RestrictSUIDSGID=yes\n"
	      "LockPersonality=yes\n"
	      "MemoryDenyWriteExecute=yes\n"
	      "SystemCallArchitectures=native\n"
	      "UMask=0077\n",
	      out);
	fprintf(out, "RestrictAddressFamilies=AF_UNIX AF_INET%s\n",
		t->host_network ? " AF_NETLINK" : "");
	if (t->bpffs)
		fputs("ReadWritePaths=/sys/fs/bpf\n", out);
	fputs("\n[Install]\nWantedBy=multi-user.target\n", out);
	return ferror(out) ? -1 : 0;
}
