# Shared helpers for bumble's test scripts (sourced, bash). Each script
# names what it covers, sets up its own world under $WORK, and cleans up;
# the checks themselves (check, expect_exit, needs...) are tests/assert.sh.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUMBLE=${BUMBLE:-$ROOT/build/bin/bumble}
# where bumble unpacks the data it carries: the build's, not ~/.cache
export BUMBLE_CACHE=${BUMBLE_CACHE:-$ROOT/build/test/cache}
FIXTURES=$ROOT/tests/fixtures
EXAMPLES=$ROOT/examples
SCRIPT=$(basename "$0" .sh)
: "${BUMBLE_RESULTS:=/dev/null}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bumble-$SCRIPT.XXXXXX")
TOOL_PID=
NETNS= # network namespaces to delete on exit

. "$ROOT/tests/assert.sh"
ERR=$WORK/err # fail shows its tail

# The prerequisites of single checks (tests/assert.sh: needs NAMES).
is_root() {
	[ "$(id -u)" = 0 ]
}
prereq ROOT "needs root to load BPF programs" is_root
prereq SKOPEO "skopeo is not installed (toolchain/deps.sh installs it)" \
	command -v skopeo
prereq UMOCI "umoci is not installed (toolchain/deps.sh installs it)" \
	command -v umoci
prereq OCI_IMAGE_TOOL "oci-image-tool is not installed (toolchain/deps.sh installs it)" \
	command -v oci-image-tool
prereq PODMAN "podman is not installed (toolchain/deps.sh installs it)" \
	command -v podman
prereq AARCH64 "no aarch64 stub or cross compiler (make ARCHES=x86_64 left it out; toolchain/deps.sh installs gcc-aarch64-linux-gnu and musl-dev:arm64)" \
	sh -c "test -f '$ROOT/build/lib/bumble/aarch64/stub/libbumble-stub.a' && command -v aarch64-linux-musl-gcc"
prereq QEMU_AARCH64 "qemu-aarch64-static is not installed (toolchain/deps.sh installs qemu-user-static)" \
	command -v qemu-aarch64-static
prereq K8S_SCHEMA "node or the npm packages in build/npm are missing (toolchain/deps.sh installs them)" \
	sh -c "command -v node && test -f '$ROOT/build/npm/node_modules/kubernetes-models/package.json' && test -f '$ROOT/build/npm/node_modules/yaml/package.json'"
prereq SYSTEMD_ANALYZE "systemd-analyze is not installed (package systemd)" \
	command -v systemd-analyze
prereq PROMTOOL "promtool is not installed (toolchain/deps.sh installs prometheus)" \
	command -v promtool
prereq BASH_TTY "needs /bin/bash and script(1) from bsdutils" \
	sh -c 'command -v script && test -x /bin/bash'
# make dist publishes the static bumble only: no interpreter, no NEEDED
prereq STATIC_BUMBLE "build/bin/bumble is dynamically linked: make dist and a fresh host need the static one" \
	sh -c "test -f '$ROOT/build/bin/bumble' && ! readelf -lW '$ROOT/build/bin/bumble' | grep -q 'program interpreter' && ! readelf -dW '$ROOT/build/bin/bumble' | grep -q '(NEEDED)'"
PYTHON_USDT_BIN=/usr/bin/python3.11
prereq PYTHON_USDT "$PYTHON_USDT_BIN has no SystemTap probes to attach to" \
	sh -c "readelf -n $PYTHON_USDT_BIN | grep -q import__find__load__start"

# sbom_prereqs: CDX_SCHEMA and JSONSCHEMA, what `sbom_valid FILE` needs
# (asked only by the scripts that check SBOMs: npm takes a moment).
sbom_prereqs() {
	CDX_SCHEMA=$(npm root -g 2>/dev/null)/@cyclonedx/cyclonedx-library/res/schema
	prereq CDX_SCHEMA "npm's @cyclonedx/cyclonedx-library is not installed (toolchain/deps.sh installs it)" \
		test -f "$CDX_SCHEMA/bom-1.5.SNAPSHOT.schema.json"
	prereq JSONSCHEMA "python3-jsonschema is not installed (toolchain/deps.sh installs it)" \
		python3 -c "import jsonschema"
}

# sbom_valid FILE: FILE is valid against CycloneDX's official schema
sbom_valid() {
	python3 "$ROOT/tests/sbom_check.py" "$CDX_SCHEMA" "$1"
}

# sbom_components SBOM WHO PATHS_MK KEY...: the SBOM names each Debian
# source KEY as toolchain/fetch.sh recorded it in PATHS_MK (version, purl,
# the SHA-256s it verified, an SPDX license), and WHO depends on each.
sbom_components() {
	local sbom=$1 who=$2 paths_mk=$3 key name ver purl comp
	shift 3
	for key in "$@"; do
		val() { sed -n "s/^${key}_$1=//p" "$paths_mk"; }
		name=${key,,}
		ver=$(val VERSION)
		purl=${ver//:/%3A}
		purl="pkg:deb/debian/$name@${purl//+/%2B}?arch=source"
		comp="[c for c in e['components'] if c['name'] == '$name'][0]"
		check "$name: the SBOM's version is the one fetched ($ver)" json_doc "$sbom" \
			"$comp['version'] == '$ver'"
		check "$name: its purl" json_doc "$sbom" "$comp['purl'] == '$purl'"
		check "$name: the upstream tarball's SHA-256 the toolchain verified" json_doc "$sbom" \
			"$comp['hashes'] == [{'alg': 'SHA-256', 'content': '$(val ORIG_SHA256)'}]"
		check "$name: the .dsc's SHA-256" json_doc "$sbom" \
			"{'name': 'bumble:debian-dsc-sha256', 'value': '$(val DSC_SHA256)'} in $comp['properties']"
		check "$name: an SPDX license expression" json_doc "$sbom" \
			"len($comp['licenses'][0]['expression']) > 2"
		check "$name: the $who depends on it" json_doc "$sbom" \
			"e['dependencies'][0]['ref'] == '$who' and '$purl' in e['dependencies'][0]['dependsOn']"
	done
}

# On exit: the tool still running is killed; the work directory goes,
# unless a check failed (or BUMBLE_KEEP_WORK is set): then it stays, for
# a look at what the tools wrote, and the script says where.
cleanup() {
	local ns
	if [ -n "$TOOL_PID" ]; then
		kill -KILL "$TOOL_PID" 2>/dev/null
		wait "$TOOL_PID" 2>/dev/null
	fi
	for ns in $NETNS; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "$TEST_FAILED" -gt 0 ] || [ -n "${BUMBLE_KEEP_WORK:-}" ]; then
		echo "# kept work directory: $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

# veth_netns NS1 NS2: two network namespaces (deleted on exit) joined by
# a veth pair: veth-a, 192.0.2.1/24 in NS1, and veth-b, 192.0.2.2/24 in
# NS2; lo is up in both. Nothing is routed to the host.
veth_netns() {
	NETNS="$NETNS $1 $2"
	ip netns add "$1" && ip netns add "$2" &&
		ip link add veth-a netns "$1" type veth peer name veth-b netns "$2" &&
		ip -n "$1" addr add 192.0.2.1/24 dev veth-a &&
		ip -n "$2" addr add 192.0.2.2/24 dev veth-b &&
		ip -n "$1" link set veth-a up && ip -n "$2" link set veth-b up &&
		ip -n "$1" link set lo up && ip -n "$2" link set lo up
}

# getppid_7: the copy of python at $WORK/$NAME (a name of the test's own,
# for the tool to see as comm) calls getppid(2) 7 times; its pid goes to
# $WORK/pid. Then a pause for the tool to read what it counted.
getppid_7() {
	"$WORK/$NAME" -c 'import os
print(os.getpid())
for _ in range(7): os.getppid()' >"$WORK/pid"
	sleep 0.3
}

# start_tool OUT CMD...: starts a produced tool in the background, stdout
# to OUT and stderr to $WORK/err, and waits until it says it attached.
# Like every step, where the checks' prerequisites are missing it does
# nothing (but leave OUT empty) and succeeds.
start_tool() {
	local out=$1 i
	shift
	if ! scope_met; then
		: >"$out"
		return 0
	fi
	# emptied here, not only by the job's redirection, which may come
	# after the first look and leave an earlier tool's "attached" in it
	: >"$WORK/err"
	"$@" >"$out" 2>"$WORK/err" </dev/null &
	TOOL_PID=$!
	for i in $(seq 1 300); do
		grep -q "attached" "$WORK/err" 2>/dev/null && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# stop_tool [SIGNAL]: stops the tool; its exit code is in $RC.
stop_tool() {
	if ! scope_met; then
		RC=0
		return 0
	fi
	kill -"${1:-INT}" "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID"
	RC=$?
	TOOL_PID=
}

# wait_tool: waits for a tool that stops by itself; exit code in $RC.
wait_tool() {
	if ! scope_met; then
		RC=0
		return 0
	fi
	wait "$TOOL_PID"
	RC=$?
	TOOL_PID=
}

# json_has FILE PYEXPR: some JSON line e of FILE makes PYEXPR true;
# json_all FILE PYEXPR: FILE has lines and every one does. Every line
# must be valid JSON; a line without a key PYEXPR uses counts as false.
json_check() {
	python3 - "$@" <<'PY'
import json, sys
mode, path, expr = sys.argv[1:4]
def test(e):
    try:
        return bool(eval("(" + expr + ")", {}, {"e": e}))
    except (KeyError, TypeError):  # a line of another shape
        return False
results = [test(json.loads(line)) for line in open(path)]
ok = any(results) if mode == "any" else (results and all(results))
sys.exit(0 if ok else 1)
PY
}

# json_doc FILE PYEXPR: FILE is one JSON document e making PYEXPR true.
json_doc() {
	python3 - "$1" "$2" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")", {}, {"e": e}) else 1)
PY
}

json_has() {
	json_check any "$1" "$2"
}

# snapshot_has FILE MAP PYEXPR: in some snapshot line of FILE (an object
# with "maps"), some entry of map MAP makes PYEXPR true, with l its
# labels, e the entry and b each of its buckets (None: it has none);
# snapshot_all: every bucket (or entry) of MAP in every snapshot does,
# and there is one.
snapshot_check() {
	python3 - "$@" <<'PY'
import json, sys
mode, path, name, expr = sys.argv[1:5]
results = []
for line in open(path):
    snap = json.loads(line)
    if "maps" not in snap or name not in snap["maps"]:
        continue
    for e in snap["maps"][name]["entries"]:
        for b in e.get("buckets") or [None]:
            env = {"l": e["labels"], "e": e, "b": b}
            try:
                results.append(bool(eval("(" + expr + ")", {}, env)))
            except (KeyError, TypeError):
                results.append(False)
ok = any(results) if mode == "any" else (results and all(results))
sys.exit(0 if ok else 1)
PY
}

snapshot_has() {
	snapshot_check any "$@"
}

snapshot_all() {
	snapshot_check all "$@"
}

json_all() {
	json_check all "$1" "$2"
}

# json_strict FILE: FILE has lines, each strict UTF-8 (no surrogates,
# overlong forms or code points above U+10FFFF) and one JSON object with
# no key twice at any depth.
json_strict() {
	python3 - "$1" <<'PY'
import json, sys
def unique(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in %r" % keys)
    return dict(pairs)
lines = open(sys.argv[1], "rb").read().decode("utf-8", "strict").splitlines()
for line in lines:
    if not isinstance(json.loads(line, object_pairs_hook=unique), dict):
        sys.exit(1)
sys.exit(0 if lines else 1)
PY
}

# free_port: a TCP port free on 127.0.0.1 now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# podman_setup: podman as the tests run it, with runc and ulimits a
# container can take, in a configuration of the script's own.
podman_setup() {
	mkdir -p "$WORK/containers"
	cat >"$WORK/containers/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
	export CONTAINERS_CONF=$WORK/containers/containers.conf
}

# k8s_check validate|args|pod FILE [OUT]: the manifest FILE read by npm's
# yaml and checked against the Kubernetes schema (tests/k8s_check.mjs);
# k8s_valid FILE: quietly, is every document in it valid?
k8s_check() {
	node "$ROOT/tests/k8s_check.mjs" "$@"
}
k8s_valid() {
	k8s_check validate "$1" >/dev/null
}

# metrics_port: the port a tool started with --metrics said it serves on
# (in $WORK/err); prom_value FILE SERIES: the value of the series whose
# name and labels are SERIES, as written, in a scrape saved in FILE.
metrics_port() {
	sed -n 's/.*serving metrics on http:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$WORK/err"
}
prom_value() {
	SERIES=$2 awk '$1 == ENVIRON["SERIES"] { print $2 }' "$1"
}
