#!/usr/bin/env bash
# How far bumble gets with bcc's libbpf-tools bundled plainly (no flags):
# for each NAME.bpf.c, does it bundle, attach, and print useful output
# under a small generated load (execs, opens, file I/O with fsync, TCP
# connects to localhost, signals, sleeps, tmpfs mounts, binds, files
# created and removed, contended futexes, out-of-memory kills in a
# memory cgroup of its own)? Writes build/libbpf-tools/
# (each tool's output) and prints a table and the totals. Needs root and
# a libbpf-tools checkout (bcc's libbpf-tools/ directory). Not a test:
# nothing passes or fails.
#
#   bench/libbpf_tools.sh DIR [NAME...]
#   LIBBPF_TOOLS_SECS  seconds each tool runs (4)
#   LIBBPF_TOOLS_JOBS  tools run at once (6)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${1:?usage: bench/libbpf_tools.sh LIBBPF_TOOLS_DIR [NAME...]}
shift
SECS=${LIBBPF_TOOLS_SECS:-4}
JOBS=${LIBBPF_TOOLS_JOBS:-6}
OUT=$ROOT/build/libbpf-tools
BUMBLE=$ROOT/build/bin/bumble
[ "$(id -u)" = 0 ] || { echo "libbpf_tools: needs root" >&2; exit 1; }
[ -x "$BUMBLE" ] || { echo "libbpf_tools: build bumble first (make)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
. "$ROOT/bench/libbpf_tools_lib.sh"
lt_names "$@"

# 1. bundle, two at a time
lt_bundle "$OUT"

# 2. the load: everything a tracing tool of the set watches for
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1]); sys.stdout.flush()
while True:
    c, _ = s.accept(); c.send(b"x" * 4096); c.close()
' >"$OUT/load.port" &
SERVER=$!
# each kind of load in a loop of its own: a slow fsync starves no other
load_exec() {
	mkdir -p "$OUT/load.mnt"
	while :; do
		/bin/true
		mount -t tmpfs bench "$OUT/load.mnt" && umount "$OUT/load.mnt"
		ls / >/dev/null
		cat /etc/passwd /etc/hostname >/dev/null
		sh -c 'exit 3'
		sleep 0.05
	done
}
load_io() {
	while :; do
		dd if=/dev/zero of="$OUT/load.tmp" bs=64k count=16 conv=fsync \
			status=none
		sync
		sleep 0.1
	done
}
load_tcp() {
	# the server writes its port once it listens (slow on a busy host)
	while [ ! -s "$OUT/load.port" ]; do sleep 0.1; done
	exec python3 -c "
import socket, time
while True:
    for _ in range(5):
        s = socket.create_connection(('127.0.0.1', $(cat "$OUT/load.port")))
        s.recv(4096); s.close()
    time.sleep(0.1)
"
}
# binds and short-lived files (bindsnoop, filelife)
load_bind() {
	while :; do
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)'
		echo x >"$OUT/load.short"
		sleep 0.1
		rm -f "$OUT/load.short"
	done
}
# contended futexes (futexctn): threads taking one lock in turn
load_futex() {
	exec python3 -c '
import threading, time
lock = threading.Lock()
def spin():
    while True:
        with lock:
            time.sleep(0.001)
for _ in range(4):
    threading.Thread(target=spin, daemon=True).start()
time.sleep(1e9)
'
}
# an out-of-memory kill a second, inside a 16 MiB memory cgroup (oomkill)
OOM_CG=/sys/fs/cgroup/bumble-bench-oom
load_oom() {
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p "$OOM_CG" && echo 16M >"$OOM_CG/memory.max" || return
	echo 0 >"$OOM_CG/memory.swap.max" 2>/dev/null
	while :; do
		sh -c "echo \$\$ >$OOM_CG/cgroup.procs; exec python3 -c 'x = bytearray(64 << 20)'" 2>/dev/null
		sleep 1
	done
}
load_signal() {
	while :; do
		sleep 0.05 &
		kill -USR1 $! 2>/dev/null
		wait $! 2>/dev/null
		sleep 0.1
	done
}

# 3. run each tool that bundled, JOBS at once, under the load
run_one() {
	[ "$(cat "$OUT/$1.bundle_rc")" = 0 ] || return 0
	timeout -s INT $((SECS + 10)) "$OUT/$1" --duration "$SECS" \
		>"$OUT/$1.out" 2>"$OUT/$1.err"
	echo $? >"$OUT/$1.run_rc"
}
export -f run_one
export SECS
load_exec &
LOADS="$!"
load_io &
LOADS="$LOADS $!"
load_tcp &
LOADS="$LOADS $!"
load_signal &
LOADS="$LOADS $!"
load_bind &
LOADS="$LOADS $!"
load_futex &
LOADS="$LOADS $!"
load_oom &
LOADS="$LOADS $!"
sleep 1
printf '%s\n' "${names[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one {}'
# shellcheck disable=SC2086
kill $LOADS $SERVER 2>/dev/null
# shellcheck disable=SC2086
wait $LOADS $SERVER 2>/dev/null
rmdir "$OOM_CG" 2>/dev/null

# 4. classify. attaches: the tool said it attached and exited 0.
# useful: it printed at least one line of data (not a header, a map's
# name, or a lone count of 0: LT_DATA).
bundled=0 attached=0 useful=0
useful_list=()
printf '%-16s %-8s %-8s %-7s %s\n' tool bundles attaches useful first-error
for n in "${names[@]}"; do
	b=no a=no u=no why=
	if [ "$(cat "$OUT/$n.bundle_rc")" = 0 ]; then
		b=yes bundled=$((bundled + 1))
		if [ "$(cat "$OUT/$n.run_rc" 2>/dev/null)" = 0 ] &&
			grep -q 'attached' "$OUT/$n.err"; then
			a=yes attached=$((attached + 1))
			lines=$(grep -cvE "$LT_DATA" "$OUT/$n.out")
			if [ "$lines" -ge 1 ]; then
				u=yes useful=$((useful + 1))
				useful_list+=("$n")
			fi
		fi
		why=$(grep -m1 -E 'error|warning' "$OUT/$n.err")
	else
		why=$(grep -m1 -E 'error' "$OUT/$n.bundle")
	fi
	printf '%-16s %-8s %-8s %-7s %.90s\n' "$n" "$b" "$a" "$u" "$why"
done
echo
echo "libbpf-tools: ${#names[@]} tools, $bundled bundle, $attached attach, $useful print useful output"
echo "useful: ${useful_list[*]}"
