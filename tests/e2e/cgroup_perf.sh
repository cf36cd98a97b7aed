#!/usr/bin/env bash
# cgroup programs on --cgroup (a cgroup this test makes) and perf_event
# programs sampling every CPU at --freq, against the real kernel.
. "$(dirname "$0")/../lib.sh"

CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)/bumble-test-$$
cg_cleanup() {
	rmdir "$CG" 2>/dev/null
	cleanup
}
trap cg_cleanup EXIT

run "$BUMBLE" bundle "$FIXTURES/cgroup_egress.bpf.c" -o "$WORK/cgegress"
check "bundle a cgroup_skb program" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/profile.bpf.c" -o "$WORK/profile"
check "bundle a perf_event program" test "$RC" = 0
expect_exit 2 "--freq takes a sampling rate" "--freq abc: exit 2" \
	"$WORK/profile" --freq abc

needs ROOT # the checks below load the programs into the kernel
expect_exit 2 "cannot open cgroup '$WORK/nocg'.*--cgroup PATH" \
	"a missing cgroup: exit 2" "$WORK/cgegress" --cgroup "$WORK/nocg"
expect_exit 2 "'$WORK' is not a cgroup v2 directory" \
	"a directory that is no cgroup: exit 2" "$WORK/cgegress" --cgroup "$WORK"

if step mkdir "$CG" 2>/dev/null; then
	start_tool "$WORK/cg.json" "$WORK/cgegress" --cgroup "$CG" --json ||
		fail "cgroup_skb program attaches to $CG"
	# a process inside the cgroup sends one datagram to loopback
	step sh -c "echo \$\$ > '$CG/cgroup.procs' && exec python3 -c '
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b\"x\" * 100, (\"127.0.0.1\", 9))'"
	sleep 0.3
	stop_tool INT
	check "cgroup_skb: the datagram from inside the cgroup (128 bytes)" \
		json_has "$WORK/cg.json" "e['len'] == 128"
else
	skip "cgroup_skb program on a new cgroup" "cannot create $CG (no cgroup v2?)"
fi

start_tool "$WORK/prof.json" "$WORK/profile" --json --freq 200 ||
	fail "perf_event program attaches on every CPU"
step timeout 1 sh -c 'while :; do :; done'
stop_tool INT
check "perf_event: samples of a busy process on the CPU" json_has \
	"$WORK/prof.json" "e['comm'] == 'sh'"
cpus=$(python3 -c "
import json
print(len({json.loads(l)['cpu'] for l in open('$WORK/prof.json')}))")
check "perf_event: sampled on every CPU ($cpus of $(nproc))" test "$cpus" = "$(nproc)"
