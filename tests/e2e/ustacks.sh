#!/usr/bin/env bash
# User-space stacks named: a program built here (with frame pointers)
# calls getppid; the tool, counting calls by user stack, names its
# frames from /proc/PID/maps and the symbol tables of the files mapped
# (main from the program's, getppid from libc's dynamic symbols), in
# tables and in --folded output. (libc's getppid sets up no frame, so
# the frame walk goes from it straight to main's.)
. "$(dirname "$0")/../lib.sh"

cat >"$WORK/caller.c" <<'C'
#include <unistd.h>

__attribute__((noinline)) void outer_caller(void)
{
	for (int i = 0; i < 5; i++)
		getppid();
}

int main(void)
{
	outer_caller();
	sleep(3); /* alive while the tool reads its mappings */
	return 0;
}
C
run "${CC:-cc}" -O0 -fno-omit-frame-pointer -o "$WORK/ucaller" "$WORK/caller.c"
check "build the calling program" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/ustack_count.bpf.c" -o "$WORK/ustack"
check "bundle ustack_count" test "$RC" = 0

needs ROOT # the checks below load the fixture into the kernel

for mode in table folded; do
	args=()
	[ "$mode" = table ] || args=(--folded)
	if start_tool "$WORK/$mode.txt" "$WORK/ustack" "${args[@]}" --duration 30; then
		"$WORK/ucaller" &
		caller=$!
		sleep 1
		stop_tool INT
		wait "$caller"
		check "$mode: exit 0" test "$RC" = 0
	fi
done
check "a table: the user stack by name, root first (main;getppid)" \
	grep -Eq "^ +[0-9]+ +([^ ]*;)?main;getppid +ucaller +5$" \
	"$WORK/table.txt"
check "--folded: ucaller;...;main;getppid 5" grep -Eq \
	"^ucaller;([^ ]*;)?main;getppid 5$" "$WORK/folded.txt"
