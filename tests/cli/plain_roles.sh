#!/usr/bin/env bash
# Roles of maps that name none, inferred from their shapes and the
# source's calls (slots[] hists, counts created and added to; state and
# scratch kept out), only for programs that name no roles themselves,
# and bumble bundle --role MAP=ROLE over them, with its usage errors;
# --map-size and --set NAME=VALUE (a parameter's default in the object).
. "$(dirname "$0")/../lib.sh"

F=$FIXTURES/plain_maps.bpf.c
run "$BUMBLE" inspect "$F"
check "inspect the unprefixed maps" test "$RC" = 0
check "a value struct with slots[]: a hist per key" grep -Eq \
	"^  hists +hist +hist_key" "$WORK/out"
check "an integer created with BPF_NOEXIST, added to: a counter" grep -Eq \
	"^  calls +counter +calls_key" "$WORK/out"
check "a struct of counts, added to through a function: a counter" grep \
	-Eq "^  stats +counter +stats_key" "$WORK/out"
check "pid -> start time, replaced and deleted: state" grep -Eq \
	"^  start +none +-" "$WORK/out"
check "an integer only replaced (BPF_ANY): state" grep -Eq \
	"^  last_seen +none +-" "$WORK/out"
check "a struct set up with BPF_ANY, then added to in place: a counter" \
	grep -Eq "^  io +counter +io_key" "$WORK/out"
check "added to in place, written back with BPF_EXIST: a counter" grep -Eq \
	"^  traffic +counter +traffic_key" "$WORK/out"
check "a one-entry per-CPU array: scratch" grep -Eq \
	"^  scratch +none " "$WORK/out"
check "a hash the program only looks up: user space's filter" grep -Eq \
	"^  skip_pids +none " "$WORK/out"
check "a stack trace map: none" grep -Eq "^  stacks +none " "$WORK/out"
check "a key's *stack_id member: shown as a stack" grep -Eq \
	"^  kern_stack_id +offset 0 +int32 as stack_id" "$WORK/out"

run "$BUMBLE" inspect "$FIXTURES/plain_stack_key.bpf.c"
check "a key copied from bpf_get_stackid: a stack while --per_pid is 0" \
	grep -Eq "^  key +offset 0 +uint32 as stack_id while --per_pid is 0$" \
	"$WORK/out"

run "$BUMBLE" build "$F" -o "$WORK/plain_maps.bpf.o"
run "$BUMBLE" inspect "$WORK/plain_maps.bpf.o"
check "an object (no source to read): its shapes alone place the maps" \
	grep -Eq "^  skip_pids +counter " "$WORK/out"

run "$BUMBLE" gen "$F" --map-size calls=64 --map-size stacks=128 \
	-o "$WORK/runner.c"
check "--map-size: the runner carries each map's size" sh -c \
	"grep -A6 '{.name = \"calls\"' '$WORK/runner.c' | grep -q 'max_entries = 64' &&
	 grep -A2 '{.name = \"stacks\"' '$WORK/runner.c' | grep -q 'max_entries = 128'"
for bad in calls calls= calls=0 calls=-1 calls=12x calls=2147483648 =5; do
	expect_exit 2 "--map-size takes MAP=N, N a number of entries from 1 to 2147483647" \
		"--map-size '$bad': exit 2" \
		"$BUMBLE" bundle "$F" --map-size "$bad" -o "$WORK/x"
done
expect_exit 3 "--map-size nosuch=5: the program has no map 'nosuch'" \
	"--map-size on a missing map: exit 3" \
	"$BUMBLE" bundle "$F" --map-size nosuch=5 -o "$WORK/x"

run "$BUMBLE" inspect "$F" --role calls=none --role last_seen=counter
check "--role MAP=none hides an inferred counter" grep -Eq \
	"^  calls +none +-" "$WORK/out"
check "--role MAP=counter shows a state map" grep -Eq \
	"^  last_seen +counter +last_seen_key" "$WORK/out"
check "--role leaves the other maps' inferred roles" grep -Eq \
	"^  hists +hist +hist_key" "$WORK/out"

run "$BUMBLE" inspect "$F" -DCALLS=counter_calls
check "a program that names a role: its unprefixed maps stay internal" \
	grep -Eq "^  hists +none " "$WORK/out"
check "... and its prefixed map keeps its role" grep -Eq \
	"^  counter_calls +counter " "$WORK/out"
run "$BUMBLE" inspect "$FIXTURES/pyusdt.bpf.c"
check "libbpf's own maps (__bpf_usdt_*) get no role" grep -Eq \
	"^  __bpf_usdt_ip_to_spec_id +none" "$WORK/out"

expect_exit 2 "--role takes MAP=ROLE, ROLE one of print, counter, gauge, hist or none" \
	"--role with an unknown role: exit 2" \
	"$BUMBLE" bundle "$F" --role calls=table -o "$WORK/x"
expect_exit 2 "--role takes MAP=ROLE" "--role without =: exit 2" \
	"$BUMBLE" bundle "$F" --role calls -o "$WORK/x"
expect_exit 3 "--role nosuch=...: the program has no map 'nosuch'" \
	"--role on a missing map: exit 3" \
	"$BUMBLE" bundle "$F" --role nosuch=hist -o "$WORK/x"
expect_exit 2 "'bumble build' takes no --role option" \
	"build refuses --role" \
	"$BUMBLE" build "$F" --role calls=none -o "$WORK/x.o"

# --set: the object's initial values, so the tool's defaults
L=$FIXTURES/layout.bpf.c
run "$BUMBLE" bundle "$L" --set targ_pid=42 --set chatty=false \
	--set shade=RED --set label=xyz --set delta=-300 -o "$WORK/layout"
check "bundle with --set for five kinds of parameter" test "$RC" = 0
run "$WORK/layout" --help
for want in "--targ_pid N .*\(default 42\)" "--chatty.*\(default false\)" \
	"--shade NAME .*\(default RED\)" "--label TEXT .*\(default xyz\)" \
	"--delta N .*\(default -300\)"; do
	check "--set: the tool's default: $want" grep -Eq -- "$want" "$WORK/out"
done
for bad in targ_pid=-1 delta=40000 chatty=maybe label=abcdefgh shade=PURPLE \
	targ_pid=0x1g; do
	expect_exit 3 "--set $bad: not a value of the parameter" \
		"--set $bad: refused, exit 3" \
		"$BUMBLE" bundle "$L" --set "$bad" -o "$WORK/x"
done
expect_exit 3 "--set nosuch=1: the program has no parameter 'nosuch'" \
	"--set on a missing parameter: exit 3" \
	"$BUMBLE" bundle "$L" --set nosuch=1 -o "$WORK/x"
expect_exit 2 "--set takes NAME=VALUE" "--set without =: exit 2" \
	"$BUMBLE" bundle "$L" --set targ_pid -o "$WORK/x"

run "$BUMBLE" inspect "$FIXTURES/flood.bpf.c"
check "bumble.h's own global (bumble_lost_events), only added to: not shown" \
	sh -c "test $RC = 0 && ! grep -q bumble_lost_events '$WORK/out'"

# a lone global only added to (a sequence number) in a program that
# prints events: its source is not read for it (no clang AST run), and
# it is not shown
run "$BUMBLE" inspect -v "$FIXTURES/atomic_fetch.bpf.c"
check "events and a lone counted global: no AST run, the global not shown" \
	sh -c "test $RC = 0 && ! grep -q -- -ast-dump '$WORK/err' &&
	 ! grep -Eq '^  seq +counter' '$WORK/out'"
run "$BUMBLE" inspect -v "$FIXTURES/plain_globals.bpf.c"
check "no event map and lone globals: the source is read (an AST run)" \
	grep -q -- -ast-dump "$WORK/err"
