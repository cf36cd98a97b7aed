#!/usr/bin/env bash
# --perf-event PROG=EVENT: the event a perf_event program samples, at
# run time or as bumble bundle's default; page faults sample only the
# processes that fault (never the idle task, as cpu-clock does); a
# hardware event this machine cannot count (a VM without a PMU) or an
# unknown name or program is refused, saying so.
. "$(dirname "$0")/../lib.sh"

F=$FIXTURES/profile.bpf.c
run "$BUMBLE" bundle "$F" -o "$WORK/profile"
check "bundle a perf_event program" test "$RC" = 0
run "$BUMBLE" bundle "$F" --perf-event sample=page-faults -o "$WORK/pf"
check "bundle it with --perf-event sample=page-faults" test "$RC" = 0
run "$BUMBLE" gen "$F" --perf-event sample=page-faults -o "$WORK/runner.c"
check "the runner carries the default event" grep -q \
	'{.name = "sample", .section = "perf_event", .attach = "page-faults"}' \
	"$WORK/runner.c"
expect_exit 3 "--perf-event sample=bogus: no event 'bogus'; the events are: cpu-clock, " \
	"bundle --perf-event with an unknown event: exit 3" \
	"$BUMBLE" inspect "$F" --perf-event sample=bogus
expect_exit 3 "--perf-event on_exit=cycles: there is no perf_event program 'on_exit'" \
	"bundle --perf-event on another kind of program: exit 3" \
	"$BUMBLE" inspect "$FIXTURES/isa_index.bpf.c" --perf-event on_exit=cycles
expect_exit 2 "--perf-event takes PROG=EVENT, EVENT one of: cpu-clock, .*dTLB-load-misses; not 'sample=bogus'" \
	"the tool's --perf-event with an unknown event: exit 2, the events listed" \
	"$WORK/profile" --perf-event sample=bogus
run "$WORK/profile" --help
check "--help lists --perf-event" grep -q "^  --perf-event PROG=EVENT" \
	"$WORK/out"

needs ROOT # the checks below load the fixture into the kernel

expect_exit 2 "--perf-event nosuch=page-faults: the tool has no program 'nosuch'; its programs are: sample" \
	"--perf-event for a program the tool lacks: exit 2" \
	"$WORK/profile" --perf-event nosuch=page-faults --duration 1
NAME=pfault$$
cp "$(python3 -c 'import sys; print(sys.executable)')" "$WORK/$NAME"
for tool in "profile --perf-event sample=page-faults" pf; do
	set -- $tool
	out=$WORK/$1.json
	if start_tool "$out" "$WORK/$1" "${@:2}" --json --freq 1000 \
		--duration 30; then
		"$WORK/$NAME" -c 'b = bytearray(64 << 20)
for i in range(0, len(b), 4096): b[i] = 1'
		sleep 0.3
		stop_tool INT
		check "$tool: samples of the faulting process" json_has "$out" \
			"e['comm'] == '$NAME'"
		check "$tool: none of the idle task" sh -c \
			"! grep -q '\"comm\":\"swapper' '$out'"
	fi
done
# hardware events: counted where there is a PMU, refused plainly where not
run "$WORK/profile" --perf-event sample=cycles --duration 1
if [ "$RC" = 0 ]; then
	check "cycles: this machine counts them, and the tool attaches" grep -q \
		"attached 1 program" "$WORK/err"
else
	check "cycles without a PMU: exit 7, naming the event and the fix" sh -c \
		"test $RC = 7 && grep -q \"program 'sample' cannot sample 'cycles'.*choose another with --perf-event sample=EVENT\" '$WORK/err'"
fi
