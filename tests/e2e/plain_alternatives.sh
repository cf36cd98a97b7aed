#!/usr/bin/env bash
# One program per target: of a tp_btf and a raw_tp program of the same
# tracepoint only the tp_btf one loads (each exec seen once), the raw_tp
# one when the kernel refuses the tp_btf one; a program whose tracepoint
# this kernel lacks is skipped with a warning. fentry and kprobe of one
# function: the fentry one, or where the kernel refuses it (as this
# host's does) the kprobe one, or a plain kprobe error without kprobes.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/plain_kprobe_pair.bpf.c" -o "$WORK/pair"
check "bundle plain_kprobe_pair" test "$RC" = 0

run "$BUMBLE" bundle "$FIXTURES/plain_alternatives.bpf.c" -o "$WORK/alt"
check "bundle plain_alternatives" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/plain_alternatives.bpf.c" -DREJECT_BTF \
	-o "$WORK/alt_raw"
check "bundle it with a tp_btf program the verifier refuses" test "$RC" = 0

needs ROOT # the checks below load the fixture into the kernel

NAME=alt$$
cp /bin/true "$WORK/$NAME"
# once_by TOOL OUT: runs $NAME once under TOOL, JSON events into OUT
once_by() {
	if start_tool "$2" "$1" --json; then
		"$WORK/$NAME"
		sleep 0.3
		stop_tool INT
		return 0
	fi
	fail "$(basename "$1") attaches" "$(cat "$WORK/err")"
	return 1
}

if once_by "$WORK/alt" "$WORK/btf.json"; then
	check "the missing syscall tracepoint: skipped, saying why" grep -q \
		"skipped program 'on_missing': no 'no_such_call' system call on x86_64, so no tracepoint 'tracepoint/syscalls/sys_enter_no_such_call'" \
		"$WORK/err"
	check "one program attached: tp_btf, not raw_tp, not the missing one" grep -q \
		"attached 1 program," "$WORK/err"
	check "the exec seen once, by the tp_btf program" python3 -c "
import json, sys
seen = [json.loads(l) for l in open('$WORK/btf.json')]
mine = [e for e in seen if e.get('comm') == '$NAME']
sys.exit(0 if [e['via'] for e in mine] == [1] else 1)"
fi

if once_by "$WORK/alt_raw" "$WORK/raw.json"; then
	check "the tp_btf program refused: said, and raw_tp loaded instead" \
		grep -q "loading their raw_tp/kprobe/kretprobe alternatives instead" \
		"$WORK/err"
	check "the exec seen once, by the raw_tp program" python3 -c "
import json, sys
seen = [json.loads(l) for l in open('$WORK/raw.json')]
mine = [e for e in seen if e.get('comm') == '$NAME']
sys.exit(0 if [e['via'] for e in mine] == [2] else 1)"
fi

# fentry/kprobe: whichever the kernel takes, each connect is seen once
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1]); sys.stdout.flush()
while True: s.accept()[0].close()' >"$WORK/port" &
server=$!
sleep 0.3
if start_tool "$WORK/pair.json" "$WORK/pair" --json 2>/dev/null; then
	cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/pc$$"
	"$WORK/pc$$" -c "import socket; socket.create_connection(('127.0.0.1', $(cat "$WORK/port"))).close()"
	sleep 0.3
	stop_tool INT
	check "fentry/kprobe pair: the connect seen once" python3 -c "
import json, sys
seen = [json.loads(l) for l in open('$WORK/pair.json')]
sys.exit(0 if len([e for e in seen if e.get('comm') == 'pc$$']) == 1 else 1)"
else
	run "$WORK/pair" --duration 1
	check "fentry refused: the kprobe alternative tried, and said so" grep -q \
		"loading their raw_tp/kprobe/kretprobe alternatives instead" \
		"$WORK/err"
	check "... without kprobes either: exit 7, kprobes named" sh -c \
		"test $RC = 7 && grep -q 'kprobes may be unavailable' '$WORK/err'"
fi
check "the kprobe on a missing function: skipped with a warning" grep -q \
	"program 'nowhere' is skipped: this kernel has no attach point 'kprobe/bumble_no_such_function'" \
	"$WORK/err"
kill $server
wait $server 2>/dev/null
