#!/usr/bin/env bash
# The metrics examples on /metrics, each scrape checked by promtool and
# against what a test process did: syscount counts a process's exact
# system calls, runqlat makes a histogram of scheduler latency, tcpconns
# keeps a gauge of TCP sockets by state, xdpcount counts packets and
# bytes by protocol in a network namespace.
. "$(dirname "$0")/../lib.sh"

for ex in syscount runqlat tcpconns xdpcount; do
	run "$BUMBLE" bundle "$EXAMPLES/$ex.bpf.c" -o "$WORK/$ex"
	check "bundle $ex" test "$RC" = 0
done

needs ROOT # the checks below load the examples into the kernel
scrape() {
	curl -s "http://127.0.0.1:$(metrics_port)/metrics" >"$1"
}

# syscount: exactly 17 getppid(2) calls by a process of a unique name
PY=$WORK/scnt$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$PY"
start_tool "$WORK/syscount.txt" "$WORK/syscount" --metrics :0 --interval 0.5 ||
	fail "syscount attaches with --metrics"
"$PY" -c 'import os; [os.getppid() for _ in range(17)]'
sleep 0.7
scrape "$WORK/syscount.prom"
stop_tool INT
check "syscount: exit 0" test "$RC" = 0
check "syscount: scrape passes promtool check metrics" \
	promtool check metrics <"$WORK/syscount.prom"
check "syscount: HELP from the map's doc comment" grep -qx \
	'# HELP syscount_syscalls_total System calls made, by call and process name.' \
	"$WORK/syscount.prom"
check "syscount: 17 getppid calls by scnt$$, as a series" test \
	"$(prom_value "$WORK/syscount.prom" "syscount_syscalls_total{nr=\"getppid\",comm=\"scnt$$\"}")" = 17
check "syscount: the terminal table every --interval, the 20 largest first" \
	python3 - "$WORK/syscount.txt" <<'PY'
import sys
tables, cur = [], None
for line in open(sys.argv[1]):
    if line == "counter_syscalls:\n":
        cur = []
        tables.append(cur)
    elif line.startswith("  ... ") and line.endswith(" more (--top 0 shows all)\n"):
        cur = None
    elif cur is not None and line.startswith("  ") and not line.lstrip().startswith("NR"):
        cur.append(int(line.split()[-1]))
    elif not line.startswith("  "):
        cur = None
assert len(tables) >= 2, tables
assert all(t == sorted(t, reverse=True) and 0 < len(t) <= 20 for t in tables)
PY

# runqlat: a log2 histogram whose buckets add up
start_tool "$WORK/runqlat.txt" "$WORK/runqlat" --metrics :0 ||
	fail "runqlat attaches with --metrics"
for i in $(seq 20); do sleep 0.01; done
scrape "$WORK/runqlat.prom"
stop_tool INT
check "runqlat: exit 0" test "$RC" = 0
check "runqlat: scrape passes promtool check metrics" \
	promtool check metrics <"$WORK/runqlat.prom"
check "runqlat: cumulative buckets, +Inf equal to _count, above 0" \
	python3 - "$WORK/runqlat.prom" <<'PY'
import sys
b = [l.split() for l in open(sys.argv[1]) if l.startswith("runqlat_runq_latency_bucket")]
counts = [int(v) for _, v in b]
count = [int(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("runqlat_runq_latency_count")]
assert b[-1][0] == 'runqlat_runq_latency_bucket{le="+Inf"}'
assert counts == sorted(counts) and counts[-1] == count[0] > 0
les = [int(n.split('"')[1]) for n, _ in b[:-1]]
assert all(((x + 1) & x) == 0 for x in les), les  # 2^(i+1)-1
PY
check "runqlat: the ASCII histogram on exit" grep -Eq \
	'^  \[[0-9]+, [0-9]+\) +[0-9]+ \|@*' "$WORK/runqlat.txt"

# tcpconns: 3 connections held to a port of our own, then closed
P=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_tool "$WORK/tcpconns.txt" "$WORK/tcpconns" --port "$P" --metrics :0 ||
	fail "tcpconns attaches with --metrics"
MPORT=$(metrics_port)
python3 - "$P" "$MPORT" "$WORK" <<'PY'
import socket, sys, time, urllib.request
port, mport, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port))
l.listen()
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
acc = [l.accept()[0] for _ in range(3)]
time.sleep(0.2)
url = "http://127.0.0.1:%s/metrics" % mport
open(work + "/tcp1.prom", "wb").write(urllib.request.urlopen(url).read())
for s in conns + acc + [l]:
    s.close()
time.sleep(0.2)
open(work + "/tcp2.prom", "wb").write(urllib.request.urlopen(url).read())
PY
stop_tool INT
check "tcpconns: exit 0" test "$RC" = 0
check "tcpconns: scrape passes promtool check metrics" \
	promtool check metrics <"$WORK/tcp1.prom"
check "tcpconns: 6 ESTABLISHED ends and 1 LISTEN while held" test \
	"$(prom_value "$WORK/tcp1.prom" 'tcpconns_tcp_states{state="ESTABLISHED"}') $(prom_value "$WORK/tcp1.prom" 'tcpconns_tcp_states{state="LISTEN"}')" = "6 1"
check "tcpconns: none ESTABLISHED or LISTEN once closed" test \
	"$(prom_value "$WORK/tcp2.prom" 'tcpconns_tcp_states{state="ESTABLISHED"}')$(prom_value "$WORK/tcp2.prom" 'tcpconns_tcp_states{state="LISTEN"}')" = ""

# xdpcount: 5 UDP datagrams of 48-byte frames across a veth pair
NS1=bmbl-ma-$$
NS2=bmbl-mb-$$
if step veth_netns "$NS1" "$NS2"; then
	start_tool "$WORK/xdp.txt" ip netns exec "$NS2" "$WORK/xdpcount" \
		--iface veth-b --metrics :0 || fail "xdpcount attaches with --metrics"
	ip netns exec "$NS1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(b"bumble", ("192.0.2.2", 4242))'
	sleep 0.3
	ip netns exec "$NS2" curl -s "http://127.0.0.1:$(metrics_port)/metrics" >"$WORK/xdp.prom"
	stop_tool INT
	check "xdpcount: exit 0" test "$RC" = 0
	check "xdpcount: scrape passes promtool check metrics" \
		promtool check metrics <"$WORK/xdp.prom"
	check "xdpcount: 5 UDP packets, 240 bytes" test \
		"$(prom_value "$WORK/xdp.prom" 'xdpcount_packets_total{proto="L4_UDP"}') $(prom_value "$WORK/xdp.prom" 'xdpcount_bytes_total{proto="L4_UDP"}')" = "5 240"
else
	fail "make two network namespaces joined by a veth pair"
fi
