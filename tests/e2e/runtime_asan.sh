#!/usr/bin/env bash
# The runtime under ASan/UBSan: execsnoop's generated runner, and the
# prelinked stub's main (which reads the tables from the payload), each
# linked with the stub sources built with sanitizers (glibc, host
# libbpf) and run against the real kernel through load, events and
# shutdown.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" gen "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/runner.c"
check "gen execsnoop runner" test "$RC" = 0
# the payload (manifest, config, object) is what bundle appends, and its
# manifest digest what bundle links beside the runner: take both from a
# bundled tool
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/execsnoop"
digest=$("$WORK/execsnoop" --version | sed -n 's/^manifest //p')
printf '#include <bumble/runtime.h>\nconst struct bumble_bundle bumble_bundle = {"%s", "0.0.0"};\n' \
	"$digest" >"$WORK/bundle.c"
RUNTIME=$(ls "$ROOT"/stub/*.c | grep -v /prelinked_main.c)
# shellcheck disable=SC2086
run gcc -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 \
	-D_GNU_SOURCE -I"$ROOT/stub/include" -I"$ROOT/stub" \
	-I"$ROOT/build/host/include" -I"$ROOT/build/obj/bumble/gen" \
	"$WORK/runner.c" "$WORK/bundle.c" $RUNTIME \
	"$ROOT/build/host/lib/libbpf.a" -lelf -lz -o "$WORK/execsnoop-asan"
check "link the runner with a sanitized runtime" test "$RC" = 0
# shellcheck disable=SC2086
run gcc -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 \
	-D_GNU_SOURCE -I"$ROOT/stub/include" -I"$ROOT/stub" \
	-I"$ROOT/build/host/include" -I"$ROOT/build/obj/bumble/gen" \
	"$ROOT/stub/prelinked_main.c" $RUNTIME \
	"$ROOT/build/host/lib/libbpf.a" -lelf -lz -o "$WORK/prelinked-asan"
check "link a sanitized prelinked stub" test "$RC" = 0
# the payload appended; the prelinked one's slot filled as bumble does
python3 - "$WORK/execsnoop" "$WORK/execsnoop-asan" "$WORK/prelinked-asan" \
	"$digest" <<'PY'
import struct, sys
tool = open(sys.argv[1], "rb").read()
sizes = struct.unpack("<QQQ", tool[-32:-8])
payload = tool[len(tool) - 40 - sum(sizes):]
open(sys.argv[2], "ab").write(payload)
stub = open(sys.argv[3], "rb").read()
marker = b"\x7fBUMBLE prelinked stub slot v1\0"
at = stub.index(marker) + 32
slot = (sys.argv[4].encode().ljust(80, b"\0") + b"0.0.0".ljust(136, b"\0") +
        b"x86_64".ljust(24, b"\0"))
open(sys.argv[3], "wb").write(stub[:at] + slot + stub[at + len(slot):] + payload)
PY
for t in execsnoop-asan prelinked-asan; do
	check "the sanitized tool verifies its payload ($t)" "$WORK/$t" --verify
	expect_exit 2 "unknown option" "sanitized runtime: usage error path ($t)" \
		"$WORK/$t" --nope
done

needs ROOT # the checks below load it into the kernel

for t in execsnoop-asan prelinked-asan; do
	for mode in --json ""; do
		if ! start_tool "$WORK/events" "$WORK/$t" $mode; then
			fail "sanitized $t ${mode:-(text)} attaches"
			continue
		fi
		/bin/true
		sleep 0.3
		stop_tool INT
		if [ "$RC" = 0 ] && grep -q "/bin/true" "$WORK/events" &&
			! grep -q "Sanitizer" "$WORK/err"; then
			pass "sanitized $t ${mode:-(text)}: events, clean exit"
		else
			fail "sanitized $t ${mode:-(text)}: events, clean exit" \
				"exit $RC"
		fi
	done
done
