#!/usr/bin/env bash
# Builds static zlib, libelf (elfutils) and libbpf with musl-gcc into SYSROOT/{include,lib},
# SYSROOT/bin/btf2c (static, links all three) and optionally a host (glibc) static libbpf
# into HOSTPREFIX/{include,lib}. BUMBLE_ARCH (a row of toolchain/arches, default
# x86_64) builds them for another architecture with its musl cross compiler; btf2c
# and the host libbpf run on the build host, so they come with x86_64 only.
set -euo pipefail

usage() {
	cat >&2 <<-EOF
	usage: $0 SRCDIR SYSROOT [HOSTPREFIX]
	  environment: BUMBLE_ARCH (default x86_64), BUMBLE_OBJDIR (default SYSROOT/../obj),
	  BUMBLE_JOBS, MUSL_CC (default: the arch's, toolchain/arches), HOST_CC,
	  BUMBLE_TARGET_CFLAGS (default: $DEFAULT_TARGET_CFLAGS), BUMBLE_HOST_CFLAGS
	EOF
	exit 2
}
die() { echo "build-sysroot.sh: error: $*" >&2; exit 1; }
note() { echo "build-sysroot.sh: $*" >&2; }

# No unwind tables: nothing in a tool unwinds (no C++, no backtraces), and
# .eh_frame was 7% of every tool.
DEFAULT_TARGET_CFLAGS="-Os -ffunction-sections -fdata-sections -fPIE -fno-asynchronous-unwind-tables -fno-unwind-tables"
[ $# -eq 2 ] || [ $# -eq 3 ] || usage
[ -f "$1/paths.mk" ] || die "$1/paths.mk not found: run toolchain/fetch.sh $1 first"
SRCDIR=$(cd "$1" && pwd)
mkdir -p "$2/include" "$2/lib"
SYSROOT=$(cd "$2" && pwd)
HOSTPREFIX=
if [ $# -eq 3 ]; then
	mkdir -p "$3/include" "$3/lib"
	HOSTPREFIX=$(cd "$3" && pwd)
fi
OBJ=${BUMBLE_OBJDIR:-$(dirname "$SYSROOT")/obj}
JOBS=${BUMBLE_JOBS:-$(nproc)}
TOOLCHAIN=$(cd "$(dirname "$0")" && pwd)
. "$TOOLCHAIN/arch.sh"
arch_row "${BUMBLE_ARCH:-x86_64}" || die "BUMBLE_ARCH: see toolchain/arches"
MUSL_CC=${MUSL_CC:-$ARCH_CC}
HOST_CC=${HOST_CC:-gcc}
TARGET_CFLAGS=${BUMBLE_TARGET_CFLAGS:-$DEFAULT_TARGET_CFLAGS}
HOST_CFLAGS=${BUMBLE_HOST_CFLAGS:--O2}
read -ra TARGET_CFLAGS_ARGS <<<"$TARGET_CFLAGS"

STAMPS=$SYSROOT/.stamps
. "$TOOLCHAIN/step.sh"
sources "$SRCDIR" ZLIB ELFUTILS LIBBPF

build_uapi() {
	local inc=$SYSROOT/include
	rm -rf "$inc/linux" "$inc/asm-generic" "$inc/asm"
	cp -RL /usr/include/linux /usr/include/asm-generic "$inc/"
	cp -RL "/usr/include/$ARCH_TRIPLET/asm" "$inc/asm"
}

build_zlib() {
	local b=$OBJ/musl/zlib
	rm -rf "$b"
	mkdir -p "$b"
	(cd "$b" && CC=$MUSL_CC CFLAGS="$TARGET_CFLAGS -ffile-prefix-map=$ZLIB_SRC=zlib" \
		"$ZLIB_SRC/configure" --static --prefix="$SYSROOT")
	make -C "$b" -j"$JOBS" libz.a
	install -m 644 "$b/libz.a" "$SYSROOT/lib/libz.a"
	install -m 644 "$ZLIB_SRC/zlib.h" "$b/zconf.h" "$SYSROOT/include/"
}

build_libelf() {
	local b=$OBJ/musl/libelf src=$ELFUTILS_SRC/libelf
	local -a sources
	rm -rf "$b"
	mkdir -p "$b"
	cat >"$b/config.h" <<-EOF
	#ifndef _GNU_SOURCE
	#define _GNU_SOURCE 1
	#endif
	#define _FILE_OFFSET_BITS 64
	#define PACKAGE "elfutils"
	#define PACKAGE_NAME "elfutils"
	#define PACKAGE_VERSION "${ELFUTILS_VERSION%-*}"
	#define HAVE_ERR_H 1
	#define HAVE_DECL_MEMPCPY 1
	#define HAVE_DECL_MEMRCHR 1
	#define HAVE_DECL_RAWMEMCHR 0
	#define HAVE_DECL_POWEROF2 1
	#define HAVE_DECL_REALLOCARRAY 1
	#define HAVE_MREMAP 1
	#define HAVE_VISIBILITY 1
	$([ "$ARCH_TARGET" = x86 ] && echo '#define HAVE_GCC_STRUCT 1')
	#define HAVE_FALLTHROUGH 1
	#define USE_ZLIB 1
	#include <eu-config.h>
	EOF
	mapfile -t sources < <(sed -n '/^libelf_a_SOURCES *=/,/[^\\]$/p' "$src/Makefile.am" |
		sed 's/^libelf_a_SOURCES *=//; s/\\$//' | tr -s ' \t' '\n' | grep '\.c$')
	[ ${#sources[@]} -gt 0 ] || { echo "no libelf_a_SOURCES in $src/Makefile.am"; return 1; }
	printf '%s\n' "${sources[@]}" | xargs -P "$JOBS" -I{} \
		"$MUSL_CC" "${TARGET_CFLAGS_ARGS[@]}" -std=gnu99 -Wall -DHAVE_CONFIG_H \
		-ffile-prefix-map="$ELFUTILS_SRC"=elfutils \
		-I"$b" -I"$src" -I"$ELFUTILS_SRC/lib" -I"$SYSROOT/include" \
		-c "$src/{}" -o "$b/{}.o"
	rm -f "$b/libelf.a"
	(cd "$b" && printf '%s.o\n' "${sources[@]}" | xargs ar rcD libelf.a)
	install -m 644 "$b/libelf.a" "$SYSROOT/lib/libelf.a"
	install -m 644 "$src/libelf.h" "$src/gelf.h" "$src/nlist.h" "$SYSROOT/include/"
}

# Builds libbpf with compiler $1 and CFLAGS $2 into object dir $3, installs into prefix $4.
make_libbpf() {
	local cc=$1 cflags=$2 b=$3 prefix=$4 extra=${5:-}
	rm -rf "$b"
	mkdir -p "$b"
	local args=(-C "$LIBBPF_SRC/src" BUILD_STATIC_ONLY=1 NO_PKG_CONFIG=1 OBJDIR="$b" CC="$cc"
		CFLAGS="$cflags -std=gnu89 -Wall"
		EXTRA_CFLAGS="$extra -ffile-prefix-map=$LIBBPF_SRC=libbpf"
		PREFIX="$prefix" LIBDIR="$prefix/lib" INCLUDEDIR="$prefix/include" UAPIDIR="$prefix/include")
	make "${args[@]}" -j"$JOBS" "$b/libbpf.a"
	rm -rf "$prefix/include/bpf"
	make "${args[@]}" install_headers install_uapi_headers
	install -m 644 "$b/libbpf.a" "$prefix/lib/libbpf.a"
}

build_libbpf() {
	make_libbpf "$MUSL_CC" "$TARGET_CFLAGS" "$OBJ/musl/libbpf" "$SYSROOT" "-I$SYSROOT/include"
}

build_btf2c() {
	local b=$OBJ/musl/btf2c
	rm -rf "$b"
	mkdir -p "$b" "$SYSROOT/bin"
	"$MUSL_CC" -static "${TARGET_CFLAGS_ARGS[@]}" -Wall -I"$SYSROOT/include" "$TOOLCHAIN/btf2c.c" -Wl,--gc-sections \
		"$SYSROOT/lib/libbpf.a" "$SYSROOT/lib/libelf.a" "$SYSROOT/lib/libz.a" -o "$b/btf2c"
	strip "$b/btf2c"
	local major minor want got
	major=$(sed -n 's/^#define LIBBPF_MAJOR_VERSION \([0-9]*\)$/\1/p' "$LIBBPF_SRC/src/libbpf_version.h")
	minor=$(sed -n 's/^#define LIBBPF_MINOR_VERSION \([0-9]*\)$/\1/p' "$LIBBPF_SRC/src/libbpf_version.h")
	want="btf2c (libbpf v$major.$minor)"
	got=$("$b/btf2c" --version)
	[ "$got" = "$want" ] || { echo "btf2c --version printed '$got', expected '$want'"; return 1; }
	install -m 755 "$b/btf2c" "$SYSROOT/bin/btf2c"
}

build_host_libbpf() {
	make_libbpf "$HOST_CC" "$HOST_CFLAGS" "$OBJ/host/libbpf" "$HOSTPREFIX"
}

need make make
need ar binutils
if [ "$ARCH_NAME" = x86_64 ]; then
	need "$MUSL_CC" musl-tools
else
	need "$MUSL_CC" "gcc-$ARCH_TRIPLET musl-dev:$ARCH_DEBIAN (toolchain/deps.sh does; or leave $ARCH_NAME out: make ARCHES=x86_64)"
fi
need_file /usr/include/linux/bpf.h linux-libc-dev
for d in linux asm-generic "$ARCH_TRIPLET/asm"; do need_file "/usr/include/$d" "linux-libc-dev:$ARCH_DEBIAN"; done

uapi_version=$(dpkg-query -W -f='${Version}' "linux-libc-dev:$ARCH_DEBIAN" 2>/dev/null || sha256sum /usr/include/linux/version.h)
musl_version=$("$MUSL_CC" -dumpversion)-$(dpkg-query -W -f='${Version}' "musl-dev:$ARCH_DEBIAN" 2>/dev/null || true)

step uapi "$uapi_version"
uapi_key=$KEY
step zlib "$ZLIB_SRC $ZLIB_VERSION $MUSL_CC $musl_version $TARGET_CFLAGS"
zlib_key=$KEY
step libelf "$ELFUTILS_SRC $ELFUTILS_VERSION $MUSL_CC $musl_version $TARGET_CFLAGS $zlib_key"
libelf_key=$KEY
step libbpf "$LIBBPF_SRC $LIBBPF_VERSION $MUSL_CC $musl_version $TARGET_CFLAGS $uapi_key $zlib_key $libelf_key"
libbpf_key=$KEY
[ "$ARCH_NAME" != x86_64 ] || step btf2c "$(sha256sum "$TOOLCHAIN/btf2c.c") $libbpf_key"

if [ -n "$HOSTPREFIX" ] && [ "$ARCH_NAME" = x86_64 ]; then
	need "$HOST_CC" gcc
	need_file /usr/include/libelf.h libelf-dev
	need_file /usr/include/gelf.h libelf-dev
	need_file /usr/include/zlib.h zlib1g-dev
	STAMPS=$HOSTPREFIX/.stamps
	step host_libbpf "$LIBBPF_SRC $LIBBPF_VERSION $HOST_CC $("$HOST_CC" -dumpfullversion) $HOST_CFLAGS"
fi

if [ $BUILT = 1 ]; then
	note "done in $(elapsed)s: $SYSROOT${HOSTPREFIX:+ and $HOSTPREFIX}"
fi
