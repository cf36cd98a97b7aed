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

# A runner carries no digest or version of its own: bundled with another
# --version it verifies, says that version, and behaves as a plain
# bundle, which runs the same tables from its payload on the prelinked
# stub: the same payload, help, version and lists.
run "$BUMBLE" gen "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/exec_runner.c"
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --runner \
	"$WORK/exec_runner.c" --version 1.2.3 -o "$WORK/exec_a"
check "gen, then bundle --runner --version: bundles" test "$RC" = 0
run "$WORK/exec_a" --verify
check "gen, then bundle --runner --version: --verify passes" test "$RC" = 0
run "$WORK/exec_a" --version
check "gen, then bundle --runner --version: the tool says 1.2.3" \
	grep -q "^execsnoop 1.2.3 " "$WORK/out"
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --version 1.2.3 \
	-o "$WORK/exec_b"
for opt in --manifest --help --version --list; do
	"$WORK/exec_a" $opt >"$WORK/linked$opt" 2>&1
	"$WORK/exec_b" $opt >"$WORK/prelinked$opt" 2>&1
	check "a tool linked with the generated runner and a plain one: same $opt" \
		cmp -s "$WORK/linked$opt" "$WORK/prelinked$opt"
done
# A runner made for another program's object: refused before linking.
expect_exit 3 "runner '.*exec_runner.c' was generated for another build.*bumble gen" \
	"bundle --runner for another object: exit 3, says to regenerate" \
	"$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --runner \
	"$WORK/exec_runner.c" -o "$WORK/exec_c"
check "bundle --runner for another object: no tool written" \
	test ! -e "$WORK/exec_c"
# ... and at run time, where the digest escapes the bundle-time check:
# the tool tells that apart from damage.
sed -z 's/\.bytecode_digest = \("[^"]*"\)/.bytecode_digest =\n\t"sha256:0000"/' \
	"$WORK/exec_runner.c" >"$WORK/exec_other.c"
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --runner \
	"$WORK/exec_other.c" -o "$WORK/exec_d"
expect_exit 1 "runner was generated for another build of the program.*bumble gen" \
	"tool whose runner is for another object: --verify exits 1" \
	"$WORK/exec_d" --verify
check "... and the message does not call it damaged" \
	test -z "$(grep damaged "$WORK/err")"
expect_exit 3 "runner was generated for another build" \
	"tool whose runner is for another object: refuses to run, exit 3" \
	"$WORK/exec_d" --duration 1
cp "$WORK/exec_a" "$WORK/exec_e"
printf 'X' | dd of="$WORK/exec_e" bs=1 seek=$(($(stat -c %s "$WORK/exec_e") - 300)) \
	conv=notrunc status=none
expect_exit 1 "modified or damaged" "damaged tool: --verify exits 1, called damaged" \
	"$WORK/exec_e" --verify

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
expect_exit 2 "--duration takes a number of seconds from 0.001 to 1e9, not 'abc'" \
	"tool: bad --duration, exit 2" "$TOOL" --duration abc
expect_exit 2 "--duration takes a number of seconds from 0.001 to 1e9, not '1e19'" \
	"tool: --duration past what milliseconds hold, exit 2" \
	"$TOOL" --duration 1e19
expect_exit 2 "--interval takes a number of seconds from 0.001 to 1e9, not '0.0001'" \
	"tool: --interval under a millisecond (a busy loop), exit 2" \
	"$TOOL" --interval 0.0001
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

# Output that cannot be written is an error, not a silent exit 0.
expect_exit 1 "cannot write the output: No space left on device" \
	"tool --help into a full disk: exit 1" sh -c '"$0" --help >/dev/full' "$TOOL"
expect_exit 1 "cannot write the output: No space left on device" \
	"tool --list into a full disk: exit 1" sh -c '"$0" --list >/dev/full' "$TOOL"
expect_exit 1 "cannot write the output: No space left on device" \
	"bumble --help into a full disk: exit 1" \
	sh -c '"$0" --help >/dev/full' "$BUMBLE"
expect_exit 1 "cannot write the output: No space left on device" \
	"bumble inspect into a full disk: exit 1" \
	sh -c '"$0" inspect "$1" >/dev/full' "$BUMBLE" "$FIXTURES/layout.bpf.c"

# The prelinked stub alone is no tool, and says how to make one.
expect_exit 3 "bumble's prelinked stub, not a tool.*bumble bundle" \
	"the prelinked stub run as it is: exit 3, says to bundle" \
	"$ROOT/build/lib/bumble/stub/bumble-stub" --help

# Tables that do not decode, in a payload whose digests all hold (the
# layer, config and manifest rebuilt around them, and the stub's slot
# given the new manifest digest): refused, exit 3; --verify exits 1.
"$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" -o "$WORK/tables_ok" 2>/dev/null
python3 - "$WORK/tables_ok" "$WORK/tables_bad" <<'PY'
import hashlib, io, json, struct, sys, tarfile
d = open(sys.argv[1], "rb").read()
sizes = struct.unpack("<3Q", d[-32:-8])
start = len(d) - 40 - sum(sizes)
exe = d[:start]
manifest = json.loads(d[start:start + sizes[0]])
config = d[start + sizes[0]:start + sizes[0] + sizes[1]]
layer = d[start + sizes[0] + sizes[1]:start + sum(sizes)]
src = tarfile.open(fileobj=io.BytesIO(layer))
out = io.BytesIO()
dst = tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT)
for m in src.getmembers():
    data = src.extractfile(m).read()
    if m.name == "runner.tables":
        data = data[:len(data) // 2]  # cut short
        m.size = len(data)
    dst.addfile(m, io.BytesIO(data))
dst.close()
layer = out.getvalue()
manifest["layers"][0]["digest"] = "sha256:" + hashlib.sha256(layer).hexdigest()
manifest["layers"][0]["size"] = len(layer)
mtext = json.dumps(manifest, separators=(",", ":")).encode()
digest = b"sha256:" + hashlib.sha256(mtext).hexdigest().encode()
marker = b"\x7fBUMBLE prelinked stub slot v1\0"
at = exe.index(marker) + 32
exe = exe[:at] + digest.ljust(80, b"\0") + exe[at + 80:]
trailer = b"BUMBLEP1" + struct.pack("<3Q", len(mtext), len(config), len(layer)) + b"BUMBLEP1"
open(sys.argv[2], "wb").write(exe + mtext + config + layer + trailer)
PY
chmod +x "$WORK/tables_bad"
expect_exit 3 "runner tables cannot be read \(.*\); bundle it again" \
	"tables cut short inside a consistent payload: refused, exit 3" \
	"$WORK/tables_bad" --duration 1
expect_exit 1 "runner tables cannot be read" \
	"... and --verify on it exits 1" "$WORK/tables_bad" --verify
