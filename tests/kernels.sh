#!/usr/bin/env bash
# The kernel matrix: every example runs its checks on Debian's own kernels,
# booted under qemu (software emulation: no KVM needed) with a small
# initramfs of busybox, the bundled tools and tests/guest/guest_checks.sh:
#
#   5.10  bullseye              6.1  bookworm
#   6.12  bookworm-backports (or bookworm-security when it is newer there)
#
# toolchain/fetch-kernels.sh fetches the kernels (cached in build/kernels). Each
# check the guest prints (tests/assert.sh's "ok - execsnoop: ...") is one
# result here: "kernel 5.10: execsnoop: ...". A kernel that cannot be
# fetched, or no qemu, is skipped with the reason.
#
#   tests/kernels.sh            (make test-kernels; also run by tests/run.sh)
#   BUMBLE_KERNELS="5.10"       only these series
#   BUMBLE_BOOT_TIMEOUT=120     seconds for one boot to power off
#
# Run on its own (not from run.sh), it prints "N passed, N failed, N
# skipped" and exits 1 when a check failed.
STANDALONE=
if [ -z "${BUMBLE_RESULTS:-}" ]; then
	STANDALONE=1
	mkdir -p "$(dirname "$0")/../build/test"
	BUMBLE_RESULTS=$(cd "$(dirname "$0")/../build/test" && pwd)/kernel-results
	: >"$BUMBLE_RESULTS"
	export BUMBLE_RESULTS
fi
. "$(dirname "$0")/lib.sh"

KERNELS=${BUMBLE_KERNELS:-5.10 6.1 6.12}
KDIR=${BUMBLE_KERNEL_DIR:-$ROOT/build/kernels}
BOOT_TIMEOUT=${BUMBLE_BOOT_TIMEOUT:-120}
# every example but bashreadline (a uretprobe on /bin/bash: the guest has
# no bash; the guest says so as a skip), and four fixtures: fentry +
# fexit programs, an atomic fetch (Linux 5.12+, rejected before), a
# kprobe on a function no kernel has (the error names it), and an
# unannotated fentry/kprobe pair of one function (one of them runs)
SOURCES=(examples/execsnoop.bpf.c examples/exitsnoop.bpf.c
	examples/opensnoop.bpf.c examples/tcpstates.bpf.c
	examples/tcpconnect.bpf.c examples/xdpcount.bpf.c
	examples/syscount.bpf.c examples/runqlat.bpf.c examples/tcpconns.bpf.c
	tests/fixtures/fentry.bpf.c tests/fixtures/atomic_fetch.bpf.c
	tests/fixtures/kprobe_missing.bpf.c
	tests/fixtures/plain_kprobe_pair.bpf.c)

# elapsed START: seconds since START (an $EPOCHREALTIME), as 12.3
elapsed() {
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

summary() {
	[ -n "$STANDALONE" ] || return 0
	local p f s
	p=$(grep -c '^pass$' "$BUMBLE_RESULTS")
	f=$(grep -c '^fail$' "$BUMBLE_RESULTS")
	s=$(grep -c '^skip$' "$BUMBLE_RESULTS")
	echo "$p passed, $f failed, $s skipped"
	[ "$f" -eq 0 ]
}

matrix_start=$EPOCHREALTIME

prereq QEMU "qemu-system-x86_64 not found: apt-get install qemu-system-x86 (toolchain/deps.sh does)" \
	command -v qemu-system-x86_64
if ! test_have_prereq QEMU; then
	skip "kernel matrix" "$TEST_MISSING"
	summary
	exit
fi

fetch_start=$EPOCHREALTIME
# shellcheck disable=SC2086 # a list of series
"$ROOT/toolchain/fetch-kernels.sh" "$KDIR" $KERNELS 2>"$WORK/fetch.log"
sed 's/^/# /' "$WORK/fetch.log"
echo "# kernels fetched in $(elapsed "$fetch_start") s"

# The tools, bundled once; the same initramfs boots every kernel.
mkdir -p "$WORK/bin"
bundled=()
for src in "${SOURCES[@]}"; do
	t=$(basename "$src" .bpf.c)
	run "$BUMBLE" bundle "$ROOT/$src" -o "$WORK/bin/$t"
	if [ "$RC" = 0 ]; then
		bundled+=("$WORK/bin/$t")
	else
		fail "bundle $t for the guests" "exit code $RC"
	fi
done
# exitsnoop again, carrying the BTF of every fetched kernel, for guests
# that hide their own
if run "$ROOT/toolchain/harvest-btf.sh" "$KDIR" "$WORK/btf" && [ "$RC" = 0 ]; then
	run "$BUMBLE" bundle "$ROOT/examples/exitsnoop.bpf.c" --btf-dir "$WORK/btf" \
		--name exitsnoop_btf -o "$WORK/bin/exitsnoop_btf"
	if [ "$RC" = 0 ]; then
		bundled+=("$WORK/bin/exitsnoop_btf")
		echo "# $(grep -h 'embedded BTF' "$WORK/err")"
	else
		fail "bundle exitsnoop with --btf-dir for the guests" "exit code $RC"
	fi
else
	fail "take the BTF out of the fetched kernels" "$(cat "$WORK/err")"
fi
run "$ROOT/toolchain/initramfs.sh" "$WORK/initrd.gz" "$ROOT/tests/guest/guest_checks.sh" \
	"$ROOT/tests/assert.sh" "${bundled[@]}"
if [ "$RC" != 0 ]; then
	fail "build the guest initramfs" "$(cat "$WORK/err")"
	summary
	exit
fi
rm -f "$WORK/err"
echo "# initramfs: $(stat -c %s "$WORK/initrd.gz") bytes, ${#bundled[@]} tools"


# boot SERIES: boots it; console in $WORK/SERIES.console (\r stripped)
boot() {
	local k=$1
	timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -m 1G \
		-kernel "$KDIR/$k/vmlinuz" -initrd "$WORK/initrd.gz" \
		-append 'console=ttyS0 quiet panic=-1' \
		-nodefaults -serial stdio -display none -cpu max -no-reboot \
		</dev/null >"$WORK/$k.raw" 2>"$WORK/$k.qemu"
	QRC=$?
	tr -d '\r' <"$WORK/$k.raw" >"$WORK/$k.console"
}

# report SERIES: one result per check the guest printed
report() {
	local k=$1 console=$WORK/$1.console expect line
	local checks=0 done_n='' uname='' up_start='' up_end=''
	expect=$(sed -e 's/^linux-image-//' -e 's/-unsigned .*//' "$KDIR/$k/version")
	while IFS= read -r line; do
		case $line in
		"BUMBLE-START "*)
			uname=${line#BUMBLE-START }
			uname=${uname%% *}
			up_start=${line#* up }
			up_start=${up_start%% *}
			;;
		"BUMBLE-UPTIME "*)
			up_end=${line#BUMBLE-UPTIME }
			;;
		"ok - "* | "not ok - "* | "skip - "*)
			relay "kernel $k: " "$line"
			checks=$((checks + 1))
			;;
		"#"*)
			relay "kernel $k: " "$line"
			;;
		"BUMBLE-DONE "*)
			done_n=${line##* }
			;;
		esac
	done <"$console"
	if [ -n "$up_start" ] && [ -n "$up_end" ]; then
		echo "# kernel $k: in the guest: /init started at $up_start s, checks took $(awk -v a="$up_start" -v b="$up_end" 'BEGIN { printf "%.1f", b - a }') s"
	fi

	if [ "$uname" = "$expect" ]; then
		pass "kernel $k: boots $(cat "$KDIR/$k/version") (uname -r $uname)"
	else
		fail "kernel $k: boots $(cat "$KDIR/$k/version")" \
			"uname -r in the guest: '${uname:-none}', expected '$expect'"
	fi
	if [ -n "$done_n" ] && [ "$done_n" = "$checks" ]; then
		pass "kernel $k: the guest ran all its checks and powered off"
	else
		local why="qemu exit code $QRC"
		[ "$QRC" = 124 ] && why="no power-off within ${BOOT_TIMEOUT} s (timeout)"
		[ -n "$done_n" ] && why="the guest printed $done_n checks, $checks were read"
		local tail_lines=()
		mapfile -t tail_lines < <(tail -n 25 "$console" "$WORK/$k.qemu")
		fail "kernel $k: the guest ran all its checks and powered off" "$why" \
			"${tail_lines[@]}"
	fi
	if grep -Eq 'Kernel panic|Oops|BUG:|general protection fault' "$console"; then
		fail "kernel $k: no kernel oops or panic on the console" \
			"$(grep -E -m 5 'Kernel panic|Oops|BUG:|general protection fault' "$console")"
	else
		pass "kernel $k: no kernel oops or panic on the console"
	fi
}

for k in $KERNELS; do
	if [ ! -s "$KDIR/$k/vmlinuz" ] || [ ! -s "$KDIR/$k/version" ]; then
		reason="could not be fetched"
		[ -s "$KDIR/$k.error" ] && reason=$(cat "$KDIR/$k.error")
		skip "kernel $k" "$reason"
		continue
	fi
	start=$EPOCHREALTIME
	boot "$k"
	secs=$(elapsed "$start")
	echo "# kernel $k: $(cat "$KDIR/$k/version"): boot to power-off in $secs s"
	report "$k"
done
echo "# kernel matrix: $(elapsed "$matrix_start") s in all"
summary
