#!/usr/bin/env bash
# Counter, gauge and hist maps: read whole on exit and every --interval,
# keys decoded from BTF (a struct, a syscall_nr by name), per-CPU values
# summed, log2 histograms drawn; in text and JSON.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" inspect "$FIXTURES/aggregates.bpf.c"
if grep -Eq "^  counter_calls +counter +comm_key" "$WORK/out" &&
	grep -Eq "^  counter_syscalls +counter +counter_syscalls_key" "$WORK/out" &&
	grep -Eq "^  gauge_last +gauge" "$WORK/out" &&
	grep -Eq "^  hist_values +hist" "$WORK/out"; then
	pass "roles by name prefix, with key layouts"
else
	fail "roles by name prefix, with key layouts" "$(cat "$WORK/out")"
fi

TOOL=$WORK/aggregates
run "$BUMBLE" bundle "$FIXTURES/aggregates.bpf.c" -o "$TOOL"
check "bundle the fixture" test "$RC" = 0
expect_exit 2 "--interval takes a number of seconds from 0.001" \
	"--interval 0: exit 2" "$TOOL" --interval 0
expect_exit 2 "--top takes a number of entries" "--top -1: exit 2" \
	"$TOOL" --top -1
expect_exit 2 "--top takes a number of entries" "--top x: exit 2" \
	"$TOOL" --top x

needs ROOT # the checks below load the fixture into the kernel
PY=$WORK/bagg$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$PY"

start_tool "$WORK/agg.json" "$TOOL" --json || fail "the fixture attaches"
"$PY" -c 'import os; [os.getppid() for _ in range(3)]'
sleep 0.3
stop_tool INT
check "SIGINT: exit 0" test "$RC" = 0
check "JSON: one snapshot object, the final one" test "$(grep -c '"maps":' "$WORK/agg.json") $(grep -c '"final":true' "$WORK/agg.json")" = "1 1"
check "JSON: strict, no key twice" json_strict "$WORK/agg.json"
check "counter keyed by a struct: 3 calls by bagg$$" snapshot_has \
	"$WORK/agg.json" counter_calls \
	"l == {'comm': 'bagg$$'[:15]} and e['value'] == 3"
check "per-CPU counter keyed by syscall_nr: shown by name, summed" \
	snapshot_has "$WORK/agg.json" counter_syscalls \
	"l['key'] == 'getppid' and e['value'] == 3"
check "gauge: the last value, signed" snapshot_has "$WORK/agg.json" \
	gauge_last "l['key'] == 0 and e['value'] == -42"
check "gauge: an unsigned 2^64-1 is not -1" snapshot_has "$WORK/agg.json" \
	gauge_top "l['key'] == 0 and e['value'] == 2**64 - 1"
check "hist: 1000 lands in [512, 1024) three times" snapshot_has \
	"$WORK/agg.json" hist_values \
	"b['low'] == 512 and b['high'] == 1024 and b['count'] == 3"
check "hist: slot 63 is [2^63, 2^64), exactly" snapshot_has "$WORK/agg.json" \
	hist_edges "b['low'] == 2**63 and b['high'] == 2**64"
check "hist: slot 70 is [2^70, 2^71), not clamped to 64 bits" snapshot_has \
	"$WORK/agg.json" hist_edges "b['low'] == 2**70 and b['high'] == 2**71"
check "hist: empty slots are not listed" snapshot_all "$WORK/agg.json" \
	hist_values "b['count'] > 0"

start_tool "$WORK/agg.txt" "$TOOL" --interval 0.5 || fail "--interval run attaches"
"$PY" -c 'import os; os.getppid()'
sleep 1.2
stop_tool INT
check "--interval 0.5: shown while running and on exit (3+ times)" test \
	"$(grep -c '^counter_calls:$' "$WORK/agg.txt")" -ge 3
check "text: counter table with a header" grep -Eq \
	"^  COMM +VALUE$" "$WORK/agg.txt"
check "text: hist bucket with its bar" grep -Eq \
	'^  \[512, 1024\) +1 \|@{40}\|$' "$WORK/agg.txt"
check "text: each --interval snapshot starts with its time" grep -Eq \
	'^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\]$' "$WORK/agg.txt"

start_tool "$WORK/snaps.json" "$TOOL" --json --interval 0.3 ||
	fail "--json --interval run attaches"
"$PY" -c 'import os; os.getppid()'
sleep 1.1
stop_tool INT
check "JSON --interval: one snapshot object per interval, strict" \
	json_strict "$WORK/snaps.json"
check "JSON --interval: 3+ snapshots, only the last final, times rising" \
	python3 -c '
import json, sys
snaps = [json.loads(l) for l in open(sys.argv[1])]
snaps = [s for s in snaps if "maps" in s]
finals = [s["final"] for s in snaps]
times = [s["time"] for s in snaps]
sys.exit(0 if len(snaps) >= 3 and finals == [False] * (len(snaps) - 1) + [True]
         and times == sorted(times) else 1)' "$WORK/snaps.json"

# --top: 25 names, name k calling getppid k+1 times
many_names() {
	"$PY" -c 'import ctypes, os
libc = ctypes.CDLL(None)
for i in range(25):
    libc.prctl(15, b"bagg-t%02d" % i, 0, 0, 0)
    for _ in range(i + 1):
        os.getppid()'
}
start_tool "$WORK/top.txt" "$TOOL" || fail "the fixture attaches"
many_names
sleep 0.3
stop_tool INT
check "text: the 20 largest entries by default, then how many more" test \
	"$(sed -n '/^counter_calls:$/,/more/p' "$WORK/top.txt" | grep -c '^  bagg-t')/$(grep -c '^  \.\.\. 5 more (--top 0 shows all)$' "$WORK/top.txt")" = 20/1
check "text: largest first" test \
	"$(grep -m1 '^  bagg-t' "$WORK/top.txt" | tr -s ' ')" = " bagg-t24 25"
start_tool "$WORK/top.json" "$TOOL" --json --top 3 ||
	fail "the fixture attaches with --top 3"
many_names
sleep 0.3
stop_tool INT
check "JSON --top 3: the 3 largest, and how many more" python3 -c '
import json, sys
snap = [json.loads(l) for l in open(sys.argv[1])][-1]
m = snap["maps"]["counter_calls"]
got = [(e["labels"]["comm"], e["value"]) for e in m["entries"]]
sys.exit(0 if got == [("bagg-t24", 25), ("bagg-t23", 24), ("bagg-t22", 23)]
         and m["more"] == 22 else 1)' "$WORK/top.json"
start_tool "$WORK/all.json" "$TOOL" --json || fail "the fixture attaches"
many_names
sleep 0.3
stop_tool INT
check "JSON: every entry unless --top is given" python3 -c '
import json, sys
m = [json.loads(l) for l in open(sys.argv[1])][-1]["maps"]["counter_calls"]
sys.exit(0 if len(m["entries"]) == 25 and m["more"] == 0 else 1)' "$WORK/all.json"
