#!/usr/bin/env bash
# Unannotated event maps: the record type of a perf event array or ring
# buffer that declares none, inferred from the calls that fill it (also
# through the program's own functions); a trailing buffer sent only as
# long as it is filled decoded as far as it arrived; a map filled with
# two structs left to --event, which still overrides.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" inspect "$FIXTURES/plain_execs.bpf.c"
check "perf output of a struct pointer: its struct inferred" grep -Eq \
	"^  events +print +exec_event" "$WORK/out"
check "the scratch map it is built in stays out" grep -Eq \
	"^  scratch +none " "$WORK/out"
run sh -c "cd '$FIXTURES' && '$BUMBLE' inspect plain_execs.bpf.c"
check "the same by a bare file name (its header included all the same)" \
	grep -Eq "^  events +print +exec_event" "$WORK/out"
run "$BUMBLE" inspect "$FIXTURES/plain_ring.bpf.c"
check "ringbuf reserved through a function: sizeof(*e) gives its struct" \
	grep -Eq "^  records +print +call_event" "$WORK/out"
check "ringbuf output through a function's parameter" grep -Eq \
	"^  notes +print +note" "$WORK/out"
check "a map filled with two structs: not guessed" grep -Eq \
	"^  mixed +none +-" "$WORK/out"
check "... and the user is told to name one" grep -q \
	"map 'mixed' is filled with more than one struct; name its event type with --event mixed=STRUCT" \
	"$WORK/err"
run "$BUMBLE" inspect "$FIXTURES/plain_ring.bpf.c" --event mixed=other \
	--event notes=call_event
check "--event names the type of an ambiguous map" grep -Eq \
	"^  mixed +print +other" "$WORK/out"
check "--event overrides an inferred type" grep -Eq \
	"^  notes +print +call_event" "$WORK/out"
run "$BUMBLE" build "$FIXTURES/plain_ring.bpf.c" -o "$WORK/plain_ring.bpf.o"
run "$BUMBLE" inspect "$WORK/plain_ring.bpf.o"
check "an object has no source to infer from: no role" grep -Eq \
	"^  records +none +-" "$WORK/out"

run "$BUMBLE" bundle "$FIXTURES/plain_execs.bpf.c" -o "$WORK/plain_execs"
check "bundle plain_execs with no flags" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/plain_ring.bpf.c" -o "$WORK/plain_ring"
check "bundle plain_ring with no flags" test "$RC" = 0

needs ROOT # the checks below load the fixtures into the kernel

if start_tool "$WORK/execs.json" "$WORK/plain_execs" --json; then
	/bin/echo alpha beta-gamma >/dev/null
	sleep 0.5
	stop_tool INT
	check "JSON: the exec's arguments as far as they arrived, space-joined" \
		json_has "$WORK/execs.json" \
		"e['args'] == '/bin/echo alpha beta-gamma' and e['args_count'] == 3 and e['args_size'] == 27"
else
	fail "plain_execs attaches" "$(cat "$WORK/err")"
fi
if start_tool "$WORK/execs.txt" "$WORK/plain_execs"; then
	/bin/echo one two >/dev/null
	sleep 0.5
	stop_tool INT
	check "text: the arguments column" grep -Eq \
		" [0-9]+ +[a-z]+ +/bin/echo one two$" "$WORK/execs.txt"
else
	fail "plain_execs (text) attaches" "$(cat "$WORK/err")"
fi

if start_tool "$WORK/ring.json" "$WORK/plain_ring" --json; then
	python3 -c 'import os; os.getppid()'
	sleep 0.5
	stop_tool INT
	check "JSON: the record reserved through a function" json_has \
		"$WORK/ring.json" "e['call'] == 110 and e['comm'] == 'python3'"
	check "JSON: the note sent through a function" json_has \
		"$WORK/ring.json" "e['seq'] >= 1 and e['pid'] > 0"
else
	fail "plain_ring attaches" "$(cat "$WORK/err")"
fi
