#!/usr/bin/env bash
# make bench: bumble side by side with a hand-written libbpf tool
# (bench/reference/) and bpftrace, on one program (bench/evbench.bpf.c).
# Builds everything under build/bench, measures, and writes
# bench/RESULTS.md with the machine's details. Needs root: it loads BPF
# programs. Not a test: no number passes or fails.
#
#   BENCH_RUNS             runs of each measurement (5); medians, min, max
#   BENCH_STARTUP_RUNS     startup runs (15: each is short, and noisy)
#   BENCH_BUNDLE_RUNS      bundle latency runs (9: clang alone varies ±15%)
#   BENCH_EVENTS           events per throughput run (1000000)
#   BENCH_DRAIN_EVENTS     events per backlog run (500000; must fit the
#                          32 MiB ring: 48 bytes each)
#   BENCH_BPFTRACE_EVENTS  events per bpftrace run (200000: it takes
#                          ~10 us per event, a 1M run would take minutes)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

RUNS=${BENCH_RUNS:-5}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-15}
BUNDLE_RUNS=${BENCH_BUNDLE_RUNS:-9}
EVENTS=${BENCH_EVENTS:-1000000}
DRAIN_EVENTS=${BENCH_DRAIN_EVENTS:-500000}
BT_EVENTS=${BENCH_BPFTRACE_EVENTS:-200000}
OUT=$ROOT/build/bench
RAW=$OUT/raw.tsv
BUMBLE=$ROOT/build/bin/bumble
LIB=$ROOT/build/lib/bumble
SYSROOT=$ROOT/build/sysroot
HOST=$ROOT/build/host

say() { echo "bench: $*" >&2; }
die() {
	echo "bench: error: $*" >&2
	exit 1
}

# --- what the benchmark itself needs (not the toolchain's deps.sh) ---
need=()
command -v bpftrace >/dev/null || need+=(bpftrace)
command -v valgrind >/dev/null || need+=(valgrind)
command -v bpftool >/dev/null || need+=(bpftool)
command -v musl-gcc >/dev/null || need+=(musl-tools)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	say "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "${need[@]}" >/dev/null ||
		die "cannot install ${need[*]}"
fi
[ "$(id -u)" = 0 ] || die "needs root (it loads BPF programs); run: sudo make bench"
[ -x "$BUMBLE" ] && [ -f "$LIB/stub/libbumble-stub.a" ] ||
	die "build bumble first (make)"

mkdir -p "$OUT/t"
: >"$RAW"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; }
now_ns() { date +%s%N; }

# --- builds ---
say "building the driver, the harness and the tools"
gcc -O2 -Wall -Wextra bench/driver.c -o "$OUT/evdriver"
gcc -O2 -Wall -Wextra -Wno-format-truncation bench/measure.c -o "$OUT/measure"

# bumble's own clang command for this file: the floor of a bundle
BUNDLE_LOG=$("$BUMBLE" bundle -v bench/evbench.bpf.c \
	-o "$OUT/evbench" 2>&1) || die "bumble bundle failed: $BUNDLE_LOG"
CLANG_CMD=$(printf '%s\n' "$BUNDLE_LOG" |
	sed -n 's/^+ \(.*-target bpf.*\) -o [^ ]*$/\1/p' | head -n 1)
[ -n "$CLANG_CMD" ] || die "no clang command in 'bumble bundle -v':
$BUNDLE_LOG"
read -r -a CLANG_ARGV <<<"$CLANG_CMD"

# The hand-written tool: the same BPF object, without its DWARF as
# libbpf-bootstrap's build leaves it (bpftool gen object), a skeleton, a
# static link with the libbpf, libelf and zlib bumble's stub carries
# (musl), and the same source statically against glibc.
build_reference() { # DIR
	"${CLANG_ARGV[@]}" -o "$1/evbench.full.o" &&
		bpftool gen object "$1/evbench.bpf.o" "$1/evbench.full.o" &&
		bpftool gen skeleton "$1/evbench.bpf.o" name evbench \
			>"$1/evbench.skel.h" &&
		musl-gcc -static -Os -s -Wl,--gc-sections -Wall -I "$1" \
			-I "$SYSROOT/include" bench/reference/evbench.c \
			-L "$SYSROOT/lib" -lbpf -lelf -lz -o "$1/evbench-ref"
}
build_reference "$OUT" || die "building bench/reference/evbench.c failed"
mv "$OUT/evbench-ref" "$OUT/evbench-ref-musl"
gcc -static -O2 -s -Wl,--gc-sections -Wall -I "$OUT" -I "$HOST/include" \
	bench/reference/evbench.c "$HOST/lib/libbpf.a" -lelf -lz \
	-o "$OUT/evbench-ref-glibc" 2>"$OUT/glibc-link.log" ||
	die "static glibc link failed: $(cat "$OUT/glibc-link.log")"

# fmtbench: the generated runner's tables with the stub's formatter,
# compiled as the Makefile compiles the stub (musl, -Os).
"$BUMBLE" gen bench/evbench.bpf.c -o "$OUT/runner.c"
STUB_CFLAGS="-Os -ffunction-sections -fdata-sections -D_GNU_SOURCE -Istub/include -Istub -I$SYSROOT/include -Ibuild/obj/bumble/gen"
# shellcheck disable=SC2086
musl-gcc $STUB_CFLAGS -static -Wl,--gc-sections bench/fmtbench.c \
	"$OUT/runner.c" stub/format_*.c stub/render_*.c stub/outbuf.c stub/names.c \
	-o "$OUT/fmtbench"

cat >"$OUT/evbench.bt" <<'EOF'
tracepoint:syscalls:sys_enter_getppid /pid == $1/
{
	printf("%7u %7u %12u %12u %s\n", pid, uid, tid, nsecs, comm);
}
EOF

# --- 1. bundle latency ---
say "bundle latency ($BUNDLE_RUNS runs)"
# the same for aarch64 alone and for both arches, when bumble has the
# aarch64 stub (make ARCHES=x86_64 leaves it out)
AARCH64=
[ -f "$LIB/aarch64/stub/libbumble-stub.a" ] && AARCH64=1
for r in $(seq 0 "$BUNDLE_RUNS"); do
	t0=$(now_ns)
	"${CLANG_ARGV[@]}" -o "$OUT/t/clang.bpf.o"
	t1=$(now_ns)
	"$BUMBLE" bundle bench/evbench.bpf.c -o "$OUT/t/evbench" >/dev/null
	t2=$(now_ns)
	build_reference "$OUT/t"
	t3=$(now_ns)
	[ "$r" = 0 ] && continue # warm-up: caches
	record bundle clang "$r" us "$(((t1 - t0) / 1000))"
	record bundle bumble "$r" us "$(((t2 - t1) / 1000))"
	record bundle handwritten "$r" us "$(((t3 - t2) / 1000))"
	[ -n "$AARCH64" ] || continue
	t0=$(now_ns)
	"$BUMBLE" bundle bench/evbench.bpf.c --arch aarch64 -o "$OUT/t/evbench-arm64" >/dev/null
	t1=$(now_ns)
	"$BUMBLE" bundle bench/evbench.bpf.c --arch x86_64,aarch64 -o "$OUT/t/evbench2" >/dev/null
	t2=$(now_ns)
	record bundle bumble-aarch64 "$r" us "$(((t1 - t0) / 1000))"
	record bundle bumble-both "$r" us "$(((t2 - t1) / 1000))"
done

# --- 2. size ---
record size bumble 1 bytes "$(stat -c %s "$OUT/evbench")"
record size ref-musl 1 bytes "$(stat -c %s "$OUT/evbench-ref-musl")"
record size ref-glibc 1 bytes "$(stat -c %s "$OUT/evbench-ref-glibc")"
# what the SBOM and the license texts add: their bytes in the payload,
# and the code that prints them (bench/release_size.py)
read -r rel_payload rel_code rel_sbom rel_lic < <(python3 bench/release_size.py \
	"$OUT/evbench" "$ROOT/build/obj/bumble/stub/release_docs.o")
record size release-payload 1 bytes "$rel_payload"
record size release-code 1 bytes "$rel_code"
record size release-sbom-gz 1 bytes "$rel_sbom"
record size release-licenses-gz 1 bytes "$rel_lic"
[ -z "$AARCH64" ] || record size bumble-aarch64 1 bytes "$(stat -c %s "$OUT/t/evbench-arm64")"

# --- the consumers ---
# name | ready string | command (with {PID} for the target) | output to
run_tool() { # SECTION NAME RUN MODE-ARGS...
	local section=$1 name=$2 run=$3 json="" out=$OUT/t/out.txt
	shift 3
	local -a margs=("$@") cmd
	case $name in
	*-json) json=--json ;;
	esac
	case $name in
	bumble*) cmd=("$OUT/evbench" $json --target_pid "{PID}") ;;
	ref-musl*) cmd=("$OUT/evbench-ref-musl" $json --target_pid "{PID}") ;;
	ref-glibc*) cmd=("$OUT/evbench-ref-glibc" $json --target_pid "{PID}") ;;
	bpftrace) cmd=(bpftrace -o "$out" "$OUT/evbench.bt" "{PID}") ;;
	esac
	rm -f "$out"
	local ready=attached
	if [ "$name" = bpftrace ]; then
		ready=__BPFTRACE_NOTIFY_PROBES_ATTACHED
		margs+=(--err "$OUT/t/err.txt")
	else
		margs+=(--out "$out" --err "$OUT/t/err.txt")
	fi
	local res
	# bpftrace: per-CPU perf buffers as large as the ring (32 MiB)
	res=$(BPFTRACE_PERF_RB_PAGES=8192 __BPFTRACE_NOTIFY_PROBES_ATTACHED=1 \
		"$OUT/measure" --driver "$OUT/evdriver" "${margs[@]}" \
		--ready "$ready" -- "${cmd[@]}") ||
		die "$name: $(cat "$OUT/t/err.txt" 2>/dev/null)"
	while IFS== read -r k v; do
		record "$section" "$name" "$run" "$k" "$v"
	done <<<"$res"
	if [ -f "$out" ]; then
		# events that made it: lines from the driver (not the header)
		record "$section" "$name" "$run" lines "$(grep -c evdriver "$out" || true)"
		record "$section" "$name" "$run" out_bytes "$(stat -c %s "$out")"
	fi
	local lost
	lost=$(sed -n 's/.*[Ll]ost \([0-9][0-9]*\) events.*/\1/p' "$OUT/t/err.txt" | head -n 1)
	record "$section" "$name" "$run" reported_lost "${lost:-0}"
	rm -f "$out"
}

# --- 3. startup, 5. RSS once attached ---
say "startup ($STARTUP_RUNS runs)"
for r in $(seq 0 "$STARTUP_RUNS"); do
	for t in bumble ref-musl ref-glibc bpftrace; do
		if [ "$r" = 0 ]; then # warm-up: page cache, BTF
			run_tool warmup "$t" 0
		else
			run_tool startup "$t" "$r"
		fi
	done
done

# --- 4. event throughput, live: the driver and the consumer at once ---
say "event throughput: $EVENTS events per run, $RUNS runs"
for r in $(seq 1 "$RUNS"); do
	for t in bumble bumble-json ref-musl ref-musl-json ref-glibc ref-glibc-json; do
		run_tool live "$t" "$r" -n "$EVENTS"
	done
	run_tool live bpftrace "$r" -n "$BT_EVENTS"
done

# --- 4b. a full backlog: the consumer stopped during the burst ---
say "backlog drain: $DRAIN_EVENTS events per run, $RUNS runs"
for r in $(seq 1 "$RUNS"); do
	for t in bumble bumble-json ref-musl ref-musl-json ref-glibc ref-glibc-json; do
		run_tool drain "$t" "$r" -n "$DRAIN_EVENTS" --stopped
	done
	run_tool drain bpftrace "$r" -n "$BT_EVENTS" --stopped
done

# --- callgrind: instructions per event of the formatter alone ---
say "callgrind"
for m in text json printf-text printf-json; do
	for n in 10000 20000; do
		valgrind --tool=callgrind --callgrind-out-file="$OUT/t/cg.out" \
			"$OUT/fmtbench" "$m" "$n" >/dev/null 2>"$OUT/t/cg.log" ||
			die "callgrind failed: $(tail -n 5 "$OUT/t/cg.log")"
		record callgrind "$m" "$n" ir "$(sed -n 's/^summary: //p' "$OUT/t/cg.out")"
	done
done

# --- the machine ---
{
	echo "kernel=$(uname -r)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "nproc=$(nproc)"
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "clang=$(clang --version | head -n 1)"
	echo "bpftrace=$(bpftrace --version)"
	echo "bpftool=$(bpftool version | head -n 1)"
	echo "bumble=$("$BUMBLE" version 2>/dev/null | head -n 1 || true)"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- stub 2>/dev/null || echo ' (stub/ modified)')"
	echo "runs=$RUNS"
	echo "startup_runs=$STARTUP_RUNS"
	echo "bundle_runs=$BUNDLE_RUNS"
	echo "events=$EVENTS"
	echo "drain_events=$DRAIN_EVENTS"
	echo "bpftrace_events=$BT_EVENTS"
} >"$OUT/machine.txt"

python3 bench/report.py "$RAW" "$OUT/machine.txt" >bench/RESULTS.md
rm -rf "$OUT/t"
say "wrote bench/RESULTS.md"
