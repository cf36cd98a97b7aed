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

# A kit directory with every odd byte in its name, a newline last:
# relink.sh still finds itself, from any directory.
ODD=$WORK/$'kit $x %s "q" \\ \'s\'\n'
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/odd-tool" --relink-kit "$ODD"
check "a kit named with quotes, '\$', '%', a backslash and a final newline: exit 0" \
	test "$RC" = 0
run sh -c 'cd / && sh "$1/relink.sh" "$2"' sh "$ODD" "$WORK/odd-relinked"
check "... and its relink.sh gives the tool back byte for byte" \
	cmp "$WORK/odd-tool" "$WORK/odd-relinked"

# A kit whose link fails is not left half made: a new directory goes, an
# empty one given stays empty (a musl-gcc that fails the kit's link).
step mkdir -p "$WORK/bin" "$WORK/kit-empty"
cat >"$WORK/bin/cc" <<'CC'
#!/bin/sh
case "$*" in *.relink*) exit 1 ;; esac
exec musl-gcc "$@"
CC
chmod +x "$WORK/bin/cc"
for kit in kit-new kit-empty; do
	expect_exit 4 "linking the tool with .*relink.sh failed" \
		"$kit: the kit's link fails, exit 4" \
		env BUMBLE_MUSL_GCC="$WORK/bin/cc" "$BUMBLE" bundle \
		"$EXAMPLES/execsnoop.bpf.c" -o "$WORK/failed" --relink-kit "$WORK/$kit"
done
check "... a new kit directory is removed" test ! -e "$WORK/kit-new"
check "... an empty one given stays, empty" \
	sh -c "test -d '$WORK/kit-empty' && test -z \"\$(ls -A '$WORK/kit-empty')\""
check "... and no tool is written" test ! -e "$WORK/failed"
# SIGTERM while the kit is made (a musl-gcc that waits once the kit has
# files): the kit directory bumble made goes, and no tool is written.
cat >"$WORK/bin/slow-cc" <<'CC'
#!/bin/sh
case "$*" in *.relink*) echo $$ >"$PIDFILE"; sleep 60; exit 1 ;; esac
exec musl-gcc "$@"
CC
chmod +x "$WORK/bin/slow-cc"
rm -f "$WORK/slow.pid"
env PIDFILE="$WORK/slow.pid" BUMBLE_MUSL_GCC="$WORK/bin/slow-cc" \
	"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/stopped" \
	--relink-kit "$WORK/kit-stopped" 2>/dev/null &
pid=$!
for _ in $(seq 1 200); do
	[ -s "$WORK/slow.pid" ] && break
	sleep 0.05
done
check "SIGTERM while the kit is made: the kit's link was running" \
	test -s "$WORK/kit-stopped/relink.sh"
kill -TERM "$pid"
{ wait "$pid"; } 2>/dev/null
RC=$?
check "SIGTERM while the kit is made: bumble dies of it" test "$RC" = 143
check "SIGTERM while the kit is made: the kit directory is gone" \
	test ! -e "$WORK/kit-stopped"
check "SIGTERM while the kit is made: no tool" test ! -e "$WORK/stopped"

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
