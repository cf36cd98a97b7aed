#!/usr/bin/env bash
# bashreadline end to end: a uretprobe on /bin/bash's readline() reports
# the lines typed into an interactive bash (run on a pseudo-terminal).
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/bashreadline
run "$BUMBLE" bundle "$EXAMPLES/bashreadline.bpf.c" -o "$TOOL"
check "bundle bashreadline" test "$RC" = 0

needs ROOT,BASH_TTY # bashreadline loaded, lines typed into an interactive bash

MARK="echo bumble-typed-$$"
start_tool "$WORK/lines.json" "$TOOL" --json || fail "bashreadline attaches"
type_lines() {
	printf '%s\nexit\n' "$MARK" |
		script -qfc "bash --norc --noprofile -i" /dev/null >/dev/null
}
step type_lines
sleep 0.3
stop_tool INT
check "the typed line, from bash, as root" json_has "$WORK/lines.json" \
	"e['line'] == '$MARK' and e['comm'] == 'bash' and e['uid'] == 0"
check "and the next one" json_has "$WORK/lines.json" "e['line'] == 'exit'"

# A probe on a binary that does not exist: named, with the reason.
needs -
sed 's|/bin/bash:readline|/nonexistent/bash:readline|' \
	"$EXAMPLES/bashreadline.bpf.c" >"$WORK/badprobe.bpf.c"
run "$BUMBLE" bundle "$WORK/badprobe.bpf.c" -o "$WORK/badprobe"
check "bundle a uprobe on a missing binary" test "$RC" = 0
needs ROOT expect_exit 7 "program 'readline_return' \(section 'uretprobe//nonexistent/bash:readline'\) failed to attach.*is the binary there" \
	"uprobe on a missing binary: named, exit 7" "$WORK/badprobe" --duration 1
