#!/usr/bin/env bash
# Event plumbing: a libbpf-tools perf buffer map typed at bundle time with
# --event (or from the source's calls), and events lost to a full ring buffer counted (bumble.h) and
# reported on exit, in text and JSON; two print maps of different structs
# told apart, and hostile file names, nested structs, an anonymous union,
# unsigned 1- and 2-byte enums and a member named time decoded.
. "$(dirname "$0")/../lib.sh"

getppid_from() { # NAME: a process called NAME makes one getppid call
	cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/$1"
	"$WORK/$1" -c 'import os; os.getppid()'
}

run "$BUMBLE" build "$FIXTURES/perfsnoop.bpf.c" -o "$WORK/perfsnoop.bpf.o"
run "$BUMBLE" inspect "$WORK/perfsnoop.bpf.o"
check "without --event the untyped perf map of an object has no role" \
	grep -Eq "^  events +none +-" "$WORK/out"
run "$BUMBLE" inspect "$FIXTURES/perfsnoop.bpf.c"
check "from source, its type is inferred from bpf_perf_event_output" \
	grep -Eq "^  events +print +event" "$WORK/out"
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

run "$BUMBLE" gen "$FIXTURES/fmtcases.bpf.c" -o "$WORK/fmtcases.c"
check "the layout: nested members know their depth" python3 -c '
import re, sys
s = open(sys.argv[1]).read()
sys.exit(0 if re.search(r"\.name = \"who\.deep\.a\",[^}]*\.depth = 2,", s) else 1)' \
	"$WORK/fmtcases.c"
check "the layout: an anonymous union's members are the parent's" \
	grep -q '.name = "flag_bytes",' "$WORK/fmtcases.c"
check "the layout: no member without a name" \
	sh -c '! grep -q "\.name = \"\"," "$0"' "$WORK/fmtcases.c"
check "the layout: a 1-byte enum of 200 is unsigned" grep -Fq \
	'.enum_unsigned = 1,' "$WORK/fmtcases.c"
run "$BUMBLE" bundle "$FIXTURES/fmtcases.bpf.c" -o "$WORK/fmtcases"
check "bundle the formatter's cases" test "$RC" = 0

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

# A process called bfmt* opens files named with bytes that are not UTF-8
# or that a terminal obeys, then calls getppid.
cat >"$WORK/hostile.py" <<'PY'
import os
for name in [b"\xed\xa0\x80", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80", b"\xff",
             b"a\\b\\xff", b"\xc2\x9b2J\xe2\x80\xae", b"ok\xc3\xa9"]:
    try:
        os.open(b"/nonexistent/bfmt-" + name, os.O_RDONLY)
    except OSError:
        pass
os.getppid()
PY
hostile() {
	cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/bfmt$$"
	"$WORK/bfmt$$" "$WORK/hostile.py"
}
# unescape: the bytes a decoded string stands for (docs/conventions.md)
UNESCAPE='(lambda s: __import__("re").sub(rb"\\(\\|x[0-9a-f]{2})", lambda m: bytes([int(m.group(1)[1:], 16)]) if len(m.group(1)) == 3 else b"\\", s.encode()))'

start_tool "$WORK/fmt.json" "$WORK/fmtcases" --json --timestamp ||
	fail "fmtcases attaches"
hostile
sleep 0.3
stop_tool INT
check "--json: every line valid UTF-8 JSON, no key twice" \
	json_strict "$WORK/fmt.json"
for name in '\xed\xa0\x80' '\xe0\x80\xaf' '\xf4\x90\x80\x80' '\xff' \
	'a\\b\\xff' '\xc2\x9b2J\xe2\x80\xae' 'ok\xc3\xa9'; do
	check "--json: file name bfmt-$name comes back byte for byte" json_has \
		"$WORK/fmt.json" "$UNESCAPE(e['filename']) == b'/nonexistent/bfmt-$name'"
done
check "--json: a nested struct is a nested object" json_has "$WORK/fmt.json" \
	"e['who']['deep']['a'] == 7 and e['who']['uid'] == 0"
check "--json: an anonymous union's members are the event's" json_has \
	"$WORK/fmt.json" "e['flags'] == 0x01020304 and e['flag_bytes'] == [4, 3, 2, 1]"
check "--json: unsigned 1- and 2-byte enums by name" json_has \
	"$WORK/fmt.json" "e['level'] == 'HIGH' and e['wide'] == 'WIDE'"
check "--json --timestamp: the member time and the time as _time" json_has \
	"$WORK/fmt.json" "e['time'] == 42 and e['_time'].endswith('Z')"
check "--json: events say their map" json_has "$WORK/fmt.json" \
	"e['map'] == 'print_opens' and 'filename' in e"
check "--json: the other map's events too" json_has "$WORK/fmt.json" \
	"e['map'] == 'print_calls' and e['comm'] == 'bfmt$$'"

start_tool "$WORK/fmt.txt" "$WORK/fmtcases" ||
	fail "fmtcases attaches (text)"
hostile
sleep 0.3
stop_tool INT
check "text: a header per map, starting with its name" grep -Eq \
	"^print_calls +PID +COMM\$" "$WORK/fmt.txt"
check "text: the other map's header" grep -Eq \
	"^print_opens +PID +TIME +WHO.UID +WHO.DEEP.A +FLAGS" "$WORK/fmt.txt"
check "text: lines start with their map" grep -Eq \
	"^print_calls +[0-9]+ bfmt$$\$" "$WORK/fmt.txt"
check "text: no C1 control, bidi override or invalid byte gets through" \
	python3 -c "
t = open('$WORK/fmt.txt', 'rb').read().decode('utf-8', 'strict')
assert not any(0x80 <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e for c in t)
assert '/nonexistent/bfmt-\\\\u009b2J\\\\u202e' in t and 'bfmt-a\\\\\\\\b\\\\\\\\xff' in t
"

start_tool "$WORK/filter.json" "$WORK/fmtcases" --json --filter level=HIGH \
	--filter who.deep.a=7 || fail "fmtcases with --filter attaches"
hostile
sleep 0.3
stop_tool INT
check "--filter on an unsigned enum's name and a nested member" json_has \
	"$WORK/filter.json" "e['level'] == 'HIGH' and e['who']['deep']['a'] == 7"

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
