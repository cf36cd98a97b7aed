#!/usr/bin/env bash
# make install gives a relocatable bumble: installed under one prefix and
# moved elsewhere, it still finds its headers and stub, and bundles; it is
# one static executable.
. "$(dirname "$0")/../lib.sh"

run make -s -C "$ROOT" install PREFIX="$WORK/prefix"
check "make install PREFIX=..." test "$RC" = 0 -a -x "$WORK/prefix/bin/bumble"
check "installed: BPF headers and the stub" test \
	-f "$WORK/prefix/lib/bumble/include/vmlinux.h" -a \
	-f "$WORK/prefix/lib/bumble/include/solo_types.h" -a \
	-f "$WORK/prefix/lib/bumble/stub/libbumble-stub.a"

mv "$WORK/prefix" "$WORK/moved"
run "$WORK/moved/bin/bumble" version
check "moved install reports its own libdir" grep -qx \
	"libdir $WORK/moved/lib/bumble" "$WORK/out"
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

rm -rf "$WORK/moved/lib/bumble/stub"
expect_exit 1 "runtime stub is missing.*reinstall" \
	"install without its stub: says so, exit 1" \
	"$WORK/moved/bin/bumble" bundle "$EXAMPLES/exitsnoop.bpf.c" \
	-o "$WORK/x"
rm -rf "$WORK/moved/lib/bumble/include"
expect_exit 1 "BPF headers are missing.*reinstall" \
	"install without its headers: says so, exit 1" \
	"$WORK/moved/bin/bumble" bundle "$EXAMPLES/exitsnoop.bpf.c" \
	-o "$WORK/x"
