#!/usr/bin/env bash
# bumble CLI on bad input: each error names the problem and the fix, has
# its own exit code, and leaves no output file behind. No root needed.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$WORK/outdir"

expect_exit 2 "Usage: bumble COMMAND" "no command: usage, exit 2" "$BUMBLE"
expect_exit 2 "unknown command 'frobnicate'" "unknown command: exit 2" \
	"$BUMBLE" frobnicate
expect_exit 2 "unknown option '--frob'" "unknown option: exit 2" \
	"$BUMBLE" bundle --frob x.bpf.c
expect_exit 2 "no input" "bundle without input: exit 2" "$BUMBLE" bundle
expect_exit 2 "-o needs a value" "-o without a value: exit 2" \
	"$BUMBLE" bundle "$FIXTURES/layout.bpf.c" -o
expect_exit 2 "takes no --runner option" "option of another command: exit 2" \
	"$BUMBLE" build --runner r.c "$FIXTURES/layout.bpf.c"
expect_exit 3 "cannot read '$WORK/missing.bpf.c'" "missing input: exit 3" \
	"$BUMBLE" bundle "$WORK/missing.bpf.c" -o "$WORK/outdir/t"

head -c 4096 /dev/urandom >"$WORK/garbage.bpf.o"
printf 'not an object\n' >"$WORK/text.bpf.o"
expect_exit 3 "not an ELF file" "text input: not ELF, exit 3" \
	"$BUMBLE" bundle "$WORK/text.bpf.o" -o "$WORK/outdir/t"
expect_exit 3 "not an ELF file|not BPF" "random bytes: refused, exit 3" \
	"$BUMBLE" inspect "$WORK/garbage.bpf.o"
cp /bin/true "$WORK/native.o"
expect_exit 3 "not BPF bytecode.*clang -target bpf" \
	"x86-64 ELF input: not BPF, exit 3" \
	"$BUMBLE" bundle "$WORK/native.o" -o "$WORK/outdir/t"
expect_exit 3 "no BPF programs.*SEC" "object without programs: exit 3" \
	"$BUMBLE" bundle "$FIXTURES/noprog.bpf.c" -o "$WORK/outdir/t"

# A compile error shows clang's own diagnostics and leaves no file, and
# an existing output stays as it was.
echo "previous tool" >"$WORK/outdir/keep"
expect_exit 4 "no_such_variable" "compile error: clang's message, exit 4" \
	"$BUMBLE" bundle "$FIXTURES/broken.bpf.c" -o "$WORK/outdir/keep"
check "compile error: existing output untouched" \
	grep -qx "previous tool" "$WORK/outdir/keep"
check "compile error: no temporary files left" \
	test "$(ls -A "$WORK/outdir")" = keep

expect_exit 2 "directory '$WORK/nodir' does not exist.*mkdir" \
	"-o into a missing directory: exit 2" \
	"$BUMBLE" bundle "$FIXTURES/layout.bpf.c" -o "$WORK/nodir/tool"

# Missing tools: the error names the Debian package to install.
mkdir -p "$WORK/bin-empty" "$WORK/bin-clang"
ln -s "$(command -v clang)" "$WORK/bin-clang/clang"
expect_exit 5 "apt-get install clang" "no clang on PATH: exit 5" \
	env PATH="$WORK/bin-empty" "$BUMBLE" bundle "$FIXTURES/layout.bpf.c" \
	-o "$WORK/outdir/t"
"$BUMBLE" gen "$FIXTURES/layout.bpf.c" -o "$WORK/runner.c" 2>/dev/null
expect_exit 5 "apt-get install musl-tools" \
	"--runner, no musl-gcc on PATH: exit 5" \
	env PATH="$WORK/bin-clang" "$BUMBLE" bundle \
	"$FIXTURES/layout.bpf.c" --runner "$WORK/runner.c" -o "$WORK/outdir/t"
check "missing tools: nothing written" test ! -e "$WORK/outdir/t"
# A plain bundle links nothing: clang alone makes a tool that runs.
run env PATH="$WORK/bin-clang" "$BUMBLE" bundle "$FIXTURES/layout.bpf.c" \
	-o "$WORK/outdir/t"
check "no musl-gcc on PATH: a plain bundle still works" test "$RC" = 0
check "no musl-gcc: the tool verifies" "$WORK/outdir/t" --verify
rm -f "$WORK/outdir/t"

# BumbleBee map sections: rewritten from source, refused in an object.
cp "$FIXTURES"/bee_exitsnoop.* "$WORK/"
clang -target bpf -g -O2 -D__TARGET_ARCH_x86 -I"$ROOT/build/lib/bumble/include" \
	-c "$WORK/bee_exitsnoop.bpf.c" -o "$WORK/bee_raw.bpf.o"
expect_exit 3 "BumbleBee's map section '.maps.(print|counter)'.*bundle the C source" \
	"object with .maps.print sections: refused with the fix, exit 3" \
	"$BUMBLE" bundle "$WORK/bee_raw.bpf.o" -o "$WORK/outdir/t"
expect_exit 3 "cannot tell which map a SEC\(\".maps.\*\"\) belongs to" \
	"SEC(\".maps.print\") with no map name before it: exit 3" \
	"$BUMBLE" bundle "$FIXTURES/bee_prefix_attr.bpf.c" -o "$WORK/outdir/t"
