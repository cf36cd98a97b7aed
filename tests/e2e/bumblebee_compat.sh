#!/usr/bin/env bash
# A program written for BumbleBee bundles unmodified: its .maps.print and
# .maps.counter sections become ordinary maps with those roles, and its
# events arrive from the real kernel.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" inspect "$FIXTURES/bee_exitsnoop.bpf.c"
if [ "$RC" = 0 ] && grep -Eq "^  exits +print +event" "$WORK/out" &&
	grep -Eq "^  exit_count +counter" "$WORK/out" &&
	grep -Eq "^  seen +none" "$WORK/out"; then
	pass "SEC(\".maps.print\") and .maps.counter give the map roles"
else
	fail "SEC(\".maps.print\") and .maps.counter give the map roles" \
		"$(cat "$WORK/out")"
fi

cp "$FIXTURES"/bee_exitsnoop.* "$WORK/"
run "$BUMBLE" build "$WORK/bee_exitsnoop.bpf.c" -o "$WORK/plain.bpf.o"
run "$BUMBLE" inspect "$WORK/plain.bpf.o"
check "bumble build of a BumbleBee program gives an object libbpf opens" \
	grep -Eq "^  exits +print +event" "$WORK/out"

TOOL=$WORK/bee_exitsnoop
run "$BUMBLE" bundle "$WORK/bee_exitsnoop.bpf.c" -o "$TOOL"
check "bundle the BumbleBee program unmodified" test "$RC" = 0
if ! grep -q "warning" "$WORK/err"; then
	pass "bundling it prints no warnings"
else
	fail "bundling it prints no warnings"
fi

needs ROOT # the checks below load the program into the kernel
SH=$WORK/bbee$$
cp "$(command -v dash || command -v sh)" "$SH"
if ! start_tool "$WORK/events.json" "$TOOL" --json; then
	fail "the BumbleBee program attaches" "$(cat "$WORK/err")"
	exit 0
fi
"$SH" -c 'exit 3' &
pid=$!
wait $pid
sleep 0.3
stop_tool INT
check "its events decode: pid, exit code, comm, lifetime" json_has \
	"$WORK/events.json" \
	"e['pid'] == $pid and e['exit_code'] == 3 and
	 e['comm'] == 'bbee$$'[:15] and e['lifetime'] > 0"
