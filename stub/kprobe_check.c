/* Why a kprobe did not attach: a kernel without kprobes (no kprobe PMU),
 * or a function this kernel does not have (not in /proc/kallsyms: its
 * module is not loaded, or it was inlined). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stub.h"

int kprobe_target(const char *section, char *name, size_t n)
{
	const char *slash = strchr(section, '/');
	size_t len;

	if (!slash || (strncmp(section, "kprobe/", 7) &&
		       strncmp(section, "kretprobe/", 10)))
		return -1;
	len = strcspn(slash + 1, "+");
	if (!len || len >= n)
		return -1;
	memcpy(name, slash + 1, len);
	name[len] = '\0';
	return 0;
}

int ksym_exists(const char *kallsyms, const char *name)
{
	char line[512], sym[256];
	FILE *f = fopen(kallsyms, "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", sym) == 1 &&
			!strcmp(sym, name);
	fclose(f);
	return found;
}

static int is_kprobe_section(const char *s)
{
	return !strncmp(s, "kprobe", 6) || !strncmp(s, "kretprobe", 9) ||
	       !strncmp(s, "ksyscall", 8) || !strncmp(s, "kretsyscall", 11);
}

enum kprobe_blame kprobe_blame(const char *section, const char *pmu,
			       const char *kallsyms, char *name, size_t n)
{
	if (!is_kprobe_section(section))
		return KPROBE_BLAME_NONE;
	if (access(pmu, F_OK))
		return KPROBE_BLAME_UNSUPPORTED;
	if (!kprobe_target(section, name, n) && !ksym_exists(kallsyms, name))
		return KPROBE_BLAME_NO_FUNCTION;
	return KPROBE_BLAME_NONE;
}
