#!/usr/bin/env bash
# The runtime under ASan/UBSan: execsnoop's generated runner is linked
# with the stub sources built with sanitizers (glibc, host libbpf) and
# run against the real kernel through load, events and shutdown.
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
run gcc -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 \
	-D_GNU_SOURCE -I"$ROOT/stub/include" -I"$ROOT/stub" \
	-I"$ROOT/build/host/include" -I"$ROOT/build/obj/bumble/gen" \
	"$WORK/runner.c" "$WORK/bundle.c" "$ROOT"/stub/*.c \
	"$ROOT/build/host/lib/libbpf.a" -lelf -lz -o "$WORK/execsnoop-asan"
check "link the runner with a sanitized runtime" test "$RC" = 0
python3 - "$WORK/execsnoop" "$WORK/execsnoop-asan" <<'PY'
import struct, sys
tool = open(sys.argv[1], "rb").read()
sizes = struct.unpack("<QQQ", tool[-32:-8])
payload = tool[len(tool) - 40 - sum(sizes):]
open(sys.argv[2], "ab").write(payload)
PY
check "the sanitized tool verifies its payload" "$WORK/execsnoop-asan" --verify
expect_exit 2 "unknown option" "sanitized runtime: usage error path" \
	"$WORK/execsnoop-asan" --nope

needs ROOT # the checks below load it into the kernel

for mode in --json ""; do
	if ! start_tool "$WORK/events" "$WORK/execsnoop-asan" $mode; then
		fail "sanitized execsnoop ${mode:-(text)} attaches"
		continue
	fi
	/bin/true
	sleep 0.3
	stop_tool INT
	if [ "$RC" = 0 ] && grep -q "/bin/true" "$WORK/events" &&
		! grep -q "Sanitizer" "$WORK/err"; then
		pass "sanitized execsnoop ${mode:-(text)}: events, clean exit"
	else
		fail "sanitized execsnoop ${mode:-(text)}: events, clean exit" \
			"exit $RC"
	fi
done
