# Shared helpers for bumble's test scripts (sourced). Each script names
# what it covers, sets up its own world under $WORK, and cleans up; every
# check adds one line to $BUMBLE_RESULTS, which run.sh sums up.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUMBLE=${BUMBLE:-$ROOT/build/bin/bumble}
FIXTURES=$ROOT/tests/fixtures
EXAMPLES=$ROOT/examples
SCRIPT=$(basename "$0" .sh)
: "${BUMBLE_RESULTS:=/dev/null}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bumble-$SCRIPT.XXXXXX")
TOOL_PID=

cleanup() {
	if [ -n "$TOOL_PID" ]; then
		kill -KILL "$TOOL_PID" 2>/dev/null
		wait "$TOOL_PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

pass() {
	echo "ok - $SCRIPT: $1"
	echo pass >>"$BUMBLE_RESULTS"
}

# fail WHAT [DETAIL...]: details are shown indented, with $WORK/err's tail.
fail() {
	echo "not ok - $SCRIPT: $1"
	shift
	for line in "$@"; do
		echo "#   $line"
	done
	if [ -s "$WORK/err" ]; then
		tail -n 15 "$WORK/err" | sed 's/^/#   stderr: /'
	fi
	echo fail >>"$BUMBLE_RESULTS"
}

skip() {
	echo "skip - $SCRIPT: $1 (skipped: $2)"
	echo skip >>"$BUMBLE_RESULTS"
}

# check WHAT CMD...: passes when CMD succeeds.
check() {
	local what=$1
	shift
	if "$@"; then
		pass "$what"
	else
		fail "$what" "failed: $*"
	fi
}

# run CMD...: runs it with stdout in $WORK/out and stderr in $WORK/err;
# its exit code is in $RC.
run() {
	"$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	RC=$?
}

# expect_exit CODE PATTERN WHAT CMD...: CMD exits CODE and its stderr
# matches the extended regex PATTERN (empty: not checked).
expect_exit() {
	local code=$1 pattern=$2 what=$3
	shift 3
	run "$@"
	if [ "$RC" != "$code" ]; then
		fail "$what" "exit code $RC, expected $code: $*"
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$WORK/err"; then
		fail "$what" "stderr lacks /$pattern/: $*"
	else
		pass "$what"
	fi
}

is_root() {
	[ "$(id -u)" = 0 ]
}

# need_root WHAT: skips the rest of the script, saying why, unless root.
need_root() {
	if ! is_root; then
		skip "$1" "needs root to load BPF programs"
		exit 0
	fi
}

# start_tool OUT CMD...: starts a produced tool in the background, stdout
# to OUT and stderr to $WORK/err, and waits until it says it attached.
start_tool() {
	local out=$1 i
	shift
	"$@" >"$out" 2>"$WORK/err" </dev/null &
	TOOL_PID=$!
	for i in $(seq 1 300); do
		grep -q "attached" "$WORK/err" 2>/dev/null && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# stop_tool [SIGNAL]: stops the tool; its exit code is in $RC.
stop_tool() {
	kill -"${1:-INT}" "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID"
	RC=$?
	TOOL_PID=
}

# wait_tool: waits for a tool that stops by itself; exit code in $RC.
wait_tool() {
	wait "$TOOL_PID"
	RC=$?
	TOOL_PID=
}

# json_has FILE PYEXPR: some JSON line e of FILE makes PYEXPR true;
# json_all FILE PYEXPR: FILE has lines and every one does. Every line
# must be valid JSON; a line without a key PYEXPR uses counts as false.
json_check() {
	python3 - "$@" <<'PY'
import json, sys
mode, path, expr = sys.argv[1:4]
def test(e):
    try:
        return bool(eval("(" + expr + ")", {}, {"e": e}))
    except (KeyError, TypeError):  # a line of another shape
        return False
results = [test(json.loads(line)) for line in open(path)]
ok = any(results) if mode == "any" else (results and all(results))
sys.exit(0 if ok else 1)
PY
}

# json_doc FILE PYEXPR: FILE is one JSON document e making PYEXPR true.
json_doc() {
	python3 - "$1" "$2" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")", {}, {"e": e}) else 1)
PY
}

json_has() {
	json_check any "$1" "$2"
}

json_all() {
	json_check all "$1" "$2"
}
