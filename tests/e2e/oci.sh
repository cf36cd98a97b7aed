#!/usr/bin/env bash
# OCI: the manifest every tool carries and checks at start (tampering and
# truncation refused), --extract, reproducible bundles and exports, and
# the exported image validated by oci-image-tool, umoci and skopeo, and
# run by podman.
. "$(dirname "$0")/../lib.sh"

TOOL=$WORK/execsnoop
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL" --version 1.2.3 \
	--description "trace exec"
check "bundle" test "$RC" = 0

# Reproducible: the same input gives the same bytes; SOURCE_DATE_EPOCH
# sets the time, and only it changes.
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/again" \
	--version 1.2.3 --description "trace exec"
check "two bundles of the same input are byte-identical" cmp "$TOOL" "$WORK/again"
SOURCE_DATE_EPOCH=1795787112 run "$BUMBLE" bundle \
	"$EXAMPLES/execsnoop.bpf.c" -o "$WORK/dated" --version 1.2.3 \
	--description "trace exec"
"$WORK/dated" --manifest >"$WORK/dated.json"
check "SOURCE_DATE_EPOCH sets the created time" grep -q \
	'"org.opencontainers.image.created":"2026-11-27T13:45:12Z"' \
	"$WORK/dated.json"
check "and changes the manifest" sh -c \
	"! cmp -s '$TOOL' '$WORK/dated'"

# The tool's own view of its payload.
run "$TOOL" --verify
check "--verify: OK, exit 0" test "$RC" = 0
check "--verify says OK" grep -q "execsnoop: OK" "$WORK/out"
digest=$(sed -n 's/^  manifest //p' "$WORK/out")
run "$TOOL" --version
check "--version shows the manifest digest" grep -qx "manifest $digest" \
	"$WORK/out"
run "$TOOL" --manifest
check "--manifest: an OCI image manifest with its annotations" json_has \
	"$WORK/out" \
	"e['mediaType'] == 'application/vnd.oci.image.manifest.v1+json' and
	 e['annotations']['org.opencontainers.image.version'] == '1.2.3' and
	 e['annotations']['org.opencontainers.image.description'] == 'trace exec' and
	 e['layers'][0]['mediaType'] == 'application/vnd.oci.image.layer.v1.tar'"
check "--manifest is what --verify hashed" test \
	"sha256:$(head -c -1 "$WORK/out" | sha256sum | cut -d' ' -f1)" = "$digest"

# Tampering: flip a byte of the object, the config, the manifest; cut
# the file short. Each is refused before anything loads.
python3 - "$TOOL" "$WORK" <<'PY'
import os, struct, sys
tool, work = sys.argv[1], sys.argv[2]
d = open(tool, "rb").read()
ms, cs, ls = struct.unpack("<QQQ", d[-32:-8])
start = len(d) - 40 - ms - cs - ls
def out(name, data):
    open(os.path.join(work, name), "wb").write(data)
    os.chmod(os.path.join(work, name), 0o755)
for name, at in (("t-object", start + ms + cs + 512 + 64),
                 ("t-config", start + ms + 40),
                 ("t-manifest", start + 30)):
    b = bytearray(d); b[at] ^= 0x20; out(name, bytes(b))
out("t-cut", d[:-4096])
out("t-stripped", d[:start])
PY
expect_exit 3 "embedded bytecode layer does not match its digest.*refusing to load" \
	"a flipped byte in the object: refused, exit 3" "$WORK/t-object" --duration 1
expect_exit 3 "embedded config does not match its digest" \
	"a flipped byte in the config: refused, exit 3" "$WORK/t-config" --duration 1
expect_exit 3 "embedded manifest .* is not the one this tool was built with" \
	"a flipped byte in the manifest: refused, exit 3" "$WORK/t-manifest" --duration 1
expect_exit 3 "embedded eBPF payload is missing .*cut short, or stripped" \
	"a truncated tool: refused, exit 3" "$WORK/t-cut" --duration 1
expect_exit 3 "embedded eBPF payload is missing" \
	"a tool without its payload: refused, exit 3" "$WORK/t-stripped" --duration 1
expect_exit 1 "does not match" "--verify on a tampered tool: exit 1" \
	"$WORK/t-object" --verify
cp "$TOOL" "$WORK/t-appended"
echo x >>"$WORK/t-appended"
expect_exit 3 "2 bytes were appended to this tool after its embedded eBPF payload; refusing" \
	"bytes appended to a tool (echo x >>): said so, not 'cut short', exit 3" \
	"$WORK/t-appended" --duration 1
expect_exit 1 "bytes were appended" "--verify on an appended-to tool: exit 1" \
	"$WORK/t-appended" --verify
expect_exit 3 "2 bytes were appended after its eBPF payload; cut them off" \
	"bumble export of an appended-to tool: said so, not 'cut short', exit 3" \
	"$BUMBLE" export "$WORK/t-appended" --oci "$WORK/t-appended-oci"

# --extract: the artifact as an OCI layout skopeo reads without bumble.
run "$TOOL" --extract "$WORK/art"
check "--extract DIR" test "$RC" = 0 -a -f "$WORK/art/index.json"
needs SKOPEO
run skopeo inspect --raw oci:"$WORK/art":1.2.3
check "skopeo reads the extracted artifact" test "$RC" = 0
check "the extracted manifest is the embedded one" test \
	"sha256:$(sha256sum <"$WORK/out" | cut -d' ' -f1)" = "$digest"
needs -
expect_exit 2 "'$WORK/art' is not empty.*--force" \
	"--extract into a non-empty directory without --force: exit 2" \
	"$TOOL" --extract "$WORK/art"
run "$TOOL" --extract "$WORK/art" --force
check "--extract --force into it" test "$RC" = 0
mkdir -p "$WORK/trap" "$WORK/outside"
ln -s "$WORK/outside" "$WORK/trap/blobs"
run "$TOOL" --extract "$WORK/trap" --force
check "--extract never follows a link out of DIR" test "$RC" = 1 -a \
	-z "$(ls -A "$WORK/outside")"
check "--extract onto a linked blobs/: names the link" grep -q \
	"trap/blobs' is a symbolic link" "$WORK/err"
# A link where the last file goes (oci-layout): refused before the first
# blob is written, so no partial layout is left behind.
mkdir -p "$WORK/trap2"
ln -s "$WORK/outside/x" "$WORK/trap2/oci-layout"
expect_exit 1 "trap2/oci-layout' is a symbolic link" \
	"--extract onto a linked oci-layout: refused, exit 1" \
	"$TOOL" --extract "$WORK/trap2" --force
check "a refused --extract writes nothing" test \
	"$(ls -A "$WORK/trap2")" = oci-layout -a -z "$(ls -A "$WORK/outside")"

# A version becomes the image's tag: one the OCI tag grammar refuses
# (here a quote, which once made index.json invalid) is refused at
# bundle time. Escaping in index.json is checked by the unit test
# oci_layout ("a quote in the ref is escaped").
expect_exit 2 "--version '1\"0' is not a valid version.*OCI tag grammar" \
	"bundle --version '1\"0': refused, exit 2" \
	"$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$WORK/quoted" \
	--version '1"0'
check "bundle --version '1\"0': no tool written" test ! -e "$WORK/quoted"

# Export: a runnable image and the artifact, in three formats.
run "$BUMBLE" export "$TOOL" --oci "$WORK/oci" --oci-archive "$WORK/oci.tar" \
	--docker-archive "$WORK/docker.tar" --tag bumble-test/execsnoop:t1
check "export to a layout, an OCI archive and a docker-archive" test "$RC" = 0
run "$BUMBLE" export "$WORK/again" --oci "$WORK/oci2" --tag bumble-test/execsnoop:t1
check "exporting twice gives identical digests" \
	diff -r "$WORK/oci" "$WORK/oci2"
needs OCI_IMAGE_TOOL
run oci-image-tool validate --type image --ref name=t1 "$WORK/oci"
check "oci-image-tool validates the runnable image" test "$RC" = 0
run oci-image-tool validate --type image --ref name=t1-ebpf "$WORK/oci"
check "oci-image-tool validates the eBPF artifact" test "$RC" = 0
needs UMOCI
run umoci unpack --rootless --image "$WORK/oci:t1" "$WORK/bundle"
check "umoci unpacks it (checking diff_ids)" test "$RC" = 0 -a \
	-x "$WORK/bundle/rootfs/execsnoop" -a -f "$WORK/bundle/rootfs/execsnoop.bpf.o"
run "$WORK/bundle/rootfs/execsnoop" --verify
check "the unpacked tool verifies its payload" test "$RC" = 0
needs SKOPEO
run skopeo inspect oci:"$WORK/oci":t1
check "skopeo: bpfman labels, platform" json_doc "$WORK/out" \
	"e['Labels']['io.ebpf.programs'] == '{\"execve_enter\":\"tracepoint\",\"execve_exit\":\"tracepoint\"}' and
	 e['Labels']['io.ebpf.maps'] == '{\"execs\":\"hash\",\"events\":\"ringbuf\"}' and
	 e['Architecture'] == 'amd64' and e['Os'] == 'linux'"
run skopeo inspect --config oci:"$WORK/oci":t1
check "config: Entrypoint, history with created" json_doc "$WORK/out" \
	"e['config']['Entrypoint'] == ['/execsnoop'] and
	 e['history'][0]['created'] == '1970-01-01T00:00:00Z'"
SOURCE_DATE_EPOCH=1795787112 run "$BUMBLE" export "$TOOL" --oci "$WORK/oci3"
run skopeo inspect --config oci:"$WORK/oci3":1.2.3
check "export under SOURCE_DATE_EPOCH: created and history follow it" \
	json_doc "$WORK/out" \
	"e['created'] == '2026-11-27T13:45:12Z' and
	 e['history'][0]['created'] == '2026-11-27T13:45:12Z'"
run skopeo inspect oci-archive:"$WORK/oci.tar":t1
check "skopeo reads the OCI archive" test "$RC" = 0
run skopeo copy oci:"$WORK/oci":t1 docker-archive:"$WORK/copy.tar":bumble-test/execsnoop:t1
check "skopeo copies the image to a docker-archive" test "$RC" = 0
run skopeo inspect docker-archive:"$WORK/docker.tar"
check "skopeo reads bumble's docker-archive" json_doc "$WORK/out" \
	"e['Labels']['org.opencontainers.image.version'] == '1.2.3'"
needs -

expect_exit 3 "not a bumble tool, or it was cut short or stripped" \
	"export of a file that is no tool: exit 3" \
	"$BUMBLE" export /bin/true --oci "$WORK/x"
expect_exit 3 "the file was modified or damaged" \
	"export of a tampered tool: exit 3" \
	"$BUMBLE" export "$WORK/t-config" --oci "$WORK/x"
expect_exit 2 "say where: --oci DIR" "export without a destination: exit 2" \
	"$BUMBLE" export "$TOOL"
expect_exit 2 "'$WORK/oci' is not empty" \
	"export into a non-empty layout dir: exit 2" \
	"$BUMBLE" export "$TOOL" --oci "$WORK/oci"
mkdir -p "$WORK/trap-oci" "$WORK/outside-oci"
ln -s "$WORK/outside-oci" "$WORK/trap-oci/blobs"
expect_exit 1 "writing the OCI layout in '$WORK/trap-oci' failed" \
	"export --oci --force never follows a link out of DIR: exit 1" \
	"$BUMBLE" export "$TOOL" --oci "$WORK/trap-oci" --force
check "and wrote nothing through the link" test -z "$(ls -A "$WORK/outside-oci")"
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" -o "$WORK/exitsnoop" \
	--oci "$WORK/bundled-oci"
needs SKOPEO
run skopeo inspect oci:"$WORK/bundled-oci":0.0.0
check "bundle --oci DIR exports as it bundles" test "$RC" = 0

# podman runs the image: the tool loads BPF in the container.
needs ROOT,PODMAN
podman_setup
run podman load -i "$WORK/docker.tar"
check "podman loads the docker-archive" grep -q \
	"bumble-test/execsnoop:t1" "$WORK/out"
MARK=$WORK/bpodman$$
cp /bin/true "$MARK"
( for i in $(seq 1 20); do sleep 1; "$MARK"; done ) &
marker=$!
run timeout 60 podman run --rm --privileged bumble-test/execsnoop:t1 \
	--json --count 1 --filter "filename=$MARK"
kill $marker 2>/dev/null
wait $marker 2>/dev/null
check "podman run --privileged: the tool prints a real exec" json_has \
	"$WORK/out" "e['filename'] == '$MARK' and e['ret'] == 0"
podman rmi -f bumble-test/execsnoop:t1 >/dev/null 2>&1
