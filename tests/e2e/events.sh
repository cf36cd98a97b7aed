#!/usr/bin/env bash
# Event plumbing: a libbpf-tools perf buffer map typed at bundle time with
# --event, and events lost to a full ring buffer counted (bumble.h) and
# reported on exit, in text and JSON.
. "$(dirname "$0")/../lib.sh"

getppid_from() { # NAME: a process called NAME makes one getppid call
	cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/$1"
	"$WORK/$1" -c 'import os; os.getppid()'
}

run "$BUMBLE" inspect "$FIXTURES/perfsnoop.bpf.c"
check "without --event the untyped perf map has no role" grep -Eq \
	"^  events +none +-" "$WORK/out"
run "$BUMBLE" inspect "$FIXTURES/perfsnoop.bpf.c" --event events=event
check "--event events=event: printed, decoded as struct event" grep -Eq \
	"^  events +print +event" "$WORK/out"
expect_exit 2 "--event takes MAP=STRUCT" "--event without =: exit 2" \
	"$BUMBLE" bundle "$FIXTURES/perfsnoop.bpf.c" --event events
expect_exit 3 "the program has no map 'nomap'" "--event on a missing map" \
	"$BUMBLE" bundle "$FIXTURES/perfsnoop.bpf.c" --event nomap=event \
	-o "$WORK/x"
expect_exit 3 "no struct nosuch in the program's BTF" \
	"--event with a struct the program lacks" \
	"$BUMBLE" bundle "$FIXTURES/perfsnoop.bpf.c" --event events=nosuch \
	-o "$WORK/x"
expect_exit 3 "map 'values' is not a ringbuf or perf event array" \
	"--event on a hash map" "$BUMBLE" bundle "$FIXTURES/rejected.bpf.c" \
	--event values=event -o "$WORK/x"

run "$BUMBLE" bundle "$FIXTURES/perfsnoop.bpf.c" --event 'events=struct event' \
	-o "$WORK/perfsnoop"
check "bundle with --event 'events=struct event'" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/flood.bpf.c" -o "$WORK/flood"
check "bundle the ring buffer flood" test "$RC" = 0

needs ROOT # the checks below load the programs into the kernel
start_tool "$WORK/perf.json" "$WORK/perfsnoop" --json ||
	fail "perfsnoop attaches"
getppid_from bperf$$
sleep 0.3
stop_tool INT
check "perf buffer: the event decoded from struct event" json_has \
	"$WORK/perf.json" "e['comm'] == 'bperf$$' and e['ppid_call'] == 1"

start_tool "$WORK/flood.json" "$WORK/flood" --json ||
	fail "flood attaches"
getppid_from bflood$$
sleep 0.3
stop_tool INT
check "lost events: reported on stderr" grep -Eq \
	"lost [0-9]+ events: the ring buffer was full" "$WORK/err"
lost=$(python3 -c "
import json
print(sum(json.loads(l).get('lost_events', 0) for l in open('$WORK/flood.json')))")
seen=$(grep -c '"seq"' "$WORK/flood.json")
# every call of the program makes 64 events, each either seen or lost
check "lost events: a JSON line; seen ($seen) + lost ($lost) = 64 per call" \
	test $(((seen + lost) % 64)) -eq 0 -a "$lost" -gt 0 -a "$seen" -gt 0

# Stopping under a flood: the consume loop sees SIGINT between batches
# (a pending signal is taken even while events keep coming), and exits
# promptly having written what it read. The flood is a process calling
# getppid in a loop (64 events a call).
flooder() {
	python3 -c 'import os
while True: os.getppid()' &
	FLOODER=$!
}
ms_now() {
	echo $(($(date +%s%N) / 1000000))
}
# gone_within PID MS: PID has exited within MS milliseconds
gone_within() {
	local until=$(($(ms_now) + $2))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(ms_now)" -gt "$until" ] && return 1
		sleep 0.01
	done
}
step flooder
start_tool "$WORK/flood2.json" "$WORK/flood" --json ||
	fail "flood attaches"
step sleep 1
t0=$(ms_now)
step kill -INT "$TOOL_PID"
needs ROOT gone_within "$TOOL_PID" 1000
check "SIGINT under a flood: the tool exits within 1 s ($(($(ms_now) - t0)) ms)" \
	test $? = 0
wait_tool
check "SIGINT under a flood: exit 0, the events read written out" \
	test "$RC" = 0 -a -s "$WORK/flood2.json"
check "SIGINT under a flood: every line written is whole JSON" \
	json_all "$WORK/flood2.json" "'seq' in e or 'lost_events' in e"

# A reader that never reads (| sleep): once the pipe is full the tool
# waits for it, but after SIGTERM only briefly: it gives up, says so,
# and exits 0.
stalled() {
	{ (
		echo "$BASHPID" >"$WORK/stalled.pid"
		exec "$WORK/flood" --json 2>"$WORK/stalled.err"
	) | sleep 30; } &
	STALLED=$!
	sleep 1
	TOOL_PID=$(cat "$WORK/stalled.pid")
}
step stalled
t0=$(ms_now)
step kill -TERM "$TOOL_PID"
needs ROOT gone_within "$TOOL_PID" 1000
check "SIGTERM with a reader that never reads: exits within 1 s ($(($(ms_now) - t0)) ms)" \
	test $? = 0
ERR=$WORK/stalled.err
check "stalled reader: said that the output was dropped" grep -q \
	"stdout was not being read" "$WORK/stalled.err"
ERR=$WORK/err
step kill "$FLOODER" "$STALLED" 2>/dev/null
TOOL_PID=
