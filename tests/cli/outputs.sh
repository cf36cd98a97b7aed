#!/usr/bin/env bash
# What bumble writes, and only that: -o (and export's outputs) refuse a
# device, a FIFO, a directory and the input itself, follow a symbolic
# link to a regular file; --name, --version and export --tag follow the
# OCI grammar; -I '' is refused; the same source bundled in two
# directories gives the same tool; a stop signal leaves no temporary
# files and no child behind. No root needed.
. "$(dirname "$0")/../lib.sh"

SRC=$WORK/self.bpf.c
cp "$FIXTURES/layout.bpf.c" "$SRC"
run "$BUMBLE" bundle "$SRC" -o "$WORK/tool"
check "bundle a tool to export" test "$RC" = 0

# -o onto what is not a regular file: refused before any work, untouched.
# (mynull is /dev/null's device, 1:3: the real /dev/null is not tried,
# as a bumble that replaced it would break the machine, not a test;
# making a device node needs root)
is_root && mknod "$WORK/mynull" c 1 3 && mknod "$WORK/null.c" c 1 3
mkfifo "$WORK/fifo" "$WORK/fifo.c"
mkdir "$WORK/adir"
ln -s "$WORK/mynull" "$WORK/link-to-dev"
for out in mynull fifo link-to-dev; do
	dev="needs ROOT"
	[ "$out" = fifo ] && dev=
	for cmd in bundle build gen; do
		$dev expect_exit 2 "will not write '$WORK/$out': it is a (character device|FIFO)" \
			"$cmd -o $out: refused, exit 2" \
			"$BUMBLE" "$cmd" "$SRC" -o "$WORK/$out"
	done
	for fmt in --oci-archive --docker-archive; do
		$dev expect_exit 2 "will not write '$WORK/$out'" \
			"export $fmt $out: refused, exit 2" \
			"$BUMBLE" export "$WORK/tool" "$fmt" "$WORK/$out"
	done
done
for out in null.c fifo.c; do
	dev="needs ROOT"
	[ "$out" = fifo.c ] && dev=
	$dev expect_exit 2 "will not write '$WORK/$out': it is a (character device|FIFO)" \
		"init -o $out --force: refused, exit 2" \
		"$BUMBLE" init x -o "$WORK/$out" --force
done
needs ROOT check "the device nodes are still ones" \
	test -c "$WORK/mynull" -a -c "$WORK/null.c"
check "the FIFOs are still ones" test -p "$WORK/fifo" -a -p "$WORK/fifo.c"
needs ROOT check "the link to the device is still one" test -L "$WORK/link-to-dev"
expect_exit 2 "will not write '$WORK/adir': it is a directory" \
	"bundle -o DIR: refused, exit 2" "$BUMBLE" bundle "$SRC" -o "$WORK/adir"
expect_exit 2 "'$WORK/fifo' exists and is not a directory" \
	"export --oci onto a FIFO: refused, exit 2" \
	"$BUMBLE" export "$WORK/tool" --oci "$WORK/fifo"
expect_exit 2 "'$WORK/fifo' exists and is not a directory" \
	"bundle --oci onto a FIFO: refused before bundling, exit 2" \
	"$BUMBLE" bundle "$SRC" -o "$WORK/never" --oci "$WORK/fifo"
check "bundle --oci onto a FIFO: no tool written" test ! -e "$WORK/never"
# Directories (--oci, --relink-kit) that cannot be written are refused
# before any work: a link to nothing, a loop of links, an empty path; and
# for bundle, which has no --force, a directory with files in it.
ln -s "$WORK/nothing-here" "$WORK/dir-dangling"
ln -s "$WORK/dir-loop-b" "$WORK/dir-loop-a"
ln -s "$WORK/dir-loop-a" "$WORK/dir-loop-b"
mkdir -p "$WORK/full-dir" && : >"$WORK/full-dir/file"
for dir in "dir-dangling:a symbolic link to nothing" \
	"dir-loop-a:a symbolic link in a loop of links" \
	"full-dir:is not empty; give a new or empty directory" ":an empty directory path"; do
	name=${dir%%:*} why=${dir#*:} path=$WORK/${dir%%:*}
	[ -n "$name" ] || path=
	for opt in --oci --relink-kit; do
		expect_exit 2 "$why" "bundle $opt '$name': refused before bundling, exit 2" \
			"$BUMBLE" bundle "$SRC" -o "$WORK/never" "$opt" "$path"
		check "bundle $opt '$name': no tool written" test ! -e "$WORK/never"
	done
	[ "$name" = full-dir ] && continue
	expect_exit 2 "$why" "export --oci '$name': refused, exit 2" \
		"$BUMBLE" export "$WORK/tool" --oci "$path"
done
check "the full directory is left as it was" test "$(ls -A "$WORK/full-dir")" = file
# Two outputs on one path (however spelled): refused before any work,
# not found when the second is written over the first.
cd "$WORK" || exit 1
step openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/key.pem"
up=../${WORK##*/}
for clash in "-o and --oci:-o clash --oci ./clash" \
	"-o and --relink-kit:-o clash --relink-kit clash/" \
	"--oci and --relink-kit:-o clash-tool --oci clash --relink-kit $up/clash" \
	"-o's signature and --oci:-o clash --sign-key key.pem --oci clash.sig"; do
	# shellcheck disable=SC2086
	expect_exit 2 "both an output and the directory of|name one directory" \
		"bundle ${clash%%:*} on one path: refused before bundling, exit 2" \
		"$BUMBLE" bundle "$SRC" ${clash#*:}
done
check "... no output of theirs is written" sh -c "! ls -d '$WORK'/clash* >/dev/null 2>&1"
for clash in "--oci-archive clash.tar --docker-archive ./clash.tar" \
	"--oci clash --oci-archive clash"; do
	# shellcheck disable=SC2086
	expect_exit 2 "name one path" "export $clash: refused, exit 2" \
		"$BUMBLE" export "$WORK/tool" $clash
done
check "... nothing of theirs is written" sh -c "! ls -d '$WORK'/clash* >/dev/null 2>&1"
expect_exit 2 "go with --k8s or --systemd" "export --oci with -o: -o is for --k8s/--systemd, exit 2" \
	"$BUMBLE" export "$WORK/tool" --oci "$WORK/never-oci" -o "$WORK/never"
check "... and nothing is written" test ! -e "$WORK/never" -a ! -e "$WORK/never-oci"
# An output that is an input (the same file, by name or hard link).
cp "$SRC" "$WORK/keep.bpf.c"
ln "$SRC" "$WORK/hard.bpf.c"
cp "$WORK/tool" "$WORK/tool.copy"
expect_exit 2 "will not write '$SRC': it is the input '$SRC'" \
	"bundle self.bpf.c -o self.bpf.c: refused, exit 2" \
	"$BUMBLE" bundle "$SRC" -o "$SRC"
expect_exit 2 "it is the input" "bundle -o a hard link to the input: refused" \
	"$BUMBLE" bundle "$SRC" -o "$WORK/hard.bpf.c"
expect_exit 2 "it is the input" "build -o the input: refused" \
	"$BUMBLE" build "$SRC" -o "$SRC"
expect_exit 2 "it is the input" "gen -o the input: refused" \
	"$BUMBLE" gen "$SRC" -o "$SRC"
run "$BUMBLE" gen "$SRC" -o "$WORK/runner.c"
expect_exit 2 "it is the input '$WORK/runner.c'" \
	"bundle --runner R -o R: refused" \
	"$BUMBLE" bundle "$SRC" --runner "$WORK/runner.c" -o "$WORK/runner.c"
check "the source is intact" cmp "$SRC" "$WORK/keep.bpf.c"
expect_exit 2 "will not write '$WORK/tool': it is the input '$WORK/tool'" \
	"export tool --docker-archive tool: refused, exit 2" \
	"$BUMBLE" export "$WORK/tool" --docker-archive "$WORK/tool"
expect_exit 2 "it is the input" "export tool --oci-archive tool: refused" \
	"$BUMBLE" export "$WORK/tool" --oci-archive "$WORK/tool"
check "the tool is intact" cmp "$WORK/tool" "$WORK/tool.copy"

# A symbolic link to a regular file is followed, as cp does: the file
# it names is replaced, the link stays.
echo old >"$WORK/target"
ln -s "$WORK/target" "$WORK/link"
run "$BUMBLE" bundle "$SRC" -o "$WORK/link"
check "bundle -o a link to a file: written" test "$RC" = 0
check "... through the link, which stays a link" test -L "$WORK/link"
check "... the file it names is the tool" cmp "$WORK/target" "$WORK/tool"
ln -s "$WORK/nowhere" "$WORK/dangling"
expect_exit 2 "'$WORK/dangling': it is a symbolic link to nothing" \
	"bundle -o a dangling link: refused" \
	"$BUMBLE" bundle "$SRC" -o "$WORK/dangling"

# Names: the OCI name and tag grammar, with the rule in the error.
for name in ../evil Tool 'a b' a..b -a "$(printf 'n%.0s' $(seq 94))"; do
	expect_exit 2 "--name '.*' is not a valid tool name: .*OCI name grammar" \
		"--name '${name:0:12}': refused, exit 2" \
		"$BUMBLE" bundle "$SRC" --name "$name" -o "$WORK/named"
done
check "refused names: nothing written" test ! -e "$WORK/named"
for version in '1"0' -1 .1 '1/0' "$(printf '9%.0s' $(seq 124))"; do
	expect_exit 2 "--version '.*' is not a valid version: .*OCI tag grammar" \
		"--version '${version:0:12}': refused, exit 2" \
		"$BUMBLE" gen "$SRC" --version "$version" -o "$WORK/named.c"
done
run "$BUMBLE" bundle "$SRC" --name my_tool.v2 --version 1.0_rc-1 \
	-o "$WORK/named"
check "--name my_tool.v2 --version 1.0_rc-1: valid" test "$RC" = 0
cp "$SRC" "$WORK/My Tool!.bpf.c"
run "$BUMBLE" bundle "$WORK/My Tool!.bpf.c" -o "$WORK/derived"
check "a name from an odd file name: made valid" \
	grep -q '"org.opencontainers.image.title":"my-tool"' "$WORK/derived"
cp "$SRC" "$WORK/__.bpf.c"
expect_exit 2 "cannot make a tool name from '$WORK/__.bpf.c'; give one with --name" \
	"no name can be made from the file name: exit 2" \
	"$BUMBLE" bundle "$WORK/__.bpf.c" -o "$WORK/derived2"
for tag in ../evil:1 'x:1"0' X:1 a//b 'a:-1'; do
	expect_exit 2 "--tag '.*' is not a valid image name|the tag '.*' is not valid" \
		"export --tag '$tag': refused, exit 2" \
		"$BUMBLE" export "$WORK/tool" --oci-archive "$WORK/t.tar" --tag "$tag"
done
run "$BUMBLE" export "$WORK/tool" --oci-archive "$WORK/t.tar" \
	--tag localhost:5000/team/tool:v1
check "export --tag HOST:PORT/PATH:TAG: valid" test "$RC" = 0
check "... its tag in the archive" sh -c \
	"tar -xOf '$WORK/t.tar' index.json | grep -q '\"org.opencontainers.image.ref.name\":\"v1\"'"

# -I '' would make clang take bumble's next argument as the directory.
expect_exit 2 "-I needs a directory, not an empty string" "-I '': refused, exit 2" \
	"$BUMBLE" bundle "$SRC" -I '' -o "$WORK/empty-i"
expect_exit 2 "-D needs a NAME" "-D '': refused, exit 2" \
	"$BUMBLE" build "$SRC" -D '' -o "$WORK/empty-d.o"
expect_exit 4 "argument to '-I' is missing" \
	"--cflags ending in -I: clang's own error, exit 4" \
	"$BUMBLE" build "$SRC" --cflags "-I" -o "$WORK/cflags-i.o"

# Reproducible: the same source in two directories, bundled from each or
# from elsewhere, gives byte-identical tools (no path in them).
mkdir -p "$WORK/one" "$WORK/two/deeper"
cp "$FIXTURES/layout.bpf.c" "$WORK/one/prog.bpf.c"
cp "$FIXTURES/layout.bpf.c" "$WORK/two/deeper/prog.bpf.c"
cp "$FIXTURES"/bee_exitsnoop.* "$WORK/one/"
cp "$FIXTURES"/bee_exitsnoop.* "$WORK/two/deeper/"
export SOURCE_DATE_EPOCH=1700000000
run sh -c "cd '$WORK/one' && '$BUMBLE' bundle prog.bpf.c -o '$WORK/r1' &&
	cd '$WORK/two/deeper' && '$BUMBLE' bundle prog.bpf.c -o '$WORK/r2' &&
	'$BUMBLE' bundle '$WORK/two/deeper/prog.bpf.c' -o '$WORK/r3' &&
	cd '$WORK' && '$BUMBLE' bundle two/deeper/prog.bpf.c -o '$WORK/r4'"
check "bundle one source from two directories" test "$RC" = 0
check "... identical tools from each directory" cmp "$WORK/r1" "$WORK/r2"
check "... identical by absolute and relative path" cmp "$WORK/r3" "$WORK/r4"
check "... identical whichever way" cmp "$WORK/r1" "$WORK/r3"
check "... no directory of the source in the tool" \
	sh -c "! grep -q -e '$WORK' -e one/ -e deeper/ '$WORK/r1'"
run sh -c "'$BUMBLE' bundle '$WORK/one/bee_exitsnoop.bpf.c' -o '$WORK/b1' &&
	'$BUMBLE' bundle '$WORK/two/deeper/bee_exitsnoop.bpf.c' -o '$WORK/b2'"
check "a BumbleBee source (preprocessed in a temporary dir): identical" \
	cmp "$WORK/b1" "$WORK/b2"
unset SOURCE_DATE_EPOCH

# A stop signal while clang or the linker runs: bumble stops that
# program and all it started, removes its temporary files, and dies of
# the signal. Slow stand-ins for clang and musl-gcc (their child adds
# its pid to a file) show when it is running; musl-gcc runs for
# --runner only (a plain bundle links nothing). Two clangs run at once,
# the object's and its 32-bit ALU build's (a helper process): both
# stop. The signal's default action is restored first: a background job
# of a script ignores SIGINT.
mkdir -p "$WORK/tmp" "$WORK/bin"
cat >"$WORK/bin/slow" <<'SLOW'
#!/bin/sh
# a temporary file of its own, as gcc's cc1 writes ccXXXXXX.s
: >"${TMPDIR:-/tmp}/cc-slow.s"
sleep 60 &
echo $! >>"$PIDFILE"
wait
SLOW
chmod +x "$WORK/bin/slow"
"$BUMBLE" gen "$SRC" -o "$WORK/signal_runner.c"
for case in "INT BUMBLE_CLANG" "TERM BUMBLE_CLANG" \
	"HUP BUMBLE_MUSL_GCC --runner $WORK/signal_runner.c" \
	"INT BUMBLE_MUSL_GCC --runner $WORK/signal_runner.c"; do
	set -- $case
	sig=$1 var=$2
	shift 2
	want=1
	[ "$var" = BUMBLE_CLANG ] && want=2
	rm -f "$WORK/pid" "$WORK/stopped"
	env TMPDIR="$WORK/tmp" PIDFILE="$WORK/pid" "$var=$WORK/bin/slow" \
		python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' \
		"$BUMBLE" bundle "$SRC" "$@" -o "$WORK/stopped" 2>"$WORK/err" &
	pid=$!
	for _ in $(seq 1 200); do
		[ "$(wc -l <"$WORK/pid" 2>/dev/null)" = "$want" ] && break
		sleep 0.05
	done
	children=$(tr '\n' ' ' <"$WORK/pid" 2>/dev/null)
	check "SIG$sig while $var runs: $want of it running" \
		test "$(wc -w <<<"$children")" = "$want"
	kill -"$sig" "$pid"
	{ wait "$pid"; } 2>/dev/null
	RC=$?
	check "SIG$sig while $var runs: bumble dies of it" \
		test "$RC" = $((128 + $(kill -l "$sig")))
	check "SIG$sig while $var runs: no temporary directory left" \
		test -z "$(ls -A "$WORK/tmp")"
	check "SIG$sig while $var runs: nor its temporary file (its TMPDIR is bumble's)" \
		test ! -e "$WORK/tmp/cc-slow.s"
	check "SIG$sig while $var runs: its children stopped too" \
		sh -c "sleep 0.2; for c in $children; do
			ps -o stat= -p \$c | grep -qv Z && exit 1; done; exit 0"
	check "SIG$sig while $var runs: no output" test ! -e "$WORK/stopped"
	[ -n "$children" ] && kill $children 2>/dev/null
done

# SIGTERM while export writes a new OCI layout (strace delivers it as
# bumble makes blobs/sha256): the half-written layout goes with bumble.
prereq STRACE "strace is not installed (toolchain/deps.sh installs it)" \
	command -v strace
needs STRACE
rm -rf "$WORK/half-oci"
# (strace dies of the signal too; the shell's "Terminated" is not shown)
{ run strace -o /dev/null -e trace=mkdir,mkdirat -e signal=none \
	-e inject=mkdir,mkdirat:signal=SIGTERM:when=2 \
	"$BUMBLE" export "$WORK/tool" --oci "$WORK/half-oci"; } 2>/dev/null
check "SIGTERM while export writes its layout: bumble dies of it" test "$RC" = 143
check "SIGTERM while export writes its layout: no half layout left" \
	test ! -e "$WORK/half-oci"
# A stop signal the moment a temporary directory or file is made, before
# bumble could note it: held off until it is noted, then it is removed.
rm -rf "$WORK/tmp" && mkdir -p "$WORK/tmp"
{ run env TMPDIR="$WORK/tmp" strace -o /dev/null -e trace=mkdir -e signal=none \
	-e inject=mkdir:signal=SIGTERM:when=1 \
	"$BUMBLE" bundle "$SRC" -o "$WORK/stopped"; } 2>/dev/null
check "SIGTERM as bumble makes its temporary directory: dies of it, none left" \
	sh -c "test $RC = 143 && test -z \"\$(ls -A '$WORK/tmp')\""
rm -rf "$WORK/new-oci"
{ run strace -o /dev/null -e trace=mkdir -e signal=none \
	-e inject=mkdir:signal=SIGTERM:when=1 \
	"$BUMBLE" export "$WORK/tool" --oci "$WORK/new-oci"; } 2>/dev/null
check "SIGTERM as export makes its layout directory: dies of it, none left" \
	sh -c "test $RC = 143 && test ! -e '$WORK/new-oci'"
# which openat makes the export's temporary file, then the signal there
step rm -f "$WORK/s.tar"
step strace -o "$WORK/opens" -e trace=openat \
	"$BUMBLE" export "$WORK/tool" --oci-archive "$WORK/s.tar"
n=$(grep -n 's\.tar\.tmp\.' "$WORK/opens" | head -n 1 | cut -d: -f1)
step rm -f "$WORK/s.tar"
{ run strace -o /dev/null -e trace=openat -e signal=none \
	-e inject=openat:signal=SIGTERM:when="${n:-1}" \
	"$BUMBLE" export "$WORK/tool" --oci-archive "$WORK/s.tar"; } 2>/dev/null
check "SIGTERM as export makes its temporary file: dies of it, the file gone" \
	sh -c "test -n '$n' && test $RC = 143 && ! ls '$WORK'/s.tar* >/dev/null 2>&1"
needs -
