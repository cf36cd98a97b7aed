#!/usr/bin/env bash
# --folded: maps keyed by stacks printed as folded stacks, one
# "frame;frame;... COUNT" line each (names first, stacks root first), as
# flame graph tools read them, and nothing else on stdout; refused with
# --json and by a tool with no such map.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/plain_maps.bpf.c" -o "$WORK/plain_maps"
check "bundle plain_maps (a count per kernel stack)" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/plain_names.bpf.c" -o "$WORK/plain_names"
check "bundle plain_names (no stacks)" test "$RC" = 0
expect_exit 2 "--folded and --json: choose one" "--folded --json: exit 2" \
	"$WORK/plain_maps" --folded --json
expect_exit 2 "--folded: no map of this tool is keyed by a stack" \
	"--folded on a tool without stacks: exit 2" "$WORK/plain_names" --folded
run "$WORK/plain_maps" --help
check "--help lists --folded" grep -q "^  --folded " "$WORK/out"

needs ROOT # the checks below load the fixture into the kernel

NAME=pfold$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/$NAME"
if start_tool "$WORK/out.txt" "$WORK/plain_maps" --folded --duration 30; then
	"$WORK/$NAME" -c 'import os
for _ in range(5): os.getppid()'
	sleep 0.3
	stop_tool INT
	check "exit 0 on SIGINT" test "$RC" = 0
	check "every line a folded stack and a count" python3 - \
		"$WORK/out.txt" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
sys.exit(0 if lines and all(re.fullmatch(r"[^ ;]+(;[^ ;]+)* \d+", l)
                            for l in lines) else 1)
PY
	check "getppid's kernel stacks, root first, counted 5 times or more" \
		python3 - "$WORK/out.txt" <<'PY'
import re, sys
n = sum(int(m.group(1)) for m in re.finditer(
    r"^\S*do_syscall_64;\S+ (\d+)$", open(sys.argv[1]).read(), re.M))
sys.exit(0 if n >= 5 else 1)
PY
fi
