#!/usr/bin/env bash
# Takes the BTF out of the kernels that toolchain/fetch-kernels.sh fetched, laid
# out like btfhub-archive (OUTDIR/debian/VERSION_ID/x86_64/RELEASE.btf),
# for bumble bundle --btf-dir. A kernel's /sys/kernel/btf/vmlinux is its
# .BTF section: this unpacks vmlinux from vmlinuz (xz, zstd or gzip) and
# copies that section out, with no need to boot it.
#
#   toolchain/harvest-btf.sh KERNELDIR OUTDIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 KERNELDIR OUTDIR" >&2; exit 2; }
KDIR=$1
OUT=$2
die() { echo "harvest-btf.sh: error: $*" >&2; exit 1; }
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
	unpack "$dir/vmlinuz" || die "cannot unpack $dir/vmlinuz"
	mkdir -p "$OUT/debian/$id/x86_64"
	llvm-objcopy --dump-section .BTF="$OUT/debian/$id/x86_64/$release.btf" \
		"$tmp/vmlinux" "$tmp/discard" ||
		die "$dir/vmlinuz has no .BTF section"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no kernels under $KDIR: run toolchain/fetch-kernels.sh $KDIR first"
