#!/usr/bin/env bash
# bumble export --k8s and --systemd: the DaemonSet checked against the
# Kubernetes schema, the unit by systemd-analyze verify, the privileges
# and host paths each attach type gets, arguments with any bytes quoted
# right for YAML and systemd, and every error. Loads nothing.
. "$(dirname "$0")/../lib.sh"

for ex in execsnoop xdpcount bashreadline; do
	"$BUMBLE" bundle "$EXAMPLES/$ex.bpf.c" -o "$WORK/$ex" >/dev/null 2>&1
done
EXEC=$WORK/execsnoop
XDP=$WORK/xdpcount
check "the examples bundle" test -x "$EXEC" -a -x "$XDP" -a -x "$WORK/bashreadline"

# --- Kubernetes --------------------------------------------------------------
run "$BUMBLE" export "$EXEC" --k8s --image registry.example:5000/tools/execsnoop:1.0 \
	-o "$WORK/exec.yaml" -- --metrics 9400
check "export --k8s writes a file" test "$RC" = 0 -a -s "$WORK/exec.yaml"
check "and says so" grep -q "as a Kubernetes DaemonSet to $WORK/exec.yaml" "$WORK/err"
needs K8S_SCHEMA k8s_check validate "$WORK/exec.yaml" >"$WORK/valid" 2>&1
needs K8S_SCHEMA check "the DaemonSet and its Service pass the Kubernetes schema" \
	test "$(cat "$WORK/valid")" = "valid DaemonSet execsnoop
valid Service execsnoop"
y=$WORK/exec.yaml
check "the image is --image's" grep -q 'image: "registry.example:5000/tools/execsnoop:1.0"' "$y"
check "tracepoints: CAP_BPF and CAP_PERFMON, nothing else" \
	sh -c "sed -n '/add:/,/seccompProfile/p' '$y' | grep -c '^ *- ' | grep -qx 2 &&
		grep -q '^ *- BPF$' '$y' && grep -q '^ *- PERFMON$' '$y'"
check "every other capability dropped, not privileged" \
	sh -c "grep -q 'privileged: false' '$y' && grep -A1 'drop:' '$y' | grep -q -- '- ALL'"
check "tracing programs: hostPID, not hostNetwork" \
	sh -c "grep -q 'hostPID: true' '$y' && ! grep -q hostNetwork '$y'"
check "BTF and tracefs mounted read-only from the host" \
	sh -c "grep -A2 'mountPath: \"/sys/kernel/btf\"' '$y' | grep -q 'readOnly: true' &&
		grep -A2 'mountPath: \"/sys/kernel/tracing\"' '$y' | grep -q 'readOnly: true'"
check "no bpffs or cgroup root where no program uses them" \
	sh -c "! grep -q '/sys/fs/' '$y'"
check "runs on every Linux node" \
	sh -c "grep -q 'operator: Exists' '$y' && grep -q 'kubernetes.io/os: linux' '$y'"
check "--json is passed: JSON lines are the log" grep -q -- '- "--json"' "$y"
check "--metrics PORT listens on every address, for Prometheus and the probe" \
	grep -q -- '- "--metrics=0.0.0.0:9400"' "$y"
check "scrape annotations and a liveness probe on /metrics" \
	sh -c "grep -q 'prometheus.io/scrape: \"true\"' '$y' && grep -q 'prometheus.io/port: \"9400\"' '$y' &&
		grep -A2 'livenessProbe:' '$y' | grep -q 'path: /metrics'"
check "a headless Service for endpoints discovery" grep -q "clusterIP: None" "$y"
check "requests and a memory limit, no CPU limit" \
	sh -c "grep -q 'cpu: 20m' '$y' && grep -q 'memory: 16Mi' '$y' &&
		grep -A1 'limits:' '$y' | grep -q 'memory: [0-9]*Mi' && ! grep -A2 'limits:' '$y' | grep -q cpu"

run "$BUMBLE" export "$EXEC" --k8s
check "without -o, to stdout; without --image, NAME:VERSION" \
	sh -c "test $RC = 0 && grep -q 'image: \"execsnoop:0.0.0\"' '$WORK/out'"
check "without --metrics: no probe, no annotations, no Service" \
	sh -c "! grep -Eq 'livenessProbe|prometheus.io|kind: Service' '$WORK/out'"

run "$BUMBLE" export "$XDP" --k8s -o "$WORK/xdp.yaml" -- --iface eth0 --metrics 10.0.0.1:9401
check "XDP: CAP_NET_ADMIN and hostNetwork, no hostPID" \
	sh -c "test $RC = 0 && grep -q '^ *- NET_ADMIN$' '$WORK/xdp.yaml' &&
		grep -q 'hostNetwork: true' '$WORK/xdp.yaml' && ! grep -q hostPID '$WORK/xdp.yaml'"
check "an explicit --metrics address is kept" \
	grep -q -- '- "--metrics=10.0.0.1:9401"' "$WORK/xdp.yaml"
needs K8S_SCHEMA check "the XDP DaemonSet passes the schema" k8s_valid "$WORK/xdp.yaml"

run "$BUMBLE" export "$XDP" --k8s --privileged -o "$WORK/priv.yaml" -- --iface eth0
check "--privileged: a privileged container, no capability list" \
	sh -c "grep -q 'privileged: true' '$WORK/priv.yaml' && ! grep -q 'capabilities:' '$WORK/priv.yaml'"
run "$BUMBLE" export "$EXEC" --k8s --sys-admin
check "--sys-admin adds CAP_SYS_ADMIN and CAP_SYS_RESOURCE (kernels before 5.8)" \
	sh -c "grep -q '^ *- SYS_ADMIN$' '$WORK/out' && grep -q '^ *- SYS_RESOURCE$' '$WORK/out'"

run "$BUMBLE" export "$WORK/bashreadline" --k8s -o "$WORK/br.yaml"
check "a uprobe's binary is the host's, mounted read-only as a file" \
	sh -c "grep -A2 'mountPath: \"/bin/bash\"' '$WORK/br.yaml' | grep -q 'readOnly: true' &&
		grep -A2 'path: \"/bin/bash\"' '$WORK/br.yaml' | grep -q 'type: File'"
needs K8S_SCHEMA check "the uprobe DaemonSet passes the schema" k8s_valid "$WORK/br.yaml"

for f in cgroup_egress profile tcsnoop; do
	"$BUMBLE" bundle "$FIXTURES/$f.bpf.c" -o "$WORK/$f" >/dev/null 2>&1
done
run "$BUMBLE" export "$WORK/cgroup_egress" --k8s -o "$WORK/cg.yaml"
check "cgroup programs: CAP_NET_ADMIN and the host's cgroup root, read-only" \
	sh -c "grep -q '^ *- NET_ADMIN$' '$WORK/cg.yaml' &&
		grep -A2 'mountPath: \"/sys/fs/cgroup\"' '$WORK/cg.yaml' | grep -q 'readOnly: true' &&
		! grep -Eq 'hostPID|hostNetwork' '$WORK/cg.yaml'"
check "a name with '_' becomes a DNS label for Kubernetes" \
	grep -q '^  name: "cgroup-egress"$' "$WORK/cg.yaml"
needs K8S_SCHEMA check "the cgroup DaemonSet passes the schema" k8s_valid "$WORK/cg.yaml"
run "$BUMBLE" export "$WORK/profile" --k8s
check "perf_event programs: hostPID, no tracefs" \
	sh -c "grep -q 'hostPID: true' '$WORK/out' && ! grep -q tracing '$WORK/out'"
run "$BUMBLE" export "$WORK/tcsnoop" --k8s -- --iface eth0
check "tc: CAP_NET_ADMIN and hostNetwork" \
	sh -c "grep -q '^ *- NET_ADMIN$' '$WORK/out' && grep -q 'hostNetwork: true' '$WORK/out'"

# Odd bytes: YAML specials, quotes, backslashes, controls, a C1 control,
# bidi and line separators, an emoji, and "--" values; read back exactly.
ODD1=$'comm=a: "b" #c \\d\t\x01\x7f'"'"'e'"'"' - [f] {g} &h *i !j %k @l `m'
ODD2=$'comm~^(yes|no|0x1f|~|null)$\xc2\x85\xe2\x80\xa8\xe2\x80\xae\xf0\x9f\x90\x9d\xef\xbb\xbf'
run "$BUMBLE" export "$EXEC" --k8s -o "$WORK/odd.yaml" -- --filter "$ODD1" --filter="$ODD2" \
	--metrics 9400
check "odd bytes in arguments: exported" test "$RC" = 0
needs K8S_SCHEMA step k8s_check args "$WORK/odd.yaml" >"$WORK/odd.json"
needs K8S_SCHEMA check "odd bytes in arguments: YAML reads back every byte" \
	python3 -c 'import json, sys
got = json.load(open(sys.argv[1]))
want = ["--json", "--filter=" + sys.argv[2], "--filter=" + sys.argv[3], "--metrics=0.0.0.0:9400"]
sys.exit(0 if got == want else "%r != %r" % (got, want))' "$WORK/odd.json" "$ODD1" "$ODD2"
needs K8S_SCHEMA check "odd bytes in arguments: still a valid DaemonSet" \
	k8s_valid "$WORK/odd.yaml"

# --- systemd -----------------------------------------------------------------
run "$BUMBLE" export "$EXEC" --systemd --install-path "$EXEC" -o "$WORK/exec.service" \
	-- --metrics 0.0.0.0:9400 --filter "$ODD1" --filter "$ODD2"
check "export --systemd writes a unit" test "$RC" = 0 -a -s "$WORK/exec.service"
u=$WORK/exec.service
needs SYSTEMD_ANALYZE check "systemd-analyze verify accepts the unit" \
	systemd-analyze verify "$u"
check "capabilities limited to the program's" \
	sh -c "grep -qx 'AmbientCapabilities=CAP_BPF CAP_PERFMON' '$u' &&
		grep -qx 'CapabilityBoundingSet=CAP_BPF CAP_PERFMON' '$u'"
check "hardened: NoNewPrivileges, ProtectSystem=strict, ProtectHome, PrivateTmp" \
	sh -c "grep -qx NoNewPrivileges=yes '$u' && grep -qx ProtectSystem=strict '$u' &&
		grep -qx ProtectHome=yes '$u' && grep -qx PrivateTmp=yes '$u'"
check "restarts on failure, with a limit" \
	sh -c "grep -qx Restart=on-failure '$u' && grep -qx StartLimitBurst=5 '$u' &&
		grep -qx StartLimitIntervalSec=300 '$u'"
check "JSON lines to the journal" grep -qx StandardOutput=journal "$u"
run python3 "$ROOT/tests/systemd_exec.py" "$u"
check "odd bytes in arguments: ExecStart reads back every byte" \
	python3 -c 'import json, sys
got = json.load(open(sys.argv[1]))
want = [sys.argv[2], "--json", "--metrics=0.0.0.0:9400", "--filter=" + sys.argv[3], "--filter=" + sys.argv[4]]
sys.exit(0 if got == want else "%r != %r" % (got, want))' "$WORK/out" "$EXEC" "$ODD1" "$ODD2"
run "$BUMBLE" export "$EXEC" --systemd
check "the default install path is /usr/local/bin/NAME" \
	grep -q '^ExecStart="/usr/local/bin/execsnoop" "--json"$' "$WORK/out"
run "$BUMBLE" export "$XDP" --systemd -- --iface eth0
check "XDP: CAP_NET_ADMIN and netlink in the unit" \
	sh -c "grep -qx 'CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_NET_ADMIN' '$WORK/out' &&
		grep -q 'RestrictAddressFamilies=.*AF_NETLINK' '$WORK/out'"

# --- docs/fleet.md's scrape config -----------------------------------------
sed -n '/^<!-- prometheus.yml -->$/,/^<!-- end prometheus.yml -->$/p' "$ROOT/docs/fleet.md" |
	sed '1,2d;$d' | sed '$d' >"$WORK/prometheus.yml"
check "docs/fleet.md has a scrape config" grep -q "job_name: bumble-pods" "$WORK/prometheus.yml"
# Debian's promtool is built without Kubernetes discovery: the same jobs
# with their targets given statically check the rest (relabel rules,
# regexes, labels); where discovery is built in, the page's own config.
sed 's/^    kubernetes_sd_configs:$/    static_configs:/; s/^      - role: \(pod\|endpoints\)$/      - targets: ["10.0.0.1:9400"]/' \
	"$WORK/prometheus.yml" >"$WORK/prometheus-static.yml"
needs PROMTOOL check "promtool check config accepts it, discovery given statically" \
	sh -c "! grep -q kubernetes_sd '$WORK/prometheus-static.yml' &&
		promtool check config '$WORK/prometheus-static.yml' >/dev/null"
printf 'scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs:\n      - role: pod\n' \
	>"$WORK/k8s-sd.yml"
prereq PROMTOOL_K8S "this promtool is built without Kubernetes discovery (Debian's)" \
	promtool check config "$WORK/k8s-sd.yml"
needs PROMTOOL_K8S check "promtool check config accepts it as it is" \
	sh -c "promtool check config '$WORK/prometheus.yml' >/dev/null"

# --- errors ------------------------------------------------------------------
expect_exit 2 "give one of --k8s and --systemd" "--k8s with --systemd: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s --systemd
expect_exit 2 "tool arguments after -- go with --k8s or --systemd" \
	"tool arguments without --k8s: exit 2" "$BUMBLE" export "$EXEC" --oci "$WORK/o" -- --json
expect_exit 2 "writes a deployment" "--k8s with --oci: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s --oci "$WORK/o"
expect_exit 2 "go with --k8s" "--systemd --image: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd --image a/b:c
expect_exit 2 "goes with --systemd" "--k8s --install-path: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s --install-path /usr/bin/x
expect_exit 2 "absolute, normalized path" "--install-path relative: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd --install-path bin/x
expect_exit 2 "absolute, normalized path" "--install-path not normalized: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd --install-path /usr/../bin/x
expect_exit 2 "letters, digits" "--install-path with a character systemd refuses: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd --install-path '/opt/a$b/x'
expect_exit 2 "" "--image with a space: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s --image "a b:c"
expect_exit 2 "needs a value" "--image without a value: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s --image
expect_exit 2 "give one tool" "no tool: exit 2" "$BUMBLE" export --k8s
expect_exit 2 "has no option '--nope'" "an option the tool lacks: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -- --nope 1
expect_exit 2 "is not an option" "a bare word among tool arguments: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -- stray
expect_exit 2 "tool argument --metrics needs a value" "a value missing: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -- --metrics
expect_exit 2 "takes no value" "a value given to a flag: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd -- --json=yes
expect_exit 2 "stop by itself" "--count makes the tool stop: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd -- --count 5
expect_exit 2 "stop by itself" "--list makes the tool exit: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -- --list
expect_exit 2 "takes \\[ADDR:\\]PORT" "a bad --metrics address: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -- --metrics host:x
expect_exit 2 "a fixed port" "--metrics port 0: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd -- --metrics 0
expect_exit 2 "reach the pod's address" "--k8s --metrics on loopback: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -- --metrics 127.0.0.1:9400
expect_exit 2 "give the host's interface" "XDP without --iface: exit 2" \
	"$BUMBLE" export "$XDP" --k8s
expect_exit 2 "not UTF-8 text" "an argument that is not UTF-8: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -- --filter $'comm=\xff'
run "$BUMBLE" export "$XDP" --k8s -- --iface eth0 --sample 4 --sample=5
check "a program parameter is a tool argument" \
	sh -c "test $RC = 0 && grep -q -- '- \"--sample=4\"' '$WORK/out' && grep -q -- '- \"--sample=5\"' '$WORK/out'"
printf 'not a tool\n' >"$WORK/notatool"
expect_exit 3 "is not a bumble tool" "a file that is not a bumble tool: exit 3" \
	"$BUMBLE" export "$WORK/notatool" --k8s
expect_exit 3 "cannot read" "a tool that does not exist: exit 3" \
	"$BUMBLE" export "$WORK/missing" --systemd
: >"$WORK/exists.yaml"
expect_exit 2 "exists; give a new file, or --force" "-o FILE that exists: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -o "$WORK/exists.yaml"
check "and it is left as it was" test ! -s "$WORK/exists.yaml"
run "$BUMBLE" export "$EXEC" --k8s -o "$WORK/exists.yaml" --force
check "--force replaces it" test "$RC" = 0 -a -s "$WORK/exists.yaml"
expect_exit 2 "" "-o into a missing directory: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd -o "$WORK/nodir/x.service"
expect_exit 2 "" "-o a directory: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd -o "$WORK" --force
expect_exit 2 "" "-o the tool itself: exit 2" \
	"$BUMBLE" export "$EXEC" --systemd -o "$EXEC" --force
mkdir "$WORK/ro" && chmod 555 "$WORK/ro"
if [ "$(id -u)" = 0 ]; then
	# root writes into any directory: /proc takes no new file
	expect_exit 1 "cannot write /proc/x.service" \
		"-o where no file can be made: exit 1" \
		"$BUMBLE" export "$EXEC" --systemd -o /proc/x.service
else
	expect_exit 1 "cannot write" "-o into a read-only directory: exit 1" \
		"$BUMBLE" export "$EXEC" --systemd -o "$WORK/ro/x.service"
fi
expect_exit 1 "cannot write the output: No space left on device" \
	"to stdout on a full disk: exit 1" \
	sh -c '"$0" export "$1" --k8s >/dev/full' "$BUMBLE" "$EXEC"
expect_exit 2 "character device" "-o a device: exit 2" \
	"$BUMBLE" export "$EXEC" --k8s -o /dev/full --force

# A tool from a crafted object: a program named "x\nExecStart=/bin/evil"
# (a symbol may hold any byte). Its name, in the comment that lists the
# programs, must not end the comment and write a line of its own.
step "$BUMBLE" build "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/exec.bpf.o"
step python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
old, new = b"execve_exit\0", b"x\nExecS=1;z\0"
assert len(old) == len(new) and old in d
open(sys.argv[2], "wb").write(d.replace(old, new))' "$WORK/exec.bpf.o" "$WORK/crafted.bpf.o"
step "$BUMBLE" bundle "$WORK/crafted.bpf.o" -o "$WORK/crafted"
for kind in systemd k8s; do
	run "$BUMBLE" export "$WORK/crafted" "--$kind"
	check "--$kind: a program name with a newline: exit 0, no line of its own" \
		sh -c "test $RC = 0 && ! grep -q '^ExecS=1' '$WORK/out' &&
			grep -q '^# Programs: .*x?ExecS=1;z (tracepoint)' '$WORK/out'"
done
