#!/usr/bin/env bash
# exitsnoop end to end: exit codes, killing signals and process lifetimes
# (a duration field) decoded from real sched_process_exit events.
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/exitsnoop
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" -o "$TOOL"
check "bundle exitsnoop" test "$RC" = 0

needs ROOT # the checks below load exitsnoop into the kernel

SH7=$WORK/bexit$$
SHSIG=$WORK/bsig$$
cp "$(command -v dash || command -v sh)" "$SH7"
cp "$SH7" "$SHSIG"

if ! start_tool "$WORK/events.json" "$TOOL" --json; then
	fail "exitsnoop attaches" "$(cat "$WORK/err")"
	exit 0
fi
"$SH7" -c 'sleep 0.2; exit 7' &
pid7=$!
wait $pid7
"$SHSIG" -c 'kill -TERM $$' &
pidsig=$!
wait $pidsig
sleep 0.5
stop_tool TERM
check "SIGTERM: clean exit 0" test "$RC" = 0
check "JSON: exit code 7, pid, ppid, comm" json_has "$WORK/events.json" \
	"e['pid'] == $pid7 and e['ppid'] == $$ and e['exit_code'] == 7 and
	 e['sig'] == 0 and e['comm'] == 'bexit$$'[:15]"
check "JSON: lifetime in ns covers the 0.2 s sleep" json_has \
	"$WORK/events.json" \
	"e['pid'] == $pid7 and 200000000 <= e['age'] < 60000000000"
check "JSON: killed by SIGTERM: sig shown by name" json_has "$WORK/events.json" \
	"e['pid'] == $pidsig and e['sig'] == 'SIGTERM' and e['exit_code'] == 0"

if ! start_tool "$WORK/events.txt" "$TOOL" --duration 30; then
	fail "exitsnoop (text) attaches" "$(cat "$WORK/err")"
	exit 0
fi
"$SH7" -c 'exit 7' &
pid7=$!
wait $pid7
sleep 0.5
stop_tool INT
check "text: header" grep -Eq "^COMM +PID +PPID +AGE +EXIT_CODE +SIG$" \
	"$WORK/events.txt"
check "text: lifetime in human units, exit code 7" grep -Eq \
	"^bexit$$ +$pid7 +$$ +[0-9]+(\.[0-9]{3})?(ns|us|ms|s) +7 +0$" \
	"$WORK/events.txt"

# A plain bundle runs its tables from the payload on the prelinked stub;
# a tool linked with the generated runner has them compiled in. Running
# at once over the same exits, both print the same events (but the age,
# which each tool's own program reads from the clock).
"$BUMBLE" gen "$EXAMPLES/exitsnoop.bpf.c" -o "$WORK/exit_runner.c"
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --runner \
	"$WORK/exit_runner.c" -o "$WORK/exitsnoop_linked"
check "exitsnoop linked with its generated runner" test "$RC" = 0
SHCMP=$WORK/bcmp$$
cp "$SH7" "$SHCMP"
"$WORK/exitsnoop_linked" --json --filter "comm=bcmp$$" \
	>"$WORK/linked.json" 2>"$WORK/linked.err" </dev/null &
linked=$!
for _ in $(seq 1 300); do
	grep -q attached "$WORK/linked.err" && break
	sleep 0.1
done
if ! start_tool "$WORK/prelinked.json" "$TOOL" --json --filter "comm=bcmp$$"; then
	fail "prelinked exitsnoop attaches" "$(cat "$WORK/err")"
fi
for code in 1 2 3 4 5; do
	"$SHCMP" -c "exit $code"
done
sleep 0.5
stop_tool TERM
kill -TERM "$linked"
wait "$linked"
check "prelinked and linked tools: five events each, the same but the age" \
	python3 - "$WORK/prelinked.json" "$WORK/linked.json" <<'PY'
import json, sys
def events(path):
    out = []
    for line in open(path):
        e = json.loads(line)
        e.pop("age")
        out.append(e)
    return out
a, b = events(sys.argv[1]), events(sys.argv[2])
print(a, b, file=sys.stderr)
sys.exit(not (len(a) == 5 and a == b and
              [e["exit_code"] for e in a] == [1, 2, 3, 4, 5]))
PY
