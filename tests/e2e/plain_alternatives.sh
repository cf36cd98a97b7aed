#!/usr/bin/env bash
# One program per target: of a tp_btf and a raw_tp program of the same
# tracepoint only the tp_btf one loads (each exec seen once), the raw_tp
# one when the kernel refuses the tp_btf one; a program whose tracepoint
# this kernel lacks is skipped with a warning.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/plain_alternatives.bpf.c" -o "$WORK/alt"
check "bundle plain_alternatives" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/plain_alternatives.bpf.c" -DREJECT_BTF \
	-o "$WORK/alt_raw"
check "bundle it with a tp_btf program the verifier refuses" test "$RC" = 0

needs ROOT # the checks below load the fixture into the kernel

NAME=alt$$
cp /bin/true "$WORK/$NAME"
# once_by TOOL OUT: runs $NAME once under TOOL, JSON events into OUT
once_by() {
	if start_tool "$2" "$1" --json; then
		"$WORK/$NAME"
		sleep 0.3
		stop_tool INT
		return 0
	fi
	fail "$(basename "$1") attaches" "$(cat "$WORK/err")"
	return 1
}

if once_by "$WORK/alt" "$WORK/btf.json"; then
	check "the missing tracepoint: skipped with a warning" grep -q \
		"warning: program 'on_missing' is skipped: this kernel has no attach point 'tracepoint/syscalls/sys_enter_no_such_call'" \
		"$WORK/err"
	check "one program attached: tp_btf, not raw_tp, not the missing one" grep -q \
		"attached 1 program," "$WORK/err"
	check "the exec seen once, by the tp_btf program" python3 -c "
import json, sys
seen = [json.loads(l) for l in open('$WORK/btf.json')]
mine = [e for e in seen if e.get('comm') == '$NAME']
sys.exit(0 if [e['via'] for e in mine] == [1] else 1)"
fi

if once_by "$WORK/alt_raw" "$WORK/raw.json"; then
	check "the tp_btf program refused: said, and raw_tp loaded instead" \
		grep -q "loading their raw_tp/kprobe/kretprobe alternatives instead" \
		"$WORK/err"
	check "the exec seen once, by the raw_tp program" python3 -c "
import json, sys
seen = [json.loads(l) for l in open('$WORK/raw.json')]
mine = [e for e in seen if e.get('comm') == '$NAME']
sys.exit(0 if [e['via'] for e in mine] == [2] else 1)"
fi
