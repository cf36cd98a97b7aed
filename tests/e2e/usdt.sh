#!/usr/bin/env bash
# A USDT probe with a semaphore, auto-attached from its section: Python's
# import__find__load__start in Debian's python3.11 reports a module the
# test imports.
. "$(dirname "$0")/../lib.sh"

PY=$PYTHON_USDT_BIN

run "$BUMBLE" bundle "$FIXTURES/pyusdt.bpf.c" -o "$WORK/pyusdt"
check "bundle a usdt program" test "$RC" = 0

needs ROOT,PYTHON_USDT # the program loaded, the probes in python
mkdir -p "$WORK/mods"
echo "x = 1" >"$WORK/mods/bumble_mod_$$.py"
start_tool "$WORK/usdt.json" "$WORK/pyusdt" --json ||
	fail "usdt program attaches"
pid=0
if test_have_prereq PYTHON_USDT; then
	PYTHONPATH=$WORK/mods "$PY" -c "import bumble_mod_$$" &
	pid=$!
	wait $pid
fi
sleep 0.3
stop_tool INT
check "usdt: the import of bumble_mod_$$ by that python" json_has \
	"$WORK/usdt.json" "e['module'] == 'bumble_mod_$$' and e['pid'] == $pid"
