#!/usr/bin/env bash
# The BPF ISA bumble compiles for: v3 by default, which the verifier
# takes where v1 loses a 32-bit index's bound (softirqs' shape); -mcpu in
# --cflags picks another instead, as a program of cpufreq's shape needs
# (v3's 32-bit compare loses a clamped quotient's bound, v1's does not).
. "$(dirname "$0")/../lib.sh"

for f in index quotient; do
	for isa in default v1; do
		flags=()
		[ "$isa" = default ] || flags=(--cflags "-mcpu=$isa")
		run "$BUMBLE" bundle "$FIXTURES/isa_$f.bpf.c" "${flags[@]}" \
			-o "$WORK/${f}_$isa"
		check "bundle isa_$f ($isa)" test "$RC" = 0
	done
done
run "$BUMBLE" bundle "$FIXTURES/isa_index.bpf.c" -v -o "$WORK/isa_v"
check "the default: -mcpu=v3 on clang's command line" grep -q -- \
	"-O2 -mcpu=v3 " "$WORK/err"
run "$BUMBLE" bundle "$FIXTURES/isa_index.bpf.c" -v --cflags -mcpu=v1 \
	-o "$WORK/isa_v"
check "-mcpu in --cflags: bumble adds no ISA of its own" sh -c \
	"! grep -q 'mcpu=v3' '$WORK/err'"

needs ROOT # the checks below load the fixtures into the kernel

run "$WORK/index_default" --duration 1
check "v3: the verifier takes the bounded index, and it counts" sh -c \
	"test $RC = 0 && grep -q 'attached 1 program' '$WORK/err' &&
	 grep -q '^hits:' '$WORK/out'"
expect_exit 5 "rejected program 'on_exit'" \
	"v1: the 32-bit index loses its bound" "$WORK/index_v1" --duration 1
expect_exit 5 "rejected program 'on_entry'" \
	"v3: the quotient compared in 32 bits loses its bound" \
	"$WORK/quotient_default" --duration 1
run "$WORK/quotient_v1" --duration 1
check "--cflags -mcpu=v1: the verifier takes the quotient" sh -c \
	"test $RC = 0 && grep -q 'attached 1 program' '$WORK/err'"
