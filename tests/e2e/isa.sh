#!/usr/bin/env bash
# The BPF ISA bumble compiles for: v1 by default, which the verifier
# takes where v3's 32-bit compare loses a clamped quotient's bound
# (cpufreq's shape, and on 6.1 libbpf-tools' log2 histograms). Where v1
# loses a 32-bit index's bound (softirqs' shape), the tool loads the
# build with 32-bit ALU instructions it also carries. -mcpu in --cflags
# picks one ISA instead, with no second build.
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
	"-O2 -mcpu=v1 -D" "$WORK/err"
check "the default: a second build with 32-bit ALU" grep -q -- \
	"-O2 -mcpu=v1 -Xclang -target-feature -Xclang +alu32 -D" "$WORK/err"
run "$WORK/isa_v" --verify
check "the tool carries the second build, packed against the first" sh -c \
	"test $RC = 0 && grep -Eq '32-bit ALU build [0-9]+ bytes \([0-9]+ packed' '$WORK/out'"
run "$BUMBLE" bundle "$FIXTURES/isa_index.bpf.c" -v --cflags -mcpu=v3 \
	-o "$WORK/isa_v"
check "-mcpu in --cflags: bumble adds no ISA of its own" sh -c \
	"! grep -q 'mcpu=v1' '$WORK/err'"
check "-mcpu in --cflags: no second build" sh -c \
	"! grep -q 'alu32' '$WORK/err'"
run "$WORK/isa_v" --verify
check "-mcpu in --cflags: the tool carries one build" sh -c \
	"test $RC = 0 && ! grep -q 'ALU' '$WORK/out'"
run "$BUMBLE" bundle "$FIXTURES/isa_index.bpf.c" --cflags -mcpu=v1 \
	-o "$WORK/index_v1"
check "bundle isa_index (-mcpu=v1 named)" test "$RC" = 0

needs ROOT # the checks below load the fixtures into the kernel

run "$WORK/index_v3" --duration 1
check "--cflags -mcpu=v3: the verifier takes the bounded index, and it counts" sh -c \
	"test $RC = 0 && grep -q 'attached 1 program' '$WORK/err' &&
	 grep -q '^hits:' '$WORK/out'"
run "$WORK/index_default" --duration 1
check "the default: v1 rejected (the index loses its bound), the 32-bit ALU build loads and counts (by softirq)" sh -c \
	"test $RC = 0 &&
	 grep -q \"rejected program 'on_exit' built for BPF v1; loading its build with 32-bit ALU\" '$WORK/err' &&
	 grep -q 'attached 1 program' '$WORK/err' && grep -q '^hits:' '$WORK/out' &&
	 grep -Eq '^ +(timer|sched|rcu|net_rx|net_tx|block|tasklet|hrtimer|hi|irq_poll) +[1-9][0-9]*\$' '$WORK/out'"
expect_exit 5 "rejected program 'on_exit' of isa_index;" \
	"-mcpu=v1 named: one build, and the verifier rejects it" \
	"$WORK/index_v1" --duration 1
expect_exit 5 "rejected program 'on_entry'" \
	"v3: the quotient compared in 32 bits loses its bound" \
	"$WORK/quotient_v3" --duration 1
run "$WORK/quotient_default" --duration 1
check "v1 (the default): the verifier takes the quotient, no second load" sh -c \
	"test $RC = 0 && grep -q 'attached 1 program' '$WORK/err' &&
	 ! grep -q 'ALU' '$WORK/err'"
