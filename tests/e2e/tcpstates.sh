#!/usr/bin/env bash
# tcpstates end to end: TCP connections over loopback (IPv4 and IPv6)
# give state changes decoded by name, with addresses, ports and the time
# spent in the old state; --port reaches the kernel.
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/tcpstates
run "$BUMBLE" bundle "$EXAMPLES/tcpstates.bpf.c" -o "$TOOL"
check "bundle tcpstates" test "$RC" = 0

needs ROOT # the checks below load tcpstates into the kernel

# connect and close once over 127.0.0.1 and once over ::1; prints ports
connect_both() {
	python3 -c '
import socket
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = socket.socket(fam)
    s.bind((host, 0))
    s.listen()
    port = s.getsockname()[1]
    c = socket.create_connection((host, port))
    a, _ = s.accept()
    c.close(); a.close(); s.close()
    print(port)'
}

start_tool "$WORK/all.json" "$TOOL" --json || fail "tcpstates attaches"
connect_both >"$WORK/ports"
sleep 0.3
stop_tool INT
P4=$(sed -n 1p "$WORK/ports")
P6=$(sed -n 2p "$WORK/ports")
check "IPv4: SYN_SENT -> ESTABLISHED to 127.0.0.1:$P4, with time in SYN_SENT" \
	json_has "$WORK/all.json" \
	"e['daddr'] == '::ffff:127.0.0.1' and e['dport'] == $P4 and
	 e['oldstate'] == 'SYN_SENT' and e['newstate'] == 'ESTABLISHED' and
	 e['in_old'] > 0 and e['comm'] == 'python3'"
check "IPv4: the listener's LISTEN -> CLOSE" json_has "$WORK/all.json" \
	"e['saddr'] == '::ffff:127.0.0.1' and e['sport'] == $P4 and
	 e['oldstate'] == 'LISTEN' and e['newstate'] == 'CLOSE'"
check "IPv6: SYN_SENT -> ESTABLISHED to [::1]:$P6" json_has "$WORK/all.json" \
	"e['daddr'] == '::1' and e['dport'] == $P6 and
	 e['oldstate'] == 'SYN_SENT' and e['newstate'] == 'ESTABLISHED'"
check "IPv6: FIN_WAIT2 -> CLOSE on the client side" json_has "$WORK/all.json" \
	"e['saddr'] == '::1' and e['dport'] == $P6 and
	 e['oldstate'] == 'FIN_WAIT2' and e['newstate'] == 'CLOSE'"

# --port: a listener on a fixed free port; only its connection shows.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_tool "$WORK/port.json" "$TOOL" --json --port "$PORT" ||
	fail "tcpstates --port attaches"
python3 -c '
import socket, sys
port = int(sys.argv[1])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen()
c = socket.create_connection(("127.0.0.1", port)); a, _ = s.accept()
c.close(); a.close(); s.close()' "$PORT"
connect_both >/dev/null
sleep 0.3
stop_tool INT
check "--port $PORT: its connection is traced" json_has "$WORK/port.json" \
	"e['dport'] == $PORT and e['newstate'] == 'ESTABLISHED'"
check "--port $PORT: every event has that port" json_all "$WORK/port.json" \
	"$PORT in (e['sport'], e['dport'])"

start_tool "$WORK/text.txt" "$TOOL" --filter newstate=LISTEN ||
	fail "tcpstates text attaches"
connect_both >"$WORK/ports"
sleep 0.3
stop_tool INT
check "text: states by name, durations in human units" grep -Eq \
	"python3 +::1 +$(sed -n 2p "$WORK/ports") +:: +0 CLOSE +LISTEN +0ns$" \
	"$WORK/text.txt"
