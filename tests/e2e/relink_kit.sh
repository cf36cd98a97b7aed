#!/usr/bin/env bash
# bundle --relink-kit: the kit (runner object and source, bumble's runtime,
# libbpf, libelf and zlib archives, the payload, relink.sh, a README)
# relinks the tool byte for byte; a changed libelf.a relinks into a tool
# that differs, carries the change, passes --verify and runs (as root:
# it loads and reports an exec). A kit directory that is not empty, and
# a kit with a library missing, are refused.
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/execsnoop
KIT=$WORK/kit
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL" --relink-kit "$KIT"
check "bundle --relink-kit: exit 0" test "$RC" = 0
for f in README relink.sh runner.o runner.c bundle.c payload.bin \
	libbumble-runtime.a libbpf.a libelf.a libz.a; do
	check "the kit holds $f" test -s "$KIT/$f"
done
check "README says how to relink" grep -q "sh relink.sh" "$KIT/README"
check "the tool is one static file" sh -c "file -b '$TOOL' | grep -q 'statically linked'"

run sh "$KIT/relink.sh" "$WORK/relinked"
check "relink.sh: exit 0" test "$RC" = 0
check "relinked unchanged, the tool comes back byte for byte" cmp "$TOOL" "$WORK/relinked"

# A changed libelf: a marker section added to one of its objects.
step cp -r "$KIT" "$WORK/kit2"
step sh -c "cd '$WORK/kit2' && ar x libelf.a elf_version.c.o &&
	echo 'a changed libelf' >marker &&
	objcopy --add-section .libelf_changed=marker elf_version.c.o &&
	ar r libelf.a elf_version.c.o && rm elf_version.c.o marker"
run sh "$WORK/kit2/relink.sh" "$WORK/changed"
check "a changed libelf.a relinks: exit 0" test "$RC" = 0
check "into another file" sh -c "! cmp -s '$TOOL' '$WORK/changed'"
check "that carries the change" sh -c \
	"readelf -p .libelf_changed '$WORK/changed' | grep -q 'a changed libelf'"
run "$WORK/changed" --verify
check "the relinked tool's --verify passes" test "$RC" = 0

step rm "$WORK/kit2/libelf.a"
run sh "$WORK/kit2/relink.sh" "$WORK/broken"
check "a kit without libelf.a does not link" test "$RC" != 0 -a ! -e "$WORK/broken"

expect_exit 2 "is not empty" "a kit directory that is not empty: exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/again" --relink-kit "$KIT"
check "and no tool is written" test ! -e "$WORK/again"

needs ROOT # the relinked tool loads into the kernel
MARK=$WORK/bmark$$
cp /bin/true "$MARK"
if start_tool "$WORK/events.json" "$WORK/changed" --json; then
	pass "the relinked tool attaches"
	"$MARK"
	sleep 0.5
	stop_tool
	check "and reports an exec" grep -q "bmark$$" "$WORK/events.json"
else
	fail "the relinked tool attaches" "$(cat "$WORK/err")"
fi
