#!/usr/bin/env bash
# Integers shown as names without a typedef: the formats inferred from
# what fills a key or member in the source (a syscall tracepoint's id, a
# signal's sig, a TCP state), held only while the parameter that picks
# the value says so; and bumble bundle --format FIELD=NAME over them,
# with its errors.
. "$(dirname "$0")/../lib.sh"

F=$FIXTURES/plain_names.bpf.c
run "$BUMBLE" inspect "$F"
check "inspect plain_names" test "$RC" = 0
check "a key filled from raw_syscalls' id unless --per_pid: syscall_nr" \
	grep -Eq "^  key +offset 0 +uint32 as syscall_nr while --per_pid is 0$" \
	"$WORK/out"
check "a member filled from signal_generate's sig, through a local" \
	grep -Eq "^  sig +offset 4 +int32 as signal_nr$" "$WORK/out"
check "a member filled from inet_sock_set_state's newstate: tcp_state" \
	grep -Eq "^  state +offset 12 +int32 as tcp_state$" "$WORK/out"
check "a member given a signal and a port: a number" \
	grep -Eq "^  code +offset 8 +int32$" "$WORK/out"
check "a key sometimes a syscall, sometimes not: a number" sh -c \
	"grep -A1 'event struct mixed_key' '$WORK/out' | grep -Eq '^  key +offset 0 +uint32$'"

run "$BUMBLE" gen "$F" -o "$WORK/runner.c"
check "the runner: the format and the parameter that picks it" sh -c \
	"grep -A12 'calls_key_fields\\[\\] = {' '$WORK/runner.c' |
	 grep -q 'format = BUMBLE_FORMAT_SYSCALL' &&
	 grep -A12 'calls_key_fields\\[\\] = {' '$WORK/runner.c' |
	 grep -q 'format_param = 1,'"

run "$BUMBLE" inspect "$F" --format mixed.key=syscall_nr --format code=hex \
	--format sig=plain
check "--format: MAP.FIELD, FIELD and plain to undo" sh -c \
	"grep -A1 'event struct mixed_key' '$WORK/out' | grep -q 'as syscall_nr' &&
	 grep -Eq '^  code +offset 8 +int32 as hex$' '$WORK/out' &&
	 grep -Eq '^  sig +offset 4 +int32$' '$WORK/out'"
run "$BUMBLE" inspect "$F" --format calls.key=syscall_nr
check "--format over an inferred one: it holds always" grep -Eq \
	"^  key +offset 0 +uint32 as syscall_nr$" "$WORK/out"

expect_exit 2 "--format takes FIELD=NAME or MAP.FIELD=NAME" \
	"--format with an unknown NAME: exit 2" \
	"$BUMBLE" inspect "$F" --format sig=signal
check "... and the names are listed" grep -q \
	"plain, ipv4_addr, .*syscall_nr, signal_nr, .*tcp_state, softirq_vec" \
	"$WORK/err"
expect_exit 2 "--format takes FIELD=NAME" "--format without =: exit 2" \
	"$BUMBLE" inspect "$F" --format sig
expect_exit 3 "--format nosuch=hex: no map shows a field 'nosuch'; the fields are: calls.key, mixed.key, signals.pid" \
	"--format on a missing field: exit 3, the fields listed" \
	"$BUMBLE" inspect "$F" --format nosuch=hex
expect_exit 3 "field 'pid' .uint, 4 bytes. cannot be shown as ipv6_addr" \
	"--format a field cannot take: exit 3" \
	"$BUMBLE" inspect "$F" --format pid=ipv6_addr
expect_exit 2 "'bumble build' takes no --format option" \
	"--format is refused where no model is built" \
	"$BUMBLE" build "$F" --format sig=hex -o "$WORK/x.o"
