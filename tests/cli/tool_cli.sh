#!/usr/bin/env bash
# bumble build / gen / inspect, bundling with an edited runner, and a
# produced tool's own command line: --help, --version, --list, usage
# errors and the privilege check. Loads nothing into the kernel.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" build "$FIXTURES/layout.bpf.c" -o "$WORK/layout.bpf.o"
check "build writes a BPF object" test "$RC" = 0 -a -s "$WORK/layout.bpf.o"

run "$BUMBLE" inspect "$WORK/layout.bpf.o"
if [ "$RC" = 0 ] && grep -Eq "^  events +print +event" "$WORK/out" &&
	grep -Eq "^  counter_calls +counter" "$WORK/out" &&
	grep -Eq "in.addr +offset 20 +uint32 as ipv4_addr" "$WORK/out"; then
	pass "inspect shows roles and the event layout"
else
	fail "inspect shows roles and the event layout" "$(cat "$WORK/out")"
fi

run "$BUMBLE" gen "$EXAMPLES/exitsnoop.bpf.c" -o "$WORK/runner.c"
check "gen writes runner.c" grep -q "bumble_main(argc, argv, &tool)" \
	"$WORK/runner.c"
# The runner is the user's to edit: rename a column, then link it.
sed -i 's/\.name = "exit_code"/.name = "status"/' "$WORK/runner.c"
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --runner "$WORK/runner.c" \
	-o "$WORK/exitsnoop"
check "bundle --runner links an edited runner" test "$RC" = 0
expect_exit 3 "cannot read the runner" "bundle --runner with a missing file" \
	"$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --runner "$WORK/nope.c" \
	-o "$WORK/x"

TOOL=$WORK/exitsnoop
run "$TOOL" --help
check "tool --help: exit 0, lists options" grep -q -- "--duration SECS" \
	"$WORK/out"
run "$TOOL" --version
check "tool --version names tool and bumble" grep -Eq \
	"^exitsnoop 0.0.0 \(bundled by bumble [^)]+\)" "$WORK/out"
run "$TOOL" --list
check "tool --list shows the program and the print map" grep -Eq \
	"events +print +struct event" "$WORK/out"
expect_exit 2 "unknown option '--bogus'" "tool: unknown option, exit 2" \
	"$TOOL" --bogus
expect_exit 2 "--duration takes a number of seconds above 0, not 'abc'" \
	"tool: bad --duration, exit 2" "$TOOL" --duration abc
expect_exit 2 "--count takes a whole number above 0, not '-3'" \
	"tool: bad --count, exit 2" "$TOOL" --count -3
expect_exit 2 "--duration needs a value" "tool: missing value, exit 2" \
	"$TOOL" --duration
expect_exit 2 "unexpected argument 'extra'" "tool: stray argument, exit 2" \
	"$TOOL" extra

if is_root; then
	chmod 755 "$WORK" # the unprivileged user must reach the tool
	expect_exit 4 "CAP_BPF and CAP_PERFMON.*sudo" \
		"tool without privileges: names the capabilities, exit 4" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$TOOL" --duration 1
else
	expect_exit 4 "CAP_BPF and CAP_PERFMON.*sudo" \
		"tool without privileges: names the capabilities, exit 4" \
		"$TOOL" --duration 1
fi

run "$BUMBLE" bundle "$FIXTURES/layout.bpf.c" -o "$WORK/layout"
check "bundle warns about a print map with no event type" grep -q \
	"warning: map 'print_untyped' is to be printed but declares no event type" \
	"$WORK/err"
