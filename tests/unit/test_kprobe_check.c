/* Unit tests of why a kprobe did not attach (kprobe_check.c): no kprobe
 * PMU, or a function missing from kallsyms, with fake files for both. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "stub.h"

int main(void)
{
	char dir[] = "/tmp/bumble-kprobe.XXXXXX", pmu[64], none[64], syms[64];
	char name[64];
	FILE *f;

	if (!mkdtemp(dir))
		return 2;
	snprintf(pmu, sizeof(pmu), "%s/kprobe", dir);
	snprintf(none, sizeof(none), "%s/no-kprobe", dir);
	snprintf(syms, sizeof(syms), "%s/kallsyms", dir);
	f = fopen(pmu, "w");
	if (f)
		fclose(f);
	f = fopen(syms, "w");
	if (!f)
		return 2;
	fputs("ffffffff81000000 T _stext\n"
	      "ffffffff81234560 T do_nanosleep\n"
	      "0000000000000000 t nf_conntrack_in\t[nf_conntrack]\n",
	      f);
	fclose(f);

	CHECK(!kprobe_target("kprobe/do_nanosleep", name, sizeof(name)) &&
		  !strcmp(name, "do_nanosleep"),
	      "kprobe/NAME: the function");
	CHECK(!kprobe_target("kretprobe/tcp_v4_connect+0x10", name,
			     sizeof(name)) &&
		  !strcmp(name, "tcp_v4_connect"),
	      "kretprobe/NAME+OFF: the function without the offset");
	CHECK(kprobe_target("kprobe.multi/tcp_*", name, sizeof(name)) &&
		  kprobe_target("kprobe/", name, sizeof(name)) &&
		  kprobe_target("tracepoint/a/b", name, sizeof(name)),
	      "kprobe.multi, an empty target and other sections: none");

	CHECK(ksym_exists(syms, "do_nanosleep") == 1, "a kernel symbol");
	CHECK(ksym_exists(syms, "nf_conntrack_in") == 1,
	      "a module's symbol (with its [module] column)");
	CHECK(ksym_exists(syms, "do_nano") == 0, "a prefix is no symbol");
	CHECK(ksym_exists(none, "x") == -1, "kallsyms unreadable: -1");

	CHECK(kprobe_blame("kprobe/do_nanosleep", none, syms, name,
			   sizeof(name)) == KPROBE_BLAME_UNSUPPORTED,
	      "no kprobe PMU: kprobes unsupported, whatever the function");
	CHECK(kprobe_blame("ksyscall/nanosleep", none, syms, name,
			   sizeof(name)) == KPROBE_BLAME_UNSUPPORTED,
	      "no kprobe PMU: ksyscall unsupported too");
	CHECK(kprobe_blame("kprobe/no_such_function", pmu, syms, name,
			   sizeof(name)) == KPROBE_BLAME_NO_FUNCTION &&
		  !strcmp(name, "no_such_function"),
	      "PMU present, function absent: the function is named");
	CHECK(kprobe_blame("kretprobe/do_nanosleep", pmu, syms, name,
			   sizeof(name)) == KPROBE_BLAME_NONE,
	      "PMU present, function present: nothing to blame");
	CHECK(kprobe_blame("kprobe/no_such_function", pmu, none, name,
			   sizeof(name)) == KPROBE_BLAME_NONE,
	      "kallsyms unreadable: no function blamed");
	CHECK(kprobe_blame("tracepoint/a/b", none, syms, name, sizeof(name)) ==
		  KPROBE_BLAME_NONE,
	      "not a kprobe: nothing to blame");

	unlink(pmu);
	unlink(syms);
	rmdir(dir);
	return check_failures ? 1 : 0;
}
