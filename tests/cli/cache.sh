#!/usr/bin/env bash
# bumble's data cache: bumble alone (no lib/ beside it) unpacks the tree
# it carries into an empty cache and bundles; two bundles racing on an
# empty cache; a damaged cache (truncated, modified, missing, foreign
# file) warned about and unpacked again; caches refused (a link, writable
# by others, another owner) and unusable (nowhere, unwritable, full: exit
# 8); what a killed bumble leaves; a damaged archive in bumble; bumble
# cache [clean].
. "$(dirname "$0")/../lib.sh"

SRC=$EXAMPLES/execsnoop.bpf.c
mkdir -p "$WORK/alone"
cp "$BUMBLE" "$WORK/alone/bumble"
B=$WORK/alone/bumble

# bundle_with CACHE OUT: bundles SRC with bumble alone into OUT
bundle_with() {
	BUMBLE_CACHE=$1 "$B" bundle "$SRC" -o "$2"
}
# the one build-id directory of a cache
id_dir() {
	find "$1" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9a-f]*' | head -n 1
}

# --- an empty cache, bumble alone -------------------------------------------
C=$WORK/cache
run bundle_with "$C" "$WORK/clean"
check "bumble alone, an empty cache: bundles (exit 0)" \
	test "$RC" = 0 -a -x "$WORK/clean"
check "and says nothing about its cache" test ! -s "$WORK/err"
D=$(id_dir "$C")
check "the cache: one directory named by the build id, 0700" \
	test "$(basename "$D" | wc -c)" = 33 -a \
	"$(stat -c %a "$C") $(stat -c %a "$D")" = "700 700"
check "the cache holds build/lib/bumble, byte for byte" \
	diff -r "$ROOT/build/lib/bumble" "$D"
check "executables stay executable, the rest does not become so" test \
	"$(cd "$ROOT/build/lib/bumble" && find . -type f -perm -u+x | sort)" = \
	"$(cd "$D" && find . -type f -perm -u+x | sort)"
check "no temporary directory left" test "$(ls -A "$C")" = "$(basename "$D")"
run env BUMBLE_CACHE="$C" "$B" version
check "version names the cache as its libdir" grep -qx "libdir $D" "$WORK/out"
check "a warm bundle says nothing, same tool" \
	sh -c "BUMBLE_CACHE='$C' '$B' bundle '$SRC' -o '$WORK/warm' 2>'$WORK/err' &&
		test ! -s '$WORK/err' && cmp '$WORK/clean' '$WORK/warm'"
mkdir -m 700 "$C/00112233445566778899aabbccddeeff"
run bundle_with "$C" "$WORK/warm"
check "another build id's cache is left alone" \
	test -d "$C/00112233445566778899aabbccddeeff"

# --- two at once on an empty cache ------------------------------------------
R=$WORK/race
for i in 1 2 3; do
	rm -rf "$R"
	bundle_with "$R" "$WORK/race-a" 2>"$WORK/race-a.err" &
	pa=$!
	bundle_with "$R" "$WORK/race-b" 2>"$WORK/race-b.err" &
	pb=$!
	wait $pa
	ra=$?
	wait $pb
	rb=$?
	check "race $i: two bundles on an empty cache both succeed" \
		test "$ra $rb" = "0 0"
	check "race $i: their tools are byte-identical, as a clean one" \
		sh -c "cmp '$WORK/race-a' '$WORK/race-b' && cmp '$WORK/race-a' '$WORK/clean'"
	check "race $i: one tree, no temporary directory left, no warning" \
		sh -c "test \"\$(ls -A '$R' | wc -l)\" = 1 &&
			! test -s '$WORK/race-a.err' && ! test -s '$WORK/race-b.err'"
done

# --- a damaged cache: warned about, moved aside, unpacked again --------------
# damaged NAME CMD...: CMD damages the cache D; the next bundle warns
# once, moves the tree aside to D.broken and makes a tool identical to
# the clean one
damaged() {
	local what=$1
	shift
	"$@"
	run bundle_with "$C" "$WORK/again"
	check "$what: bundle still succeeds" test "$RC" = 0
	check "$what: a one-line warning naming it" sh -c \
		"test \$(wc -l <'$WORK/err') = 1 &&
		grep -q 'warning: .*damaged.*moved aside' '$WORK/err'"
	check "$what: the tool is identical to a clean one" \
		cmp "$WORK/clean" "$WORK/again"
	check "$what: the cache is whole again" \
		diff -r "$ROOT/build/lib/bumble" "$D"
	check "$what: the damaged tree is kept aside" test -d "$D.broken"
}
damaged "a truncated header" truncate -s 1000 "$D/include/vmlinux.h"
check "it says what was wrong" grep -q "include/vmlinux.h truncated" "$WORK/err"
damaged "a modified header" sed -i 's/u32/u64/' "$D/include/bpf/bpf_helpers.h"
check "it says what was wrong" \
	grep -q "include/bpf/bpf_helpers.h modified" "$WORK/err"
damaged "a modified stub (same size)" \
	dd if=/dev/zero of="$D/stub/libbumble-stub.a" bs=1 count=8 seek=100 \
	conv=notrunc status=none
damaged "a missing stub" rm "$D/stub/libbumble-stub.a"
damaged "a header not bumble's" touch "$D/include/linux_types_shadow.h"
damaged "a file made executable" chmod +x "$D/include/bumble.h"
damaged "an empty tree (left by a crash)" sh -c "rm -rf '$D' && mkdir -m 700 '$D'"

# --- refused: exit 8, saying why and what to do -----------------------------
mkdir -m 700 "$WORK/links"
ln -s "$D" "$WORK/links/$(basename "$D")"
expect_exit 8 "$(basename "$D") is a symbolic link: refusing.*BUMBLE_CACHE" \
	"the build id's directory a symbolic link: refused, exit 8" \
	bundle_with "$WORK/links" "$WORK/none"
ln -s "$C" "$WORK/cache-link"
run bundle_with "$WORK/cache-link" "$WORK/via-link"
check "BUMBLE_CACHE itself a link to a good cache: followed, bundles" \
	sh -c "test '$RC' = 0 && cmp '$WORK/clean' '$WORK/via-link'"
chmod 777 "$C"
expect_exit 8 "cache $C is writable by others \(mode 777\): refusing.*BUMBLE_CACHE" \
	"a world-writable cache: refused, exit 8" bundle_with "$C" "$WORK/none"
chmod 770 "$C"
expect_exit 8 "writable by others \(mode 770\)" \
	"a group-writable cache: refused, exit 8" bundle_with "$C" "$WORK/none"
chmod 700 "$C"
chmod 775 "$D"
expect_exit 8 "cache $D is writable by others" \
	"a group-writable build id directory: refused, exit 8" \
	bundle_with "$C" "$WORK/none"
chmod 700 "$D"
check "and no tool from any refusal" test ! -e "$WORK/none"
printf x >"$WORK/cache-file"
expect_exit 8 "cache $WORK/cache-file is not a directory.*BUMBLE_CACHE" \
	"BUMBLE_CACHE a file: exit 8" bundle_with "$WORK/cache-file" "$WORK/none"
needs ROOT
step chown 65534 "$C"
expect_exit 8 "cache $C belongs to uid 65534, not to you \(uid 0\): refusing" \
	"a cache owned by another user: refused, exit 8" \
	bundle_with "$C" "$WORK/none"
step chown 0 "$C"
step chown -R 65534 "$D"
expect_exit 8 "cache $D belongs to uid 65534" \
	"a build id directory owned by another user: refused, exit 8" \
	bundle_with "$C" "$WORK/none"
step chown -R 0 "$D"
needs -

# --- nowhere to unpack: exit 8, saying how to fix it ------------------------
expect_exit 8 "nowhere to unpack its data.*set BUMBLE_CACHE" \
	"no BUMBLE_CACHE, XDG_CACHE_HOME or HOME: exit 8" \
	env -u BUMBLE_CACHE -u XDG_CACHE_HOME -u HOME "$B" bundle "$SRC" \
	-o "$WORK/none"
mkdir -p "$WORK/xdg"
run env -u BUMBLE_CACHE XDG_CACHE_HOME="$WORK/xdg" "$B" bundle "$SRC" \
	-o "$WORK/xdg-tool"
check "XDG_CACHE_HOME: unpacked into XDG_CACHE_HOME/bumble/ID" \
	sh -c "test '$RC' = 0 && test -d '$WORK/xdg/bumble/$(basename "$D")'"
mkdir -p "$WORK/home"
run env -u BUMBLE_CACHE -u XDG_CACHE_HOME HOME="$WORK/home" "$B" bundle \
	"$SRC" -o "$WORK/home-tool"
check "HOME alone: unpacked into HOME/.cache/bumble/ID" \
	sh -c "test '$RC' = 0 && test -d '$WORK/home/.cache/bumble/$(basename "$D")'"
expect_exit 8 "cannot make bumble's cache /proc/bumble: .*BUMBLE_CACHE" \
	"an unwritable cache location: exit 8" \
	bundle_with /proc/bumble "$WORK/none"
needs ROOT
# a cache of nobody's that nobody may not write into (root may)
step mkdir -m 500 "$WORK/ro"
step chown 65534 "$WORK/ro"
step chmod 755 "$WORK" "$WORK/alone"
step mkdir -m 777 "$WORK/pub"
expect_exit 8 "cannot write bumble's cache in $WORK/ro: Permission denied.*BUMBLE_CACHE" \
	"a cache bumble may not write into: exit 8" \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	env BUMBLE_CACHE="$WORK/ro" "$B" bundle "$SRC" -o "$WORK/pub/tool"
step mkdir -p "$WORK/small"
if step mount -t tmpfs -o size=1m tmpfs "$WORK/small" 2>/dev/null; then
	expect_exit 8 "cannot unpack bumble's data into $WORK/small/c: No space left" \
		"a full disk mid-unpack: exit 8" bundle_with "$WORK/small/c" "$WORK/none"
	check "and no temporary directory left" test -z "$(ls -A "$WORK/small/c")"
	step umount "$WORK/small"
else
	skip "a full disk mid-unpack: exit 8" "cannot mount a tmpfs here"
fi
needs -

# --- what a killed bumble leaves ---------------------------------------------
K=$WORK/killed
dead=$(sh -c 'echo $$')
mkdir -p "$K/$(basename "$D").tmp-$dead-abcdef/include"
printf 'half' >"$K/$(basename "$D").tmp-$dead-abcdef/include/vmlinux.h"
chmod 700 "$K"
run bundle_with "$K" "$WORK/after-stale"
check "a stale temporary directory: the next bundle succeeds" \
	cmp "$WORK/clean" "$WORK/after-stale"
check "and removes it" test "$(ls -A "$K")" = "$(basename "$D")"
for sig in KILL TERM; do
	rm -rf "$K"
	env BUMBLE_CACHE="$K" "$B" bundle "$SRC" -o "$WORK/none" 2>/dev/null &
	pid=$!
	for _ in $(seq 200); do
		compgen -G "$K/*.tmp-*" >/dev/null && break
		sleep 0.01
	done
	kill -$sig $pid
	wait $pid 2>/dev/null
	[ $sig = TERM ] && check "SIGTERM mid-unpack: no temporary directory left" \
		sh -c "! ls -d '$K'/*.tmp-* 2>/dev/null"
	run bundle_with "$K" "$WORK/after-$sig"
	check "killed by SIG$sig mid-unpack: the next bundle succeeds" \
		cmp "$WORK/clean" "$WORK/after-$sig"
	check "and leaves one whole tree" sh -c \
		"test \"\$(ls -A '$K')\" = '$(basename "$D")' &&
		diff -r '$ROOT/build/lib/bumble' '$K/$(basename "$D")'"
done

# --- a damaged archive in bumble itself --------------------------------------
cp "$B" "$WORK/damaged-bumble"
# the archive: "bumble-tree 1" followed by its first index line's mode
# (the same words are in bumble's code too)
at=
for o in $(grep -obUa "bumble-tree 1" "$B" | cut -d: -f1); do
	dd if="$B" bs=1 skip=$((o + 14)) count=4 status=none |
		grep -q '^[0-7][0-7][0-7] ' && at=$o
done
printf '\377\377\377\377' | dd of="$WORK/damaged-bumble" bs=1 \
	seek=$((at + 300000)) conv=notrunc status=none
expect_exit 8 "the data bumble carries is damaged; rebuild bumble" \
	"a damaged archive inside bumble: exit 8" \
	env BUMBLE_CACHE="$WORK/dmg" "$WORK/damaged-bumble" bundle "$SRC" \
	-o "$WORK/none"
check "and leaves no temporary directory" test -z "$(ls -A "$WORK/dmg")"

# --- BUMBLE_LIBDIR: a development tree, used as it is ------------------------
run env BUMBLE_LIBDIR="$ROOT/build/lib/bumble" BUMBLE_CACHE=/nonexistent/c \
	"$B" bundle "$SRC" -o "$WORK/dev"
check "BUMBLE_LIBDIR: no cache needed, same tool" \
	sh -c "test '$RC' = 0 && cmp '$WORK/clean' '$WORK/dev'"
run env BUMBLE_LIBDIR="$ROOT/build/lib/bumble" "$B" version
check "version names it as the libdir" \
	grep -qx "libdir $ROOT/build/lib/bumble" "$WORK/out"

# --- bumble cache [clean] ----------------------------------------------------
run env BUMBLE_CACHE="$C" "$B" cache
check "bumble cache prints this build's tree" test "$RC $(cat "$WORK/out")" = "0 $D"
O=$C/00112233445566778899aabbccddeeff
mkdir -p "$O" "$O.broken" "$O.tmp-$dead-abcdef" "$C/run" \
	"$C/$(basename "$D").tmp-$$-abcdef"
run env BUMBLE_CACHE="$C" "$B" cache clean
check "cache clean: exit 0, says what it removed (the damaged tree aside too)" \
	test "$RC $(LC_ALL=C sort "$WORK/out" | tr '\n' ' ')" = \
	"0 removed $O removed $O.broken removed $O.tmp-$dead-abcdef removed $D.broken "
check "cache clean leaves this build's tree, a live unpacker's directory and what is not bumble's data" \
	test "$(ls -A "$C" | LC_ALL=C sort | tr '\n' ' ')" = \
	"$(basename "$D") $(basename "$D").tmp-$$-abcdef run "
expect_exit 2 "takes nothing or 'clean'" "bumble cache with another word: exit 2" \
	env BUMBLE_CACHE="$C" "$B" cache purge
expect_exit 8 "writable by others" "bumble cache on a refused cache: exit 8" \
	env BUMBLE_CACHE="$WORK/ro-open" sh -c 'mkdir -m 777 "$BUMBLE_CACHE" && exec "$0" cache clean' "$B"
