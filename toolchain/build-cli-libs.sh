#!/usr/bin/env bash
# Builds what only bumble itself links, static with the build host's musl cc, into
# PREFIX/{include,lib}: OpenSSL (libssl, libcrypto), curl (libcurl: HTTP and HTTPS over
# OpenSSL, nothing else) and jansson. Tools never link these: they stay out of the sysroot.
set -euo pipefail

usage() {
	cat >&2 <<-EOF
	usage: $0 SRCDIR PREFIX [openssl|curl|jansson]...   (default: all three)
	  environment: BUMBLE_OBJDIR (default PREFIX/../obj/cli), BUMBLE_JOBS, MUSL_CC
	  (default: the host arch's, toolchain/arches). Under make (a jobserver in MAKEFLAGS) the builds take
	  their jobs from make's; curl needs openssl built first.
	EOF
	exit 2
}
die() { echo "build-cli-libs.sh: error: $*" >&2; exit 1; }
note() { echo "build-cli-libs.sh: $*" >&2; }

[ $# -ge 2 ] || usage
[ -f "$1/paths.mk" ] || die "$1/paths.mk not found: run toolchain/fetch.sh $1 first"
SRCDIR=$(cd "$1" && pwd)
mkdir -p "$2/include" "$2/lib"
PREFIX=$(cd "$2" && pwd)
shift 2
LIBS=("$@")
[ ${#LIBS[@]} -gt 0 ] || LIBS=(openssl jansson curl)
OBJ=${BUMBLE_OBJDIR:-$(dirname "$PREFIX")/obj/cli}
TOOLCHAIN=$(cd "$(dirname "$0")" && pwd)
. "$TOOLCHAIN/arch.sh"
arch_row "$(arch_host)" || die "bumble runs on the arches of toolchain/arches"
MUSL_CC=${MUSL_CC:-$ARCH_CC}
# bumble is not size-critical like a tool; its crypto runs over every blob
CFLAGS="-O2 -ffunction-sections -fdata-sections -fPIE"
# the UAPI headers (link_uapi) by the environment: OpenSSL keeps its
# CFLAGS in the library (OpenSSL_version), and no build path may be there
export C_INCLUDE_PATH=$OBJ/uapi
# make's own jobs when make runs this (its jobserver), else every core
if [[ " ${MAKEFLAGS:-} " == *" --jobserver-auth="* ]]; then
	JOBS_ARGS=()
else
	JOBS_ARGS=(-j"${BUMBLE_JOBS:-$(nproc)}")
fi

STAMPS=$PREFIX/.stamps
. "$TOOLCHAIN/step.sh"
sources "$SRCDIR" OPENSSL CURL JANSSON

# the kernel's UAPI headers (OpenSSL's secure heap wants linux/mman.h),
# linked from linux-libc-dev: musl-gcc does not search /usr/include. Made
# by the openssl step (curl comes after it; jansson, which may run at the
# same time, needs none).
link_uapi() {
	local d=$OBJ/uapi
	rm -rf "$d"
	mkdir -p "$d"
	ln -s /usr/include/linux /usr/include/asm-generic "$d/"
	ln -s "/usr/include/$ARCH_TRIPLET/asm" "$d/asm"
}

# OpenSSL: the libraries only, with what TLS 1.2/1.3 (RSA and ECDSA
# certificates) and bumble's signatures (EC P-256, SHA-256, PEM and
# PKCS#8 keys, encrypted ones too: PBES2/scrypt, AES, DES3) need. Its
# directory is Debian's /etc/ssl, never the build tree, and it reads no
# openssl.cnf (the host's may be for another OpenSSL); its errors name no
# source files (no-filenames), so no build path is in it.
build_openssl() {
	local b=$OBJ/openssl
	rm -rf "$b"
	mkdir -p "$b"
	link_uapi
	(cd "$b" && CC=$MUSL_CC CFLAGS="$CFLAGS" \
		perl "$OPENSSL_SRC/Configure" "linux-$ARCH_NAME" --prefix=/usr --openssldir=/etc/ssl \
		--libdir=lib no-shared no-tests no-module no-legacy no-engine no-dso no-comp \
		no-autoload-config no-afalgeng no-ktls no-ssl3 no-dtls no-srp no-psk no-srtp \
		no-sctp no-ct no-cms no-ts no-ocsp no-gost no-idea no-mdc2 no-rc2 no-rc4 no-rc5 \
		no-md4 no-whirlpool no-seed no-camellia no-aria no-sm2 no-sm3 no-sm4 no-bf \
		no-cast no-siphash no-nextprotoneg no-rfc3779 no-cmp no-ec2m \
		no-fips no-padlockeng no-capieng no-unit-test no-dsa no-async no-filenames)
	make -C "$b" "${JOBS_ARGS[@]}" build_generated
	make -C "$b" "${JOBS_ARGS[@]}" libcrypto.a libssl.a
	rm -rf "$PREFIX/include/openssl"
	mkdir -p "$PREFIX/include/openssl"
	cp "$OPENSSL_SRC"/include/openssl/*.h "$b"/include/openssl/*.h "$PREFIX/include/openssl/"
	install -m 644 "$b/libssl.a" "$b/libcrypto.a" "$PREFIX/lib/"
}

# curl: libcurl only, for HTTP and HTTPS with OpenSSL. No CA file or
# directory built in: bumble finds the system's (bundler/ca_store.c).
build_curl() {
	local b=$OBJ/curl
	rm -rf "$b"
	mkdir -p "$b"
	(cd "$b" && CC=$MUSL_CC CFLAGS="$CFLAGS -ffile-prefix-map=$CURL_SRC=curl" \
		CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib" LIBS="-lssl -lcrypto" \
		PKG_CONFIG=false "$CURL_SRC/configure" --host="$ARCH_NAME-linux-musl" \
		--disable-shared --enable-static --disable-dependency-tracking \
		--with-openssl="$PREFIX" --without-ca-bundle --without-ca-path \
		--without-ca-fallback --without-zlib --without-brotli --without-zstd \
		--without-libpsl --without-libidn2 --without-nghttp2 --without-nghttp3 \
		--without-ngtcp2 --without-quiche --without-msh3 --without-librtmp \
		--without-libssh2 --without-libssh --without-wolfssh --without-libgsasl \
		--without-hyper --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
		--disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smtp \
		--disable-gopher --disable-mqtt --disable-ftp --disable-file --disable-smb \
		--disable-manual --disable-ntlm --disable-ntlm-wb --disable-kerberos-auth \
		--disable-negotiate-auth --disable-aws --disable-netrc --disable-cookies \
		--disable-alt-svc --disable-hsts --disable-doh --disable-mime \
		--disable-unix-sockets --disable-tls-srp --disable-openssl-auto-load-config \
		--disable-versioned-symbols --disable-libcurl-option)
	make -C "$b/lib" "${JOBS_ARGS[@]}" libcurl.la
	rm -rf "$PREFIX/include/curl"
	mkdir -p "$PREFIX/include/curl"
	cp "$CURL_SRC"/include/curl/*.h "$PREFIX/include/curl/"
	install -m 644 "$b/lib/.libs/libcurl.a" "$PREFIX/lib/"
}

# jansson: its sources compiled directly (Debian's tarball has no
# configure script), with the configuration musl has
build_jansson() {
	local b=$OBJ/jansson src=$JANSSON_SRC/src
	local -a sources
	rm -rf "$b"
	mkdir -p "$b"
	sed 's/@json_inline@/inline/; s/@json_have_long_long@/1/; s/@json_have_localeconv@/1/;
		s/@json_have_atomic_builtins@/1/; s/@json_have_sync_builtins@/1/' \
		"$src/jansson_config.h.in" >"$b/jansson_config.h"
	cat >"$b/jansson_private_config.h" <<-EOF
	#define HAVE_ENDIAN_H 1
	#define HAVE_FCNTL_H 1
	#define HAVE_SCHED_H 1
	#define HAVE_UNISTD_H 1
	#define HAVE_SYS_PARAM_H 1
	#define HAVE_SYS_STAT_H 1
	#define HAVE_SYS_TIME_H 1
	#define HAVE_SYS_TYPES_H 1
	#define HAVE_STDINT_H 1
	#define HAVE_CLOSE 1
	#define HAVE_GETPID 1
	#define HAVE_GETTIMEOFDAY 1
	#define HAVE_OPEN 1
	#define HAVE_READ 1
	#define HAVE_SCHED_YIELD 1
	#define HAVE_SYNC_BUILTINS 1
	#define HAVE_ATOMIC_BUILTINS 1
	#define HAVE_LOCALE_H 1
	#define HAVE_SETLOCALE 1
	#define USE_URANDOM 1
	#define INITIAL_HASHTABLE_ORDER 3
	EOF
	mapfile -t sources < <(cd "$src" && ls ./*.c)
	printf '%s\n' "${sources[@]}" | xargs -P "${BUMBLE_JOBS:-$(nproc)}" -I{} \
		"$MUSL_CC" $CFLAGS -std=gnu99 -Wall -DHAVE_CONFIG_H \
		-ffile-prefix-map="$JANSSON_SRC"=jansson -I"$b" -I"$src" \
		-c "$src/{}" -o "$b/{}.o"
	rm -f "$b/libjansson.a"
	(cd "$b" && printf '%s.o\n' "${sources[@]}" | xargs ar rcD libjansson.a)
	install -m 644 "$b/libjansson.a" "$PREFIX/lib/"
	install -m 644 "$src/jansson.h" "$b/jansson_config.h" "$PREFIX/include/"
}

need make make
need perl perl
need "$MUSL_CC" musl-tools
musl_version=$("$MUSL_CC" -dumpversion)-$(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null || true)

need_file /usr/include/linux/mman.h linux-libc-dev
uapi_version=$(dpkg-query -W -f='${Version}' linux-libc-dev 2>/dev/null || true)

for lib in "${LIBS[@]}"; do
	case $lib in
	openssl) step openssl "$OPENSSL_SRC $OPENSSL_VERSION $MUSL_CC $musl_version $CFLAGS $uapi_version" ;;
	curl)
		[ -f "$PREFIX/lib/libssl.a" ] || die "curl needs openssl: build it first (or name both)"
		step curl "$CURL_SRC $CURL_VERSION $MUSL_CC $musl_version $CFLAGS $(cat "$STAMPS/openssl")"
		;;
	jansson) step jansson "$JANSSON_SRC $JANSSON_VERSION $MUSL_CC $musl_version $CFLAGS" ;;
	*) usage ;;
	esac
done

if [ $BUILT = 1 ]; then
	note "${LIBS[*]} done in $(elapsed)s: $PREFIX"
fi
