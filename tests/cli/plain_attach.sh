#!/usr/bin/env bash
# bumble bundle --attach PROG=TARGET: bare uprobe sections (no binary)
# are taken, with a warning until a default target is given; the default
# is in the tool's tables; targets that do not fit their program's
# section, or programs that do not exist, are refused.
. "$(dirname "$0")/../lib.sh"

F=$FIXTURES/plain_uprobe.bpf.c
run "$BUMBLE" inspect "$F"
check "bare uprobe and uretprobe sections: taken" test "$RC" = 0
check "... each with a warning naming --attach" grep -q \
	"program 'on_call' has section 'uprobe', which names no binary: run the tool with --attach on_call=BINARY:FUNCTION" \
	"$WORK/err"
expect_exit 0 "program 'handle' has section 'uretprobe/readline', which names no binary: run the tool with --attach handle=BINARY:FUNCTION" \
	"a uretprobe naming a function but no binary: taken, the same warning" \
	"$BUMBLE" inspect "$FIXTURES/section.bpf.c" \
	-D 'SECTION="uretprobe/readline"'
run "$BUMBLE" inspect "$F" --attach on_call=/bin/true:main
check "--attach at bundle time: shown as the program's target" grep -Eq \
	"^  on_call +uprobe -> /bin/true:main$" "$WORK/out"
check "... and no warning for it" sh -c \
	"! grep -q \"'on_call' has section\" '$WORK/err'"
run "$BUMBLE" gen "$F" --attach on_call=/bin/true:main -o "$WORK/runner.c"
check "the runner carries the default target" grep -q \
	'{.name = "on_call", .section = "uprobe", .attach = "/bin/true:main"}' \
	"$WORK/runner.c"
expect_exit 3 "--attach nope=/bin/true:main: there is no program 'nope'" \
	"--attach on a missing program: exit 3" \
	"$BUMBLE" inspect "$F" --attach nope=/bin/true:main
expect_exit 3 "program 'on_call' .section 'uprobe'. takes BINARY:FUNCTION" \
	"--attach a kernel function to a uprobe: exit 3" \
	"$BUMBLE" inspect "$F" --attach on_call=vfs_read
expect_exit 3 "program 'on_exit' .section 'tracepoint/irq/softirq_exit'. takes no target" \
	"--attach to a tracepoint program: exit 3" \
	"$BUMBLE" inspect "$FIXTURES/isa_index.bpf.c" --attach on_exit=x
for bad in on_call on_call= =x; do
	expect_exit 2 "--attach takes PROG=FUNCTION or PROG=BINARY:FUNCTION" \
		"--attach '$bad': exit 2" "$BUMBLE" inspect "$F" --attach "$bad"
done
