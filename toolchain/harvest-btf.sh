#!/usr/bin/env bash
# Takes the BTF out of the kernels that toolchain/fetch-kernels.sh fetched, laid
# out like btfhub-archive (OUTDIR/debian/VERSION_ID/ARCH/RELEASE.btf,
# ARCH btfhub's name of BUMBLE_ARCH: x86_64, arm64), for bumble bundle
# --btf-dir. A kernel's /sys/kernel/btf/vmlinux is its .BTF section: this
# unpacks vmlinux from vmlinuz (xz, zstd or gzip) and copies that section
# out, with no need to boot it. arm64's vmlinuz is a raw Image, not ELF:
# there the BTF is found by its header (magic 0xeB9F, version 1, header
# length 24) and its lengths.
#
#   toolchain/harvest-btf.sh KERNELDIR OUTDIR
#   toolchain/harvest-btf.sh --image VMLINUZ OUT.btf   (one kernel's BTF)
set -euo pipefail
die() { echo "harvest-btf.sh: error: $*" >&2; exit 1; }
. "$(dirname "$0")/arch.sh"
arch_row "${BUMBLE_ARCH:-x86_64}" || die "BUMBLE_ARCH: see toolchain/arches"
IMAGE=
if [ "${1:-}" = --image ]; then
	IMAGE=1
	shift
fi
[ $# -eq 2 ] || { echo "usage: $0 [--image] KERNELDIR OUTDIR" >&2; exit 2; }
KDIR=$1
OUT=$2
command -v llvm-objcopy >/dev/null || die "llvm-objcopy not found: apt-get install llvm"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# unpack SERIES/vmlinuz to $tmp/vmlinux: the first stream that gives an ELF
unpack() {
	local z=$1 magic tool off
	for pair in "$(printf '\3757zXZ'):xz" "$(printf '\050\265\057\375'):zstd" \
		"$(printf '\037\213\010'):gzip"; do
		magic=${pair%:*}
		tool=${pair##*:}
		command -v "$tool" >/dev/null || continue
		for off in $(grep -abo "$magic" "$z" 2>/dev/null | cut -d: -f1 | head -n 3); do
			tail -c +$((off + 1)) "$z" | "$tool" -dc >"$tmp/vmlinux" 2>/dev/null || true
			if [ "$(head -c 4 "$tmp/vmlinux" 2>/dev/null)" = "$(printf '\177ELF')" ]; then
				return 0
			fi
		done
	done
	return 1
}

# raw_btf IMAGE OUT: the BTF blob inside a raw kernel image: the first
# header "9f eb 01 00 18 00 00 00" whose lengths stay inside the file
raw_btf() {
	local img=$1 off hdr size total
	size=$(stat -c %s "$img")
	for off in $(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$img" | cut -d: -f1); do
		# type_off type_len str_off str_len, after magic/version/flags/hdr_len
		read -r -a hdr < <(od -An -tu4 -j $((off + 8)) -N 16 "$img")
		[ ${#hdr[@]} -eq 4 ] || continue
		total=$((24 + hdr[2] + hdr[3]))
		[ $((hdr[0] + hdr[1])) -le $((hdr[2])) ] && [ $((off + total)) -le "$size" ] || continue
		tail -c +$((off + 1)) "$img" | head -c "$total" >"$2"
		return 0
	done
	return 1
}

# one_btf VMLINUZ OUT: its .BTF section, or the blob in a raw arm64 Image
# (its header's magic "ARM\x64" at byte 56)
one_btf() {
	if [ "$(od -An -c -j 56 -N 4 "$1" | tr -d ' ')" = ARMd ]; then
		raw_btf "$1" "$2"
	elif unpack "$1"; then
		llvm-objcopy --dump-section .BTF="$2" "$tmp/vmlinux" "$tmp/discard"
	else
		return 1
	fi
}

if [ -n "$IMAGE" ]; then
	one_btf "$KDIR" "$OUT" || die "no BTF found in $KDIR"
	exit 0
fi

n=0
for dir in "$KDIR"/*/; do
	series=$(basename "$dir")
	[ -f "$dir/vmlinuz" ] && [ -f "$dir/version" ] || continue
	# linux-image-5.10.0-46-amd64-unsigned 5.10.262-1
	release=$(sed -E 's/^linux-image-(.*)-unsigned .*/\1/' "$dir/version")
	case $series in
	5.10) id=11 ;;
	*) id=12 ;;
	esac
	mkdir -p "$OUT/debian/$id/$ARCH_BTF"
	one_btf "$dir/vmlinuz" "$OUT/debian/$id/$ARCH_BTF/$release.btf" ||
		die "no BTF found in $dir/vmlinuz"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no kernels under $KDIR: run toolchain/fetch-kernels.sh $KDIR first"
