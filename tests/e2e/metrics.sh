#!/usr/bin/env bash
# --metrics: GET /metrics in Prometheus' text format, checked by promtool,
# with counts equal to what a process of a unique name did: BPF counter,
# gauge and hist maps, and BumbleBee's counter_/gauge_/hist_ ring buffers
# (printed, and counted, set or observed). Every bad request the endpoint
# must survive, a port in use, and a stop with a scrape in flight.
. "$(dirname "$0")/../lib.sh"

HTTP="python3 $ROOT/tests/e2e/metrics_http.py"
AGG=$WORK/aggregates
RING=$WORK/ring
run "$BUMBLE" bundle "$FIXTURES/aggregates.bpf.c" -o "$AGG"
check "bundle the map fixture" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/ring_metrics.bpf.c" -o "$RING"
check "bundle the ring-buffer fixture" test "$RC" = 0
run "$BUMBLE" inspect "$FIXTURES/ring_metrics.bpf.c"
check "counter_/gauge_/hist_ ring buffers keep their role and event" \
	grep -Eq "^  hist_write_bytes +hist +size" "$WORK/out"

expect_exit 2 "--metrics takes \[ADDR:\]PORT" "--metrics 70000: exit 2" \
	"$AGG" --metrics 70000
expect_exit 2 "--metrics takes" "--metrics host:port: exit 2" \
	"$AGG" --metrics example.com:80
expect_exit 2 "--hist-field takes MAP=FIELD" "--hist-field without =: exit 2" \
	"$RING" --hist-field le
expect_exit 2 "no hist_ ring buffer of that name" \
	"--hist-field of an unknown map: exit 2" \
	"$RING" --hist-field nosuch=le --metrics :0
expect_exit 2 "has no integer field 'comm'" \
	"--hist-field naming a string field: exit 2" \
	"$RING" --hist-field hist_write_bytes=comm --metrics :0
expect_exit 2 "increasing numbers" "--hist-buckets out of order: exit 2" \
	"$RING" --hist-buckets hist_write_bytes=10,5 --metrics :0

needs ROOT # the checks below load the fixtures into the kernel
PY=$WORK/bring$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$PY"
cp "$PY" "$WORK/bagg$$"

start_tool "$WORK/agg.txt" "$AGG" --metrics 127.0.0.1:0 ||
	fail "the map fixture attaches with --metrics"
PORT=$(metrics_port)
"$WORK/bagg$$" -c 'import os; [os.getppid() for _ in range(7)]'
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/agg.prom"
check "scrape of BPF maps passes promtool check metrics" \
	promtool check metrics <"$WORK/agg.prom"
check "counter keyed by a struct: 7 calls under comm=bagg$$" test \
	"$(prom_value "$WORK/agg.prom" "aggregates_calls_total{comm=\"bagg$$\"}")" = 7
check "per-CPU counter summed, keyed by syscall name" test \
	"$(prom_value "$WORK/agg.prom" 'aggregates_syscalls_total{key="getppid"}')" = 7
check "signed gauge: -42" test \
	"$(prom_value "$WORK/agg.prom" 'aggregates_last{key="0"}')" = -42
check "unsigned gauge: 2^64-1, not -1" test \
	"$(prom_value "$WORK/agg.prom" 'aggregates_top{key="0"}')" = 18446744073709551615
check "log2 hist: 1000 counted under le=1023, cumulative to +Inf" test \
	"$(prom_value "$WORK/agg.prom" 'aggregates_values_bucket{le="1023"}') $(prom_value "$WORK/agg.prom" 'aggregates_values_bucket{le="+Inf"}') $(prom_value "$WORK/agg.prom" aggregates_values_count)" = "7 7 7"
check "TYPE and HELP lines" grep -q '^# TYPE aggregates_values histogram$' \
	"$WORK/agg.prom"
check "the tool's own series" grep -q \
	'^bumble_series_cut{tool="aggregates",map="counter_calls"} 0$' "$WORK/agg.prom"

# every bad request, and the endpoint still answers after them
check "HEAD /metrics: 200" test "$($HTTP "$PORT" head)" = "HTTP/1.1 200 OK"
check "GET /metrics?query: 200" test "$($HTTP "$PORT" query)" = "HTTP/1.1 200 OK"
check "another path: 404" test "$($HTTP "$PORT" notfound)" = "HTTP/1.1 404 Not Found"
check "POST: 405" test "$($HTTP "$PORT" post)" = "HTTP/1.1 405 Method Not Allowed"
check "binary garbage: 400" test "$($HTTP "$PORT" garbage)" = "HTTP/1.1 400 Bad Request"
check "no HTTP version: 400" test "$($HTTP "$PORT" noversion)" = "HTTP/1.1 400 Bad Request"
check "a request over 8 KiB: 431" test "$($HTTP "$PORT" oversized)" = \
	"HTTP/1.1 431 Request Header Fields Too Large"
out=$($HTTP "$PORT" slow)
check "a slow client is cut off after about 2 s ($out)" \
	python3 -c "import sys; w = '$out'.split(); sys.exit(not (w[0] == 'closed' and 1.5 < float(w[2][:-1]) < 3.5))"
check "a half-open client is closed" test "$($HTTP "$PORT" halfopen)" = closed
check "a reset mid-request leaves it serving" test "$($HTTP "$PORT" reset)" = \
	"HTTP/1.1 200 OK"
check "16 idle clients: more are refused, then served once they time out" \
	test "$($HTTP "$PORT" many)" = "refused refused | HTTP/1.1 200 OK"
"$WORK/bagg$$" -c 'import os; [os.getppid() for _ in range(3)]'
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/agg2.prom"
check "events counted all along: 10 calls" test \
	"$(prom_value "$WORK/agg2.prom" "aggregates_calls_total{comm=\"bagg$$\"}")" = 10

# a port in use: a clear error, nothing loaded
run "$AGG" --metrics "127.0.0.1:$PORT"
check "a port in use: exit 8" test "$RC" = 8
check "a port in use: said so" grep -q "cannot listen on 127.0.0.1:$PORT: Address in use" "$WORK/err"
check "a port in use: nothing attached" test "$(grep -c attached "$WORK/err")" = 0

# stopped while a scrape waits for its request's end
$HTTP "$PORT" inflight 3 >"$WORK/inflight" &
sleep 0.5
stop_tool INT
check "SIGINT with a request in flight: exit 0" test "$RC" = 0
wait
check "the client in flight sees its connection closed" test \
	"$(cat "$WORK/inflight")" = closed

# ring buffers: printed like print_ and feeding their metrics
start_tool "$WORK/ring.json" "$RING" --json --metrics :0 \
	--hist-buckets hist_write_bytes=10,100,1000 ||
	fail "the ring-buffer fixture attaches with --metrics"
PORT=$(metrics_port)
"$PY" -c 'import os
f = os.open("/dev/null", os.O_WRONLY)
for k in (5, 15, 700, 3000):
    os.write(f, b"x" * k)'
# a name with a quote, a backslash and a control byte: escaped labels (the
# value as text shows it, bring"q\\b\x01, then escaped for Prometheus)
python3 -c 'import ctypes, os
ctypes.CDLL(None).prctl(15, b"bring\"q\\b\x01", 0, 0, 0)
os.write(os.open("/dev/null", os.O_WRONLY), b"x")'
sleep 0.3
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/ring.prom"
stop_tool INT
check "SIGINT: exit 0" test "$RC" = 0
C="comm=\"bring$$\""
check "ring-buffer scrape passes promtool check metrics" \
	promtool check metrics <"$WORK/ring.prom"
check "counter_ ring buffer: its events printed" test \
	"$(grep -c "^{\"map\":\"counter_calls_ring\",\"comm\":\"bring$$\"}$" "$WORK/ring.json")" = 4
check "counter_ ring buffer: counted by its fields (4)" test \
	"$(prom_value "$WORK/ring.prom" "ring_metrics_calls_ring_total{$C}")" = 4
check "gauge_ ring buffer: printed, and set to the field value" test \
	"$(grep -c "^{\"map\":\"gauge_last_size\",\"comm\":\"bring$$\",\"value\":" "$WORK/ring.json") $(prom_value "$WORK/ring.prom" "ring_metrics_last_size{$C}")" = "4 3000"
check "hist_ ring buffer: _count equals the events, _sum their total" test \
	"$(prom_value "$WORK/ring.prom" "ring_metrics_write_bytes_count{$C}") $(prom_value "$WORK/ring.prom" "ring_metrics_write_bytes_sum{$C}")" = "4 3720"
check "hist_ ring buffer: --hist-buckets, cumulative, +Inf" test \
	"$(for le in 10 100 1000 +Inf; do prom_value "$WORK/ring.prom" "ring_metrics_write_bytes_bucket{$C,le=\"$le\"}"; done | tr '\n' ' ')" = "1 2 3 4 "
check "events read: the tool's own count" test \
	"$(prom_value "$WORK/ring.prom" 'bumble_events_read_total{tool="ring_metrics"}')" = 15
check "label values escaped: quote, backslash, control byte as \\x01" test \
	"$(prom_value "$WORK/ring.prom" 'ring_metrics_calls_ring_total{comm="bring\"q\\\\b\\x01"}')" = 1
check "snapshot: the counter_ ring buffer's count by its fields" snapshot_has \
	"$WORK/ring.json" counter_calls_ring \
	"l == {'comm': 'bring$$'} and e['value'] == 4"
check "snapshot: the gauge_ ring buffer's last value, its field not a label" \
	snapshot_has "$WORK/ring.json" gauge_last_size \
	"l == {'comm': 'bring$$'} and e['value'] == 3000"
check "snapshot: hist_ ring buffer count and sum" snapshot_has \
	"$WORK/ring.json" hist_write_bytes \
	"l == {'comm': 'bring$$'} and e['count'] == 4 and e['sum'] == 3720"
check "snapshot: hist_ ring buffer buckets (low, high], unbounded as null" \
	python3 -c '
import json, sys
snap = [json.loads(l) for l in open(sys.argv[1]) if "maps" in l][-1]
e = [e for e in snap["maps"]["hist_write_bytes"]["entries"]
     if e["labels"] == {"comm": sys.argv[2]}][0]
got = [(b["low"], b["high"], b["count"]) for b in e["buckets"]]
sys.exit(0 if got == [(None, 10, 1), (10, 100, 1), (100, 1000, 1),
                      (1000, None, 1)] else 1)' "$WORK/ring.json" "bring$$"

# the same in the terminal, without --metrics
start_tool "$WORK/ring.txt" "$RING" --hist-buckets hist_write_bytes=10,100,1000 ||
	fail "the ring-buffer fixture attaches"
"$PY" -c 'import os
f = os.open("/dev/null", os.O_WRONLY)
for k in (5, 15, 700, 3000):
    os.write(f, b"x" * k)'
sleep 0.3
stop_tool INT
check "text: the counter_ ring buffer's table on exit" grep -A2 -q \
	"^counter_calls_ring:\$" "$WORK/ring.txt"
check "text: its row, the count right-aligned" grep -Eq \
	"^  bring$$ +4\$" "$WORK/ring.txt"
check "text: the gauge_ ring buffer's last value" grep -Eq \
	"^  bring$$ +3000\$" "$WORK/ring.txt"
check "text: hist_ ring buffer under its labels, count and sum" grep -A1 -q \
	"^  count 4, sum 3720\$" "$WORK/ring.txt"
check "text: hist_ ring buffer buckets (1000, +inf]" grep -Eq \
	'^  \(1000, \+inf\] +1 \|@{40}\|$' "$WORK/ring.txt"

# a hist_ ring buffer without a field le: printed, summed up only when
# --hist-field names its field
NOF=$WORK/nofield
run "$BUMBLE" bundle "$FIXTURES/ring_nofield.bpf.c" -o "$NOF"
check "bundle a hist_ ring buffer without a field le" test "$RC" = 0
cp "$PY" "$WORK/bnof$$"
write_once() {
	"$WORK/bnof$$" -c 'import os; os.write(os.open("/dev/null", os.O_WRONLY), b"x" * 50)'
}
start_tool "$WORK/nof.json" "$NOF" --json || fail "it attaches"
write_once
sleep 0.3
stop_tool INT
check "no field le: exit 0, its event printed, no snapshot" test \
	"$RC $(grep -c "\"comm\":\"bnof$$\",\"size\":50" "$WORK/nof.json") $(grep -c '"maps"' "$WORK/nof.json")" = "0 1 0"
check "no field le: said, with the fix" grep -q \
	"map 'hist_sizes' has no integer field 'le': its events are printed but not summed up (name one with --hist-field hist_sizes=FIELD)" \
	"$WORK/err"
expect_exit 2 "has no integer field 'le'" \
	"no field le with --metrics: a usage error" "$NOF" --metrics :0 --duration 2
start_tool "$WORK/nof.json" "$NOF" --json --hist-field hist_sizes=size ||
	fail "it attaches with --hist-field"
write_once
sleep 0.3
stop_tool INT
check "--hist-field names it: observed, in the snapshot" snapshot_has \
	"$WORK/nof.json" hist_sizes \
	"l == {'comm': 'bnof$$'} and e['count'] == 1 and e['sum'] == 50 and
	 b['low'] == 20 and b['high'] == 50 and b['count'] == 1"

# kernel-side histograms with a slots[] value struct, keyed by name
SLOTS=$WORK/slots
run "$BUMBLE" bundle "$FIXTURES/slot_hists.bpf.c" -o "$SLOTS"
check "bundle the slot-hist fixture, without warnings" test \
	"$RC $(grep -c warning "$WORK/err")" = "0 0"
cp "$PY" "$WORK/bslot$$"
write_sizes() {
	"$WORK/bslot$$" -c 'import os
f = os.open("/dev/null", os.O_WRONLY)
for k in (5, 15, 700, 3000):
    os.write(f, b"x" * k)'
}
start_tool "$WORK/slots.txt" "$SLOTS" --metrics :0 ||
	fail "the slot-hist fixture attaches with --metrics"
PORT=$(metrics_port)
write_sizes
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/slots.prom"
stop_tool INT
check "slot hists: exit 0" test "$RC" = 0
check "slot hists: scrape passes promtool check metrics" \
	promtool check metrics <"$WORK/slots.prom"
C="comm=\"bslot$$\""
check "per-CPU log2 slots: summed, le 2^(i+1)-1, _sum from the field sum" test \
	"$(for le in 3 7 15 1023 4095 18446744073709551615 +Inf; do prom_value "$WORK/slots.prom" "slot_hists_write_log2_bucket{$C,le=\"$le\"}"; done | tr '\n' ' ')$(prom_value "$WORK/slots.prom" "slot_hists_write_log2_sum{$C}") $(prom_value "$WORK/slots.prom" "slot_hists_write_log2_count{$C}")" = \
	"0 1 2 3 4 4 4 3720 4"
check "linear slots (step 100): le min+(i+1)*step-1, no _sum without a field" test \
	"$(for le in 99 699 799 3099 3999 +Inf; do prom_value "$WORK/slots.prom" "slot_hists_write_linear_bucket{$C,le=\"$le\"}"; done | tr '\n' ' ')$(grep -c slot_hists_write_linear_sum "$WORK/slots.prom")" = \
	"2 2 3 4 4 4 0"
check "text: a histogram per key, under its fields" grep -A1 -q \
	"^  comm=bslot$$\$" "$WORK/slots.txt"
check "text: linear buckets [700, 800)" grep -Eq \
	'^  \[700, 800\) +1 \|@{20} {20}\|$' "$WORK/slots.txt"
start_tool "$WORK/slots.json" "$SLOTS" --json ||
	fail "the slot-hist fixture attaches"
write_sizes
sleep 0.2
stop_tool INT
check "JSON: a histogram per key, its counted slots, with the key's fields" \
	snapshot_has "$WORK/slots.json" hist_write_log2 \
	"l == {'comm': 'bslot$$'} and e['count'] == 4 and e['sum'] == 3720 and
	 b['low'] == 2048 and b['high'] == 4096 and b['count'] == 1"
check "JSON: linear bounds" snapshot_has "$WORK/slots.json" hist_write_linear \
	"b['low'] == 3000 and b['high'] == 3100 and b['count'] == 1 and 'sum' not in e"
