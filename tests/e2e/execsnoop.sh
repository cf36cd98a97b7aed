#!/usr/bin/env bash
# execsnoop end to end: bundle it, check the tool is one static file,
# run it from an empty directory against the real kernel, exec known
# commands, and check the decoded fields in JSON and in text columns.
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/execsnoop
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL"
check "bundle execsnoop" test "$RC" = 0 -a -x "$TOOL"
check "the tool is statically linked" sh -c \
	"file -b '$TOOL' | grep -q 'statically linked'"
check "ldd: not a dynamic executable" sh -c \
	"! ldd '$TOOL' 2>&1 | grep -q '=>'"
size=$(stat -c %s "$TOOL")
check "stripped tool is under 600 KiB ($size bytes)" test "$size" -lt 614400

needs ROOT # the checks below load execsnoop into the kernel

# The ringbuf declares its event type; it is still created once, not
# first with BTF ids the kernel refuses and then again.
step strace -f -e trace=bpf -o "$WORK/strace" "$TOOL" --duration 0.2 \
	>/dev/null 2>&1
check "the ringbuf is created once" test \
	"$(grep -c 'map_type=BPF_MAP_TYPE_RINGBUF' "$WORK/strace" 2>/dev/null)" = 1

# Markers: a copy of true with a unique name, and a path that does not
# exist (execve fails with ENOENT).
mkdir -p "$WORK/empty" "$WORK/bin"
MARK=$WORK/bin/bmark$$
cp /bin/true "$MARK"
MISSING=$WORK/bin/no-such-program-$$

cd "$WORK/empty" || exit 1
if ! start_tool "$WORK/events.json" env -i "$TOOL" --json; then
	fail "execsnoop --json attaches" "$(cat "$WORK/err")"
	exit 0
fi
pass "execsnoop --json attaches, from an empty dir with no environment"
"$MARK" &
mark_pid=$!
wait $mark_pid
("$MISSING" 2>/dev/null)
sleep 0.5
stop_tool INT
check "SIGINT: clean exit 0" test "$RC" = 0

check "JSON: the marker's exec with pid, ppid, uid, comm, ret 0" json_has \
	"$WORK/events.json" \
	"e['filename'] == '$MARK' and e['pid'] == $mark_pid and
	 e['ppid'] == $$ and e['uid'] == 0 and e['ret'] == 0 and
	 e['comm'] == 'bmark$$'[:15]"
check "JSON: a failed exec has ret -2 (ENOENT)" json_has \
	"$WORK/events.json" "e['filename'] == '$MISSING' and e['ret'] == -2"
check "JSON: numbers are numbers" json_has "$WORK/events.json" \
	"isinstance(e['pid'], int) and isinstance(e['filename'], str)"

# Text columns with a header; --duration stops the tool by itself.
if ! start_tool "$WORK/events.txt" "$TOOL" --duration 3; then
	fail "execsnoop (text) attaches" "$(cat "$WORK/err")"
	exit 0
fi
"$MARK" &
mark_pid=$!
wait $mark_pid
wait_tool
check "--duration: exits 0 by itself" test "$RC" = 0
check "text: header names the columns" grep -Eq \
	"^ *PID +PPID +UID +RET COMM +FILENAME$" "$WORK/events.txt"
check "text: the marker's line" grep -Eq \
	"^ *$mark_pid +$$ +0 +0 bmark$$ +$MARK$" "$WORK/events.txt"
check "status line on stderr" grep -q \
	"execsnoop: attached 2 programs, printing events from 1 map" "$WORK/err"

# --count stops after N events.
start_tool "$WORK/count.json" "$TOOL" --json --count 2
for i in 1 2 3; do "$MARK"; done
for i in $(seq 1 50); do kill -0 "$TOOL_PID" 2>/dev/null || break; sleep 0.1; done
wait_tool
check "--count 2: exit 0 after exactly 2 events" test "$RC" = 0 -a \
	"$(wc -l <"$WORK/count.json")" = 2

# A reader that goes away (| head -n 1) ends the tool quietly, exit 0.
# reader_gone: runs the tool into head -n 1 and makes events; fails if
# the tool is still running 5 s later
reader_gone() {
	local sub i
	(
		"$TOOL" --json 2>"$WORK/err" | head -n 1 >"$WORK/head.json"
		echo "${PIPESTATUS[0]}" >"$WORK/pipe.rc"
	) &
	sub=$!
	for i in $(seq 1 100); do grep -q attached "$WORK/err" 2>/dev/null && break; sleep 0.1; done
	for i in $(seq 1 50); do
		kill -0 $sub 2>/dev/null || break
		"$MARK"
		sleep 0.1
	done
	if kill -0 $sub 2>/dev/null; then
		pkill -f "^$TOOL --json$"
		return 1
	fi
}
if step reader_gone; then
	check "| head -n 1: the tool stops by itself, exit 0, one line" test \
		"$(cat "$WORK/pipe.rc" 2>/dev/null)" = 0 -a \
		"$(wc -l 2>/dev/null <"$WORK/head.json")" = 1
else
	fail "| head -n 1: the tool stops when its reader is gone"
fi

# | head -1: the tool sees its reader leave without waiting for another
# event to write (stdout's pipe is in its epoll set); here no event
# after the first passes the filter. head_left: fails if the tool still
# runs 2 s after the one event.
head_left() {
	local i tool
	{ (
		echo "$BASHPID" >"$WORK/head.pid"
		exec "$TOOL" --json --filter "comm=bhead$$" 2>"$WORK/head.err"
	) | head -1 >"$WORK/head1.json"; } &
	for i in $(seq 1 100); do
		grep -q attached "$WORK/head.err" 2>/dev/null && break
		sleep 0.1
	done
	cp /bin/true "$WORK/bin/bhead$$"
	"$WORK/bin/bhead$$"
	tool=$(cat "$WORK/head.pid")
	for i in $(seq 1 20); do
		kill -0 "$tool" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$tool" 2>/dev/null; then
		kill -INT "$tool"
		wait
		return 1
	fi
	wait
}
if step head_left; then
	pass "| head -1: the tool exits once head has gone, with no further event"
else
	fail "| head -1: the tool exits once head has gone, with no further event"
fi
check "| head -1: head got the event" json_has "$WORK/head1.json" \
	"e['comm'] == 'bhead$$'[:15]"
