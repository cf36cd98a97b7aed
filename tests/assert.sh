# The assertion core every bumble test shares, in plain POSIX sh: checks,
# their result lines and prerequisites. tests/lib.sh (bash, on the host)
# and tests/guest/guest_checks.sh (busybox sh, in the qemu guests) source it.
#
# Every check prints one line and adds one word (pass, fail or skip) to
# the file $BUMBLE_RESULTS, which tests/run.sh sums up:
#
#   ok - SCRIPT: WHAT
#   not ok - SCRIPT: WHAT
#   #   DETAIL                                (why it failed)
#   skip - SCRIPT: WHAT (skipped: REASON)
#
# Prerequisites, after git's t/test-lib.sh: `prereq NAME REASON CMD...`
# sets NAME once when CMD succeeds. `needs NAMES` makes every check after
# it need NAMES (a comma-separated list; !NAME: only where NAME is
# missing; `needs -` ends it); `needs NAMES CMD...` makes one check need
# them. A check whose prerequisites are missing is skipped with the
# reason, and the steps between checks (run, step, start_tool...) do
# nothing, so a script lists every check it has on every machine.
: "${BUMBLE_RESULTS:=/dev/null}"
: "${WORK:=/tmp}"
TEST_FAILED=0     # checks failed so far in this script
TEST_NEEDS=       # what the checks from here on need
TEST_PREREQS=" "  # the prerequisites this machine has, between spaces
TEST_MISSING=     # why the last test_have_prereq said no

detail() {
	echo "#   $1"
}

# result WORD LINE: the one place a result is written
result() {
	echo "$2"
	echo "$1" >>"$BUMBLE_RESULTS"
}

skip() {
	result skip "skip - $SCRIPT: $1 (skipped: $2)"
}

pass() {
	if scope_met; then
		result pass "ok - $SCRIPT: $1"
	else
		skip "$1" "$TEST_MISSING"
	fi
}

# fail WHAT [DETAIL...]: the details, then the tail of the last stderr
# ($ERR) and the head of the last stdout ($OUT), where a script set them
fail() {
	if ! scope_met; then
		skip "$1" "$TEST_MISSING"
		return 0
	fi
	local line
	result fail "not ok - $SCRIPT: $1"
	TEST_FAILED=$((TEST_FAILED + 1))
	shift
	for line in "$@"; do
		detail "$line"
	done
	if [ -n "${ERR:-}" ] && [ -s "$ERR" ]; then
		tail -n 15 "$ERR" | while IFS= read -r line; do
			detail "stderr: $line"
		done
	fi
	if [ -n "${OUT:-}" ] && [ -s "$OUT" ]; then
		head -n 8 "$OUT" | while IFS= read -r line; do
			detail "stdout: $line"
		done
	fi
}

# check WHAT CMD...: passes when CMD succeeds.
check() {
	local what=$1
	shift
	if ! scope_met; then
		skip "$what" "$TEST_MISSING"
	elif "$@"; then
		pass "$what"
	else
		fail "$what" "failed: $*"
	fi
}

# run CMD...: runs it with stdout in $WORK/out and stderr in $WORK/err;
# its exit code is in $RC.
run() {
	if ! scope_met; then
		: >"$WORK/out"
		: >"$WORK/err"
		RC=0
		return 0
	fi
	"$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	RC=$?
}

# expect_exit CODE PATTERN WHAT CMD...: CMD exits CODE and its stderr
# matches the extended regex PATTERN (empty: not checked).
expect_exit() {
	local code=$1 pattern=$2 what=$3
	shift 3
	if ! scope_met; then
		skip "$what" "$TEST_MISSING"
		return 0
	fi
	run "$@"
	if [ "$RC" != "$code" ]; then
		fail "$what" "exit code $RC, expected $code: $*"
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$WORK/err"; then
		fail "$what" "stderr lacks /$pattern/: $*"
	else
		pass "$what"
	fi
}

# --- prerequisites ---------------------------------------------------------

test_set_prereq() {
	TEST_PREREQS="$TEST_PREREQS$1 "
}

# prereq NAME REASON CMD...: NAME holds when CMD succeeds (its output is
# not shown); a check that needs NAME where it does not is skipped with
# REASON.
prereq() {
	local name=$1 reason=$2
	shift 2
	if "$@" >/dev/null 2>&1; then
		test_set_prereq "$name"
	fi
	eval "PREREQ_REASON_$name=\$reason"
}

# test_have_prereq NAMES: every one of the comma-separated NAMES holds
# (!NAME: NAME does not); if not, $TEST_MISSING says why.
test_have_prereq() {
	local p name
	TEST_MISSING=
	for p in $(echo "$1" | tr , ' '); do
		name=${p#!}
		case $TEST_PREREQS in
		*" $name "*)
			[ "$p" = "$name" ] && continue
			TEST_MISSING="only where $name is missing"
			;;
		*)
			[ "$p" != "$name" ] && continue
			eval "TEST_MISSING=\${PREREQ_REASON_$name:-needs $name}"
			;;
		esac
		return 1
	done
	return 0
}

# scope_met: the checks here have what they need ($TEST_NEEDS)
scope_met() {
	[ -z "$TEST_NEEDS" ] || test_have_prereq "$TEST_NEEDS"
}

# needs NAMES [CMD...]: without CMD, the checks from here on need NAMES
# (`needs -`: nothing); with CMD, only that check (or step) does.
needs() {
	local outer=$TEST_NEEDS rc
	if [ $# = 1 ]; then
		TEST_NEEDS=${1#-}
		return 0
	fi
	TEST_NEEDS=${TEST_NEEDS:+$TEST_NEEDS,}$1
	shift
	"$@"
	rc=$?
	TEST_NEEDS=$outer
	return $rc
}

# step CMD...: a step towards the checks in scope: runs CMD where their
# prerequisites hold; elsewhere does nothing and succeeds.
step() {
	scope_met || return 0
	"$@"
}

# relay PREFIX LINE: records LINE, a result line another test program
# printed (ok, not ok, skip or a "#" detail), as ours with PREFIX before
# its WHAT; fails for any other line.
relay() {
	local rest what
	case $2 in
	"ok - "*) pass "$1${2#ok - }" ;;
	"not ok - "*) result fail "not ok - $SCRIPT: $1${2#not ok - }"
		TEST_FAILED=$((TEST_FAILED + 1)) ;;
	"skip - "*)
		rest=${2#skip - }
		what=${rest% (skipped: *}
		rest=${rest##* (skipped: }
		skip "$1$what" "${rest%)}"
		;;
	"#"*) echo "$2" ;;
	*) return 1 ;;
	esac
}

prereq KPROBES "this kernel has no kprobes" \
	test -d /sys/bus/event_source/devices/kprobe
