#!/usr/bin/env bash
# The deployments bumble export writes, run for real: the systemd unit's
# ExecStart command line (systemd is not PID 1 here to start the unit:
# it runs under setpriv with the unit's capability bounding set and
# NoNewPrivileges), and the DaemonSet's pod template as a Pod under
# podman kube play, with only the capabilities the DaemonSet grants.
# Each is scraped on /metrics and shows a real exec in its JSON lines.
. "$(dirname "$0")/../lib.sh"

needs ROOT
TOOL=$WORK/execsnoop
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL"
check "execsnoop bundles" test "$RC" = 0

# execs_until FILE MARK: runs MARK (a copy of /bin/true) every 0.2 s
# until FILE shows it, for at most 30 s.
execs_until() {
	local i
	for i in $(seq 150); do
		"$2"
		grep -q "\"filename\":\"$2\"" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# --- systemd: the unit's command line ------------------------------------------
PORT=$(free_port)
run "$BUMBLE" export "$TOOL" --systemd --install-path "$TOOL" -o "$WORK/execsnoop.service" \
	-- --metrics "127.0.0.1:$PORT" --filter 'comm~^(sd-mark|true)$'
check "export --systemd" test "$RC" = 0
needs SYSTEMD_ANALYZE check "systemd-analyze verify accepts it" \
	systemd-analyze verify "$WORK/execsnoop.service"
step python3 "$ROOT/tests/systemd_exec.py" "$WORK/execsnoop.service" >"$WORK/exec.json"
step mapfile -t EXEC_ARGS < <(python3 -c 'import json, sys
for a in json.load(open(sys.argv[1])):
    print(a)' "$WORK/exec.json")
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$WORK/execsnoop.service" |
	tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
MARK=$WORK/sd-mark
cp /bin/true "$MARK"
start_tool "$WORK/sd.out" setpriv --bounding-set "-all,$caps" --no-new-privs \
	"${EXEC_ARGS[@]}"
check "the unit's ExecStart runs with its bounding set ($caps) and attaches" \
	grep -q attached "$WORK/err"
step execs_until "$WORK/sd.out" "$MARK"
check "its JSON lines show a real exec" json_has "$WORK/sd.out" \
	"e['filename'] == '$MARK' and e['ret'] == 0"
step curl -sf "http://127.0.0.1:$PORT/metrics" -o "$WORK/sd.prom"
check "its /metrics is scraped" grep -q '^bumble_events_read_total{tool="execsnoop"} [1-9]' "$WORK/sd.prom"
needs PROMTOOL check "and passes promtool check metrics" \
	sh -c "promtool check metrics <'$WORK/sd.prom'"
stop_tool
check "it stops cleanly on SIGINT" test "$RC" = 0

# --- Kubernetes: the DaemonSet's pod under podman kube play ------------------
needs ROOT,PODMAN,K8S_SCHEMA
podman_setup
mkdir -p "$WORK/play"
TAG=bumble-fleet-test/execsnoop:t$$
XTAG=bumble-fleet-test/xdpcount:t$$
# the pods and the image go whatever happens
fleet_cleanup() {
	if command -v podman >/dev/null; then
		podman pod rm -f "fleet-least$$" "fleet-priv$$" "fleet-xdp$$" >/dev/null 2>&1
		podman rmi -f "$TAG" "$XTAG" >/dev/null 2>&1
	fi
	cleanup
}
trap fleet_cleanup EXIT
run "$BUMBLE" export "$TOOL" --docker-archive "$WORK/docker.tar" --tag "$TAG"
run podman load -i "$WORK/docker.tar"
check "podman loads the image" grep -q "$TAG" "$WORK/out"

# play POD-JSON NAME: podman kube play, from a directory of its own (it
# builds an image from a directory named like one); the seconds until a
# scrape of 127.0.0.1:$PORT returned a sample in $WORK/NAME.prom.
play() {
	local t0 t1 i
	t0=$(date +%s.%N)
	(cd "$WORK/play" && podman kube play "$1") >"$WORK/out" 2>"$WORK/err" || return 1
	for i in $(seq 600); do
		curl -sf "http://127.0.0.1:$PORT/metrics" -o "$WORK/$2.prom" 2>/dev/null &&
			grep -q '^bumble_' "$WORK/$2.prom" && break
		sleep 0.05
	done
	t1=$(date +%s.%N)
	PLAY_SECONDS=$(printf "%.2f" "$(echo "$t1 - $t0" | bc)")
	grep -q '^bumble_' "$WORK/$2.prom"
}

# podman 4.3 runs Pods, not DaemonSets: the DaemonSet's pod template as a
# Pod. It ignores securityContext.seccompProfile, so the same Unconfined
# profile is asked for with its annotation; it does not run hostPID; and
# it refuses container ports on the host's network, where Kubernetes
# takes them as the host's (the probe then names the port by number).
to_pod() {
	k8s_check pod "$1" "$2.k8s" &&
		python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
p["metadata"]["name"] = sys.argv[3]
p["metadata"].setdefault("annotations", {})["seccomp.security.alpha.kubernetes.io/pod"] = "unconfined"
if p["spec"].get("hostNetwork"):
    for c in p["spec"]["containers"]:
        port = c.pop("ports")[0]["containerPort"]
        c["livenessProbe"]["httpGet"]["port"] = port
json.dump(p, open(sys.argv[2], "w"))' "$2.k8s" "$2" "$3"
}

PORT=$(free_port)
run "$BUMBLE" export "$TOOL" --k8s --image "$TAG" -o "$WORK/ds.yaml" -- --metrics "$PORT" \
	--filter 'comm~^(k8s-mark|true)$'
check "export --k8s" test "$RC" = 0
check "the DaemonSet passes the Kubernetes schema" k8s_valid "$WORK/ds.yaml"
step to_pod "$WORK/ds.yaml" "$WORK/pod.json" fleet-least$$
step play "$WORK/pod.json" least
check "podman kube play: its /metrics answers with samples" grep -q '^bumble_' "$WORK/least.prom"
echo "# podman kube play to the first scraped sample: ${PLAY_SECONDS:-?} s"
echo "fleet kube_play_to_first_sample_seconds ${PLAY_SECONDS:-?}" >>"$BUMBLE_RESULTS"
CTR=fleet-least$$-execsnoop
step podman inspect "$CTR" --format '{{.EffectiveCaps}}' >"$WORK/caps"
check "it runs with only CAP_BPF and CAP_PERFMON" \
	test "$(cat "$WORK/caps")" = "[CAP_BPF CAP_PERFMON]"
MARK=$WORK/k8s-mark
cp /bin/true "$MARK"
logs() {
	podman logs "$CTR" >"$WORK/pod.log" 2>/dev/null
}
for i in $(seq 100); do
	step "$MARK"
	step logs
	grep -q "\"filename\":\"$MARK\"" "$WORK/pod.log" 2>/dev/null && break
	scope_met || break
	sleep 0.2
done
step sh -c "grep '^{' '$WORK/pod.log' >'$WORK/pod.jsonl'"
check "podman logs: JSON lines with a real exec" json_has "$WORK/pod.jsonl" \
	"e['filename'] == '$MARK' and e['ret'] == 0"
step podman pod rm -f fleet-least$$ >/dev/null 2>&1

# --privileged: the same, as a privileged container
PORT=$(free_port)
run "$BUMBLE" export "$TOOL" --k8s --privileged --image "$TAG" -o "$WORK/priv.yaml" \
	-- --metrics "$PORT"
step to_pod "$WORK/priv.yaml" "$WORK/priv.json" fleet-priv$$
step play "$WORK/priv.json" priv
check "--privileged: kube play, /metrics answers with samples" grep -q '^bumble_' "$WORK/priv.prom"
step podman pod rm -f fleet-priv$$ >/dev/null 2>&1

# XDP: hostNetwork and CAP_NET_ADMIN, on the host's loopback, where the
# scrapes themselves are the packets it counts
XDPTOOL=$WORK/xdpcount
run "$BUMBLE" bundle "$EXAMPLES/xdpcount.bpf.c" -o "$XDPTOOL"
run "$BUMBLE" export "$XDPTOOL" --docker-archive "$WORK/xdp.tar" --tag "$XTAG"
run podman load -i "$WORK/xdp.tar"
check "podman loads the XDP image" grep -q "$XTAG" "$WORK/out"
PORT=$(free_port)
run "$BUMBLE" export "$XDPTOOL" --k8s --image "$XTAG" -o "$WORK/xdp.yaml" \
	-- --iface lo --metrics "$PORT"
step to_pod "$WORK/xdp.yaml" "$WORK/xdp.json" fleet-xdp$$
step play "$WORK/xdp.json" xdp
check "XDP pod on the host's network: /metrics answers" grep -q '^bumble_' "$WORK/xdp.prom"
step podman inspect "fleet-xdp$$-xdpcount" --format '{{.EffectiveCaps}}' >"$WORK/xcaps"
check "it runs with only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON" \
	test "$(cat "$WORK/xcaps")" = "[CAP_BPF CAP_NET_ADMIN CAP_PERFMON]"
step curl -sf "http://127.0.0.1:$PORT/metrics" -o /dev/null
step curl -sf "http://127.0.0.1:$PORT/metrics" -o "$WORK/xdp2.prom"
TCP=$(prom_value "$WORK/xdp2.prom" 'xdpcount_packets_total{proto="L4_TCP"}')
check "its XDP program counted the scrapes' TCP packets on lo ($TCP)" \
	test "${TCP:-0}" -gt 0
step podman pod rm -f fleet-xdp$$ >/dev/null 2>&1
