#!/usr/bin/env bash
# bench/libbpf_tools.sh's measure in the kernel-matrix guests: bcc's
# libbpf-tools bundled plainly (no flags) for an arch, booted with one of
# Debian's kernels under qemu (tcg) and run one after another under a
# load made inside the guest (execs, tmpfs mounts, writes with fsync,
# HTTP over loopback, signals, binds, short-lived files, out-of-memory
# kills in a memory cgroup and of the whole guest, and block I/O on
# a virtio disk when toolchain/fetch-kernels.sh kept the kernel's
# virtio modules: Debian builds disk drivers as modules). One CPU: with two, tcg crashed a 6.12 guest in
# syscall_trace_enter's int3 text patching. These
# kernels have kprobes and, but for arm64 before 6.4, fentry, which the
# development host lacks. Prints a table and the totals in the same
# terms as the host's script; each tool's output is in
# build/libbpf-tools-guest/ARCH-SERIES/. Not a test: nothing passes or
# fails. Needs the kernels of the matrix (make test-kernels fetches them).
#
#   bench/libbpf_tools_guest.sh DIR [NAME...]
#   LIBBPF_TOOLS_SECS     seconds each tool runs (4)
#   LIBBPF_TOOLS_KERNELS  series to boot (6.12)
#   LIBBPF_TOOLS_ARCH     x86_64 (default) or aarch64
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${1:?usage: bench/libbpf_tools_guest.sh LIBBPF_TOOLS_DIR [NAME...]}
shift
SECS=${LIBBPF_TOOLS_SECS:-4}
KERNELS=${LIBBPF_TOOLS_KERNELS:-6.12}
ARCH=${LIBBPF_TOOLS_ARCH:-x86_64}
BUMBLE=$ROOT/build/bin/bumble
. "$ROOT/toolchain/arch.sh"
arch_row "$ARCH" || exit 1
KDIR=$ROOT/build/kernels
BUSYBOX=
if [ "$ARCH_DIR" != . ]; then
	KDIR=$KDIR/$ARCH_DIR
	BUSYBOX=$KDIR/busybox
fi
OUT=$ROOT/build/libbpf-tools-guest/$ARCH
rm -rf "$OUT"
mkdir -p "$OUT/bin/lt"
. "$ROOT/bench/libbpf_tools_lib.sh"
lt_names "$@"

# 1. bundle for the arch, two at a time
lt_bundle "$OUT/bin/lt" "$ARCH"
bundled=()
for n in "${names[@]}"; do
	[ "$(cat "$OUT/$n.bundle_rc")" = 0 ] && bundled+=("$n")
done

# 2. the guest: /init runs each bundled tool for SECS under the load
cat >"$OUT/init" <<EOF
#!/bin/sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
# the kernel's out-of-memory reports off the console the results go to
dmesg -n 1
ip link set lo up
echo "LT-START \$(uname -r) \$(nproc) cpu"
mkdir -p /tmp/www /tmp/mnt
for m in \$(cat /lib/order 2>/dev/null); do insmod /lib/\$m.ko; done
echo "LT-DISK \$(ls /sys/block | tr '\\n' ' ')"
[ -b /dev/vda ] && (while :; do dd if=/dev/zero of=/dev/vda bs=64k count=16 \
	conv=fsync 2>/dev/null; echo 3 >/proc/sys/vm/drop_caches;
	dd if=/dev/vda of=/dev/null bs=64k count=16 2>/dev/null; sleep 0.1;
	done) &
# memory pressure (drsnoop): all but 200 MiB held in a tmpfs (no swap:
# it stays), then every 2 s an allocation of 250 MiB, the out-of-memory
# killer's first choice, which reclaims directly before it is killed
fill=\$(awk '/^MemAvailable:/ { print int(\$2 / 1024) - 200 }' /proc/meminfo)
mkdir -p /tmp/hog && mount -t tmpfs -o size=\${fill}m hog /tmp/hog &&
	dd if=/dev/zero of=/tmp/hog/fill bs=1M count=\$fill 2>/dev/null
(while :; do sh -c 'echo 1000 >/proc/self/oom_score_adj;
	exec dd if=/dev/zero of=/dev/null bs=250M count=1' 2>/dev/null;
	sleep 2; done) &
# an out-of-memory kill a second, inside a 16 MiB memory cgroup (oomkill)
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
mkdir -p /sys/fs/cgroup/oom && echo 16M >/sys/fs/cgroup/oom/memory.max &&
	(while :; do sh -c 'echo \$\$ >/sys/fs/cgroup/oom/cgroup.procs;
	exec dd if=/dev/zero of=/dev/null bs=64M count=1' 2>/dev/null;
	sleep 1; done) &
echo hello >/tmp/www/index.html
httpd -p 127.0.0.1:8080 -h /tmp/www
(while :; do /bin/true; mount -t tmpfs x /tmp/mnt && umount /tmp/mnt;
	ls / >/dev/null; cat /proc/version >/dev/null; sh -c 'exit 3';
	sleep 0.05; done) &
(while :; do dd if=/dev/zero of=/tmp/load bs=64k count=16 conv=fsync \
	2>/dev/null; sync; sleep 0.1; done) &
(while :; do wget -q -O /dev/null http://127.0.0.1:8080/; sleep 0.1; done) &
(while :; do sleep 0.05 & kill -USR1 \$! 2>/dev/null; wait \$! 2>/dev/null;
	sleep 0.1; done) &
(while :; do nc -l -p 9999 -w 1 >/dev/null 2>&1 & sleep 0.2; kill \$! 2>/dev/null;
	echo x >/tmp/short-lived; sleep 0.1; rm -f /tmp/short-lived; done) &
sleep 1
for t in ${bundled[*]}; do
	timeout -s INT $((SECS + 60)) /bin/lt/\$t --duration $SECS \
		>/tmp/out 2>/tmp/err
	rc=\$?
	attached=no
	grep -q attached /tmp/err && attached=yes
	echo "LT \$t \$rc \$attached \$(grep -cvE '$LT_DATA' /tmp/out)"
	head -n 4 /tmp/out | sed "s/^/LTO \$t: /"
	grep -m1 -E 'error|warning' /tmp/err | sed "s/^/LTE \$t: /"
done
echo LT-DONE
poweroff -f
EOF
# shellcheck disable=SC2046
env ${BUSYBOX:+BUMBLE_BUSYBOX="$BUSYBOX"} "$ROOT/toolchain/initramfs.sh" \
	"$OUT/initrd.gz" "$OUT/init" || exit 1
# the tools in /bin/lt/, a second archive after initramfs.sh's (and the
# kernel's virtio modules in /lib/, a third, for each kernel)
(cd "$OUT" && find bin/lt | LC_ALL=C sort | cpio -o -H newc -R 0:0 \
	--quiet | gzip -9n) >>"$OUT/initrd.gz"

# 3. boot each kernel; classify as the host's script does
for k in $KERNELS; do
	[ -s "$KDIR/$k/vmlinuz" ] || {
		echo "kernel $k: not fetched (make test-kernels)"
		continue
	}
	D=$OUT/$k
	mkdir -p "$D/lib"
	cp "$OUT/initrd.gz" "$D/initrd.gz"
	if [ -s "$KDIR/$k/modules/virtio_blk.ko" ] &&
		[ -s "$KDIR/$k/modules/order" ]; then
		cp "$KDIR/$k/modules/"*.ko "$KDIR/$k/modules/order" "$D/lib/"
		(cd "$D" && find lib | LC_ALL=C sort | cpio -o -H newc -R 0:0 \
			--quiet | gzip -9n) >>"$D/initrd.gz"
	else
		echo "kernel $k: no virtio disk modules kept (fetch it" \
			"again: toolchain/fetch-kernels.sh): no block I/O"
	fi
	truncate -s 64M "$D/disk.img"
	start=$EPOCHREALTIME
	# shellcheck disable=SC2086 # the machine's flags
	timeout -k 5 1800 "$ARCH_QEMU" $ARCH_MACHINE -m 2G \
		-kernel "$KDIR/$k/vmlinuz" -initrd "$D/initrd.gz" \
		-append "console=$ARCH_CONSOLE quiet panic=-1" \
		-drive "file=$D/disk.img,if=virtio,format=raw" \
		-nodefaults -serial stdio -display none -no-reboot \
		</dev/null 2>"$D/qemu.err" | tr -d '\r' >"$D/console"
	secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
	attached=0 useful=0
	useful_list=()
	printf '%-16s %-8s %-8s %-7s %s\n' tool bundles attaches useful first-error
	for n in "${names[@]}"; do
		b=no a=no u=no
		why=$(sed -n "s/^LTE $n: //p" "$D/console" | head -n 1)
		if [ "$(cat "$OUT/$n.bundle_rc")" = 0 ]; then
			b=yes
			read -r _ _ rc att lines < <(grep "^LT $n " "$D/console")
			if [ "${rc:-x}" = 0 ] && [ "${att:-}" = yes ]; then
				a=yes attached=$((attached + 1))
				if [ "${lines:-0}" -ge 1 ]; then
					u=yes useful=$((useful + 1))
					useful_list+=("$n")
				fi
			fi
		else
			why=$(grep -m1 -E 'error' "$OUT/$n.bundle")
		fi
		printf '%-16s %-8s %-8s %-7s %.90s\n' "$n" "$b" "$a" "$u" "$why"
	done
	echo
	echo "libbpf-tools on $ARCH $(head -n 1 "$KDIR/$k/version") ($secs s):" \
		"${#names[@]} tools, ${#bundled[@]} bundle, $attached attach," \
		"$useful print useful output"
	echo "useful: ${useful_list[*]}"
done
