#!/usr/bin/env bash
# Signed images and their SBOM in a real docker-registry: push --sign-key
# writes cosign's signature (tag sha256-HEX.sig, simple-signing payload,
# the signature in the layer's annotation) that openssl verifies, and the
# SBOM as a referrer (artifactType, subject, tag sha256-HEX.sbom); pull
# --verify-key takes a signed image and refuses, writing nothing, an
# unsigned one, another key's, and a signature of another image. export
# --sign-key signs the layout's image and artifact the same way.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/registry_env.sh"

cd "$WORK" || exit 1
step openssl ecparam -name prime256v1 -genkey -noout -out key.pem 2>/dev/null
step openssl ec -in key.pem -pubout -out pub.pem 2>/dev/null
step openssl ecparam -name prime256v1 -genkey -noout -out other.pem 2>/dev/null
step openssl ec -in other.pem -pubout -out other.pub.pem 2>/dev/null

TOOL=$WORK/execsnoop
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL" --version 1.0
check "bundle" test "$RC" = 0
run "$TOOL" --sbom
step cp "$WORK/out" "$WORK/tool-sbom.json"

# manifest REF [ACCEPT]: the manifest REF of $REPO, in $WORK/out
manifest() {
	curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json" \
		-o "$WORK/out" "http://$R/v2/$REPO/manifests/$1"
}
blob() {
	curl -sf -o "$2" "http://$R/v2/$REPO/blobs/$1"
}
# sig_check MANIFEST_FILE IMAGE_DIGEST PUB: the cosign signature manifest
# holds, by openssl, for a payload naming IMAGE_DIGEST
sig_check() {
	python3 - "$1" >"$WORK/sig.fields" <<'PY' || return 1
import json, sys
m = json.load(open(sys.argv[1]))
l = m["layers"][0]
assert l["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json"
print(l["digest"], l["annotations"]["dev.cosignproject.cosign/signature"])
PY
	read -r digest sig <"$WORK/sig.fields"
	blob "$digest" "$WORK/payload.json" &&
		echo "$sig" | base64 -d >"$WORK/payload.sig" &&
		openssl dgst -sha256 -verify "$3" -signature "$WORK/payload.sig" \
			"$WORK/payload.json" >/dev/null &&
		json_doc "$WORK/payload.json" \
			"e['critical']['image']['docker-manifest-digest'] == '$2' and e['critical']['type'] == 'cosign container image signature'"
}

needs REGISTRY,OPENSSL,X86_64
PORT=$(free_port)
R=127.0.0.1:$PORT
step registry_start plain "$PORT"
REPO=signed/execsnoop

run "$BUMBLE" push "$TOOL" "$R/$REPO:1.0" --plain-http --sign-key key.pem
check "push --sign-key: exit 0" test "$RC" = 0
DIGEST=$(sed 's/.*@//' "$WORK/out")
HEX=${DIGEST#sha256:}
step manifest "1.0-ebpf"
ART=sha256:$(sha256sum "$WORK/out" | cut -d' ' -f1)
check "the signature is under cosign's tag sha256-HEX.sig" manifest "sha256-$HEX.sig"
step cp "$WORK/out" "$WORK/sig-manifest.json"
check "its payload names the image and openssl verifies it" \
	sig_check "$WORK/sig-manifest.json" "$DIGEST" pub.pem
check "and says which repository it was signed for" \
	json_doc "$WORK/payload.json" "e['critical']['identity']['docker-reference'] == '$R/$REPO'"
check "the eBPF artifact (TAG-ebpf) is signed too" manifest "sha256-${ART#sha256:}.sig"
step cp "$WORK/out" "$WORK/art-sig.json"
check "with a payload naming it" sig_check "$WORK/art-sig.json" "$ART" pub.pem

check "the SBOM is under sha256-HEX.sbom" manifest "sha256-$HEX.sbom"
step cp "$WORK/out" "$WORK/sbom-manifest.json"
check "a CycloneDX referrer whose subject is the image" json_doc "$WORK/sbom-manifest.json" \
	"e['artifactType'] == 'application/vnd.cyclonedx+json' and e['subject']['digest'] == '$DIGEST' and e['layers'][0]['mediaType'] == 'application/vnd.cyclonedx+json' and e['config']['mediaType'] == 'application/vnd.oci.empty.v1+json'"
step sh -c "python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"layers\"][0][\"digest\"])' '$WORK/sbom-manifest.json' >'$WORK/sbom.digest'"
step blob "$(cat "$WORK/sbom.digest")" "$WORK/pushed-sbom.json"
check "its blob is the tool's --sbom" cmp "$WORK/pushed-sbom.json" "$WORK/tool-sbom.json"

run "$BUMBLE" pull "$R/$REPO:1.0" --plain-http --verify-key pub.pem -o "$WORK/pulled"
check "pull --verify-key of the signed image: exit 0" test "$RC" = 0
check "saying the signature is OK" grep -q "cosign signature OK" "$WORK/err"
check "the tool, byte for byte" cmp "$TOOL" "$WORK/pulled"

expect_exit 7 "no signature in sha256-$HEX.sig holds" "another key's public half: refused (exit 7)" \
	"$BUMBLE" pull "$R/$REPO:1.0" --plain-http --verify-key other.pub.pem -o "$WORK/other"
check "and nothing is written" test ! -e "$WORK/other"

run "$BUMBLE" push "$TOOL" "$R/plain/execsnoop:1.0" --plain-http
expect_exit 7 "carries no cosign signature" "an unsigned image: refused (exit 7)" \
	"$BUMBLE" pull "$R/plain/execsnoop:1.0" --plain-http --verify-key pub.pem -o "$WORK/unsigned"
check "and nothing is written" test ! -e "$WORK/unsigned"
run env XDG_DATA_HOME="$WORK/data" "$BUMBLE" images
check "nor stored" sh -c "! grep -q plain/execsnoop '$WORK/out'"

# A signature that holds, but for another image: the signed image's
# .sig copied to an unsigned image's tag (same repository, same blobs).
run "$BUMBLE" bundle "$ROOT/tests/fixtures/layout.bpf.c" -o "$WORK/other-tool" --version 2.0
run "$BUMBLE" push "$WORK/other-tool" "$R/$REPO:2.0" --plain-http
OTHER=$(sed 's/.*@//' "$WORK/out")
step curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
	--data-binary @"$WORK/sig-manifest.json" -o /dev/null \
	"http://$R/v2/$REPO/manifests/sha256-${OTHER#sha256:}.sig"
expect_exit 7 "no signature in sha256-${OTHER#sha256:}.sig holds for this image" \
	"a signature of another image: refused (exit 7)" \
	"$BUMBLE" pull "$R/$REPO:2.0" --plain-http --verify-key pub.pem -o "$WORK/swapped"
check "and nothing is written" test ! -e "$WORK/swapped"

# export --sign-key: the same signatures and SBOM in an OCI layout
needs -
run "$BUMBLE" export "$TOOL" --oci "$WORK/layout" --sign-key key.pem
check "export --sign-key: exit 0" test "$RC" = 0
step python3 - "$WORK/layout" >"$WORK/refs" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1] + "/index.json"))["manifests"]:
    print(m["annotations"]["org.opencontainers.image.ref.name"], m["digest"], m.get("artifactType", "-"))
PY
IMG=$(awk '$1 == "1.0" {print $2}' "$WORK/refs")
EART=$(awk '$1 == "1.0-ebpf" {print $2}' "$WORK/refs")
check "the layout names the image's signature sha256-HEX.sig" grep -q "^sha256-${IMG#sha256:}.sig " "$WORK/refs"
check "and the artifact's" grep -q "^sha256-${EART#sha256:}.sig " "$WORK/refs"
check "and the SBOM, as a CycloneDX referrer" \
	grep -q "^sha256-${IMG#sha256:}.sbom sha256:[0-9a-f]* application/vnd.cyclonedx+json$" "$WORK/refs"
layout_sig() {
	local m
	m=$(awk -v r="sha256-${1#sha256:}.sig" '$1 == r {print $2}' "$WORK/refs")
	R=layout
	blob() { cp "$WORK/layout/blobs/sha256/${1#sha256:}" "$2"; }
	sig_check "$WORK/layout/blobs/sha256/${m#sha256:}" "$1" pub.pem
}
check "openssl verifies the layout's image signature" layout_sig "$IMG"
check "and its artifact's" layout_sig "$EART"
needs SKOPEO
run skopeo inspect --raw "oci:$WORK/layout:sha256-${IMG#sha256:}.sig"
check "skopeo reads the signature manifest" test "$RC" = 0
needs -
expect_exit 6 "is a public key" "export --sign-key with a public key: exit 6" \
	"$BUMBLE" export "$TOOL" --oci "$WORK/layout2" --sign-key pub.pem
check "and writes nothing" test ! -e "$WORK/layout2"
run "$BUMBLE" export "$TOOL" --oci "$WORK/sbom-only" --sbom
check "export --sbom: the SBOM attached, no signature" python3 -c "
import json, sys
refs = [m['annotations']['org.opencontainers.image.ref.name'] for m in json.load(open(sys.argv[1]))['manifests']]
sys.exit(not (len(refs) == 3 and refs[2].endswith('.sbom')))" "$WORK/sbom-only/index.json"
run "$BUMBLE" export "$TOOL" --oci "$WORK/plain-layout"
check "a plain export: the image and its artifact alone" python3 -c "
import json, sys
sys.exit(len(json.load(open(sys.argv[1]))['manifests']) != 2)" "$WORK/plain-layout/index.json"
