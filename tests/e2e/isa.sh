#!/usr/bin/env bash
# The BPF ISA bumble compiles for: v3 by default, which the verifier
# accepts where v1's 64-bit compares lose a 32-bit index's bound; -mcpu
# in --cflags still picks another.
. "$(dirname "$0")/../lib.sh"

F=$FIXTURES/isa_bounds.bpf.c
run "$BUMBLE" bundle "$F" -o "$WORK/isa3"
check "bundle isa_bounds (v3 by default)" test "$RC" = 0
run "$BUMBLE" bundle "$F" --cflags -mcpu=v1 -o "$WORK/isa1"
check "bundle isa_bounds with --cflags -mcpu=v1" test "$RC" = 0

needs ROOT # the checks below load the fixture into the kernel

run "$WORK/isa3" --duration 1
check "v3: the verifier takes it, and it counts" sh -c \
	"test $RC = 0 && grep -q attached '$WORK/err' && grep -q '^hits:' '$WORK/out'"
expect_exit 5 "unbounded memory access" \
	"v1 (--cflags -mcpu=v1 wins over the default): the verifier refuses" \
	"$WORK/isa1" --duration 1
