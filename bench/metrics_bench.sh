#!/usr/bin/env bash
# make bench-metrics: what --metrics costs. (1) consumer CPU per event of
# the evbench tool with a client scraping /metrics 10 times a second,
# against the same run unscraped (pairwise, run i against run i); (2) the
# latency of one scrape of a 10,000-series counter map plus a 64-bucket
# histogram (bench/scrapebench.bpf.c), and the tool's RSS growth over
# the scrapes. Writes bench/METRICS.md. Needs root. Not a test: no
# number passes or fails.
#
#   BENCH_RUNS      runs of each consumer measurement (5)
#   BENCH_EVENTS    events per run (1000000)
#   BENCH_SCRAPES   scrapes timed (50)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${BENCH_RUNS:-5}
EVENTS=${BENCH_EVENTS:-1000000}
SCRAPES=${BENCH_SCRAPES:-50}
OUT=$ROOT/build/bench-metrics
BUMBLE=$ROOT/build/bin/bumble
say() { echo "bench-metrics: $*" >&2; }
die() {
	echo "bench-metrics: error: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (it loads BPF programs)"
[ -x "$BUMBLE" ] || die "build bumble first (make)"
mkdir -p "$OUT"
RAW=$OUT/raw.tsv
: >"$RAW"

gcc -O2 -Wall -Wextra bench/driver.c -o "$OUT/evdriver"
gcc -O2 -Wall -Wextra -Wno-format-truncation bench/measure.c -o "$OUT/measure"
"$BUMBLE" bundle bench/evbench.bpf.c -o "$OUT/evbench" >/dev/null
"$BUMBLE" bundle bench/scrapebench.bpf.c -o "$OUT/scrapebench" >/dev/null

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- 1. consumer CPU per event, scraped 10x/s or not ---
# scraper PORT: GET /metrics every 100 ms until killed
cat >"$OUT/scraper.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
n = 0
while True:
    t = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
        while s.recv(65536):
            pass
        s.close()
        n += 1
    except OSError:
        pass
    time.sleep(max(0, 0.1 - (time.time() - t)))
PY
say "consumer CPU: $EVENTS events per run, $RUNS runs"
for r in $(seq 0 "$RUNS"); do
	for mode in plain scraped; do
		port=$(free_port)
		scraper=
		if [ "$mode" = scraped ]; then
			python3 "$OUT/scraper.py" "$port" &
			scraper=$!
		fi
		res=$("$OUT/measure" --driver "$OUT/evdriver" -n "$EVENTS" \
			--out /dev/null --err "$OUT/err.txt" --ready attached -- \
			"$OUT/evbench" --target_pid "{PID}" --metrics "127.0.0.1:$port") ||
			die "$(cat "$OUT/err.txt")"
		[ -n "$scraper" ] && kill "$scraper" && wait "$scraper" 2>/dev/null || true
		[ "$r" = 0 ] && continue # warm-up
		while IFS== read -r k v; do
			printf 'live\t%s\t%s\t%s\t%s\n' "$mode" "$r" "$k" "$v" >>"$RAW"
		done <<<"$res"
	done
done

# --- 2. one scrape of 10,000 series and a 64-bucket histogram ---
say "scrape latency: $SCRAPES scrapes of 10,000 series + 64 buckets"
port=$(free_port)
rm -f "$OUT/fifo"
mkfifo "$OUT/fifo"
"$OUT/evdriver" 10000 --wait <"$OUT/fifo" >/dev/null &
driver=$!
exec 7>"$OUT/fifo"
"$OUT/scrapebench" --target_pid "$driver" --metrics "127.0.0.1:$port" \
	>/dev/null 2>"$OUT/scrape-err.txt" &
tool=$!
for _ in $(seq 100); do
	grep -q attached "$OUT/scrape-err.txt" && break
	sleep 0.1
done
echo go >&7
exec 7>&-
wait "$driver"
python3 - "$port" "$tool" "$SCRAPES" >>"$RAW" <<'PY'
import socket, sys, time
port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def status(key):
    for line in open("/proc/%s/status" % pid):
        if line.startswith(key):
            return int(line.split()[1])
def scrape():
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
    data = b""
    while True:
        c = s.recv(1 << 20)
        if not c:
            break
        data += c
    return time.perf_counter() - t, data
rss0, hwm0 = status("VmRSS"), status("VmHWM")
for i in range(n):
    took, data = scrape()
    series = sum(1 for l in data.split(b"\n") if l.startswith(b"scrapebench_keys_total{"))
    buckets = sum(1 for l in data.split(b"\n") if l.startswith(b"scrapebench_slots_bucket{"))
    print("scrape\tbumble\t%d\tms\t%.3f" % (i + 1, took * 1000))
print("scrape\tbumble\t1\tseries\t%d" % series)
print("scrape\tbumble\t1\tbuckets\t%d" % buckets)
print("scrape\tbumble\t1\tbytes\t%d" % len(data))
print("scrape\tbumble\t1\trss_before_kb\t%d" % rss0)
print("scrape\tbumble\t1\trss_after_kb\t%d" % status("VmRSS"))
print("scrape\tbumble\t1\thwm_before_kb\t%d" % hwm0)
print("scrape\tbumble\t1\thwm_after_kb\t%d" % status("VmHWM"))
PY
kill -INT "$tool"
wait "$tool" || true

python3 - "$RAW" "$EVENTS" >bench/METRICS.md <<'PY'
import statistics, subprocess, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
events = int(sys.argv[2])
def vals(sec, name, key):
    return {int(r): float(v) for s, n, r, k, v in rows
            if s == sec and n == name and k == key}
def fmt(xs, nd=1):
    xs = sorted(xs)
    return "%.*f (%.*f–%.*f)" % (nd, statistics.median(xs), nd, xs[0], nd, xs[-1])
def sh(c):
    return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
print("# Benchmark: the --metrics endpoint\n")
print("Generated by `make bench-metrics` (bench/metrics_bench.sh); do not edit")
print("by hand. Figures are medians, (min–max) after them. Lower is better.\n")
print("| machine | |\n|---|---|")
print("| kernel | %s |" % sh("uname -r"))
print("| CPU | %s |" % sh("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1"))
print("| CPUs | %s |" % sh("nproc"))
print("| date | %s |" % sh("date -u '+%Y-%m-%d %H:%M UTC'"))
print("| source | %s |" % sh("git rev-parse --short HEAD"))
print("| runs | %d of %d events each |" % (len(vals("live", "plain", "sched_ns")), events))
print()
print("## 1. Consumer CPU per event, scraped 10 times a second or not\n")
print("The tool of bench/evbench.bpf.c (one 40-byte event per getppid(2) of")
print("the driver, printed to /dev/null) runs with `--metrics`, once with")
print("nothing scraping it and once with a client that GETs /metrics every")
print("100 ms. CPU is the consumer's own (schedstat) from the burst's start")
print("until it is idle (bench/measure.c); the ratio is per run, scraped over")
print("plain. Goal: within 1.1x.\n")
plain, scraped = vals("live", "plain", "sched_ns"), vals("live", "scraped", "sched_ns")
busy_p, busy_s = vals("live", "plain", "busy_ns"), vals("live", "scraped", "busy_ns")
print("| consumer | CPU ns/event | busy ms |\n|---|---|---|")
print("| not scraped | %s | %s |" % (fmt([v / events for v in plain.values()]),
                                   fmt([v / 1e6 for v in busy_p.values()])))
print("| scraped 10x/s | %s | %s |" % (fmt([v / events for v in scraped.values()]),
                                     fmt([v / 1e6 for v in busy_s.values()])))
print("| ratio | %s | |" % fmt([scraped[r] / plain[r] for r in plain if r in scraped], 3))
print()
print("## 2. One scrape of 10,000 series and a 64-bucket histogram\n")
print("The tool of bench/scrapebench.bpf.c holds a hash counter map of 10,000")
print("keys and a 64-slot log2 histogram; a client on 127.0.0.1 GETs /metrics")
print("again and again (connect to last byte). RSS is the tool's VmRSS before")
print("the first scrape and after the last; VmHWM its peak. Goals: under")
print("20 ms, under 2 MiB.\n")
ms = vals("scrape", "bumble", "ms")
one = lambda k: int(list(vals("scrape", "bumble", k).values())[0])
print("| | |\n|---|---|")
print("| series in the scrape | %d counter + %d buckets |" % (one("series"), one("buckets")))
print("| response size | %d KiB |" % (one("bytes") // 1024))
print("| first scrape | %.1f ms |" % ms[1])
print("| scrape latency (%d scrapes) | %s ms |" % (len(ms), fmt(ms.values())))
print("| RSS growth after them | %d KiB (%d to %d) |" % (one("rss_after_kb") - one("rss_before_kb"), one("rss_before_kb"), one("rss_after_kb")))
print("| peak RSS growth (VmHWM) | %d KiB |" % (one("hwm_after_kb") - one("hwm_before_kb")))
PY
say "wrote bench/METRICS.md"
