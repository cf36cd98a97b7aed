#!/usr/bin/env bash
# Unprefixed maps shown by their inferred roles on a real kernel: a
# latency histogram per process name from a slots[] struct, a count per
# syscall, counts added to in place however they are set up, and none
# of the internal state maps.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/plain_maps.bpf.c" -o "$WORK/plain_maps"
check "bundle plain_maps with no flags" test "$RC" = 0

needs ROOT # the checks below load the fixture into the kernel

NAME=pmaps$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/$NAME"
if start_tool "$WORK/out.txt" "$WORK/plain_maps" --duration 30; then
	getppid_7
	stop_tool INT
	check "exit 0 on SIGINT" test "$RC" = 0
	check "the counter map: a table, getppid's count" python3 - \
		"$WORK/out.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^calls:\n +KEY +VALUE\n +110 +(\d+)$", text, re.M)
sys.exit(0 if m and int(m.group(1)) >= 7 else 1)
PY
	check "the hist map: a histogram under the process's name" python3 - \
		"$WORK/out.txt" "$NAME" <<'PY'
import re, sys
text, name = open(sys.argv[1]).read(), sys.argv[2]
block = re.search(r"^  comm=%s\n((?:  \[.*\n)+)" % re.escape(name), text, re.M)
counts = [int(x) for x in re.findall(r"\) +(\d+) \|", block.group(1))] if block else []
sys.exit(0 if sum(counts) >= 7 else 1)
PY
	check "a struct-valued counter: a column per field, its comm" python3 - \
		"$WORK/out.txt" "$NAME" <<'PY'
import re, sys
text, name = open(sys.argv[1]).read(), sys.argv[2]
head = re.search(r"^stats:\n +KEY +COUNT +TOTAL_NS +COMM$", text, re.M)
row = re.search(r"^ +\d+ +(\d+) +(\d+) %s$" % re.escape(name), text, re.M)
sys.exit(0 if head and row and int(row.group(1)) == 7 and int(row.group(2)) > 0 else 1)
PY
	check "counts set up with BPF_ANY, added to in place: a table" python3 - \
		"$WORK/out.txt" "$NAME" "$WORK/pid" <<'PY'
import re, sys
text, name = open(sys.argv[1]).read(), sys.argv[2]
pid = open(sys.argv[3]).read().strip()
io = re.search(r"^io:\n +KEY +CALLS +BYTES +COMM\n(?: +\d+ .*\n)*? +%s +7 +21 %s$"
               % (pid, re.escape(name)), text, re.M)
tr = re.search(r"^traffic:\n +KEY +SENT +RECEIVED\n(?: +\d+ .*\n)*? +%s +7 +0$"
               % pid, text, re.M)
sys.exit(0 if io and tr else 1)
PY
	check "a kernel stack id: the stack, root first, by kallsyms names" \
		grep -Eq "^ +[a-z_0-9.;]*do_syscall_64;[a-zA-Z_0-9.;]+ +[0-9]+$" \
		"$WORK/out.txt"
	check "the state maps are not shown" sh -c \
		"! grep -Eq '^(start|last_seen|scratch):' '$WORK/out.txt'"
else
	fail "plain_maps attaches" "$(cat "$WORK/err")"
fi

run "$BUMBLE" bundle "$FIXTURES/plain_stack_key.bpf.c" -o "$WORK/stack_key"
check "bundle plain_stack_key with no flags" test "$RC" = 0
for per_pid in 0 1; do
	if start_tool "$WORK/sk$per_pid.txt" "$WORK/stack_key" \
		--per_pid "$per_pid" --duration 30; then
		getppid_7
		stop_tool INT
		if [ "$per_pid" = 0 ]; then
			check "a key holding a stack id: the stack, by kallsyms names" \
				grep -Eq "^ +[a-zA-Z_0-9.;]*do_syscall_64;[a-zA-Z_0-9.;]+ +[0-9]+$" \
				"$WORK/sk0.txt"
		else
			check "--per_pid 1: the same key is the pid, a number" \
				grep -Eq "^ +$(cat "$WORK/pid") +7$" "$WORK/sk1.txt"
		fi
	else
		fail "plain_stack_key --per_pid $per_pid attaches" "$(cat "$WORK/err")"
	fi
done

if start_tool "$WORK/out.json" "$WORK/plain_maps" --json --duration 30; then
	"$WORK/$NAME" -c 'import os; os.getppid()'
	sleep 0.3
	stop_tool INT
	check "JSON: a struct-valued counter's value is an object" snapshot_has \
		"$WORK/out.json" stats \
		"e['value']['comm'] == '$NAME' and e['value']['count'] == 1"
else
	fail "plain_maps (JSON) attaches" "$(cat "$WORK/err")"
fi
