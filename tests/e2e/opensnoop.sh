#!/usr/bin/env bash
# opensnoop end to end: its parameters reach the kernel (--uid, --pid,
# --failed filter in BPF), and the user-space --filter and --timestamp
# work on real open/openat events.
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/opensnoop
run "$BUMBLE" bundle "$EXAMPLES/opensnoop.bpf.c" -o "$TOOL"
check "bundle opensnoop" test "$RC" = 0

needs ROOT # the checks below load opensnoop into the kernel

chmod 755 "$WORK"
M1=$WORK/marker-one-$$
M2=$WORK/marker-two-$$
echo one >"$M1"
echo two >"$M2"
chmod 644 "$M1" "$M2"
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# --uid 65534: nobody's open is seen, root's is not.
start_tool "$WORK/uid.json" "$TOOL" --json --uid 65534 ||
	fail "opensnoop --uid attaches"
step nobody cat "$M1" >/dev/null
cat "$M2" >/dev/null
sleep 0.3
stop_tool INT
check "--uid 65534: nobody's open is reported" json_has "$WORK/uid.json" \
	"e['filename'] == '$M1' and e['uid'] == 65534 and e['ret'] >= 0"
check "--uid 65534: every event is nobody's, root's is filtered out" \
	json_all "$WORK/uid.json" "e['uid'] == 65534 and e['filename'] != '$M2'"

# --failed: only opens that fail, with -errno.
start_tool "$WORK/failed.json" "$TOOL" --json --failed ||
	fail "opensnoop --failed attaches"
cat "$M1" >/dev/null
cat "$WORK/missing-$$" 2>/dev/null
sleep 0.3
stop_tool INT
check "--failed: the failed open is reported with -ENOENT" json_has \
	"$WORK/failed.json" "e['filename'] == '$WORK/missing-$$' and e['ret'] == -2"
check "--failed: every event failed; the good open is not there" \
	json_all "$WORK/failed.json" "e['ret'] < 0 and e['filename'] != '$M1'"

# --pid: a process that opens M1 once the tool is running.
bash -c 'sleep 1; exec cat "$0"' "$M1" >/dev/null &
target=$!
start_tool "$WORK/pid.json" "$TOOL" --json --pid "$target" ||
	fail "opensnoop --pid attaches"
cat "$M2" >/dev/null
wait $target
sleep 0.3
stop_tool INT
check "--pid: the target's open is reported" json_has "$WORK/pid.json" \
	"e['filename'] == '$M1' and e['pid'] == $target"
check "--pid: every event is the target's" json_all "$WORK/pid.json" \
	"e['pid'] == $target and e['filename'] != '$M2'"

# User-space filters, ANDed, and --timestamp.
CAT=$WORK/bsnoop$$
cp /bin/cat "$CAT"
start_tool "$WORK/filter.json" "$TOOL" --json --timestamp \
	--filter 'comm~^bsnoop[0-9]+$' --filter "filename=$M1" ||
	fail "opensnoop with --filter attaches"
"$CAT" "$M1" "$M2" >/dev/null
cat "$M1" >/dev/null
sleep 0.3
stop_tool INT
check "--filter comm~REGEX and filename=VALUE: exactly the one event" test \
	"$(wc -l <"$WORK/filter.json")" = 1
check "--timestamp: an RFC 3339 UTC time on the event" json_has \
	"$WORK/filter.json" \
	"__import__('re').match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$', e['time']) and e['filename'] == '$M1'"

start_tool "$WORK/text.txt" "$TOOL" --timestamp --filter "filename=$M1" ||
	fail "opensnoop text with --timestamp attaches"
cat "$M1" >/dev/null
sleep 0.3
stop_tool INT
check "text --timestamp: TIME column and a decoded line" grep -Eq \
	"^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} +[0-9]+ +0 +[0-9]+ 0x[0-9a-f]+ +cat +$M1$" \
	"$WORK/text.txt"

# A file named with bytes that are not UTF-8 (a surrogate, 0xff) or that a
# terminal obeys (U+009B): every JSON line stays valid, the name comes
# back as \xNN and \u009b, and text shows no raw control.
BAD=$WORK/$(printf 'bad-\355\240\200-\377-\302\233')
start_tool "$WORK/bad.json" "$TOOL" --json --failed ||
	fail "opensnoop --json --failed attaches"
cat "$BAD" 2>/dev/null
sleep 0.3
stop_tool INT
check "--json: a file name that is not UTF-8 leaves every line valid" \
	json_strict "$WORK/bad.json"
check "--json: that name, its bytes as \\xNN" json_has "$WORK/bad.json" \
	"e['filename'] == '$WORK/bad-\\\\xed\\\\xa0\\\\x80-\\\\xff-\x9b'"
start_tool "$WORK/bad.txt" "$TOOL" --failed ||
	fail "opensnoop --failed attaches (text)"
cat "$BAD" 2>/dev/null
sleep 0.3
stop_tool INT
check "text: that name escaped, no raw byte of it" grep -Fq \
	"$WORK/bad-\\xed\\xa0\\x80-\\xff-\\u009b" "$WORK/bad.txt"
