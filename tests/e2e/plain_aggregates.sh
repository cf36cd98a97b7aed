#!/usr/bin/env bash
# Aggregates libbpf-tools keep in less common shapes, shown plainly on a
# real kernel: a value struct with a count and slots[] whose slots stay 0
# (a table of its count), and the same filling its slots (a histogram);
# histograms and counts in global arrays (.bss, .data) by index, and
# lone globals the program only adds to (a count, a histogram); an
# array indexed by a tracepoint argument of known meaning (softirq
# vectors, signals) shown by name.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/plain_counts.bpf.c" -o "$WORK/plain_counts"
check "bundle plain_counts with no flags" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/plain_globals.bpf.c" -o "$WORK/plain_globals"
check "bundle plain_globals with no flags" test "$RC" = 0
run "$BUMBLE" inspect "$FIXTURES/plain_globals.bpf.c"
check "inspect names each global aggregate and its section" sh -c \
	"grep -Eq '^  hists +hist +hists_key \(a global in \.bss\)$' '$WORK/out' &&
	 grep -Eq '^  balance +counter +balance_key \(a global in \.data\)$' '$WORK/out' &&
	 ! grep -Eq '^  (which|name|last_ns|blank) ' '$WORK/out'"
check "inspect: a lone global only added to, a count or a hist, no key" \
	sh -c "grep -Eq '^  total +counter +- \(a global in \.bss\)$' '$WORK/out' &&
	 grep -Eq '^  lat +hist +- \(a global in \.bss\)$' '$WORK/out'"

run "$BUMBLE" bundle "$FIXTURES/plain_vectors.bpf.c" -o "$WORK/plain_vectors"
check "bundle plain_vectors with no flags" test "$RC" = 0
run "$BUMBLE" inspect "$FIXTURES/plain_vectors.bpf.c"
check "inspect: indexed by a BPF_PROG's softirq vector, through a function: as softirq_vec" \
	sh -c "grep -A1 '^event struct vec_hits_key' '$WORK/out' |
	 grep -Eq '^  index +offset 0 +uint32 as softirq_vec$'"
check "inspect: indexed by a signal copied to a local: as signal_nr" \
	sh -c "grep -A1 '^event struct sig_hits_key' '$WORK/out' |
	 grep -Eq '^  index +offset 0 +uint32 as signal_nr$'"
check "inspect: indexed by a value computed from an argument: a number" \
	sh -c "grep -A1 '^event struct group_hits_key' '$WORK/out' |
	 grep -Eq '^  index +offset 0 +uint32$'"

needs ROOT # the checks below load the fixtures into the kernel

if start_tool "$WORK/vectors.txt" "$WORK/plain_vectors" --duration 30; then
	python3 -c 'import os, signal
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
for _ in range(3): os.kill(os.getpid(), signal.SIGUSR1)'
	sleep 1
	stop_tool INT
	check "softirqs and signals counted by name" python3 - "$WORK/vectors.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
vecs = re.search(r"^vec_hits:\n +INDEX +VALUE\n(( +\S+ +\d+\n)+)", text, re.M)
names = {"hi", "timer", "net_tx", "net_rx", "block", "irq_poll",
         "tasklet", "sched", "hrtimer", "rcu"}
sig = re.search(r"^ +SIGUSR1 +([3-9]|\d\d+)$", text, re.M)
ok = vecs and sig and all(
    l.split()[0] in names for l in vecs.group(1).splitlines())
sys.exit(0 if ok else 1)
PY
else
	fail "plain_vectors attaches" "$(cat "$WORK/err")"
fi

NAME=pcount$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/$NAME"

if start_tool "$WORK/out.txt" "$WORK/plain_counts" --duration 30; then
	getppid_7
	stop_tool INT
	check "slots all 0: a table of the other fields, slots left out" \
		python3 - "$WORK/out.txt" "$NAME" <<'PY'
import re, sys
text, name = open(sys.argv[1]).read(), sys.argv[2]
head = re.search(r"^infos:\n +COMM +COUNT +TOTAL_NS$", text, re.M)
row = re.search(r"^ +%s +7 +\d+$" % re.escape(name), text, re.M)
sys.exit(0 if head and row else 1)
PY
else
	fail "plain_counts attaches" "$(cat "$WORK/err")"
fi

if start_tool "$WORK/out.json" "$WORK/plain_counts" --json --duration 30; then
	getppid_7
	stop_tool INT
	check "JSON: shown as a counter, the value an object without slots" \
		python3 - "$WORK/out.json" "$NAME" <<'PY'
import json, sys
snap = json.loads(open(sys.argv[1]).read().splitlines()[-1])
m = snap["maps"]["infos"]
ok = m["role"] == "counter" and any(
    e["labels"]["comm"] == sys.argv[2] and e["value"]["count"] == 7
    and "slots" not in e["value"] for e in m["entries"])
sys.exit(0 if ok else 1)
PY
else
	fail "plain_counts (JSON) attaches" "$(cat "$WORK/err")"
fi

if start_tool "$WORK/slots.json" "$WORK/plain_counts" --with-slots --json \
	--duration 30; then
	getppid_7
	stop_tool INT
	check "slots counted: a histogram under the name, 7 in its buckets" \
		snapshot_has "$WORK/slots.json" infos \
		"l['comm'] == '$NAME' and e['count'] == 7"
else
	fail "plain_counts --with-slots attaches" "$(cat "$WORK/err")"
fi

if start_tool "$WORK/globals.txt" "$WORK/plain_globals" --which 2 \
	--duration 30; then
	getppid_7
	stop_tool INT
	check "a global array of struct hist: a histogram under its index" \
		python3 - "$WORK/globals.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
block = re.search(r"^hists:\n  index=2\n((?:  \[.*\n)+)", text, re.M)
counts = [int(x) for x in re.findall(r"\) +(\d+) \|", block.group(1))] if block else []
sys.exit(0 if sum(counts) >= 7 else 1)
PY
	check "global integer arrays (.bss, .data): a table by index" \
		python3 - "$WORK/globals.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
c = re.search(r"^counts:\n +INDEX +VALUE\n +2 +(\d+)\n(?! +\d)", text, re.M)
b = re.search(r"^balance:\n +INDEX +VALUE\n +3 +5\n +2 +(-\d+)$", text, re.M)
sys.exit(0 if c and int(c.group(1)) >= 7 and b and int(b.group(1)) <= -7 else 1)
PY
	check "a lone integer only added to: one line, its count" python3 - \
		"$WORK/globals.txt" <<'PY'
import re, sys
m = re.search(r"^total: (\d+)$", open(sys.argv[1]).read(), re.M)
sys.exit(0 if m and int(m.group(1)) >= 7 else 1)
PY
	check "a lone struct hist only added to: one histogram, no labels" \
		python3 - "$WORK/globals.txt" <<'PY'
import re, sys
block = re.search(r"^lat:\n((?:  \[.*\n)+)", open(sys.argv[1]).read(), re.M)
counts = [int(x) for x in re.findall(r"\) +(\d+) \|", block.group(1))] if block else []
sys.exit(0 if sum(counts) >= 7 else 1)
PY
	check "no parameter, byte array, assigned or only-read lone global" \
		sh -c "! grep -Eq '^(which|name|last_ns|blank):' '$WORK/globals.txt'"
else
	fail "plain_globals attaches" "$(cat "$WORK/err")"
fi

if start_tool "$WORK/globals.json" "$WORK/plain_globals" --json \
	--duration 30; then
	getppid_7
	stop_tool INT
	check "JSON: a global counter's entry labelled by its index" \
		snapshot_has "$WORK/globals.json" counts \
		"l == {'index': 1} and e['value'] >= 7"
	check "JSON: a global hist's entry labelled by its index" \
		snapshot_has "$WORK/globals.json" hists \
		"l == {'index': 1} and e['count'] >= 7"
	check "JSON: a lone global count, no labels" \
		snapshot_has "$WORK/globals.json" total \
		"l == {} and e['value'] >= 7"
else
	fail "plain_globals (JSON) attaches" "$(cat "$WORK/err")"
fi

if start_tool "$WORK/globals.out" "$WORK/plain_globals" \
	--metrics 127.0.0.1:0 --duration 30; then
	getppid_7
	curl -s "http://127.0.0.1:$(metrics_port)/metrics" >"$WORK/globals.prom"
	stop_tool INT
	check "/metrics: global counters and hists, by index and lone" python3 - \
		"$WORK/globals.prom" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
c = re.search(r'^plain_globals_counts_total\{index="1"\} (\d+)$', text, re.M)
h = re.search(r'^plain_globals_hists_count\{index="1"\} (\d+)$', text, re.M)
t = re.search(r'^plain_globals_total_total (\d+)$', text, re.M)
n = re.search(r'^plain_globals_lat_count (\d+)$', text, re.M)
sys.exit(0 if c and int(c.group(1)) >= 7 and h and int(h.group(1)) >= 7
         and t and int(t.group(1)) >= 7 and n and int(n.group(1)) >= 7 else 1)
PY
else
	fail "plain_globals (--metrics) attaches" "$(cat "$WORK/err")"
fi
