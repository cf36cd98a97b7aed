#!/usr/bin/env bash
# The BPF ISA bumble compiles for: v1 by default, which the verifier
# takes where v3's 32-bit compare loses a clamped quotient's bound
# (cpufreq's shape, and on 6.1 libbpf-tools' log2 histograms); -mcpu in
# --cflags picks another instead, as a program of softirqs' shape needs
# (v1 loses a 32-bit index's bound, v3 does not).
. "$(dirname "$0")/../lib.sh"

for f in index quotient; do
	for isa in default v3; do
		flags=()
		[ "$isa" = default ] || flags=(--cflags "-mcpu=$isa")
		run "$BUMBLE" bundle "$FIXTURES/isa_$f.bpf.c" "${flags[@]}" \
			-o "$WORK/${f}_$isa"
		check "bundle isa_$f ($isa)" test "$RC" = 0
	done
done
run "$BUMBLE" bundle "$FIXTURES/isa_index.bpf.c" -v -o "$WORK/isa_v"
check "the default: -mcpu=v1 on clang's command line" grep -q -- \
	"-O2 -mcpu=v1 " "$WORK/err"
run "$BUMBLE" bundle "$FIXTURES/isa_index.bpf.c" -v --cflags -mcpu=v3 \
	-o "$WORK/isa_v"
check "-mcpu in --cflags: bumble adds no ISA of its own" sh -c \
	"! grep -q 'mcpu=v1' '$WORK/err'"

needs ROOT # the checks below load the fixtures into the kernel

run "$WORK/index_v3" --duration 1
check "--cflags -mcpu=v3: the verifier takes the bounded index, and it counts" sh -c \
	"test $RC = 0 && grep -q 'attached 1 program' '$WORK/err' &&
	 grep -q '^hits:' '$WORK/out'"
expect_exit 5 "rejected program 'on_exit'" \
	"v1 (the default): the 32-bit index loses its bound" \
	"$WORK/index_default" --duration 1
expect_exit 5 "rejected program 'on_entry'" \
	"v3: the quotient compared in 32 bits loses its bound" \
	"$WORK/quotient_v3" --duration 1
run "$WORK/quotient_default" --duration 1
check "v1 (the default): the verifier takes the quotient" sh -c \
	"test $RC = 0 && grep -q 'attached 1 program' '$WORK/err'"
