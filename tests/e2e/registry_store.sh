#!/usr/bin/env bash
# The local store and the one-step loop: pull into the store, images,
# tag, rmi (with its blobs), run REF (pulled if missing, verified, exec'd
# with its arguments), run PROG.bpf.c (bundled once into a cache keyed by
# the source), and a BumbleBee image bundled into a tool on pull.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/registry_env.sh"

STORE=$XDG_DATA_HOME/bumble/store
TOOL=$WORK/execsnoop
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL" --version 1.0
check "bundle" test "$RC" = 0

needs REGISTRY
PORT=$(free_port)
R=127.0.0.1:$PORT
step registry_start store "$PORT"
step "$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0" --plain-http >/dev/null 2>&1

run "$BUMBLE" images
check "images: an empty store lists nothing" test "$(wc -l <"$WORK/out")" = 1
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" --plain-http
check "pull into the store: exit 0" test "$RC" = 0
run "$BUMBLE" images
check "images lists it" grep -Eq "^$R/tools/execsnoop:1.0 +sha256:[0-9a-f]{12} +[0-9]+ KiB" "$WORK/out"
needs REGISTRY,OCI_IMAGE_TOOL
run oci-image-tool validate --type image --ref "name=$R/tools/execsnoop:1.0" "$STORE"
check "the store is an OCI image layout (oci-image-tool)" test "$RC" = 0
needs REGISTRY,SKOPEO
run skopeo inspect "oci:$STORE:$R/tools/execsnoop:1.0"
check "that skopeo reads" test "$RC" = 0
needs REGISTRY

run "$BUMBLE" tag "$R/tools/execsnoop:1.0" local/execsnoop:mine
check "tag: exit 0" test "$RC" = 0
run "$BUMBLE" images
check "images lists the new name" grep -q "^docker.io/local/execsnoop:mine " "$WORK/out"
expect_exit 1 "no image .* in the store" "tag of a missing image" \
	"$BUMBLE" tag "$R/tools/nothing:1" local/x:1

# run REF: from the store, no registry needed.
step kill -KILL "$REG_PID"
run "$BUMBLE" run local/execsnoop:mine -- --verify
check "run REF -- ARGS: from the store, the args reach the tool" \
	grep -q "execsnoop: OK" "$WORK/out"
check "the tool run is the one pushed" cmp "$TOOL" \
	"$(find "$XDG_CACHE_HOME/bumble/tools" -name execsnoop | head -n 1)"
needs REGISTRY,ROOT
run timeout 20 "$BUMBLE" run local/execsnoop:mine -- --duration 1
check "run REF: the tool runs (as root)" grep -q "attached" "$WORK/err"
needs REGISTRY
expect_exit 2 "go before the image" "run: the tool's args go after --" \
	"$BUMBLE" run local/execsnoop:mine --json

run "$BUMBLE" rmi local/execsnoop:mine
check "rmi: exit 0" test "$RC" = 0
check "rmi keeps the blobs another name needs" test "$(ls "$STORE/blobs/sha256" | wc -l)" = 3
run "$BUMBLE" rmi "$R/tools/execsnoop:1.0"
check "the last rmi removes them" test "$(ls "$STORE/blobs/sha256" | wc -l)" = 0
expect_exit 1 "no image" "rmi of a missing image" "$BUMBLE" rmi "$R/tools/execsnoop:1.0"

# run REF of an image not in the store: pulled first.
step registry_start store "$PORT"
run "$BUMBLE" run --plain-http "$R/tools/execsnoop:1.0" -- --version
check "run pulls a missing image, then runs it" grep -q "^manifest sha256:" "$WORK/out"
run "$BUMBLE" images
check "and keeps it in the store" grep -q "^$R/tools/execsnoop:1.0 " "$WORK/out"
# a damaged blob in the store is refused
step sh -c "for f in '$STORE'/blobs/sha256/*; do chmod u+w \"\$f\"; printf x >>\"\$f\"; done"
expect_exit 1 "damaged" "run refuses a damaged store blob" \
	"$BUMBLE" run "$R/tools/execsnoop:1.0" -- --version
step "$BUMBLE" rmi "$R/tools/execsnoop:1.0" 2>/dev/null

# run PROG.bpf.c: bundled once, into a cache keyed by the source.
needs -
cp "$EXAMPLES/execsnoop.bpf.c" "$WORK/prog.bpf.c"
run "$BUMBLE" run "$WORK/prog.bpf.c" -- --verify
check "run PROG.bpf.c bundles and runs it" grep -q "prog: OK" "$WORK/out"
check "into the cache" test "$(find "$XDG_CACHE_HOME/bumble/run" -name prog | wc -l)" = 1
run "$BUMBLE" run "$WORK/prog.bpf.c" -- --verify
check "a second run reuses it" test "$(find "$XDG_CACHE_HOME/bumble/run" -name prog | wc -l)" = 1
echo "/* changed */" >>"$WORK/prog.bpf.c"
run "$BUMBLE" run "$WORK/prog.bpf.c" -- --verify
check "a changed source is bundled again" test "$(find "$XDG_CACHE_HOME/bumble/run" -name prog | wc -l)" = 2
needs ROOT
run timeout 20 "$BUMBLE" run "$WORK/prog.bpf.c" -- --duration 1
check "run PROG.bpf.c: the tool runs (as root)" grep -q "attached" "$WORK/err"

# A BumbleBee image (its config and program media types, the layer a BPF
# object), made here and pushed: pull bundles its program into a tool.
needs REGISTRY
step "$BUMBLE" build "$FIXTURES/bee_exitsnoop.bpf.c" -o "$WORK/bee.bpf.o" 2>/dev/null
step python3 - "$WORK/bee.bpf.o" "$WORK/bee-layout" <<'PY'
import hashlib, json, os, sys
obj, out = sys.argv[1], sys.argv[2]
os.makedirs(out + "/blobs/sha256")
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
config = blob(json.dumps({"entryPoint": "bee_exitsnoop", "schemaVersion": "v1"}).encode())
layer = blob(open(obj, "rb").read())
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": dict(config, mediaType="application/ebpf.oci.image.config.v1+json"),
    "layers": [dict(layer, mediaType="application/ebpf.oci.image.program.v1+binary")],
}).encode()
m = blob(manifest)
open(out + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    dict(m, mediaType="application/vnd.oci.image.manifest.v1+json",
         annotations={"org.opencontainers.image.ref.name": "v1"})]}))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
run "$BUMBLE" push "$WORK/bee-layout" "$R/bee/exitsnoop:v1" --plain-http
check "a BumbleBee image pushed" test "$RC" = 0
run "$BUMBLE" pull "$R/bee/exitsnoop:v1" --plain-http -o "$WORK/bee-tool"
check "pull of a BumbleBee image: exit 0" test "$RC" = 0
check "says it bundles its program" grep -q "BumbleBee image; bundling" "$WORK/err"
run "$WORK/bee-tool" --verify
check "the tool it made verifies" test "$RC" = 0
needs REGISTRY,ROOT
run timeout 20 "$WORK/bee-tool" --duration 1
check "and runs (as root)" grep -q "attached" "$WORK/err"
