#!/usr/bin/env bash
# bumble init: every template is written with its NAME filled in, byte
# for byte the file in bundler/templates/, and bundles with no warning
# (clang -Wall included), as does that file itself; as root each one runs
# and shows the events it promises. Then init's errors: bad NAME, unknown
# template, an existing file without --force, a missing directory.
. "$(dirname "$0")/../lib.sh"

TEMPLATES="tracepoint uprobe xdp counter hist"

run "$BUMBLE" init --help
help_ok=0
grep -q "^Usage: bumble init NAME" "$WORK/out" && help_ok=1
for t in $TEMPLATES; do
	grep -Eq "^  $t +[a-z]" "$WORK/out" || help_ok=0
done
check "init --help: usage, and every template with a description" \
	test "$RC" = 0 -a "$help_ok" = 1

for t in $TEMPLATES; do
	src=$WORK/i_$t.bpf.c
	run "$BUMBLE" init "i_$t" --template "$t" -o "$src"
	if [ "$RC" = 0 ] && grep -q "^/\* i_$t: " "$src" &&
		grep -q "bumble bundle i_$t.bpf.c -o i_$t" "$src" &&
		! grep -q "@NAME@\|@FILE@" "$src"; then
		pass "init --template $t: written, NAME filled in"
	else
		fail "init --template $t: written, NAME filled in" "exit $RC"
	fi
	sed "s/@NAME@/i_$t/g; s/@FILE@/i_$t.bpf.c/g" \
		"$ROOT/bundler/templates/$t.bpf.c" >"$WORK/expected_$t.bpf.c"
	check "init --template $t: writes bundler/templates/$t.bpf.c as it is" \
		cmp "$WORK/expected_$t.bpf.c" "$src"
	check "init --template $t: says what to run next" grep -Fq \
		"next: bumble bundle $src -o i_$t && sudo ./i_$t" "$WORK/err"
	run "$BUMBLE" bundle "$src" --cflags -Wall -o "$WORK/i_$t"
	if [ "$RC" = 0 ] && ! grep -qi "warning" "$WORK/err"; then
		pass "template $t bundles with no warning"
	else
		fail "template $t bundles with no warning" "exit $RC"
	fi
	run "$BUMBLE" bundle "$ROOT/bundler/templates/$t.bpf.c" --cflags -Wall \
		-o "$WORK/tree_$t"
	if [ "$RC" = 0 ] && ! grep -qi "warning" "$WORK/err"; then
		pass "bundler/templates/$t.bpf.c bundles as a file, no warning"
	else
		fail "bundler/templates/$t.bpf.c bundles as a file, no warning" \
			"exit $RC"
	fi
done
check "every file in bundler/templates/ is a template init knows" test \
	"$(cd "$ROOT/bundler/templates" && echo *.bpf.c)" = \
	"$(for t in $TEMPLATES; do echo "$t.bpf.c"; done | sort | xargs)"

run env -C "$WORK" "$BUMBLE" init mytool
check "init NAME: writes NAME.bpf.c, a tracepoint program, by default" \
	grep -q 'SEC("tracepoint/' "$WORK/mytool.bpf.c"

# Errors: each exits 2 with a message naming the fix, and writes nothing.
mkdir -p "$WORK/errs"
expect_exit 2 "'9lives' is not a valid NAME: start with a letter" \
	"init: NAME starting with a digit: exit 2" \
	"$BUMBLE" init 9lives -o "$WORK/errs/x.bpf.c"
expect_exit 2 "'a/b' is not a valid NAME" "init: NAME with a slash: exit 2" \
	"$BUMBLE" init a/b -o "$WORK/errs/x.bpf.c"
expect_exit 2 "unknown template 'kprobe'; the templates are:" \
	"init: unknown template: exit 2" \
	"$BUMBLE" init x --template kprobe -o "$WORK/errs/x.bpf.c"
listed=0
for t in $TEMPLATES; do
	grep -Eq "^  $t " "$WORK/err" && listed=$((listed + 1))
done
check "init: unknown template: every template listed" test "$listed" = 5
expect_exit 2 "no NAME" "init without NAME: exit 2" "$BUMBLE" init
expect_exit 2 "--template needs a value" "init --template, no value: exit 2" \
	"$BUMBLE" init x --template
expect_exit 2 "does not end in .c.*-o x.bpf.c" "init -o FILE not .c: exit 2" \
	"$BUMBLE" init x -o "$WORK/errs/x.txt"
expect_exit 2 "directory '$WORK/nodir' does not exist.*mkdir" \
	"init -o into a missing directory: exit 2" \
	"$BUMBLE" init x -o "$WORK/nodir/x.bpf.c"
mkdir "$WORK/dir.bpf.c"
expect_exit 2 "'$WORK/dir.bpf.c' is a directory" \
	"init -o DIR, even with --force: exit 2" \
	"$BUMBLE" init x -o "$WORK/dir.bpf.c" --force
check "init errors: nothing written" test -z "$(ls -A "$WORK/errs")"

echo "my own program" >"$WORK/errs/mine.bpf.c"
expect_exit 2 "'$WORK/errs/mine.bpf.c' already exists; pass --force" \
	"init over an existing file without --force: exit 2" \
	"$BUMBLE" init mine -o "$WORK/errs/mine.bpf.c"
check "init without --force: the file is untouched" \
	grep -qx "my own program" "$WORK/errs/mine.bpf.c"
run "$BUMBLE" init mine --force --template counter -o "$WORK/errs/mine.bpf.c"
check "init --force: overwrites with the template" \
	grep -q "counter_execs" "$WORK/errs/mine.bpf.c"
check "init --force: no temporary file left" \
	test "$(ls -A "$WORK/errs")" = mine.bpf.c

needs ROOT # the checks below load the templates into the kernel

# tracepoint: an openat by cat; --pid keeps one process's opens only.
if start_tool "$WORK/tp.json" "$WORK/i_tracepoint" --json; then
	cat /etc/hostname >/dev/null
	sleep 0.5
	stop_tool INT
	check "tracepoint: SIGINT, exit 0" test "$RC" = 0
	check "tracepoint: cat's openat of /etc/hostname" json_has \
		"$WORK/tp.json" \
		"e['comm'] == 'cat' and e['filename'] == '/etc/hostname'"
else
	fail "tracepoint template attaches"
fi
if start_tool "$WORK/tp_pid.json" "$WORK/i_tracepoint" --json --pid $$; then
	: </etc/hostname
	cat /etc/hostname >/dev/null
	sleep 0.5
	stop_tool INT
	check "tracepoint --pid: this shell's open is shown" json_has \
		"$WORK/tp_pid.json" \
		"e['pid'] == $$ and e['filename'] == '/etc/hostname'"
	check "tracepoint --pid: no other process's" \
		test "$(grep -vc "\"pid\":$$," "$WORK/tp_pid.json")" = 0
else
	fail "tracepoint template attaches with --pid"
fi

# uprobe: bash -i reads its input with readline even from a here-string.
if start_tool "$WORK/up.json" "$WORK/i_uprobe" --json; then
	bash --norc --noprofile -i <<<"echo bumble-init-$$" >/dev/null 2>&1
	sleep 0.5
	stop_tool INT
	check "uprobe: SIGINT, exit 0" test "$RC" = 0
	check "uprobe: the line bash read" json_has "$WORK/up.json" \
		"e['line'] == 'echo bumble-init-$$' and e['comm'] == 'bash'"
else
	fail "uprobe template attaches"
fi

# counter: a program of a name of our own, run three times.
COUNTED=$WORK/icount$$
cp "$(type -P true)" "$COUNTED"
if start_tool "$WORK/counter.json" "$WORK/i_counter" --json; then
	"$COUNTED" && "$COUNTED" && "$COUNTED"
	sleep 0.5
	stop_tool INT
	check "counter: SIGINT, exit 0" test "$RC" = 0
	check "counter: the third exec of a name has count 3" json_has \
		"$WORK/counter.json" \
		"e['comm'] == 'icount$$'[:15] and e['count'] == 3"
else
	fail "counter template attaches"
fi

# hist: a cat blocked for 0.3 s reading an idle pipe is a slow read.
SLOW=$WORK/islow$$
cp "$(type -P cat)" "$SLOW"
if start_tool "$WORK/hist.json" "$WORK/i_hist" --json --min_ms 100; then
	sleep 0.3 | "$SLOW" >/dev/null
	sleep 0.5
	stop_tool INT
	check "hist: SIGINT, exit 0" test "$RC" = 0
	check "hist: the slow read, in nanoseconds" json_has "$WORK/hist.json" \
		"e['comm'] == 'islow$$'[:15] and 2.5e8 <= e['took'] < 1e10"
	check "hist: fast reads are not shown" json_all "$WORK/hist.json" \
		"'maps' in e or e['took'] >= 100000000"
	check "hist: hist_read_ns shown on exit, the slow read's bucket too" \
		snapshot_has "$WORK/hist.json" hist_read_ns \
		"b['low'] >= 2**27 and b['count'] >= 1"
else
	fail "hist template attaches"
fi

# xdp: the brief for init predates --iface, so it asked only that the
# template bundle (above); the runtime attaches XDP now, so it runs too:
# on a veth in a network namespace of its own, fed from another, so no
# host traffic is touched.
NS1=bmbl-init-a-$$
NS2=bmbl-init-b-$$
if ! step veth_netns "$NS1" "$NS2"; then
	fail "xdp: two network namespaces joined by a veth pair"
	exit 0
fi
if start_tool "$WORK/xdp.json" ip netns exec "$NS2" "$WORK/i_xdp" \
	--iface veth-b --json; then
	step ip netns exec "$NS1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(b"bumble", ("192.0.2.2", 4242))'
	sleep 0.5
	stop_tool INT
	check "xdp: SIGINT, exit 0" test "$RC" = 0
	check "xdp: IPv4 (EtherType 0x800) reported once, on veth-b" json_has \
		"$WORK/xdp.json" \
		"e['ethertype'] == '0x800' and e['ifindex'] > 0"
	check "xdp: each protocol reported only once" python3 -c '
import json, sys
seen = [json.loads(l)["ethertype"] for l in open(sys.argv[1])
        if "maps" not in json.loads(l)]
sys.exit(0 if seen and len(seen) == len(set(seen)) else 1)' "$WORK/xdp.json"
	check "xdp: counter_packets shown on exit" snapshot_has "$WORK/xdp.json" \
		counter_packets "l['key'] == 2048 and e['value'] > 0"
else
	fail "xdp template attaches with --iface"
fi
