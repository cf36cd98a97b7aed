#!/usr/bin/env bash
# bumble's intake of BPF objects: a program whose section libbpf does not
# know, or that names no target to attach to, is refused at bundle time
# (exit 3, naming the program, the section and the form expected), but
# a bare uprobe, whose target the tool's --attach gives, is taken;
# damaged objects (bytes flipped, seeded) are refused with exit 3 or
# taken when the flip is harmless, never crash bumble, and leave no
# temporary files. No root needed.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$WORK/tmp"
export TMPDIR=$WORK/tmp

section() {
	local code=$1 pattern=$2 sec=$3
	expect_exit "$code" "$pattern" "SEC(\"$sec\"): exit $code" \
		"$BUMBLE" bundle "$FIXTURES/section.bpf.c" -D "SECTION=\"$sec\"" \
		-o "$WORK/sec"
}
section 3 "program 'handle' has section 'foobar/baz', which libbpf does not know; use a section such as tracepoint/CATEGORY/NAME" \
	foobar/baz
section 3 "section 'uretprobe//bin/bash', which names no complete target.*uretprobe/PATH:FUNCTION" \
	uretprobe//bin/bash
section 3 "section 'usdt', which names no complete target.*usdt/PATH:PROVIDER:NAME" \
	usdt
section 3 "section 'kprobe', which names no target to attach to; write it as SEC\(\"kprobe/FUNCTION\"\)" \
	kprobe
section 3 "section 'tracepoint/sched', which names no complete target.*tracepoint/CATEGORY/NAME" \
	tracepoint/sched
section 3 "section 'fentry', which names no target.*fentry/FUNCTION" fentry
section 3 "section 'socket', a socket_filter program, which a bumble tool cannot attach" \
	socket
check "refused sections: no tool written" test ! -e "$WORK/sec"
# attached through an option of the tool (--iface, --cgroup, every CPU),
# or not loaded at all ("?"): taken
for sec in xdp tc tcx/ingress cgroup_skb/egress perf_event \
	kprobe/do_nanosleep "uprobe//bin/bash:readline" \
	"usdt//usr/bin/python3:python:function__entry" \
	tracepoint/syscalls/sys_enter_getpid "?uprobe"; do
	section 0 "" "$sec"
done
# a bare uprobe: its binary is given with --attach (bundle or tool)
section 0 "program 'handle' has section 'uprobe', which names no binary: run the tool with --attach handle=BINARY:FUNCTION" \
	uprobe
expect_exit 0 "section 'uprobe', which names no binary" \
	"inspect takes a bare uprobe, with the same warning" \
	"$BUMBLE" inspect "$FIXTURES/section.bpf.c" -D 'SECTION="uprobe"'

# Damaged objects: bytes flipped in real objects, mostly in the headers
# and tables where they matter; the same flips on every run.
for f in layout aggregates perfsnoop; do
	run "$BUMBLE" build "$FIXTURES/$f.bpf.c" -o "$WORK/$f.bpf.o"
done
python3 - "$WORK" <<'PY'
import random, sys
work = sys.argv[1]
rng = random.Random(14)
for name in ("layout", "aggregates", "perfsnoop"):
    data = open(f"{work}/{name}.bpf.o", "rb").read()
    shoff = int.from_bytes(data[0x28:0x30], "little")
    for i in range(25):
        b = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            where = rng.random()
            if where < 0.3:
                off = rng.randrange(64)              # ELF header
            elif where < 0.7:
                off = rng.randrange(shoff, len(b))   # section headers
            else:
                off = rng.randrange(len(b))
            b[off] ^= 1 << rng.randrange(8)
        open(f"{work}/flip-{name}-{i:02d}.bpf.o", "wb").write(b)
PY
crashed= refused=0 taken=0
for obj in "$WORK"/flip-*.bpf.o; do
	"$BUMBLE" inspect "$obj" >/dev/null 2>"$WORK/err"
	rc=$?
	case $rc in
	0) taken=$((taken + 1)) ;;
	3) refused=$((refused + 1)) ;;
	*) crashed="$crashed $(basename "$obj"):$rc" ;;
	esac
done
detail "damaged objects: $refused refused, $taken taken"
check "75 damaged objects: each refused (exit 3) or taken, no crash" \
	test -z "$crashed" -a $((refused + taken)) = 75
check "damaged objects: some refused as damaged" \
	test "$refused" -gt 30
check "damaged objects: no temporary directory left" \
	test -z "$(ls -A "$WORK/tmp")"
[ -n "$crashed" ] && echo "# crashed:$crashed"
# e_shnum (offset 60) made 255: the section headers leave the file
cp "$WORK/layout.bpf.o" "$WORK/cut.bpf.o"
printf '\377' | dd of="$WORK/cut.bpf.o" bs=1 seek=60 conv=notrunc 2>/dev/null
expect_exit 3 "a damaged ELF file: the section header table is not inside the file.*build the object again" \
	"a damaged object: the error says what is wrong" \
	"$BUMBLE" bundle "$WORK/cut.bpf.o" -o "$WORK/cut"

# The fuzzer's seeds and what it found (tests/fuzz/corpus/object): each
# taken or refused, never a crash.
for obj in "$ROOT"/tests/fuzz/corpus/object/*.bpf.o; do
	run "$BUMBLE" inspect "$obj"
	check "fuzz corpus $(basename "$obj"): taken or refused, exit $RC" \
		test "$RC" = 0 -o "$RC" = 3
done
check "fuzz corpus: no temporary directory left" test -z "$(ls -A "$WORK/tmp")"
