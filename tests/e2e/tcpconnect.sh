#!/usr/bin/env bash
# tcpconnect end to end on this kernel: a kprobe and a kretprobe on
# tcp_v4_connect. Where the kernel has kprobes, a connect over 127.0.0.1
# is decoded (addresses, port in network order, comm) and --port filters
# in the kernel; where it has none, the tool says so plainly and exits 7.
# (tests/kernels.sh runs it on Debian's kernels, which have kprobes.)
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/tcpconnect
run "$BUMBLE" bundle "$EXAMPLES/tcpconnect.bpf.c" -o "$TOOL"
check "bundle tcpconnect" test "$RC" = 0
run "$TOOL" --list
check "--list: the kprobe, the kretprobe and --port" sh -c \
	"grep -q 'kprobe/tcp_v4_connect' '$WORK/out' &&
	 grep -q 'kretprobe/tcp_v4_connect' '$WORK/out' && grep -q -- '--port' '$WORK/out'"

needs ROOT # the checks below load tcpconnect into the kernel
needs '!KPROBES' expect_exit 7 \
	"program 'tcp_v4_connect_enter' \(section 'kprobe/tcp_v4_connect'\).*kprobes may be unavailable" \
	"kernel without kprobes: said plainly, naming the program, exit 7" \
	"$TOOL" --duration 1

needs ROOT,KPROBES

# connect PORT...: one connection over 127.0.0.1 to a listener on each
# given port (0: a free one); prints "PID PORT" for each
connect_to() {
	python3 -c '
import os, socket, sys
for want in sys.argv[1:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(want)))
    s.listen()
    c = socket.create_connection(s.getsockname())
    a, _ = s.accept()
    print(os.getpid(), s.getsockname()[1])
    c.close(); a.close(); s.close()' "$@"
}

start_tool "$WORK/all.json" "$TOOL" --json || fail "tcpconnect attaches"
connect_to 0 >"$WORK/conn"
stop_tool INT
check "SIGINT: clean exit 0" test "$RC" = 0
read -r cpid cport <"$WORK/conn"
check "JSON: the connect to 127.0.0.1:$cport with pid, comm and source" \
	json_has "$WORK/all.json" \
	"e['pid'] == $cpid and e['comm'] == 'python3' and e['uid'] == 0 and
	 e['saddr'] == '127.0.0.1' and e['daddr'] == '127.0.0.1' and
	 e['dport'] == $cport"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_tool "$WORK/port.json" "$TOOL" --json --port "$PORT" ||
	fail "tcpconnect --port attaches"
connect_to 0 "$PORT" 0 >/dev/null
stop_tool INT
check "--port $PORT: its connect is traced" json_has "$WORK/port.json" \
	"e['dport'] == $PORT"
check "--port $PORT: every event has that port" json_all "$WORK/port.json" \
	"e['dport'] == $PORT"
