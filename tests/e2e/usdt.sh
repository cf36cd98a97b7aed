#!/usr/bin/env bash
# A USDT probe with a semaphore, auto-attached from its section: Python's
# import__find__load__start in Debian's python3.11 reports a module the
# test imports.
. "$(dirname "$0")/../lib.sh"

need_root "USDT e2e"
PY=/usr/bin/python3.11
if ! readelf -n "$PY" 2>/dev/null | grep -q import__find__load__start; then
	skip "USDT e2e" "$PY has no SystemTap probes to attach to"
	exit 0
fi

run "$BUMBLE" bundle "$FIXTURES/pyusdt.bpf.c" -o "$WORK/pyusdt"
check "bundle a usdt program" test "$RC" = 0
mkdir -p "$WORK/mods"
echo "x = 1" >"$WORK/mods/bumble_mod_$$.py"
start_tool "$WORK/usdt.json" "$WORK/pyusdt" --json ||
	fail "usdt program attaches"
PYTHONPATH=$WORK/mods "$PY" -c "import bumble_mod_$$" &
pid=$!
wait $pid
sleep 0.3
stop_tool INT
check "usdt: the import of bumble_mod_$$ by that python" json_has \
	"$WORK/usdt.json" "e['module'] == 'bumble_mod_$$' and e['pid'] == $pid"
