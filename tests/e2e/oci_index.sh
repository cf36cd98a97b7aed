#!/usr/bin/env bash
# One image for several architectures: bumble export of a program's
# x86_64 and aarch64 tools (and bundle --arch x86_64,aarch64 --oci) write
# an OCI image index per ref, a manifest per platform, that skopeo,
# oci-image-tool and podman resolve by platform; the refusals around it.
. "$(dirname "$0")/../lib.sh"

needs AARCH64
run "$BUMBLE" bundle "$EXAMPLES/exitsnoop.bpf.c" --version 1.0 \
	--arch x86_64,aarch64 -o "$WORK/exitsnoop" --oci "$WORK/bundled"
check "bundle --arch x86_64,aarch64 --oci: exit 0" test "$RC" = 0
check "it says each platform it exported" sh -c \
	"grep -q 'linux/amd64' '$WORK/err' && grep -q 'linux/arm64' '$WORK/err'"
run "$BUMBLE" export "$WORK/exitsnoop-x86_64" "$WORK/exitsnoop-aarch64" \
	--oci "$WORK/oci" --oci-archive "$WORK/oci.tar"
check "export of both tools: exit 0" test "$RC" = 0
check "the same layout as bundle --oci wrote" \
	cmp "$WORK/oci/index.json" "$WORK/bundled/index.json"
check "index.json names two image indexes: 1.0 and 1.0-ebpf" json_doc \
	"$WORK/oci/index.json" \
	'[(m["mediaType"].endswith("index.v1+json"), m["annotations"]["org.opencontainers.image.ref.name"]) for m in e["manifests"]] == [(True, "1.0"), (True, "1.0-ebpf")]'
step "$BUMBLE" export "$WORK/exitsnoop-x86_64" "$WORK/exitsnoop-aarch64" \
	--oci "$WORK/oci2" 2>/dev/null
check "reproducible: the same index again" \
	cmp "$WORK/oci/index.json" "$WORK/oci2/index.json"

needs AARCH64,SKOPEO
for ref in 1.0 1.0-ebpf; do
	run skopeo inspect --raw oci:"$WORK/oci":$ref
	check "skopeo inspect --raw $ref: linux/amd64 and linux/arm64" json_doc "$WORK/out" \
		'sorted((m["platform"]["os"], m["platform"]["architecture"]) for m in e["manifests"]) == [("linux", "amd64"), ("linux", "arm64")]'
done
run skopeo copy --override-arch arm64 oci:"$WORK/oci":1.0 dir:"$WORK/arm64"
check "skopeo copy --override-arch arm64: exit 0" test "$RC" = 0
check "it took the arm64 image: its config says arm64" \
	grep -lq '"architecture":"arm64"' "$WORK"/arm64/*
check "its layer holds the aarch64 tool" sh -c \
	"for f in '$WORK'/arm64/*; do tar -xzOf \"\$f\" exitsnoop 2>/dev/null; done | head -c 20 | od -An -tx1 | tr -d ' \n' | grep -q '^7f454c46020101.*b700'"
run skopeo inspect --override-arch amd64 oci:"$WORK/oci":1.0
check "skopeo inspect --override-arch amd64: the amd64 image" \
	json_doc "$WORK/out" 'e["Architecture"] == "amd64" and e["Os"] == "linux"'
run skopeo inspect --override-arch arm64 oci-archive:"$WORK/oci.tar":1.0
check "the oci-archive too: arm64 by platform" \
	json_doc "$WORK/out" 'e["Architecture"] == "arm64"'
run skopeo inspect --override-arch arm64 --raw oci:"$WORK/oci":1.0-ebpf
check "the eBPF artifacts are indexed too" test "$RC" = 0

needs AARCH64,OCI_IMAGE_TOOL
run oci-image-tool validate --type image --ref name=1.0 "$WORK/oci"
check "oci-image-tool validates the image index" test "$RC" = 0
run oci-image-tool validate --type image --ref name=1.0-ebpf "$WORK/oci"
check "oci-image-tool validates the artifact index" test "$RC" = 0

needs AARCH64,PODMAN,ROOT
PODMAN=(podman --root "$WORK/podman/root" --runroot "$WORK/podman/run"
	--storage-driver vfs)
# podman names the image after the layout's path: a lowercase one
LOWER=/tmp/bumble-oci-index-$$
step ln -sfn "$WORK/oci" "$LOWER"
run timeout 120 "${PODMAN[@]}" pull --arch arm64 oci:"$LOWER":1.0
step rm -f "$LOWER"
check "podman pull --arch arm64: exit 0" test "$RC" = 0
id=$(tail -n 1 "$WORK/out")
run "${PODMAN[@]}" image inspect --format '{{.Architecture}}' "$id"
check "podman picked the arm64 image" grep -qx arm64 "$WORK/out"
step "${PODMAN[@]}" rmi -a -f >/dev/null 2>&1

needs AARCH64
# --- refused ------------------------------------------------------------------
expect_exit 2 "docker-archive holds one platform" \
	"a docker-archive of two tools: exit 2" \
	"$BUMBLE" export "$WORK/exitsnoop-x86_64" "$WORK/exitsnoop-aarch64" \
	--docker-archive "$WORK/d.tar"
step "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" --arch aarch64 -o "$WORK/execsnoop" 2>/dev/null
expect_exit 2 "an image index holds one program" \
	"tools of two programs: exit 2, naming both" \
	"$BUMBLE" export "$WORK/exitsnoop-x86_64" "$WORK/execsnoop" --oci "$WORK/o3"
step cp "$WORK/exitsnoop-x86_64" "$WORK/again"
expect_exit 2 "are both for amd64: give one tool per architecture" \
	"two tools of one arch: exit 2" \
	"$BUMBLE" export "$WORK/exitsnoop-x86_64" "$WORK/again" --oci "$WORK/o4"
check "nothing written when refused" test ! -e "$WORK/o3" -a ! -e "$WORK/o4" -a ! -e "$WORK/d.tar"
