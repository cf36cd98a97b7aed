#!/usr/bin/env bash
# bumble bundle --arch: aarch64 tools, built on this x86_64 host and run
# under qemu-user (qemu-aarch64-static, called directly: no binfmt) for
# what needs no BPF (--help, --version, --verify, --manifest, --extract);
# several arches at once; reproducible per arch; the arch in inspect, in
# the artifact config and in --btf-dir's choice of files; the errors.
. "$(dirname "$0")/../lib.sh"

needs AARCH64
run "$BUMBLE" version
check "bumble version lists the arches it has a stub for" grep -qx "arches x86_64 aarch64" "$WORK/out"

NAMES_AARCH64=$ROOT/build/obj/bumble/aarch64/gen/names.h
check "aarch64's system call names (cpp -dM of asm/unistd.h): 221 execve, 56 openat, no open" \
	sh -c "grep -q '\[221\] = \"execve\"' '$NAMES_AARCH64' &&
		grep -q '\[56\] = \"openat\"' '$NAMES_AARCH64' &&
		! grep -q '\"open\"' '$NAMES_AARCH64'"

# --- one aarch64 tool -------------------------------------------------------
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch aarch64 -o "$WORK/exec-arm64"
check "bundle --arch aarch64: exit 0" test "$RC" = 0
run file "$WORK/exec-arm64"
check "an aarch64 executable, static" grep -q "ARM aarch64.*statically linked" "$WORK/out"
echo "# aarch64 execsnoop: $(stat -c %s "$WORK/exec-arm64" 2>/dev/null) bytes (stripped)"
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch arm64 -o "$WORK/exec-arm64-again"
check "reproducible per arch; arm64 (Debian's, OCI's name) is aarch64" \
	cmp "$WORK/exec-arm64" "$WORK/exec-arm64-again"

needs AARCH64,QEMU_AARCH64
QEMU=$("$ROOT/toolchain/arch.sh" aarch64 user) # qemu-aarch64-static
run "$QEMU" "$WORK/exec-arm64" --version
check "--version under qemu-user says the arch" grep -qx "arch aarch64" "$WORK/out"
run "$QEMU" "$WORK/exec-arm64" --help
check "--help under qemu-user: usage, exit 0" \
	test "$RC" = 0 -a -n "$(grep -i usage "$WORK/out")"
run "$QEMU" "$WORK/exec-arm64" --verify
check "--verify under qemu-user: the payload matches its manifest" \
	test "$RC" = 0 -a -n "$(grep 'matching its digests' "$WORK/out")"
run "$QEMU" "$WORK/exec-arm64" --manifest
check "--manifest under qemu-user: the OCI manifest" \
	json_doc "$WORK/out" 'e["mediaType"].endswith("manifest.v1+json")'
run "$QEMU" "$WORK/exec-arm64" --extract "$WORK/layout"
check "--extract under qemu-user: a layout whose config says arm64" \
	grep -lq '"architecture":"arm64"' "$WORK"/layout/blobs/sha256/*
# BPF itself is not emulated: the load fails as on a kernel without it
run "$QEMU" "$WORK/exec-arm64" --duration 1
check "loading under qemu-user fails cleanly (no BPF there), not a crash" \
	test "$RC" -gt 0 -a "$RC" -lt 128
# A plain bundle links nothing: with clang alone on PATH (no cross gcc,
# no musl), --arch aarch64 still makes a tool that verifies.
mkdir -p "$WORK/only-clang"
ln -s "$(command -v clang)" "$WORK/only-clang/clang"
run env PATH="$WORK/only-clang" "$BUMBLE" bundle --arch aarch64 \
	"$EXAMPLES/execsnoop.bpf.c" -o "$WORK/exec-clang-only"
check "only clang on PATH: --arch aarch64 bundles" test "$RC" = 0
run "$QEMU" "$WORK/exec-clang-only" --verify
check "... and the arm64 tool verifies under qemu-user" test "$RC" = 0

needs AARCH64
# every example compiles for aarch64 too (arm64's vmlinux.h has names of
# its own, such as CLOSE in enum fsl_mc_cmd_index)
failed_examples=
for src in "$EXAMPLES"/*.bpf.c; do
	step "$BUMBLE" build "$src" --arch aarch64 -o "$WORK/ex.bpf.o" 2>>"$WORK/ex.err" ||
		failed_examples+=" $(basename "$src")"
done
check "every example builds with --arch aarch64${failed_examples:+ (not:$failed_examples)}" \
	test -z "$failed_examples"

# --- several arches ---------------------------------------------------------
run "$BUMBLE" bundle "$EXAMPLES/opensnoop.bpf.c" --arch x86_64,aarch64 -o "$WORK/open"
check "--arch x86_64,aarch64: TOOL-x86_64 and TOOL-aarch64" test "$RC" = 0 -a \
	-x "$WORK/open-x86_64" -a -x "$WORK/open-aarch64" -a ! -e "$WORK/open"
run file "$WORK/open-x86_64" "$WORK/open-aarch64"
check "each for its arch" grep -q "open-x86_64:.*x86-64" "$WORK/out"
check "each for its arch (aarch64)" grep -q "open-aarch64:.*ARM aarch64" "$WORK/out"
run "$WORK/open-x86_64" --version
check "the x86_64 tool's --version says x86_64" grep -qx "arch x86_64" "$WORK/out"

run "$BUMBLE" inspect "$EXAMPLES/opensnoop.bpf.c" --arch aarch64
check "inspect --arch aarch64 says the arch" grep -qx "arch: aarch64 (OCI arm64)" "$WORK/out"
run "$BUMBLE" inspect "$EXAMPLES/opensnoop.bpf.c"
check "inspect defaults to this machine's arch" grep -qx "arch: $(uname -m) .*" "$WORK/out"

# --- --btf-dir: only the files of the tool's arch -----------------------------
mkdir -p "$WORK/btf/debian/12/x86_64" "$WORK/btf/debian/12/arm64"
cp /sys/kernel/btf/vmlinux "$WORK/btf/debian/12/x86_64/6.18-amd64.btf"
cp "$ROOT/build/obj/bumble/aarch64/vmlinux.btf" "$WORK/btf/debian/12/arm64/6.12-arm64.btf"
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --arch aarch64 --btf-dir "$WORK/btf" \
	-o "$WORK/exit-arm64"
check "--btf-dir with --arch aarch64: the arm64 kernel's BTF only" \
	grep -q "embedded BTF for 1 kernel" "$WORK/err"
step "$BUMBLE" export "$WORK/exit-arm64" --oci "$WORK/exit-oci" >/dev/null 2>&1
check "the layer carries btf/debian/12/arm64/, not x86_64/" sh -c \
	"for b in '$WORK'/exit-oci/blobs/sha256/*; do tar -tf \"\$b\" 2>/dev/null; done | grep -q '^btf/debian/12/arm64/6.12-arm64.btf.gz' &&
	 ! for b in '$WORK'/exit-oci/blobs/sha256/*; do tar -tf \"\$b\" 2>/dev/null; done | grep -q x86_64"
rm -rf "$WORK/btf/debian/12/arm64"
expect_exit 2 "no kernel BTF files .* for aarch64" \
	"--btf-dir without files of the arch: says so, exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --arch aarch64 \
	--btf-dir "$WORK/btf" -o "$WORK/x"

needs -
# --- errors -----------------------------------------------------------------
expect_exit 2 "unknown architecture 'mips' \(known: x86_64, aarch64\)" \
	"--arch mips: names the known arches, exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch mips -o "$WORK/x"
expect_exit 2 "names 'arm64' twice" "--arch aarch64,arm64: one arch twice, exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch aarch64,arm64 -o "$WORK/x"
expect_exit 2 "--arch takes ARCH" "--arch ',': nothing named, exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch , -o "$WORK/x"
for list in x86_64,,aarch64 ,x86_64 x86_64, ""; do
	expect_exit 2 "--arch takes ARCH\[,ARCH...\] .*no name empty, not '$list'" \
		"--arch '$list': an empty name in the list, exit 2" \
		"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch "$list" -o "$WORK/x"
done
expect_exit 2 "builds for one architecture" "build --arch with two: exit 2" \
	"$BUMBLE" build "$EXAMPLES/execsnoop.bpf.c" --arch x86_64,aarch64 -o "$WORK/x.o"
step "$BUMBLE" gen "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/runner.c" 2>/dev/null
expect_exit 2 "--runner is generated for one architecture" \
	"--runner with two arches: exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --runner "$WORK/runner.c" \
	--arch x86_64,aarch64 -o "$WORK/x"
expect_exit 2 "unknown option '--arch'" "export takes no --arch (a tool is for one): exit 2" \
	"$BUMBLE" export --arch aarch64 "$WORK/x" --oci "$WORK/y"
check "no tool is written when the command line is wrong" test ! -e "$WORK/x"
needs AARCH64
expect_exit 4 "^bumble: for aarch64:" \
	"a compile error with two arches: exit 4, each arch's messages after its name" \
	"$BUMBLE" bundle "$FIXTURES/broken.bpf.c" --arch x86_64,aarch64 -o "$WORK/broken"
check "... x86_64's first, then aarch64's" sh -c \
	"grep -n '^bumble: for' '$WORK/err' | cut -d: -f3 | tr -d ' ' | paste -sd, | grep -qx 'forx86_64,foraarch64'"
check "no tool written for either" test ! -e "$WORK/broken-x86_64" -a ! -e "$WORK/broken-aarch64"
# One arch fails, the other bundles: all the tools or none, signatures too.
{
	echo '#ifdef __TARGET_ARCH_arm64'
	echo '#error "this program is for x86_64 only"'
	echo '#endif'
	cat "$EXAMPLES/execsnoop.bpf.c"
} >"$WORK/x86only.bpf.c"
step openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/key.pem"
expect_exit 4 "^bumble: for aarch64:" \
	"a compile error on aarch64 only: exit 4" \
	"$BUMBLE" bundle "$WORK/x86only.bpf.c" -I "$EXAMPLES" --arch x86_64,aarch64 \
	-o "$WORK/half" --sign-key "$WORK/key.pem"
check "... and x86_64's tool and signature go too: none written" \
	sh -c "! ls '$WORK'/half-* >/dev/null 2>&1"

# SIGTERM while both arches compile: each bundle stops its clang and
# removes its files, and bumble dies of the signal (as tests/cli/outputs.sh
# checks for one arch). A slow stand-in for clang records its pids.
mkdir -p "$WORK/tmp" "$WORK/bin"
cat >"$WORK/bin/slow" <<'SLOW'
#!/bin/sh
sleep 60 &
echo $! >>"$PIDFILE"
wait
SLOW
chmod +x "$WORK/bin/slow"
: >"$WORK/pids"
pid=
if scope_met; then
	env TMPDIR="$WORK/tmp" PIDFILE="$WORK/pids" BUMBLE_CLANG="$WORK/bin/slow" \
		python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' \
		"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch x86_64,aarch64 \
		-o "$WORK/stopped" 2>"$WORK/err" &
	pid=$!
fi
for _ in $(seq 1 200); do
	[ -n "$pid" ] || break
	[ "$(wc -l <"$WORK/pids")" -ge 2 ] && break
	sleep 0.05
done
check "SIGTERM with two arches: both compiles were running" \
	test "$(wc -l <"$WORK/pids")" -ge 2
RC=143
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	{ wait "$pid"; } 2>/dev/null
	RC=$?
fi
check "SIGTERM with two arches: bumble dies of it" test "$RC" = 143
check "SIGTERM with two arches: no temporary directory left" \
	test -z "$(ls -A "$WORK/tmp")"
check "SIGTERM with two arches: every clang stopped" \
	sh -c "sleep 0.2; for p in \$(cat '$WORK/pids'); do ps -o stat= -p \$p | grep -qv Z && exit 1; done; exit 0"
check "SIGTERM with two arches: no tool" \
	test ! -e "$WORK/stopped-x86_64" -a ! -e "$WORK/stopped-aarch64"
for p in $(cat "$WORK/pids"); do kill "$p" 2>/dev/null; done
