#!/usr/bin/env bash
# make bench-registry: bumble push and pull of one tool side by side with
# skopeo copy between the same OCI layout and the same docker-registry
# (127.0.0.1, plain HTTP, started and stopped here). Prints min, median
# and max wall time of each, and writes bench/REGISTRY_RESULTS.md. Each
# push goes to a new repository, so every blob is uploaded. Not a test.
#
#   BENCH_RUNS   runs of each (9)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUMBLE=$ROOT/build/bin/bumble
RUNS=${BENCH_RUNS:-9}
W=$(mktemp -d "${TMPDIR:-/tmp}/bumble-regbench.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$W"' EXIT
for c in docker-registry skopeo python3; do
	command -v "$c" >/dev/null || { echo "bench: needs $c (toolchain/deps.sh)" >&2; exit 1; }
done

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
R=127.0.0.1:$PORT
cat >"$W/reg.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $W/storage
http:
  addr: $R
YML
(docker-registry serve "$W/reg.yml" >"$W/reg.log" 2>&1 </dev/null & echo $! >"$W/pid")
PID=$(cat "$W/pid")
for i in $(seq 1 100); do
	curl -sf -o /dev/null "http://$R/v2/" && break
	sleep 0.1
done

export XDG_DATA_HOME=$W/data XDG_CACHE_HOME=$W/cache
"$BUMBLE" bundle "$ROOT/examples/execsnoop.bpf.c" -o "$W/execsnoop" --version 1.0 2>/dev/null
"$BUMBLE" export "$W/execsnoop" --oci "$W/layout" 2>/dev/null
"$BUMBLE" push "$W/layout" "$R/seed/execsnoop:1.0" --plain-http >/dev/null 2>&1
# the same layout with the runnable image alone
cp -r "$W/layout" "$W/one"
python3 - "$W/one/index.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["manifests"] = [m for m in j["manifests"] if not m["annotations"]["org.opencontainers.image.ref.name"].endswith("-ebpf")]
json.dump(j, open(sys.argv[1], "w"))
PY
# skopeo copies one image per run: the layout's two, one after the other
skopeo_both() {
	skopeo copy --dest-tls-verify=false "oci:$W/layout:1.0" "docker://$1:1.0" &&
		skopeo copy --dest-tls-verify=false "oci:$W/layout:1.0-ebpf" "docker://$1:1.0-ebpf"
}

now() { date +%s%N; }
# time_ms NAME CMD...: one run's wall time, appended to $W/NAME
time_ms() {
	local name=$1 t0 t1
	shift
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	echo $(((t1 - t0) / 1000)) >>"$W/$name"
}

for i in $(seq 1 "$RUNS"); do
	time_ms push-bumble "$BUMBLE" push "$W/layout" "$R/b$i/execsnoop:1.0" --plain-http
	time_ms push-skopeo skopeo_both "$R/s$i/execsnoop"
	time_ms push-one-bumble "$BUMBLE" push "$W/one" "$R/ob$i/execsnoop:1.0" --plain-http
	time_ms push-one-skopeo skopeo copy --dest-tls-verify=false "oci:$W/one:1.0" "docker://$R/os$i/execsnoop:1.0"
	time_ms push-tool "$BUMBLE" push "$W/execsnoop" "$R/t$i/execsnoop:1.0" --plain-http
	rm -rf "$W/pulled" "$W/sk" "$W/data"
	time_ms pull-bumble "$BUMBLE" pull "$R/seed/execsnoop:1.0" --plain-http -o "$W/pulled"
	time_ms pull-skopeo skopeo copy --src-tls-verify=false "docker://$R/seed/execsnoop:1.0" "oci:$W/sk:1.0"
done
cmp "$W/execsnoop" "$W/pulled"

# min median max, in ms
stats() {
	sort -n "$W/$1" | awk '{v[NR] = $1} END {printf "%.1f %.1f %.1f", v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000}'
}
ratio() {
	local a b
	a=$(stats "$1" | cut -d' ' -f2)
	b=$(stats "$2" | cut -d' ' -f2)
	awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}'
}
size=$(stat -c %s "$W/execsnoop")
{
	echo "# Registry push and pull, bumble and skopeo"
	echo
	echo "Made by bench/registry_bench.sh ($RUNS runs each) on $(date -u +%Y-%m-%d):"
	echo "$(nproc) CPUs, $(uname -r), $(skopeo --version), docker-registry"
	echo "$(docker-registry --version 2>/dev/null | head -n 1 | awk '{print $NF}') on 127.0.0.1 (plain HTTP);"
	echo "the tool is examples/execsnoop ($((size / 1024)) KiB; its image layer"
	echo "gzip'd). Wall time in ms, each push to a new repository."
	echo
	echo "| what | min | median | max | median vs skopeo |"
	echo "|---|---|---|---|---|"
	printf "| push: bumble push LAYOUT (image and artifact) | %s | %s | %s | %sx |\n" $(stats push-bumble) "$(ratio push-bumble push-skopeo)"
	printf "| push: skopeo copy oci:LAYOUT:TAG, then TAG-ebpf | %s | %s | %s | 1.00x |\n" $(stats push-skopeo)
	printf "| push: bumble push TOOL (exports it too) | %s | %s | %s | %sx |\n" $(stats push-tool) "$(ratio push-tool push-skopeo)"
	printf "| push, the image alone: bumble push LAYOUT | %s | %s | %s | %sx |\n" $(stats push-one-bumble) "$(ratio push-one-bumble push-one-skopeo)"
	printf "| push, the image alone: skopeo copy | %s | %s | %s | 1.00x |\n" $(stats push-one-skopeo)
	printf "| pull: bumble pull -o TOOL (verified, stored) | %s | %s | %s | %sx |\n" $(stats pull-bumble) "$(ratio pull-bumble pull-skopeo)"
	printf "| pull: skopeo copy docker:// oci:DIR | %s | %s | %s | 1.00x |\n" $(stats pull-skopeo)
} | tee "$ROOT/bench/REGISTRY_RESULTS.md"
