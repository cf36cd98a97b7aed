#!/usr/bin/env bash
# XDP and tc programs on --iface, in two network namespaces this test
# makes (joined by a veth pair, nothing routed to the host): xdpcount and
# a tc fixture see the UDP packets sent across, and leave nothing
# attached behind them.
. "$(dirname "$0")/../lib.sh"

NS1=bmbl-a-$$
NS2=bmbl-b-$$

run "$BUMBLE" bundle "$EXAMPLES/xdpcount.bpf.c" -o "$WORK/xdpcount"
check "bundle xdpcount" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/tcsnoop.bpf.c" -o "$WORK/tcsnoop"
check "bundle a tc program" test "$RC" = 0

needs ROOT # the checks below make network namespaces and load programs
if ! step veth_netns "$NS1" "$NS2"; then
	fail "make two network namespaces joined by a veth pair"
	exit 0
fi
pass "two network namespaces joined by a veth pair"

# send N UDP datagrams from NS1 to 192.0.2.2:PORT
send_udp() {
	ip netns exec "$NS1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"bumble", ("192.0.2.2", int(sys.argv[1])))' "$1" "$2"
}

expect_exit 2 "attaches to a network interface: give one with --iface" \
	"XDP without --iface: exit 2" "$WORK/xdpcount"
expect_exit 2 "no network interface 'veth-nope'" \
	"XDP on a missing interface: exit 2" "$WORK/xdpcount" --iface veth-nope

if start_tool "$WORK/xdp.json" ip netns exec "$NS2" "$WORK/xdpcount" \
	--iface veth-b --json; then
	check "XDP attached to veth-b while running" sh -c \
		"ip -n '$NS2' link show veth-b | grep -q xdp"
	step send_udp 4242 5
	sleep 0.5
	stop_tool INT
	check "SIGINT: exit 0" test "$RC" = 0
	check "XDP: the UDP packets, with addresses, protocol and length" \
		json_has "$WORK/xdp.json" \
		"e['saddr'] == '192.0.2.1' and e['daddr'] == '192.0.2.2' and
		 e['proto'] == 'L4_UDP' and e['len'] == 34"
	check "XDP: all 5 datagrams seen" test \
		"$(grep '"saddr"' "$WORK/xdp.json" | grep -c '"proto":"L4_UDP"')" -ge 5
	check "XDP: detached on exit" sh -c \
		"! ip -n '$NS2' link show veth-b | grep -q xdp"
else
	fail "xdpcount attaches to veth-b"
fi

start_tool "$WORK/sample.json" ip netns exec "$NS2" "$WORK/xdpcount" \
	--iface veth-b --json --sample 4 || fail "xdpcount --sample attaches"
step send_udp 4243 8
sleep 0.5
stop_tool INT
check "--sample 4 reaches the kernel: 2 of 8 datagrams shown" test \
	"$(grep '"saddr"' "$WORK/sample.json" | grep -c '"proto":"L4_UDP"')" = 2

if start_tool "$WORK/tc.json" ip netns exec "$NS2" "$WORK/tcsnoop" \
	--iface veth-b --json; then
	step send_udp 5353 3
	sleep 0.5
	check "tc: the program is loaded while running" sh -c \
		"bpftool prog show name tc_udp >/dev/null"
	stop_tool INT
	check "tc: the datagrams with source and port (network order)" \
		json_has "$WORK/tc.json" \
		"e['saddr'] == '192.0.2.1' and e['dport'] == 5353 and e['len'] == 48"
	# tcx links hold the program; once detached it is unloaded
	check "tc: detached and unloaded on exit" sh -c \
		"! bpftool prog show name tc_udp >/dev/null 2>&1"
else
	fail "tcsnoop attaches to veth-b"
fi
