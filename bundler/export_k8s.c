/* bumble export --k8s: a tool as a Kubernetes DaemonSet (one pod on every
 * Linux node, least privilege for its programs, Prometheus annotations)
 * and, when it serves metrics, a headless Service for discovery. */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "fleet.h"
#include "utf8.h"

/* s as a YAML double-quoted scalar: any text survives, whatever YAML
 * would otherwise read in it (":", "#", a leading "-", "true", "0x1"). */
static void yaml_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	uint32_t cp;

	fputc('"', out);
	for (size_t i = 0; i < n; i += len) {
		len = 1;
		if (p[i] == '"' || p[i] == '\\') {
			fprintf(out, "\\%c", p[i]);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(out, "\\x%02x", p[i]);
		} else if (p[i] < 0x80) {
			fputc(p[i], out);
		} else {
			len = utf8_len(p + i, n - i, &cp);
			if (!len) { /* fleet_utf8_ok let none through */
				fputs("\\ufffd", out);
				len = 1;
			} else if ((cp >= 0x80 && cp <= 0x9f) || cp == 0xfeff ||
				   cp == 0x2028 || cp == 0x2029 ||
				   cp >= 0xfffe) {
				/* not printable in YAML, or a line break */
				if (cp > 0xffff)
					fprintf(out, "\\U%08x", cp);
				else
					fprintf(out, "\\u%04x", cp);
			} else {
				fwrite(p + i, 1, len, out);
			}
		}
	}
	fputc('"', out);
}

/* INDENTkey: "value" */
static void kv(FILE *out, const char *indent, const char *key,
	       const char *value)
{
	fprintf(out, "%s%s: ", indent, key);
	yaml_string(out, value);
	fputc('\n', out);
}

static void labels(FILE *out, const struct fleet_tool *t, const char *indent)
{
	kv(out, indent, "app.kubernetes.io/name", t->k8s_name);
	kv(out, indent, "app.kubernetes.io/component", "ebpf-tool");
}

/* metadata: the name and the labels, at two spaces */
static void metadata(FILE *out, const struct fleet_tool *t)
{
	fputs("metadata:\n", out);
	kv(out, "  ", "name", t->k8s_name);
	fputs("  labels:\n", out);
	labels(out, t, "    ");
}

static void scrape_annotations(FILE *out, const struct fleet_tool *t,
			       const char *indent)
{
	fprintf(out, "%sprometheus.io/scrape: \"true\"\n", indent);
	fprintf(out, "%sprometheus.io/port: \"%u\"\n", indent,
		ntohs(t->metrics.sin_port));
	fprintf(out, "%sprometheus.io/path: /metrics\n", indent);
}

static void host_volume(FILE *out, const char *name, const char *path,
			const char *type)
{
	fprintf(out,
		"      - name: %s\n        hostPath:\n          path: ", name);
	yaml_string(out, path);
	fprintf(out, "\n          type: %s\n", type);
}

static void mount(FILE *out, const char *name, const char *path, int ro)
{
	fprintf(out, "        - name: %s\n          mountPath: ", name);
	yaml_string(out, path);
	fprintf(out, "\n          readOnly: %s\n", ro ? "true" : "false");
}

static void volume_mounts(FILE *out, const struct fleet_tool *t)
{
	fputs("        volumeMounts:\n", out);
	mount(out, "btf", "/sys/kernel/btf", 1);
	if (t->tracefs)
		mount(out, "tracefs", "/sys/kernel/tracing", 1);
	if (t->bpffs)
		mount(out, "bpffs", "/sys/fs/bpf", 0);
	if (t->cgroup_root)
		mount(out, "cgroup", "/sys/fs/cgroup", 1);
	for (size_t i = 0; i < t->host_file_count; i++) {
		char name[32];

		snprintf(name, sizeof(name), "host-file-%zu", i);
		mount(out, name, t->host_files[i], 1);
	}
}

static void volumes(FILE *out, const struct fleet_tool *t)
{
	fputs("      volumes:\n", out);
	host_volume(out, "btf", "/sys/kernel/btf", "Directory");
	if (t->tracefs)
		host_volume(out, "tracefs", "/sys/kernel/tracing", "Directory");
	if (t->bpffs)
		host_volume(out, "bpffs", "/sys/fs/bpf", "Directory");
	if (t->cgroup_root)
		host_volume(out, "cgroup", "/sys/fs/cgroup", "Directory");
	for (size_t i = 0; i < t->host_file_count; i++) {
		char name[32];

		snprintf(name, sizeof(name), "host-file-%zu", i);
		host_volume(out, name, t->host_files[i], "File");
	}
}

static void security_context(FILE *out, const struct fleet_opts *o,
			     const struct fleet_tool *t)
{
	fputs("        securityContext:\n", out);
	if (o->privileged) {
		fputs("          privileged: true\n", out);
		return;
	}
	fputs("          privileged: false\n"
	      "          allowPrivilegeEscalation: false\n"
	      "          readOnlyRootFilesystem: true\n"
	      "          runAsUser: 0\n"
	      "          capabilities:\n"
	      "            drop:\n"
	      "            - ALL\n"
	      "            add:\n",
	      out);
	for (int c = 0; c < FLEET_CAP_COUNT; c++)
		if (t->caps & 1u << c)
			fprintf(out, "            - %s\n", fleet_cap_names[c]);
	/* runtimes' default seccomp profiles refuse bpf(2) and
	 * perf_event_open(2) without CAP_SYS_ADMIN */
	fputs("          seccompProfile:\n"
	      "            type: Unconfined\n",
	      out);
}

static void container(FILE *out, const struct fleet_opts *o,
		      const struct fleet_tool *t)
{

	char ref[256];

	snprintf(ref, sizeof(ref), "%s:%s", t->name, t->version);
	fputs("      containers:\n", out);
	kv(out, "      - ", "name", t->k8s_name);
	kv(out, "        ", "image", o->image ? o->image : ref);
	fputs("        imagePullPolicy: IfNotPresent\n", out);
	fputs("        # JSON lines on stdout: the log stream\n"
	      "        args:\n",
	      out);
	for (size_t i = 0; i < t->arg_count; i++) {
		fputs("        - ", out);
		yaml_string(out, t->args[i]);
		fputc('\n', out);
	}
	if (t->has_metrics) {
		fprintf(out,
			"        ports:\n"
			"        - name: metrics\n"
			"          containerPort: %u\n"
			"          protocol: TCP\n"
			"        livenessProbe:\n"
			"          httpGet:\n"
			"            path: /metrics\n"
			"            port: metrics\n"
			"          initialDelaySeconds: 10\n"
			"          periodSeconds: 30\n"
			"          timeoutSeconds: 5\n"
			"          failureThreshold: 3\n",
			ntohs(t->metrics.sin_port));
	}
	fprintf(out,
		"        resources:\n"
		"          requests:\n"
		"            cpu: %um\n"
		"            memory: %uMi\n"
		"          limits:\n"
		"            memory: %lluMi\n",
		FLEET_CPU_REQUEST_MILLI, FLEET_MEMORY_REQUEST_MIB,
		t->memory_limit_mib);
	security_context(out, o, t);
	volume_mounts(out, t);
}

static void service(FILE *out, const struct fleet_tool *t)
{
	fputs("---\n"
	      "# Headless: Prometheus's endpoints discovery finds every pod "
	      "through it.\n"
	      "apiVersion: v1\n"
	      "kind: Service\n",
	      out);
	metadata(out, t);
	fputs("  annotations:\n", out);
	scrape_annotations(out, t, "    ");
	fputs("spec:\n"
	      "  clusterIP: None\n"
	      "  selector:\n",
	      out);
	kv(out, "    ", "app.kubernetes.io/name", t->k8s_name);
	fprintf(out,
		"  ports:\n"
		"  - name: metrics\n"
		"    port: %u\n"
		"    targetPort: metrics\n"
		"    protocol: TCP\n",
		ntohs(t->metrics.sin_port));
}

int export_k8s(FILE *out, const struct fleet_opts *o,
	       const struct fleet_tool *t)
{
	fprintf(out,
		"# %s %s as a DaemonSet, written by bumble export --k8s.\n",
		t->name, t->version);
	fprintf(out, "# Programs: %s.\n", t->programs);
	fputs("# Privileges: docs/fleet.md says which attach type needs "
	      "what.\n",
	      out);
	fputs("apiVersion: apps/v1\n"
	      "kind: DaemonSet\n",
	      out);
	metadata(out, t);
	fputs("spec:\n"
	      "  selector:\n"
	      "    matchLabels:\n",
	      out);
	kv(out, "      ", "app.kubernetes.io/name", t->k8s_name);
	fputs("  updateStrategy:\n"
	      "    type: RollingUpdate\n"
	      "  template:\n"
	      "    metadata:\n"
	      "      labels:\n",
	      out);
	labels(out, t, "        ");
	if (t->has_metrics) {
		fputs("      annotations:\n", out);
		scrape_annotations(out, t, "        ");
	}
	fputs("    spec:\n", out);
	if (t->host_pid)
		fputs("      hostPID: true\n", out);
	if (t->host_network)
		fputs("      hostNetwork: true\n"
		      "      dnsPolicy: ClusterFirstWithHostNet\n",
		      out);
	fputs("      # either arch: the image is a multi-arch index\n"
	      "      nodeSelector:\n"
	      "        kubernetes.io/os: linux\n"
	      "      tolerations:\n"
	      "      - operator: Exists\n"
	      "      terminationGracePeriodSeconds: 30\n",
	      out);
	container(out, o, t);
	volumes(out, t);
	if (t->has_metrics)
		service(out, t);
	return ferror(out) ? -1 : 0;
}
