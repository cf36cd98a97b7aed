#!/usr/bin/env bash
# Bare uprobe sections pointed at a binary when the tool runs (--attach
# PROG=BINARY:FUNCTION), or by the default bumble bundle --attach gave
# it, on a tiny program built here; and the errors for a program, binary
# or function that is not there, or no target at all.
. "$(dirname "$0")/../lib.sh"

cat >"$WORK/target.c" <<'C'
__attribute__((noinline)) int probed(int x)
{
	__asm__ volatile("");
	return x * 2;
}

__attribute__((noinline)) int other(int x)
{
	__asm__ volatile("");
	return x + 100;
}

int main(void)
{
	int s = 0;

	for (int i = 0; i < 3; i++)
		s += probed(7);
	for (int i = 0; i < 2; i++)
		s += other(5);
	return s == 0;
}
C
T=$WORK/target
run "${CC:-cc}" -O1 -o "$T" "$WORK/target.c"
check "build the program to probe" test "$RC" = 0
F=$FIXTURES/plain_uprobe.bpf.c
run "$BUMBLE" bundle "$F" -o "$WORK/up"
check "bundle bare uprobe sections with no target" test "$RC" = 0
run "$BUMBLE" bundle "$F" --attach "on_call=$T:other" \
	--attach "on_return=$T:other" -o "$WORK/up_default"
check "bundle with default targets" test "$RC" = 0
run "$WORK/up" --help
check "the tool's --help lists --attach" grep -q "^  --attach PROG=TARGET" \
	"$WORK/out"

needs ROOT # the checks below load the fixture into the kernel

# count_run OUT TOOL ARGS...: the tool, while the target runs twice
count_run() {
	local out=$1
	shift
	if start_tool "$out" "$@" --duration 30; then
		"$T"
		"$T"
		sleep 0.3
		stop_tool INT
	fi
}
count_run "$WORK/given.txt" "$WORK/up" --attach "on_call=$T:probed" \
	--attach "on_return=$T:probed"
check "--attach at run time: exit 0" test "$RC" = 0
check "... probed(7) counted 6 times, its returns (14) too" python3 - \
	"$WORK/given.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
sys.exit(0 if re.search(r"^counter_calls:\n +KEY +VALUE\n +7 +6$", t, re.M)
         and re.search(r"^counter_returns:\n +KEY +VALUE\n +14 +6$", t, re.M)
         else 1)
PY
count_run "$WORK/default.txt" "$WORK/up_default"
check "the bundle's default target: other(5) counted 4 times" python3 - \
	"$WORK/default.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
sys.exit(0 if re.search(r"^counter_calls:\n +KEY +VALUE\n +5 +4$", t, re.M)
         and re.search(r"^counter_returns:\n +KEY +VALUE\n +105 +4$", t, re.M)
         else 1)
PY
count_run "$WORK/over.txt" "$WORK/up_default" --attach "on_call=$T:probed"
check "--attach over the default: that program moves, the other stays" \
	python3 - "$WORK/over.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
sys.exit(0 if re.search(r"^counter_calls:\n +KEY +VALUE\n +7 +6$", t, re.M)
         and re.search(r"^counter_returns:\n +KEY +VALUE\n +105 +4$", t, re.M)
         else 1)
PY

expect_exit 2 "program 'on_call' has section 'uprobe', which names no binary: give one with --attach on_call=BINARY:FUNCTION" \
	"no target at all: exit 2, naming --attach" "$WORK/up" --duration 1
expect_exit 2 "--attach nosuch=$T:probed: the tool has no program 'nosuch'; its programs are: on_call, on_return" \
	"--attach to a program the tool lacks: exit 2" \
	"$WORK/up_default" --attach "nosuch=$T:probed" --duration 1
expect_exit 2 "program 'on_call': no binary '$WORK/nosuch' to attach to" \
	"--attach to a binary that is not there: exit 2" \
	"$WORK/up_default" --attach "on_call=$WORK/nosuch:probed" --duration 1
expect_exit 7 "'$T' has no function 'nosuchfn' .see: nm $T.; give another with --attach on_call=BINARY:FUNCTION" \
	"--attach to a function the binary lacks: exit 7" \
	"$WORK/up_default" --attach "on_call=$T:nosuchfn" --duration 1
expect_exit 2 "program 'on_call' .section 'uprobe'. takes BINARY:FUNCTION" \
	"--attach a kernel function to a uprobe: exit 2" \
	"$WORK/up_default" --attach "on_call=vfs_read" --duration 1
