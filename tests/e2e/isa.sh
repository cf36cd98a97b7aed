#!/usr/bin/env bash
# The BPF ISA bumble compiles for: v2 with 32-bit ALU by default, which
# the verifier takes where v1 loses a 32-bit index's bound (softirqs'
# shape) and where v3's 32-bit jumps lose a clamped quotient's (cpufreq's
# shape); -mcpu in --cflags picks another ISA instead.
. "$(dirname "$0")/../lib.sh"

F=$FIXTURES/isa_bounds.bpf.c
for isa in default v1 v3; do
	flags=()
	[ "$isa" = default ] || flags=(--cflags "-mcpu=$isa")
	run "$BUMBLE" bundle "$F" "${flags[@]}" -o "$WORK/isa_$isa"
	check "bundle isa_bounds ($isa)" test "$RC" = 0
done
run "$BUMBLE" bundle "$F" -v -o "$WORK/isa_v"
check "the default: -mcpu=v2 with +alu32 on clang's command line" grep -q \
	"mcpu=v2 -Xclang -target-feature -Xclang +alu32" "$WORK/err"
run "$BUMBLE" bundle "$F" -v --cflags -mcpu=v3 -o "$WORK/isa_v"
check "-mcpu in --cflags: bumble adds no ISA of its own" sh -c \
	"! grep -q 'mcpu=v2' '$WORK/err'"

needs ROOT # the checks below load the fixture into the kernel

run "$WORK/isa_default" --duration 1
check "default: the verifier takes both programs, and they count" sh -c \
	"test $RC = 0 && grep -q 'attached 2 programs' '$WORK/err' &&
	 grep -q '^hits:' '$WORK/out'"
expect_exit 5 "rejected program 'on_exit'" \
	"v1: the 32-bit index loses its bound" "$WORK/isa_v1" --duration 1
expect_exit 5 "rejected program 'on_entry'" \
	"v3: the quotient compared in 32 bits loses its bound" \
	"$WORK/isa_v3" --duration 1
