#!/usr/bin/env bash
# bumble on a fresh host: the one file make dist publishes, on this
# machine with the checkout, the build tree, gcc and the linker,
# musl-tools, the aarch64 cross compiler and musl, and the development files and shared libraries of
# libbpf, libelf, curl, jansson and openssl hidden (a mount namespace:
# an overlay of /usr with whiteouts, tmpfs over the checkout), HOME empty.
# Only clang stays (and what clang itself loads). There bumble bundles
# execsnoop, for x86_64 (it loads and prints an exec) and for aarch64 (its
# --verify under qemu-aarch64-static), and checks its own signature; with
# clang hidden too, it says how to install clang. Root.
. "$(dirname "$0")/../lib.sh"

VERSION=$(make -s -C "$ROOT" print-VERSION)
NAME=bumble-$VERSION-x86_64
FRESH=$WORK/fresh # the user's directory: what they downloaded
mkdir -p "$FRESH/home"

needs ROOT,STATIC_BUMBLE
run make -s -C "$ROOT" dist DIST="$WORK/dist"
check "make dist: exit 0" test "$RC" = 0
for f in "$NAME" "$NAME.sha256" "$NAME.sig" "$NAME.pub"; do
	step cp "$WORK/dist/$f" "$FRESH/"
done
step chmod -x "$FRESH/$NAME" # as downloaded
cp "$EXAMPLES/execsnoop.bpf.c" "$FRESH/"

# Needs lib/bumble beside it (bumble does not carry it yet)? Asked from a
# copy alone in a folder, with a HOME of its own.
mkdir -p "$WORK/probe/home"
prereq SELF_CONTAINED "the dist bumble needs lib/bumble beside it: it does not carry its stubs and headers yet" \
	sh -c "cp '$FRESH/$NAME' '$WORK/probe/bumble' && chmod +x '$WORK/probe/bumble' &&
	       env -i HOME='$WORK/probe/home' '$WORK/probe/bumble' version | grep -q '^arches.* x86_64'"
prereq OUTSIDE "its files ($WORK) are in a tree the fresh host hides: set TMPDIR elsewhere" \
	sh -c "case '$WORK/' in /work/* | '$ROOT'/*) exit 1 ;; esac"
# A plain bundle copies a prelinked stub: no C compiler or linker
prereq PRELINKED "this bumble has no prelinked stub (stub/prelinked_main.c): its bundles still link with musl-gcc" \
	test -f "$ROOT/stub/prelinked_main.c"
needs ROOT,STATIC_BUMBLE,SELF_CONTAINED,OUTSIDE

# --- the fresh host ---------------------------------------------------------
# Whiteouts (character devices 0:0) in layers over /usr hide each path;
# hide() makes one for each /usr path it is given that exists.
LAYER=$WORK/hide
NOCLANG=$WORK/hide-clang
mkdir -p "$LAYER" "$NOCLANG"
hide() {
	local layer=$1 p rel
	shift
	for p in "$@"; do
		[ -e "$p" ] || [ -L "$p" ] || continue
		rel=${p#/usr/}
		mkdir -p "$layer/$(dirname "$rel")"
		mknod "$layer/$rel" c 0 0
	done
}
# what clang loads: never hidden
clang_needs=$(ldd "$(readlink -f "$(command -v clang)")" | awk '$3 ~ /^\// { print $3 }' |
	xargs -r readlink -f)
hide_libs() {
	local p real
	for p in "$@"; do
		real=$(readlink -f "$p")
		grep -qxF "$real" <<<"$clang_needs" || hide "$LAYER" "$p"
	done
}
step hide "$LAYER" /usr/bin/musl-gcc /usr/bin/x86_64-linux-musl-gcc /usr/bin/musl-ldd \
	/usr/bin/ld-musl-config /usr/lib/x86_64-linux-musl /usr/include/x86_64-linux-musl \
	/usr/lib/ld-musl-x86_64.so.1 \
	/usr/bin/aarch64-linux-gnu-* /usr/bin/aarch64-linux-musl-gcc /usr/aarch64-linux-gnu \
	/usr/lib/aarch64-linux-musl /usr/include/aarch64-linux-musl /usr/lib/gcc-cross \
	/usr/lib/ld-musl-aarch64.so.1 \
	/usr/bin/gcc /usr/bin/gcc-[0-9]* /usr/bin/cc /usr/bin/x86_64-linux-gnu-gcc* \
	/usr/bin/ld /usr/bin/ld.* /usr/bin/x86_64-linux-gnu-ld* /usr/bin/as /usr/bin/x86_64-linux-gnu-as \
	/usr/include/bpf /usr/include/libelf.h /usr/include/gelf.h /usr/include/elfutils \
	/usr/include/x86_64-linux-gnu/curl /usr/include/jansson.h /usr/include/jansson_config.h \
	/usr/include/openssl /usr/include/x86_64-linux-gnu/openssl
step hide_libs /usr/lib/x86_64-linux-gnu/lib{bpf,elf,curl,jansson,ssl,crypto}[.-]*
step hide "$NOCLANG" /usr/bin/clang* /usr/lib/llvm-*/bin/clang*

# enter.sh [--no-clang] CMD...: CMD on the fresh host, in FRESH, with an
# empty HOME and nothing of the environment but PATH
HIDE_TREES="/work $ROOT"
cat >"$WORK/enter.sh" <<EOF
#!/bin/bash
set -e
layers=$LAYER
if [ "\$1" = --no-clang ]; then
	layers=$NOCLANG:\$layers
	shift
fi
mount -t overlay fresh-usr -o "lowerdir=\$layers:/usr" /usr
for d in $HIDE_TREES; do
	if [ -d "\$d" ]; then mount -t tmpfs -o mode=755 fresh-hidden "\$d"; fi
done
cd "$FRESH"
exec env -i HOME="$FRESH/home" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "\$@"
EOF
chmod +x "$WORK/enter.sh"
FRESH_HOST=(unshare -m "$WORK/enter.sh")
NO_CLANG=(unshare -m "$WORK/enter.sh" --no-clang)

run "${FRESH_HOST[@]}" sh -c '
	for p in musl-gcc x86_64-linux-musl-gcc aarch64-linux-gnu-gcc aarch64-linux-musl-gcc gcc cc ld; do
		! command -v $p || exit 1
	done
	for f in /usr/lib/x86_64-linux-musl /usr/lib/aarch64-linux-musl /usr/lib/gcc-cross \
		/usr/include/bpf/libbpf.h /usr/include/libelf.h /usr/include/jansson.h \
		/usr/include/x86_64-linux-gnu/curl /usr/include/openssl "$0/Makefile"; do
		! test -e "$f" || exit 1
	done
	test -z "$(ls -A /work)" && test -z "$(ls -A "$HOME")" &&
		! ls /usr/lib/x86_64-linux-gnu/ | grep -Eq "^lib(bpf|elf|curl|jansson|ssl)[.-]" &&
		command -v clang' "$ROOT"
check "the fresh host: no checkout, gcc, linker, musl, cross compiler or bumble's libraries; clang" \
	test "$RC" = 0

# what a user does with the download (README, Install)
run "${FRESH_HOST[@]}" sha256sum -c "$NAME.sha256"
check "sha256sum -c $NAME.sha256: OK" grep -qx "$NAME: OK" "$WORK/out"
step chmod +x "$FRESH/$NAME"
run "${FRESH_HOST[@]}" "./$NAME" verify "$NAME" --key "$NAME.pub" --signature "$NAME.sig"
check "bumble verify: its own signature holds under the published key" test "$RC" = 0
run "${FRESH_HOST[@]}" "./$NAME" version
check "bumble version: exit 0, bumble $VERSION" \
	test "$RC $(head -n 1 "$WORK/out")" = "0 bumble $VERSION"
check "bumble version names the clang it compiles with" grep -q "^clang /" "$WORK/out"

# x86_64: bundled here, loaded here, an exec seen
needs ROOT,STATIC_BUMBLE,SELF_CONTAINED,OUTSIDE,PRELINKED
start=$EPOCHREALTIME
run "${FRESH_HOST[@]}" "./$NAME" bundle execsnoop.bpf.c -o execsnoop
step awk -v a="$start" -v b="$EPOCHREALTIME" \
	'BEGIN { printf "# fresh host: bundle execsnoop in %.2f s\n", b - a }'

check "bundle execsnoop: exit 0, an executable" test "$RC" = 0 -a -x "$FRESH/execsnoop"
run "${FRESH_HOST[@]}" ./execsnoop --verify
check "execsnoop --verify: exit 0" test "$RC" = 0
MARK=$WORK/bfresh$$
cp /bin/true "$MARK"
if start_tool "$WORK/events.json" "${FRESH_HOST[@]}" ./execsnoop --json --duration 3; then
	pass "execsnoop bundled on the fresh host attaches there"
else
	fail "execsnoop bundled on the fresh host attaches there"
fi
step "$MARK"
wait_tool
check "--duration: exit 0" test "$RC" = 0
check "it printed the exec of $MARK" json_has "$WORK/events.json" \
	"e['filename'] == '$MARK' and e['ret'] == 0"

# aarch64, with no cross compiler or aarch64 musl on the host
run "${FRESH_HOST[@]}" "./$NAME" bundle --arch aarch64 execsnoop.bpf.c -o execsnoop-arm64
check "bundle --arch aarch64: exit 0" test "$RC" = 0
run file "$FRESH/execsnoop-arm64"
check "an aarch64 executable, static" grep -q "ARM aarch64.*statically linked" "$WORK/out"
needs QEMU_AARCH64 run "${FRESH_HOST[@]}" qemu-aarch64-static ./execsnoop-arm64 --verify
needs QEMU_AARCH64 check "its --verify under qemu-aarch64-static: exit 0" test "$RC" = 0

# without clang: what to install, and bundle's own exit code
needs ROOT,STATIC_BUMBLE,SELF_CONTAINED,OUTSIDE
run "${NO_CLANG[@]}" sh -c '! command -v clang && ! ls /usr/lib/llvm-*/bin/clang*'
check "clang hidden too" test "$RC" = 0
run "${NO_CLANG[@]}" "./$NAME" version
check "bumble version without clang: how to install it (exit 0)" test \
	"$RC $(tail -n 1 "$WORK/out")" = \
	"0 clang missing: install it with: apt-get install clang"
expect_exit 5 "apt-get install clang" "bumble bundle without clang: exit 5, apt-get install clang" \
	"${NO_CLANG[@]}" "./$NAME" bundle execsnoop.bpf.c -o none
check "and no tool" test ! -e "$FRESH/none"
