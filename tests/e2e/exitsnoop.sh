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
