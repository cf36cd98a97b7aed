#!/usr/bin/env bash
# The kernel matrix: every example runs its checks on Debian's own kernels,
# booted under qemu (software emulation: no KVM needed) with a small
# initramfs of busybox, the bundled tools and tests/guest/guest_checks.sh,
# for each arch of toolchain/arches (x86_64, aarch64; the tools bundled
# with --arch, the guest's qemu, machine and console from that table):
#
#   5.10  bullseye              6.1  bookworm
#   6.12  bookworm-backports (or bookworm-security when it is newer there)
#
# toolchain/fetch-kernels.sh fetches the kernels (cached in build/kernels). Each
# check the guest prints (tests/assert.sh's "ok - execsnoop: ...") is one
# result here: "kernel 5.10: execsnoop: ..." (x86_64), "kernel aarch64
# 5.10: ..." (another arch). A kernel that cannot be fetched, or no qemu,
# is skipped with the reason.
#
#   tests/kernels.sh            (make test-kernels; also run by tests/run.sh)
#   BUMBLE_KERNELS="5.10"       only these series
#   BUMBLE_KERNEL_ARCHES=aarch64  only these arches (default: every one)
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
KDIR_TOP=${BUMBLE_KERNEL_DIR:-$ROOT/build/kernels}
. "$ROOT/toolchain/arch.sh"
ARCHES=${BUMBLE_KERNEL_ARCHES:-$(arch_list | paste -sd' ')}
BOOT_TIMEOUT=${BUMBLE_BOOT_TIMEOUT:-120}
# every example but bashreadline (a uretprobe on /bin/bash: the guest has
# no bash; the guest says so as a skip), and four fixtures: fentry +
# fexit programs, an atomic fetch (Linux 5.12+, rejected before), a
# kprobe on a function no kernel has (the error names it), an
# unannotated fentry/kprobe pair of one function (one of them runs), and
# fentry on a function that may take no trampoline (skipped, said)
SOURCES=(examples/execsnoop.bpf.c examples/exitsnoop.bpf.c
	examples/opensnoop.bpf.c examples/tcpstates.bpf.c
	examples/tcpconnect.bpf.c examples/xdpcount.bpf.c
	examples/syscount.bpf.c examples/runqlat.bpf.c examples/tcpconns.bpf.c
	tests/fixtures/fentry.bpf.c tests/fixtures/atomic_fetch.bpf.c
	tests/fixtures/kprobe_missing.bpf.c
	tests/fixtures/plain_kprobe_pair.bpf.c
	tests/fixtures/fentry_untraceable.bpf.c)

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

# matrix ARCH: bundles the tools for ARCH, packs its initramfs and boots
# each of its kernels; results "kernel [ARCH ]SERIES: ..."
matrix() {
	local arch=$1 label bin k start secs
	arch_row "$arch" || return
	# x86_64's outputs keep the top of build/kernels and the old names
	KDIR=$KDIR_TOP
	label=
	if [ "$ARCH_DIR" != . ]; then
		KDIR=$KDIR_TOP/$ARCH_DIR
		label="$arch "
	fi
	A=$WORK/$arch
	mkdir -p "$A/bin"
	prereq "QEMU_$arch" "$ARCH_QEMU not found (toolchain/deps.sh installs it)" \
		command -v "$ARCH_QEMU"
	if ! test_have_prereq "QEMU_$arch"; then
		skip "kernel matrix ($arch)" "$TEST_MISSING"
		return
	fi

	local fetch_start=$EPOCHREALTIME
	# shellcheck disable=SC2086 # a list of series
	BUMBLE_ARCH=$arch "$ROOT/toolchain/fetch-kernels.sh" "$KDIR" $KERNELS 2>"$A/fetch.log"
	sed 's/^/# /' "$A/fetch.log"
	echo "# ${label}kernels fetched in $(elapsed "$fetch_start") s"

	# The tools, bundled once; the same initramfs boots every kernel.
	local bundled=() src t
	for src in "${SOURCES[@]}"; do
		t=$(basename "$src" .bpf.c)
		run "$BUMBLE" bundle "$ROOT/$src" --arch "$arch" -o "$A/bin/$t"
		if [ "$RC" = 0 ]; then
			bundled+=("$A/bin/$t")
		else
			fail "bundle $t for the ${label}guests" "exit code $RC"
		fi
	done
	# exitsnoop again, carrying the BTF of every fetched kernel, for guests
	# that hide their own
	if run env BUMBLE_ARCH="$arch" "$ROOT/toolchain/harvest-btf.sh" "$KDIR" "$A/btf" &&
		[ "$RC" = 0 ]; then
		run "$BUMBLE" bundle "$ROOT/examples/exitsnoop.bpf.c" --btf-dir "$A/btf" \
			--arch "$arch" --name exitsnoop_btf -o "$A/bin/exitsnoop_btf"
		if [ "$RC" = 0 ]; then
			bundled+=("$A/bin/exitsnoop_btf")
			echo "# ${label}$(grep -h 'embedded BTF' "$WORK/err")"
		else
			fail "bundle exitsnoop with --btf-dir for the ${label}guests" "exit code $RC"
		fi
	else
		fail "take the BTF out of the fetched ${label}kernels" "$(cat "$WORK/err")"
	fi
	# what the guest cannot ask uname: btfhub's name of its arch
	echo "BTF_ARCH=$ARCH_BTF" >"$A/guest.env"
	local busybox=
	[ "$arch" = "$(uname -m)" ] || busybox=$KDIR/busybox
	run env ${busybox:+BUMBLE_BUSYBOX="$busybox"} "$ROOT/toolchain/initramfs.sh" \
		"$A/initrd.gz" "$ROOT/tests/guest/guest_checks.sh" \
		"$ROOT/tests/assert.sh" "$A/guest.env" "${bundled[@]}"
	if [ "$RC" != 0 ]; then
		fail "build the ${label}guest initramfs" "$(cat "$WORK/err")"
		return
	fi
	rm -f "$WORK/err"
	echo "# ${label}initramfs: $(stat -c %s "$A/initrd.gz") bytes, ${#bundled[@]} tools"

	for k in $KERNELS; do
		if [ ! -s "$KDIR/$k/vmlinuz" ] || [ ! -s "$KDIR/$k/version" ]; then
			reason="could not be fetched"
			[ -s "$KDIR/$k.error" ] && reason=$(cat "$KDIR/$k.error")
			skip "kernel $label$k" "$reason"
			continue
		fi
		start=$EPOCHREALTIME
		boot "$k"
		secs=$(elapsed "$start")
		echo "# kernel $label$k: $(cat "$KDIR/$k/version"): boot to power-off in $secs s"
		report "$k" "$label"
	done
}

# boot SERIES: boots it (the arch's qemu, machine and console: $ARCH_*);
# console in $A/SERIES.console (\r stripped)
boot() {
	local k=$1
	# shellcheck disable=SC2086 # the machine's flags
	timeout -k 5 "$BOOT_TIMEOUT" "$ARCH_QEMU" $ARCH_MACHINE -m 1G \
		-kernel "$KDIR/$k/vmlinuz" -initrd "$A/initrd.gz" \
		-append "console=$ARCH_CONSOLE quiet panic=-1" \
		-nodefaults -serial stdio -display none -no-reboot \
		</dev/null >"$A/$k.raw" 2>"$A/$k.qemu"
	QRC=$?
	tr -d '\r' <"$A/$k.raw" >"$A/$k.console"
}

# report SERIES LABEL: one result per check the guest printed
report() {
	local k=$1 label=$2 console=$A/$1.console expect line
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
			relay "kernel $label$k: " "$line"
			checks=$((checks + 1))
			;;
		"#"*)
			relay "kernel $label$k: " "$line"
			;;
		"BUMBLE-DONE "*)
			done_n=${line##* }
			;;
		esac
	done <"$console"
	if [ -n "$up_start" ] && [ -n "$up_end" ]; then
		echo "# kernel $label$k: in the guest: /init started at $up_start s, checks took $(awk -v a="$up_start" -v b="$up_end" 'BEGIN { printf "%.1f", b - a }') s"
	fi

	if [ "$uname" = "$expect" ]; then
		pass "kernel $label$k: boots $(cat "$KDIR/$k/version") (uname -r $uname)"
	else
		fail "kernel $label$k: boots $(cat "$KDIR/$k/version")" \
			"uname -r in the guest: '${uname:-none}', expected '$expect'"
	fi
	if [ -n "$done_n" ] && [ "$done_n" = "$checks" ]; then
		pass "kernel $label$k: the guest ran all its checks and powered off"
	else
		local why="qemu exit code $QRC"
		[ "$QRC" = 124 ] && why="no power-off within ${BOOT_TIMEOUT} s (timeout)"
		[ -n "$done_n" ] && why="the guest printed $done_n checks, $checks were read"
		local tail_lines=()
		mapfile -t tail_lines < <(tail -n 25 "$console" "$A/$k.qemu")
		fail "kernel $label$k: the guest ran all its checks and powered off" "$why" \
			"${tail_lines[@]}"
	fi
	if grep -Eq 'Kernel panic|Oops|BUG:|general protection fault' "$console"; then
		fail "kernel $label$k: no kernel oops or panic on the console" \
			"$(grep -E -m 5 'Kernel panic|Oops|BUG:|general protection fault' "$console")"
	else
		pass "kernel $label$k: no kernel oops or panic on the console"
	fi
}

for arch in $ARCHES; do
	matrix "$arch"
done
echo "# kernel matrix: $(elapsed "$matrix_start") s in all"
summary
