#!/usr/bin/env bash
# Fetches Debian's own kernels for the qemu kernel matrix (make
# test-kernels) into OUTDIR/SERIES/vmlinuz (+ config, version), through
# a private apt configuration under OUTDIR/apt: the system's sources and
# state stay untouched, and `apt-get download` checks every .deb against
# the signed indexes. Only the kernel image (and its config) is kept, and
# the modules of a virtio disk (decompressed), in SERIES/modules/:
# Debian builds its disk drivers as modules, and before 6.12 the virtio
# bus and PCI transport too. A guest that loads them (in the order of
# SERIES/modules/order) has a block device (bench/libbpf_tools_guest.sh's
# block I/O).
#
#   toolchain/fetch-kernels.sh OUTDIR [SERIES...]     # default: 5.10 6.1 6.12
#
# For an arch other than the host's, OUTDIR/busybox too: that arch's
# busybox-static, the userland of its guests.
#
#   5.10  bullseye's linux-image-5.10.0-N-FLAVOUR-unsigned
#   6.1   bookworm's linux-image-6.1.0-N-FLAVOUR-unsigned
#   6.12  bookworm's linux-image-6.12.N+deb12-FLAVOUR-unsigned (from
#         bookworm-backports or bookworm-security)
#   trixie-bpo  trixie-backports' newest linux-image-6.N.M+deb13-FLAVOUR
#         (from 6.19 a meta package: the image is in linux-binary-6.N.M
#         +deb13-FLAVOUR, and no config comes with it; the series moves
#         with the backports): the BTF of a recent kernel, which the vmlinux.h of
#         an arch other than the build host's is made from (Makefile's
#         VMLINUX_SERIES), so that programs written against a recent
#         vmlinux.h (libbpf-tools' core_fixes.bpf.h reads cfs_rq's
#         nr_queued, 6.14's name) compile for it too
#
# FLAVOUR is BUMBLE_ARCH's (toolchain/arches: amd64 for x86_64, the
# default; arm64 for aarch64, whose kernel is a gzip'd raw Image).
# The newest package of each series is taken, security updates included;
# when the mirror lacks its .deb (it happened to bullseye-security's
# arm64 5.10), the newest older one that downloads. A series already in OUTDIR
# is not fetched again (BUMBLE_KERNELS_REFRESH=1 looks for newer ones).
# A series that cannot be fetched gets OUTDIR/SERIES.error with the
# reason, and the exit code is 1; the others are still fetched.
set -euo pipefail

usage() {
	echo "usage: $0 OUTDIR [SERIES...]   (series: 5.10 6.1 6.12 trixie-bpo)" >&2
	exit 2
}
note() { echo "kernels.sh: $*" >&2; }
die() {
	echo "kernels.sh: error: $*" >&2
	exit 1
}

[ $# -ge 1 ] || usage
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
shift
SERIES=("$@")
[ ${#SERIES[@]} -gt 0 ] || SERIES=(5.10 6.1 6.12)
MIRROR=${BUMBLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${BUMBLE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRINGS=/usr/share/keyrings
APTDIR=$OUT/apt
. "$(dirname "$0")/arch.sh"
arch_row "${BUMBLE_ARCH:-x86_64}" || die "BUMBLE_ARCH: see toolchain/arches"
FLAVOUR=$ARCH_KFLAVOUR

# SERIES -> where it comes from, for messages
describe() {
	case $1 in
	5.10) echo "bullseye's linux-image-5.10.0-N-$FLAVOUR-unsigned" ;;
	6.1) echo "bookworm's linux-image-6.1.0-N-$FLAVOUR-unsigned" ;;
	6.12) echo "bookworm(-backports)' linux-image-6.12.N+deb12-$FLAVOUR-unsigned" ;;
	trixie-bpo) echo "trixie-backports' linux-image-6.N.M+deb13-$FLAVOUR (or, from 6.19, its linux-binary-)" ;;
	esac
}

# SERIES -> the regex of its package names
pattern() {
	case $1 in
	5.10) echo "^linux-image-5\\.10\\.0-[0-9]+-$FLAVOUR-unsigned\$" ;;
	6.1) echo "^linux-image-6\\.1\\.0-[0-9]+-$FLAVOUR-unsigned\$" ;;
	6.12) echo "^linux-image-6\\.12\\.[0-9]+\\+deb12-$FLAVOUR-unsigned\$" ;;
	trixie-bpo) echo "^linux-(image|binary)-6\\.[0-9]+\\.[0-9]+\\+deb13-$FLAVOUR\$" ;;
	*) return 1 ;;
	esac
}

for s in "${SERIES[@]}"; do
	pattern "$s" >/dev/null || die "unknown kernel series '$s' (known: 5.10 6.1 6.12 trixie-bpo)"
done

# the virtio disk's modules, in the order a guest loads them (each one
# the kernel has as a module; built in, it is not there)
VIRTIO_MODULES="virtio_ring virtio virtio_mmio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"

# kept, and with the modules of this list (SERIES/modules/set)
have() {
	[ -s "$OUT/$1/vmlinuz" ] && [ -s "$OUT/$1/version" ] &&
		[ -e "$OUT/$1/modules/order" ] &&
		[ "$(cat "$OUT/$1/modules/set" 2>/dev/null)" = "$VIRTIO_MODULES" ]
}

todo=()
for s in "${SERIES[@]}"; do
	if [ "${BUMBLE_KERNELS_REFRESH:-0}" = 1 ] || ! have "$s"; then
		todo+=("$s")
	fi
done
# a guest of another arch than the host's needs that arch's busybox too
BUSYBOX=
if [ "$ARCH_NAME" != "$(uname -m)" ] && [ ! -x "$OUT/busybox" ]; then
	BUSYBOX=1
fi
if [ ${#todo[@]} -eq 0 ] && [ -z "$BUSYBOX" ]; then
	exit 0
fi

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: apt-get install $2"; }
need apt-get apt
need dpkg-deb dpkg
need gpgv gpgv

for k in bullseye-stable bullseye-automatic bullseye-security-automatic \
	bookworm-stable bookworm-automatic bookworm-security-automatic \
	trixie-stable trixie-automatic; do
	[ -f "$KEYRINGS/debian-archive-$k.gpg" ] ||
		die "$KEYRINGS/debian-archive-$k.gpg missing: apt-get install debian-archive-keyring (bookworm's 2023.3+deb12u2 or later holds trixie's keys)"
done

mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" \
	"$APTDIR/parts.d" "$APTDIR/download"
keys() {
	local k out=
	for k in "$@"; do out+=${out:+,}$KEYRINGS/debian-archive-$k.gpg; done
	echo "$out"
}
cat >"$APTDIR/sources.list" <<EOF
deb [arch=$ARCH_DEBIAN signed-by=$(keys bookworm-stable bookworm-automatic)] $MIRROR bookworm main
deb [arch=$ARCH_DEBIAN signed-by=$(keys bookworm-stable bookworm-automatic)] $MIRROR bookworm-backports main
deb [arch=$ARCH_DEBIAN signed-by=$(keys bookworm-security-automatic)] $SECURITY bookworm-security main
deb [arch=$ARCH_DEBIAN signed-by=$(keys bullseye-stable bullseye-automatic)] $MIRROR bullseye main
deb [arch=$ARCH_DEBIAN signed-by=$(keys bullseye-security-automatic)] $SECURITY bullseye-security main
deb [arch=$ARCH_DEBIAN signed-by=$(keys trixie-stable trixie-automatic)] $MIRROR trixie-backports main
EOF

APT_OPTS=(
	-o Dir::Etc::SourceList="$APTDIR/sources.list"
	-o Dir::Etc::SourceParts="$APTDIR/parts.d"
	-o Dir::Etc::Preferences=/dev/null
	-o Dir::Etc::PreferencesParts="$APTDIR/parts.d"
	-o Dir::State::Lists="$APTDIR/lists"
	-o Dir::Cache="$APTDIR/cache"
	-o APT::Architectures=$ARCH_DEBIAN
	-o Acquire::Languages=none
	-o Acquire::http::Timeout=30
	-o APT::Sandbox::User=root)
export LC_ALL=C

note "updating private apt indexes in $APTDIR (bookworm, bookworm-backports, bullseye + security, trixie-backports)"
update_rc=0
apt-get "${APT_OPTS[@]}" update >"$APTDIR/update.log" 2>&1 || update_rc=$?
problems=$(grep -E '^(E:|W: Failed to fetch|W: GPG error)' "$APTDIR/update.log" || true)
if [ $update_rc != 0 ] || [ -n "$problems" ]; then
	note "apt-get update reported problems (full log: $APTDIR/update.log):"
	printf '%s\n' "$problems" | sed 's/^/    /' >&2
fi

failed=0
# fail SERIES REASON: records why SERIES is missing
fail() {
	note "kernel $1: $2"
	echo "$2" >"$OUT/$1.error"
	failed=1
}

# download SERIES PKG DIR: apt-get download of PKG's candidate into DIR
download() {
	rm -rf "$3"
	mkdir -p "$3"
	note "kernel $1: downloading $2 $(candidate "$2")"
	(cd "$3" && apt-get "${APT_OPTS[@]}" download "$2") >"$3.log" 2>&1
}
candidate() {
	apt-cache "${APT_OPTS[@]}" policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p'
}

for s in "${todo[@]}"; do
	rm -f "$OUT/$s.error"
	# newest first (by the version in the name; of one version
	# linux-binary-, which holds the image, before linux-image-): the
	# next when the mirror lacks a .deb
	mapfile -t pkgs < <(apt-cache "${APT_OPTS[@]}" pkgnames linux- 2>/dev/null |
		grep -E "$(pattern "$s")" | sort -t- -k3rV -k2,2 | head -n 12)
	if [ ${#pkgs[@]} -eq 0 ]; then
		if [ -n "$problems" ]; then
			fail "$s" "no $(describe "$s") in the apt indexes: the Debian archive was not reachable ($(printf '%s\n' "$problems" | head -n 1 | sed 's/^W: //; s/  */ /g'); log: $APTDIR/update.log)"
		else
			fail "$s" "no $(describe "$s") in the apt indexes of $MIRROR (log: $APTDIR/update.log)"
		fi
		continue
	fi
	pkg=${pkgs[0]}
	ver=$(candidate "$pkg")
	if have "$s" && [ "$(cat "$OUT/$s/version")" = "$pkg $ver" ]; then
		note "kernel $s: $pkg $ver (up to date)"
		continue
	fi
	dl=$APTDIR/download/$s
	got=
	for pkg in "${pkgs[@]}"; do
		if download "$s" "$pkg" "$dl"; then
			deb=$(find "$dl" -maxdepth 1 -name "*.deb" | head -n 1)
			if [ -n "$deb" ] && dpkg-deb -c "$deb" 2>/dev/null |
				grep ' \./boot/vmlinuz-' >/dev/null; then
				got=$pkg
				break
			fi
			note "kernel $s: $pkg holds no kernel image (a meta package); trying the next"
			continue
		fi
		grep -E '^(E:|W:|Err)' "$dl.log" | sed 's/^/    /' >&2 || true
		note "kernel $s: $pkg is not on the mirror; trying an older one"
	done
	if [ -z "$got" ]; then
		fail "$s" "apt-get download failed for ${pkgs[*]} (log: $dl.log)"
		continue
	fi
	pkg=$got
	ver=$(candidate "$pkg")
	if have "$s" && [ "$(cat "$OUT/$s/version")" = "$pkg $ver" ]; then
		note "kernel $s: $pkg $ver (the newest that downloads; up to date)"
		rm -rf "$dl" "$dl.log"
		continue
	fi
	deb=$(find "$dl" -maxdepth 1 -name "*.deb" | head -n 1)
	# one pass; tar's status is not looked at, since a kernel without
	# the module is no error: the files are
	if [ -n "$deb" ]; then
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl" --wildcards \
			'./boot/vmlinuz-*' './boot/config-*' \
			'./lib/modules/*/kernel/drivers/block/virtio_blk.ko*' \
			'./lib/modules/*/kernel/drivers/virtio/virtio*.ko*' \
			'./usr/lib/modules/*/kernel/drivers/block/virtio_blk.ko*' \
			'./usr/lib/modules/*/kernel/drivers/virtio/virtio*.ko*' \
			2>/dev/null || true
	fi
	if [ -z "$deb" ] || ! ls "$dl"/boot/vmlinuz-* >/dev/null 2>&1; then
		fail "$s" "could not extract the kernel image from ${deb:-the .deb of $pkg}"
		continue
	fi
	rm -rf "${OUT:?}/$s"
	mkdir -p "$OUT/$s/modules"
	mv "$dl"/boot/vmlinuz-* "$OUT/$s/vmlinuz"
	# the config, where the package has it (linux-binary- has none)
	for c in "$dl"/boot/config-*; do
		[ -e "$c" ] && mv "$c" "$OUT/$s/config"
	done
	: >"$OUT/$s/modules/order"
	echo "$VIRTIO_MODULES" >"$OUT/$s/modules/set"
	for name in $VIRTIO_MODULES; do
		for m in "$dl"/lib/modules/*/kernel/drivers/*/"$name".ko* \
			"$dl"/usr/lib/modules/*/kernel/drivers/*/"$name".ko*; do
			k=$OUT/$s/modules/$name.ko
			case $m in
			*.ko) cp "$m" "$k" ;;
			*.ko.xz) xz -dc "$m" >"$k" ;;
			*.ko.gz) gzip -dc "$m" >"$k" ;;
			*)
				[ -e "$m" ] && note "kernel $s: $m: a compression not read here"
				continue
				;;
			esac
			echo "$name" >>"$OUT/$s/modules/order"
		done
	done
	echo "$pkg $ver" >"$OUT/$s/version"
	rm -rf "$dl" "$dl.log"
	note "kernel $s: $pkg $ver -> $OUT/$s/vmlinuz"
done
# busybox-static of the arch (it cannot be installed beside the host's)
if [ -n "$BUSYBOX" ]; then
	dl=$APTDIR/download/busybox
	if download busybox "busybox-static:$ARCH_DEBIAN" "$dl" &&
		deb=$(find "$dl" -maxdepth 1 -name "*.deb" | head -n 1) &&
		[ -n "$deb" ] && dpkg-deb -x "$deb" "$dl/root" &&
		[ -x "$dl/root/bin/busybox" ]; then
		mv "$dl/root/bin/busybox" "$OUT/busybox"
		note "busybox-static for $ARCH_DEBIAN -> $OUT/busybox"
	else
		note "busybox-static for $ARCH_DEBIAN: download failed (log: $dl.log)"
		echo "no busybox-static for $ARCH_DEBIAN (log: $dl.log)" >"$OUT/busybox.error"
		failed=1
	fi
	[ -x "$OUT/busybox" ] && rm -rf "$dl" "$dl.log"
fi
exit $failed
