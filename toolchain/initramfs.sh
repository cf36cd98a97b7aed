#!/usr/bin/env bash
# Packs a small initramfs for booting a kernel under qemu: a gzip'ed newc
# cpio with a static busybox as /bin/busybox, INIT as /init (a busybox sh
# script with #!/bin/sh: it installs the other applet links itself) and every FILE in /bin.
#
#   toolchain/initramfs.sh OUT.cpio.gz INIT [FILE...]
#
# BUMBLE_BUSYBOX names another static busybox (default /bin/busybox, from
# Debian's busybox-static).
set -euo pipefail

die() {
	echo "initramfs.sh: error: $*" >&2
	exit 1
}
[ $# -ge 2 ] || {
	echo "usage: $0 OUT.cpio.gz INIT [FILE...]" >&2
	exit 2
}
OUT=$1
INIT=$2
shift 2
BUSYBOX=${BUMBLE_BUSYBOX:-/bin/busybox}

command -v cpio >/dev/null || die "cpio not found: apt-get install cpio"
command -v gzip >/dev/null || die "gzip not found: apt-get install gzip"
[ -x "$BUSYBOX" ] || die "$BUSYBOX not found: apt-get install busybox-static"
# A dynamic busybox would need its libraries in the image: refuse it.
if LC_ALL=C readelf -l "$BUSYBOX" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	die "$BUSYBOX is dynamically linked: apt-get install busybox-static"
fi
[ -f "$INIT" ] || die "no init script $INIT"
for f in "$@"; do
	[ -f "$f" ] || die "no such file: $f"
done

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/bumble-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,root,usr/bin,usr/sbin}
install -m 755 "$BUSYBOX" "$STAGE/bin/busybox"
ln -s busybox "$STAGE/bin/sh" # the interpreter of /init
install -m 755 "$INIT" "$STAGE/init"
for f in "$@"; do
	install -m 755 "$f" "$STAGE/bin/$(basename "$f")"
done
# The kernel opens /dev/console for /init before anything is mounted.
mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true

mkdir -p "$(dirname "$OUT")"
(cd "$STAGE" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
