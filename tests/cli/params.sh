#!/usr/bin/env bash
# Parameters and filters on a produced tool's command line: --help shows
# them with help and defaults; bad values, types, ranges and fields are
# usage errors (exit 2) naming the parameter and what it takes. Nothing
# is loaded: these checks come before any privilege is needed.
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/layout
run "$BUMBLE" bundle "$FIXTURES/layout.bpf.c" -o "$TOOL"
check "bundle the fixture with parameters" test "$RC" = 0
check "bundle warns about a parameter it cannot set" grep -q \
	"parameter 'not_a_param' is not an integer, bool, enum or char array" \
	"$WORK/err"

# A parameter named like one of the tool's own options could never be
# set: refused, naming both and how to rename, and nothing written.
for name in force json; do
	expect_exit 3 "parameter '$name' has the name of the tool's own --$name option.*rename the variable \(e.g. targ_$name\)" \
		"a parameter named '$name' (a tool option): refused, exit 3" \
		"$BUMBLE" bundle "$FIXTURES/param_clash.bpf.c" -DCLASH=$name \
		-o "$WORK/clash"
	check "a parameter named '$name': no tool written" test ! -e "$WORK/clash"
done
expect_exit 3 "parameter 'count' has the name of the tool's own --count option" \
	"bumble gen refuses the clash too" \
	"$BUMBLE" gen "$FIXTURES/param_clash.bpf.c" -DCLASH=count -o "$WORK/clash.c"
run "$BUMBLE" bundle "$FIXTURES/param_clash.bpf.c" -DCLASH=forced \
	-o "$WORK/clash"
check "a parameter whose name only starts like an option bundles" \
	test "$RC" = 0

run "$TOOL" --help
if grep -Eq -- "--targ_pid N +only this process id \(default 7\)" "$WORK/out" &&
	grep -Eq -- "--chatty\[=BOOL\] +say more \(default true\)" "$WORK/out" &&
	grep -Eq -- "--shade NAME +the colour to look for, on two lines \(default BLUE\)" "$WORK/out" &&
	grep -Eq "one of: RED GREEN BLUE" "$WORK/out" &&
	grep -Eq -- "--label TEXT +\(default abc\)" "$WORK/out" &&
	grep -Eq -- '--delta N +change per "tick" \(default -5\)' "$WORK/out"; then
	pass "--help lists every parameter with its help and default"
else
	fail "--help lists every parameter with its help and default" \
		"$(sed -n '/Parameters/,$p' "$WORK/out")"
fi

# Good values parse; the run then stops at the privilege check (as
# nobody) or goes on (as root): either way not a usage error.
as_nobody() {
	if is_root; then
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all --bounding-set=-all "$@"
	else
		"$@"
	fi
}
chmod 755 "$WORK"
for args in "--targ_pid 42" "--targ-pid 0x2a" "--chatty" "--chatty=no" \
	"--chatty off --delta -32768" "--shade green" "--shade 2" \
	"--label abcdefg" "--delta 32767" "--targ_pid 09" "--delta -0x10"; do
	# shellcheck disable=SC2086
	run as_nobody "$TOOL" $args --duration 1
	check "accepted: $args" test "$RC" = 4
done

expect_exit 2 "--targ_pid takes an unsigned integer, not 'abc'" \
	"u32 parameter given a word" "$TOOL" --targ_pid abc
expect_exit 2 "--targ_pid is out of range for a 32-bit unsigned integer: '4294967296'" \
	"u32 parameter past its range" "$TOOL" --targ_pid 4294967296
expect_exit 2 "--targ_pid is out of range for a 32-bit unsigned integer: '-1'" \
	"u32 parameter given a negative number" "$TOOL" --targ_pid -1
expect_exit 2 "--delta is out of range for a 16-bit signed integer: '-32769'" \
	"s16 parameter below its range" "$TOOL" --delta -32769
# A leading 0 is decimal, not octal: 040000 is forty thousand, past an
# s16 (as octal it would be 16384 and fit).
expect_exit 2 "--delta is out of range for a 16-bit signed integer: '040000'" \
	"a leading 0 is decimal, not octal" "$TOOL" --delta 040000
expect_exit 2 "--chatty takes true or false, not 'maybe'" \
	"bool parameter given a word" "$TOOL" --chatty=maybe
expect_exit 2 "--shade takes one of the names below, not 'PURPLE'" \
	"enum parameter given an unknown name" "$TOOL" --shade PURPLE
check "the enum error lists the names" grep -q "names: RED GREEN BLUE" \
	"$WORK/err"
expect_exit 2 "--label takes a string of at most 7 bytes, not 'abcdefgh'" \
	"char[8] parameter given 8 bytes" "$TOOL" --label abcdefgh
expect_exit 2 "--targ_pid needs a value" "parameter without a value" \
	"$TOOL" --targ_pid
expect_exit 2 "unknown option '--not_a_param'" \
	"a global that is not a parameter is no option" "$TOOL" --not_a_param 1

expect_exit 2 "--filter 'nope=1': no event has a field 'nope'" \
	"--filter on an unknown field" "$TOOL" --filter nope=1
check "the filter error lists the fields" grep -q "fields: tag big in.port" \
	"$WORK/err"
expect_exit 2 "--filter takes FIELD=VALUE or FIELD~REGEX, not 'tag'" \
	"--filter without = or ~" "$TOOL" --filter tag
expect_exit 2 "--filter 'comm~\(': bad regular expression" \
	"--filter with a bad regex" "$TOOL" --filter 'comm~('
expect_exit 2 "--filter 'comm~a\+\+\+': bad regular expression: a repetition .* follows another" \
	"--filter with stacked repetitions (a+++, undefined in POSIX)" \
	"$TOOL" --filter 'comm~a+++'
expect_exit 2 "--freq takes a sampling rate from 1 to 100000 Hz, not '0'" \
	"--freq 0" "$TOOL" --freq 0

# Commented-out code beside a parameter is not its help: a declaration
# or statement in a comment above it, or trailing it, is passed over; a
# prose comment above the code still is the help.
run "$BUMBLE" bundle "$FIXTURES/commented_code.bpf.c" -o "$WORK/commented"
check "bundle the fixture with commented-out code" test "$RC" = 0
run "$WORK/commented" --help
check "--help: no commented-out code as help" \
	sh -c "! grep -Eq 'volatile|= *[0-9]+;|return 0|\\{' '$WORK/out'"
check "--help: a code line under a declaration comment is no help" \
	grep -Eq -- "--threshold N +\(default 5\)" "$WORK/out"
check "--help: the prose comment above commented-out code is the help" \
	grep -Eq -- "--failures\[=BOOL\] +report failed calls only \(default false\)" "$WORK/out"
check "--help: a trailing comment that is code is no help" \
	grep -Eq -- "--limit N +\(default 3\)" "$WORK/out"
check "--help: a commented-out function is no help" \
	grep -Eq -- "--min_ns N +\(default 0\)" "$WORK/out"
check "--help: a declaration inside a comment is not the parameter" \
	grep -Eq -- "--window N +the window, in calls \(default 4\)" "$WORK/out"
