#!/usr/bin/env bash
# bundle --btf-dir: kernel BTF, minimised to what the program needs,
# embedded for hosts without /sys/kernel/btf/vmlinux; picked by uname -r.
# Here the host's own BTF is hidden in a private mount namespace. (The
# kernel matrix does the same on Debian's 5.10, 6.1 and 6.12.)
. "$(dirname "$0")/../lib.sh"

REL=$(uname -r)
mkdir -p "$WORK/btf/debian/12/x86_64" "$WORK/other/debian/11/x86_64" \
	"$WORK/nobtf"
cp /sys/kernel/btf/vmlinux "$WORK/btf/debian/12/x86_64/$REL.btf"
cp /sys/kernel/btf/vmlinux "$WORK/other/debian/11/x86_64/4.19.0-0-amd64.btf"
echo "not btf" >"$WORK/bad.btf"

run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --btf-dir "$WORK/btf" \
	-o "$WORK/exitsnoop"
check "bundle --btf-dir: the embedded size is reported" grep -Eq \
	"embedded BTF for 1 kernel: [0-9]+ bytes in all" "$WORK/err"
size=$(grep -Eo '[0-9]+ bytes in all' "$WORK/err" | cut -d' ' -f1)
check "only the types the program needs: $size bytes (< 4 KiB, the whole BTF is $(stat -c %s /sys/kernel/btf/vmlinux))" \
	test "${size:-99999}" -lt 4096
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --btf-dir "$WORK/other" \
	-o "$WORK/exitsnoop-other"
check "bundle for another kernel only" test "$RC" = 0

expect_exit 2 "is not a directory" "--btf-dir on a missing directory: exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --btf-dir "$WORK/none" -o "$WORK/x"
expect_exit 2 "no kernel BTF files \(\*.btf\) under" \
	"--btf-dir without BTF files: exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --btf-dir "$WORK/nobtf" -o "$WORK/x"
mkdir -p "$WORK/badbtf" && cp "$WORK/bad.btf" "$WORK/badbtf/"
expect_exit 3 "bpftool could not take the types .*bad.btf" \
	"--btf-dir with a file that is no BTF: exit 3" \
	"$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --btf-dir "$WORK/badbtf" -o "$WORK/x"
expect_exit 2 "takes no --btf-dir option" "--btf-dir is for bundle only" \
	"$BUMBLE" build "$EXAMPLES/exitsnoop.bpf.c" --btf-dir "$WORK/btf"

needs ROOT # the checks below load exitsnoop into the kernel
SH=$WORK/bnobtf$$
cp "$(command -v dash || command -v sh)" "$SH"
# runs CMD with /sys/kernel/btf hidden (a plain command, so that signals
# sent to its pid reach the tool it becomes)
HIDE=(unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' sh)
start_tool "$WORK/events.json" "${HIDE[@]}" "$WORK/exitsnoop" --json ||
	fail "without kernel BTF, with it embedded: attaches"
"$SH" -c 'exit 9' &
pid=$!
wait $pid
sleep 0.3
stop_tool INT
check "it says which embedded BTF it uses" grep -q \
	"no BTF of its own; using the embedded debian/12/x86_64/$REL.btf.gz" "$WORK/err"
check "CO-RE through the embedded BTF: exit code 9, pid, ppid" json_has \
	"$WORK/events.json" "e['pid'] == $pid and e['ppid'] == $$ and e['exit_code'] == 9"
expect_exit 6 "this kernel \($REL\) has no BTF .*embeds none for it.*--btf FILE" \
	"BTF embedded only for other kernels: exit 6" \
	"${HIDE[@]}" "$WORK/exitsnoop-other" --duration 1
check "the error lists what is embedded" grep -q \
	"embedded: debian/11/x86_64/4.19.0-0-amd64.btf.gz" "$WORK/err"
