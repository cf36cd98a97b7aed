#!/usr/bin/env bash
# make install gives a relocatable bumble: one static executable,
# installed under one prefix and moved elsewhere, it still has its headers
# and stub (in itself, unpacked into its cache), and bundles.
. "$(dirname "$0")/../lib.sh"
export BUMBLE_CACHE=$WORK/cache

run make -s -C "$ROOT" install PREFIX="$WORK/prefix"
check "make install PREFIX=..." test "$RC" = 0 -a -x "$WORK/prefix/bin/bumble"
check "installed: bumble alone, no lib/bumble beside it" test \
	"$(find "$WORK/prefix" -type f)" = "$WORK/prefix/bin/bumble"

mv "$WORK/prefix" "$WORK/moved"
run "$WORK/moved/bin/bumble" version
check "moved install reports its libdir: the cache" grep -qx \
	"libdir $WORK/cache/[0-9a-f]\{32\}" "$WORK/out"
check "version: the arches bumble carries a stub for" grep -qx \
	"arches x86_64.*" "$WORK/out"
check "version: the clang bundling would run" grep -qx \
	"clang $(command -v clang)" "$WORK/out"
check "version: the libraries it links, static" grep -Eqx \
	"libs static: libcurl [0-9.]+, OpenSSL [0-9.]+, jansson [0-9.]+, zlib [0-9.]+" "$WORK/out"
check "bumble is one static executable" sh -c \
	"file -L '$WORK/moved/bin/bumble' | grep -q 'statically linked'"
run env PATH=/nonexistent "$WORK/moved/bin/bumble" version
check "version without clang: how to install it, exit 0" test \
	"$RC $(tail -n 1 "$WORK/out")" = \
	"0 clang missing: install it with: apt-get install clang"
run env BUMBLE_CLANG=/nonexistent/clang "$WORK/moved/bin/bumble" version
check "version with a bad BUMBLE_CLANG: says which" grep -qx \
	"clang missing: BUMBLE_CLANG=/nonexistent/clang is not an executable program" \
	"$WORK/out"
run "$WORK/moved/bin/bumble" bundle "$EXAMPLES/exitsnoop.bpf.c" \
	-o "$WORK/exitsnoop"
check "moved install bundles a tool" test "$RC" = 0 -a -x "$WORK/exitsnoop"

# a development tree (BUMBLE_LIBDIR) is used as it is: one without a
# stub or headers is said to be so
LIB=$WORK/lib
cp -R "$ROOT/build/lib/bumble" "$LIB"
rm -rf "$LIB/stub"
expect_exit 1 "runtime stub is missing.*reinstall" \
	"BUMBLE_LIBDIR without its stub: says so, exit 1" \
	env BUMBLE_LIBDIR="$LIB" "$WORK/moved/bin/bumble" bundle \
	"$EXAMPLES/exitsnoop.bpf.c" -o "$WORK/x"
rm -rf "$LIB/include"
expect_exit 1 "BPF headers are missing.*reinstall" \
	"BUMBLE_LIBDIR without its headers: says so, exit 1" \
	env BUMBLE_LIBDIR="$LIB" "$WORK/moved/bin/bumble" bundle \
	"$EXAMPLES/exitsnoop.bpf.c" -o "$WORK/x"
