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

needs ROOT # the checks below load the fixture into the kernel
PY=$WORK/bagg$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$PY"

start_tool "$WORK/agg.json" "$TOOL" --json || fail "the fixture attaches"
"$PY" -c 'import os; [os.getppid() for _ in range(3)]'
sleep 0.3
stop_tool INT
check "SIGINT: exit 0" test "$RC" = 0
check "counter keyed by a struct: 3 calls by bagg$$" json_has \
	"$WORK/agg.json" \
	"e.get('map') == 'counter_calls' and e['comm'] == 'bagg$$'[:15] and e['value'] == 3"
check "per-CPU counter keyed by syscall_nr: shown by name, summed" json_has \
	"$WORK/agg.json" \
	"e.get('map') == 'counter_syscalls' and e['key'] == 'getppid' and e['value'] == 3"
check "gauge: the last value, signed" json_has "$WORK/agg.json" \
	"e.get('map') == 'gauge_last' and e['key'] == 0 and e['value'] == -42"
check "gauge: an unsigned 2^64-1 is not -1" json_has "$WORK/agg.json" \
	"e.get('map') == 'gauge_top' and e['key'] == 0 and e['value'] == 2**64 - 1"
check "hist: 1000 lands in [512, 1024) three times" json_has "$WORK/agg.json" \
	"e.get('map') == 'hist_values' and e['slot'] == 9 and
	 e['low'] == 512 and e['high'] == 1024 and e['count'] == 3"
check "hist: slot 63 is [2^63, 2^64), exactly" json_has "$WORK/agg.json" \
	"e.get('map') == 'hist_edges' and e['slot'] == 63 and
	 e['low'] == 2**63 and e['high'] == 2**64"
check "hist: slot 70 is [2^70, 2^71), not clamped to 64 bits" json_has \
	"$WORK/agg.json" \
	"e.get('map') == 'hist_edges' and e['slot'] == 70 and
	 e['low'] == 2**70 and e['high'] == 2**71"
check "hist: empty slots are not listed" json_all "$WORK/agg.json" \
	"e.get('map') != 'hist_values' or e['count'] > 0"

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
