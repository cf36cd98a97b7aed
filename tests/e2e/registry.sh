#!/usr/bin/env bash
# bumble push and pull against a real docker-registry over plain HTTP:
# byte-identical round trips (monolithic, chunked, mounted, by digest, a
# layout), skopeo both ways, the pulled tool run, and faults: a registry
# killed mid-push, a blob damaged in its storage, a manifest without end.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/registry_env.sh"

TOOL=$WORK/execsnoop
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL" --version 1.0
check "bundle" test "$RC" = 0

# Usage errors: exit 2, before any network.
expect_exit 2 "give a tool or layout and where" "push without a reference" "$BUMBLE" push "$TOOL"
expect_exit 2 "unknown option '--bogus'; see 'bumble pull --help'" "pull: an unknown option" \
	"$BUMBLE" pull --bogus 127.0.0.1:1/x:1
expect_exit 2 "--ca-file needs a value" "--ca-file without a file" "$BUMBLE" pull 127.0.0.1:1/x:1 --ca-file
expect_exit 2 "push needs a tag" "push to a digest" \
	"$BUMBLE" push "$TOOL" "127.0.0.1:1/x@sha256:$(printf '%064d' 0)"
expect_exit 2 "not an image reference" "an upper-case repository" "$BUMBLE" push "$TOOL" "127.0.0.1:1/X:1"
expect_exit 2 "give an image or a program" "run without an image" "$BUMBLE" run
run "$BUMBLE" push --help
check "push --help: exit 0, the usage on stdout" grep -q "^Usage: bumble push" "$WORK/out"

needs REGISTRY
PORT=$(free_port)
R=127.0.0.1:$PORT
step registry_start plain "$PORT"
check "docker-registry answers" curl -sf -o /dev/null "http://$R/v2/"
LOG=$WORK/plain.log
posts() { grep -c 'http.request.method=POST' "$LOG"; }

run sh -c "echo pw | XDG_CONFIG_HOME='$WORK/config' '$BUMBLE' login '$R' -u bob --password-stdin --plain-http"
check "login to a registry without auth: saved, with a warning" \
	sh -c "test $RC = 0 && grep -q 'saved unchecked' '$WORK/err'"
run "$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0" --plain-http
check "push: exit 0" test "$RC" = 0
IMAGE=$(cat "$WORK/out")
check "push prints HOST/REPO@DIGEST" grep -Eq "^$R/tools/execsnoop@sha256:[0-9a-f]{64}$" "$WORK/out"
run "$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0" --plain-http
check "push of the same tool again: exit 0, the same digest" \
	test "$RC" = 0 -a "$(cat "$WORK/out")" = "$IMAGE"
step sh -c "$(declare -f posts); LOG=$LOG; posts" >"$WORK/posts1"
run "$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0" --plain-http
step sh -c "$(declare -f posts); LOG=$LOG; posts" >"$WORK/posts2"
check "blobs the registry has are not uploaded again (HEAD)" \
	cmp -s "$WORK/posts1" "$WORK/posts2"

run "$BUMBLE" pull "$R/tools/execsnoop:1.0" --plain-http -o "$WORK/pulled"
check "pull: exit 0" test "$RC" = 0
check "pull gives the tool byte-identical" cmp "$TOOL" "$WORK/pulled"
check "the pulled tool is executable" test -x "$WORK/pulled"
# -o a symbolic link: the file it names is replaced and the link stays,
# as for every output (a rename onto the link replaced the link itself)
step sh -c "echo old >'$WORK/link-target' && ln -sf '$WORK/link-target' '$WORK/pull-link'"
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" --plain-http -o "$WORK/pull-link"
check "pull -o LINK: exit 0, the file the link names is the tool" \
	sh -c "test $RC = 0 && cmp '$TOOL' '$WORK/link-target'"
check "... and the link is still a link" test -L "$WORK/pull-link"
run "$BUMBLE" pull "${IMAGE}" --plain-http -o "$WORK/by-digest"
check "pull by digest" cmp "$TOOL" "$WORK/by-digest"
run "$BUMBLE" images
check "pulls go to the local store" grep -q "^$R/tools/execsnoop:1.0 " "$WORK/out"

BUMBLE_PUSH_CHUNK=4096 run "$BUMBLE" push "$TOOL" "$R/chunked/execsnoop:1.0" --plain-http
check "chunked push (PATCH with Content-Range): exit 0" test "$RC" = 0
check "chunked push made many PATCHes" test "$(grep -c 'http.request.method=PATCH' "$LOG")" -gt 10
run "$BUMBLE" pull "$R/chunked/execsnoop:1.0" --plain-http -o "$WORK/chunked"
check "chunked push pulls back byte-identical" cmp "$TOOL" "$WORK/chunked"

run "$BUMBLE" push "$TOOL" "$R/mounted/execsnoop:1" --plain-http --mount-from tools/execsnoop
check "push --mount-from: exit 0" test "$RC" = 0
check "blobs mounted from the other repository" grep -q 'mount=sha256' "$LOG"
run "$BUMBLE" pull "$R/mounted/execsnoop:1" --plain-http -o "$WORK/mounted"
check "a mounted image pulls back byte-identical" cmp "$TOOL" "$WORK/mounted"

# skopeo reads what bumble pushed, and bumble what skopeo copied.
needs REGISTRY,SKOPEO
run skopeo inspect --tls-verify=false "docker://$R/tools/execsnoop:1.0"
check "skopeo inspect: the image, with its labels" json_doc "$WORK/out" \
	"e['Labels']['org.opencontainers.image.title'] == 'execsnoop' and
	 '1.0-ebpf' in e['RepoTags'] and e['Digest'] == '${IMAGE#*@}'"
run skopeo copy --src-tls-verify=false "docker://$R/tools/execsnoop:1.0" "oci:$WORK/copied:x"
check "skopeo copy from the registry to a layout" test "$RC" = 0
step "$BUMBLE" export "$TOOL" --oci "$WORK/layout" 2>/dev/null
run skopeo copy --dest-tls-verify=false "oci:$WORK/layout:1.0" "docker://$R/skopeo/execsnoop:1.0"
check "skopeo copy of an exported layout to the registry" test "$RC" = 0
run "$BUMBLE" pull "$R/skopeo/execsnoop:1.0" --plain-http -o "$WORK/from-skopeo"
check "bumble pull of what skopeo pushed: byte-identical" cmp "$TOOL" "$WORK/from-skopeo"
run "$WORK/from-skopeo" --verify
check "and it verifies" test "$RC" = 0
needs REGISTRY,SKOPEO,ROOT
run timeout 20 "$WORK/from-skopeo" --duration 1
check "and it runs (as root)" test "$RC" = 0
needs REGISTRY

run "$BUMBLE" push "$WORK/layout" "$R/layout/execsnoop:2" --plain-http
check "push of an OCI layout: exit 0, the same image" test "$RC" = 0 -a \
	"${IMAGE#*@}" = "$(sed 's/.*@//' "$WORK/out")"
run curl -sf -o /dev/null -H "Accept: application/vnd.oci.image.manifest.v1+json" \
	"http://$R/v2/layout/execsnoop/manifests/2-ebpf"
check "and its artifact under TAG-ebpf" test "$RC" = 0

# An image index (a layout made here, the image as linux/amd64): pushed
# with its manifests, and resolved to this host's platform on pull.
step python3 - "$WORK/layout" "$WORK/indexed" <<'PY'
import hashlib, json, shutil, sys
src, out = sys.argv[1], sys.argv[2]
shutil.copytree(src, out)
image = [m for m in json.load(open(src + "/index.json"))["manifests"]
         if m["annotations"]["org.opencontainers.image.ref.name"] == "1.0"][0]
index = json.dumps({"schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{"mediaType": image["mediaType"], "digest": image["digest"],
                   "size": image["size"],
                   "platform": {"architecture": "amd64", "os": "linux"}}]}).encode()
d = hashlib.sha256(index).hexdigest()
open(f"{out}/blobs/sha256/{d}", "wb").write(index)
json.dump({"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "digest": "sha256:" + d, "size": len(index),
    "annotations": {"org.opencontainers.image.ref.name": "multi"}}]},
    open(out + "/index.json", "w"))
PY
run "$BUMBLE" push "$WORK/indexed" "$R/indexed/execsnoop:multi" --plain-http
check "push of a layout holding an image index" test "$RC" = 0
run curl -s -H "Accept: application/vnd.oci.image.index.v1+json" \
	"http://$R/v2/indexed/execsnoop/manifests/multi"
check "the tag names the index" grep -q '"architecture": *"amd64"' "$WORK/out"
needs REGISTRY,X86_64
run "$BUMBLE" pull "$R/indexed/execsnoop:multi" --plain-http -o "$WORK/indexed-tool"
check "pull resolves the index to this host's image" cmp "$TOOL" "$WORK/indexed-tool"
needs REGISTRY
expect_exit 3 "has no image for linux/arm64" "pull --arch arm64 of an index without one" \
	"$BUMBLE" pull "$R/indexed/execsnoop:multi" --plain-http --arch arm64 -o "$WORK/none"
expect_exit 3 "has no image for linux/arm64" "pull --arch aarch64 (bumble's name) is linux/arm64" \
	"$BUMBLE" pull "$R/indexed/execsnoop:multi" --plain-http --arch aarch64 -o "$WORK/none"
# --arch of an image of one platform (no index): its config must say it
needs REGISTRY,X86_64
expect_exit 3 "is an image for linux/amd64, not linux/arm64" \
	"pull --arch aarch64 of an amd64 image (no index): refused, exit 3" \
	"$BUMBLE" pull "$R/tools/execsnoop:1.0" --plain-http --arch aarch64 -o "$WORK/none"
check "... and nothing is written" test ! -e "$WORK/none"
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" --plain-http --arch x86_64 -o "$WORK/x86-tool"
check "pull --arch x86_64 of it: exit 0, the tool" \
	sh -c "test $RC = 0 && cmp '$TOOL' '$WORK/x86-tool'"
needs REGISTRY

# Faults: nothing is written on any failure.
expect_exit 1 "not found" "pull of a missing tag" \
	"$BUMBLE" pull "$R/tools/execsnoop:nope" --plain-http -o "$WORK/none"
expect_exit 1 "TLS handshake failed.*--plain-http" "https to a plain registry says --plain-http" \
	"$BUMBLE" pull "$R/tools/execsnoop:1.0" -o "$WORK/none"
expect_exit 2 "not an image reference" "a bad reference" \
	"$BUMBLE" pull "$R/Tools:1.0" --plain-http -o "$WORK/none"
check "nothing written" test ! -e "$WORK/none"

# A blob damaged in the registry's storage: pull refuses, writes nothing.
step "$BUMBLE" push "$TOOL" "$R/damaged/execsnoop:1.0" --plain-http >/dev/null 2>&1
layer=$(step skopeo inspect --raw --tls-verify=false "docker://$R/damaged/execsnoop:1.0" 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["digest"][7:])' 2>/dev/null)
data=$WORK/plain/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data
step python3 -c "import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[100] ^= 1; open(p, 'wb').write(d)" "$data"
expect_exit 1 "damaged|does not match" "pull of a blob damaged in storage is refused" \
	"$BUMBLE" pull "$R/damaged/execsnoop:1.0" --plain-http -o "$WORK/damaged"
check "nothing written" sh -c "! ls '$WORK' | grep -q damaged"
# (the blob is shared by every repository: mended for what follows)
step python3 -c "import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[100] ^= 1; open(p, 'wb').write(d)" "$data"

# The registry killed mid-push: a clear error, no tag for a partial image;
# the rerun succeeds.
BUMBLE_PUSH_CHUNK=1024 "$BUMBLE" push "$TOOL" "$R/killed/execsnoop:1.0" --plain-http \
	>"$WORK/killed.out" 2>"$WORK/killed.err" &
pusher=$!
for i in $(seq 1 100); do
	grep -q 'http.request.method=PATCH' "$LOG" && break
	sleep 0.05
done
step kill -KILL "$REG_PID"
wait "$pusher"
RC=$?
ERR=$WORK/killed.err
check "push to a registry killed mid-push fails" test "$RC" = 1
check "with a clear error" grep -Eq "cannot reach $R|$R: " "$WORK/killed.err"
ERR=$WORK/err
step registry_start plain "$PORT"
run curl -s -o /dev/null -w '%{http_code}' "http://$R/v2/killed/execsnoop/manifests/1.0"
check "no tag points at the partial image" test "$(cat "$WORK/out")" = 404
run "$BUMBLE" push "$TOOL" "$R/killed/execsnoop:1.0" --plain-http
check "a rerun succeeds" test "$RC" = 0
run "$BUMBLE" pull "$R/killed/execsnoop:1.0" --plain-http -o "$WORK/rerun"
check "and pulls back byte-identical" cmp "$TOOL" "$WORK/rerun"

# A manifest without end: refused with bounded memory, announced or not.
needs -
for mode in length chunked; do
	step start_server "$WORK/huge-$mode.port" huge-manifest "$WORK/huge-$mode.port" "$mode"
	run /usr/bin/time -f '%M' -o "$WORK/rss-$mode" "$BUMBLE" pull \
		"127.0.0.1:$SERVER_PORT/huge/x:1" --plain-http -o "$WORK/huge"
	check "a 1 GiB manifest ($mode) is refused" grep -q "larger than" "$WORK/err"
	rss=$(tail -n 1 "$WORK/rss-$mode" 2>/dev/null)
	check "with bounded memory ($mode: ${rss:-?} KiB)" test "${rss:-0}" -lt 65536
done
check "nothing written" test ! -e "$WORK/huge"

# A registry that answers 503: retried with backoff, a few times only.
step start_server "$WORK/busy.port" unavailable "$WORK/busy.port" "$WORK/busy.count"
expect_exit 1 "HTTP 503" "a registry answering 503: a clear error" \
	"$BUMBLE" pull "127.0.0.1:$SERVER_PORT/busy/x:1" --plain-http -o "$WORK/busy"
check "after 4 attempts" test "$(wc -l <"$WORK/busy.count")" = 4

# Progress goes to stderr on a terminal, and nowhere else.
needs REGISTRY
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" --plain-http -o "$WORK/notty-pulled"
check "no progress when stderr is not a terminal" sh -c "test $RC = 0 && ! grep -q MiB '$WORK/err'"
needs REGISTRY,BASH_TTY
run script -qec "'$BUMBLE' pull '$R/tools/execsnoop:1.0' --plain-http -o '$WORK/tty-pulled'" /dev/null
check "progress on a terminal" grep -q "MiB" "$WORK/out"
