#!/usr/bin/env bash
# A produced tool facing a hostile kernel or bad options: verifier
# rejection of both builds (program name and log tail, exit 5), an attach type the
# kernel lacks (exit 7, said plainly), an unreadable --btf (exit 2).
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/rejected.bpf.c" -o "$WORK/rejected"
check "bundle a program the verifier will reject" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/kprobe.bpf.c" -o "$WORK/kprobe"
check "bundle a kprobe program" test "$RC" = 0
run "$BUMBLE" bundle "$FIXTURES/kprobe_missing.bpf.c" -o "$WORK/kprobe_missing"
check "bundle a kprobe on a function no kernel has" test "$RC" = 0

needs ROOT # the checks below load programs into the kernel
expect_exit 5 "verifier rejected program 'unchecked_lookup'" \
	"verifier rejection: names the program, exit 5" "$WORK/rejected" \
	--duration 1
check "verifier rejection: shows the log's tail" grep -Eq \
	"invalid mem access|map_value_or_null" "$WORK/err"
check "verifier rejection: the 32-bit ALU build was tried too, and said so once" sh -c \
	"grep -q \"rejected program 'unchecked_lookup' built for BPF v1; loading its build with 32-bit ALU\" '$WORK/err' &&
	 test \$(grep -c \"rejected program 'unchecked_lookup' of rejected (its v1 build too\" '$WORK/err') = 1"

expect_exit 2 "cannot read the BTF file given with --btf" \
	"--btf with a missing file: exit 2" "$WORK/rejected" --btf \
	"$WORK/none.btf"
head -c 4096 /dev/urandom >"$WORK/garbage.btf"
expect_exit 2 "'$WORK/garbage.btf' is not a BTF file \\(" \
	"--btf with a file that is not BTF: said so, exit 2" "$WORK/rejected" \
	--btf "$WORK/garbage.btf"
check "--btf garbage: no 'No error information'" \
	test "$(grep -c "No error information" "$WORK/err")" = 0

needs ROOT,KPROBES
if start_tool "$WORK/kprobe.txt" "$WORK/kprobe" --json; then
	sleep 0.3 &
	sl=$!
	wait $sl
	sleep 0.3
	stop_tool INT
	check "kprobe: event from do_nanosleep" json_has \
		"$WORK/kprobe.txt" "e['pid'] == $sl"
else
	fail "kprobe attaches where the kernel has kprobes"
fi
expect_exit 7 \
	"kernel function 'bumble_no_such_function' does not exist on this kernel \(module not loaded, or inlined\)" \
	"kprobe on a function the kernel lacks: named, exit 7" \
	"$WORK/kprobe_missing" --duration 1
needs 'ROOT,!KPROBES'
expect_exit 7 \
	"program 'nanosleep_entry' \(section 'kprobe/do_nanosleep'\).*kprobes may be unavailable" \
	"kernel without kprobes: said plainly, exit 7" "$WORK/kprobe" \
	--duration 1
expect_exit 7 "kprobes may be unavailable" \
	"kernel without kprobes: a missing function is not blamed" \
	"$WORK/kprobe_missing" --duration 1
needs ROOT

# A kernel without BTF, made by hiding /sys/kernel/btf in a private mount
# namespace: the tool says so and points at --btf; given the BTF file, it
# loads and relocates against it.
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" -o "$WORK/exitsnoop"
cp /sys/kernel/btf/vmlinux "$WORK/vmlinux.btf"
expect_exit 6 "has no BTF \(/sys/kernel/btf/vmlinux is missing.*--btf FILE" \
	"kernel without BTF: said so, pointing at --btf, exit 6" \
	unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf && exec '$WORK/exitsnoop' --duration 1"
run unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf && exec '$WORK/exitsnoop' --btf '$WORK/vmlinux.btf' --json --duration 1"
check "without kernel BTF but with --btf FILE: loads, runs, exit 0" \
	test "$RC" = 0

# fentry: attaches where the kernel has BPF trampolines; where it has
# none the kernel refuses even root, and the tool must not blame
# capabilities.
run "$BUMBLE" bundle "$FIXTURES/fentry.bpf.c" -o "$WORK/fentry"
run "$WORK/fentry" --duration 1
if [ "$RC" = 0 ]; then
	pass "fentry program attaches on this kernel"
elif [ "$RC" = 1 ] && grep -q "refused to load the programs even for root.*fentry/fexit need BPF trampolines" "$WORK/err" &&
	! grep -q "CAP_BPF" "$WORK/err"; then
	pass "kernel refusing fentry to root: said plainly, not blamed on capabilities"
else
	fail "fentry: attaches, or a plain error" "exit $RC"
fi

# Closed standard fds are held with /dev/null, so no epoll or BPF fd
# takes their number and is written to.
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/execsnoop"
expect_exit 0 "attached 2 programs" "tool >&- (stdout closed): runs, exit 0" \
	sh -c 'exec "$0" --duration 0.5 >&-' "$WORK/execsnoop"
expect_exit 0 "" "tool <&- 2>&- (stdin, stderr closed): runs, exit 0" \
	sh -c 'exec "$0" --duration 0.5 <&- 2>&-' "$WORK/execsnoop"

# Without root: CAP_BPF, CAP_PERFMON and, for tracepoints (tracefs is
# root's 0700), CAP_DAC_READ_SEARCH are enough; without the last one the
# tool names it. Checked by opening tracefs: access() ignores capabilities.
chmod 755 "$WORK"
as_caps() {
	local caps=$1
	shift
	exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps="$caps" --ambient-caps="$caps" "$@"
}
MARK=$WORK/bcapmark$$
cp /bin/true "$MARK"
chmod 755 "$MARK"
if start_tool "$WORK/caps.json" as_caps +bpf,+perfmon,+dac_read_search \
	"$WORK/execsnoop" --json; then
	"$MARK"
	sleep 0.3
	stop_tool INT
	check "as nobody with CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH: a real event" \
		json_has "$WORK/caps.json" "e['comm'] == 'bcapmark$$'[:15]"
else
	fail "as nobody with CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH: attaches"
fi
expect_exit 4 "tracefs .* not readable.*CAP_DAC_READ_SEARCH" \
	"as nobody without CAP_DAC_READ_SEARCH: names it, exit 4" \
	sh -c 'exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon "$0" \
		--duration 1' "$WORK/execsnoop"
