#!/usr/bin/env bash
# make dist: the static bumble as bumble-VERSION-x86_64 with its checksum
# (sha256sum -c), a CycloneDX SBOM of what it links that the official
# schema accepts, the license texts, and a signature that bumble verify
# and openssl accept; the same files on a second run (the signature
# aside), a development key only when no DIST_KEY is given. No root.
. "$(dirname "$0")/../lib.sh"

PATHS_MK=$ROOT/build/src/paths.mk
VERSION=$(make -s -C "$ROOT" print-VERSION)
NAME=bumble-$VERSION-x86_64
sbom_prereqs

# only the static bumble is a release
expect_exit 1 "is dynamically linked; make dist publishes the static one only" \
	"dist.sh refuses a dynamically linked bumble, exit 1" \
	"$ROOT/toolchain/dist.sh" /bin/ls "$VERSION" "$WORK/refused" \
	"$WORK/nothing" /bin/false
check "and writes nothing" test ! -e "$WORK/refused"

needs STATIC_BUMBLE
D=$WORK/dist
run env -u SOURCE_DATE_EPOCH -u DIST_KEY make -s -C "$ROOT" dist DIST="$D"
check "make dist: exit 0" test "$RC" = 0
check "make dist writes the binary, its checksum, SBOM, licenses, signature and key" \
	sh -c "cd '$D' && ls $NAME $NAME.sha256 $NAME.cdx.json $NAME.licenses.txt $NAME.sig $NAME.pub >/dev/null"
check "without DIST_KEY: a development key, said loudly" \
	grep -q "signed with a DEVELOPMENT KEY" "$WORK/err"
check "the development key stays in the dist folder, private" \
	test "$(stat -c %a "$D/dev-key.pem" 2>/dev/null)" = 600
step strip -o "$WORK/stripped" "$ROOT/build/bin/bumble"
check "the binary is build/bin/bumble, stripped" cmp "$D/$NAME" "$WORK/stripped"
check "executable" test -x "$D/$NAME"
run sh -c "cd '$D' && sha256sum -c $NAME.sha256"
check "sha256sum -c accepts it" test "$RC $(cat "$WORK/out")" = "0 $NAME: OK"

# the SBOM: bumble as the main component, what it links as fetched
SBOM=$D/$NAME.cdx.json
needs CDX_SCHEMA,JSONSCHEMA check "the SBOM is valid against CycloneDX's official schema" \
	sbom_valid "$SBOM"
sha=$(sha256sum "$D/$NAME" 2>/dev/null | cut -d' ' -f1)
check "bumble, at its version and SHA-256, is the main component" json_doc "$SBOM" \
	"e['metadata']['component']['name'] == 'bumble' and
	 e['metadata']['component']['version'] == '$VERSION' and
	 e['metadata']['component']['hashes'] == [{'alg': 'SHA-256', 'content': '$sha'}]"
check "no timestamp without SOURCE_DATE_EPOCH" json_doc "$SBOM" '"timestamp" not in e["metadata"]'
check "the compiler that built it" json_doc "$SBOM" \
	"e['metadata']['tools']['components'][0]['name'] == 'gcc'"
sbom_components "$SBOM" bumble "$PATHS_MK" LIBBPF ELFUTILS ZLIB MUSL OPENSSL CURL JANSSON
check "seven components, nothing else" json_doc "$SBOM" "len(e['components']) == 7"
for src in libbpf elfutils zlib musl openssl curl jansson; do
	check "licenses: the texts of $src" grep -q "^==== .*; Debian source $src): " \
		"$D/$NAME.licenses.txt"
done

# the signature: bumble's own verify, and openssl with nothing else
run "$ROOT/build/bin/bumble" verify "$D/$NAME" --key "$D/$NAME.pub"
check "bumble verify with the published key: exit 0" test "$RC" = 0
run sh -c "base64 -d '$D/$NAME.sig' >'$WORK/sig.der' &&
	openssl dgst -sha256 -verify '$D/$NAME.pub' -signature '$WORK/sig.der' '$D/$NAME'"
check "openssl dgst -verify: Verified OK" grep -qx "Verified OK" "$WORK/out"
step sh -c "cp '$D/$NAME' '$WORK/changed' && printf x >>'$WORK/changed'"
expect_exit 7 "" "a changed binary: bumble verify refuses it, exit 7" \
	"$ROOT/build/bin/bumble" verify "$WORK/changed" --key "$D/$NAME.pub" \
	--signature "$D/$NAME.sig"

# again, with that key as DIST_KEY: the same files, a new signature
D2=$WORK/dist2
run env -u SOURCE_DATE_EPOCH DIST_KEY="$D/dev-key.pem" make -s -C "$ROOT" dist DIST="$D2"
check "make dist DIST_KEY=KEY: exit 0, no development key" \
	test "$RC" = 0 -a ! -e "$D2/dev-key.pem" -a -z "$(grep DEVELOPMENT "$WORK/err")"
for f in "" .sha256 .cdx.json .licenses.txt .pub; do
	check "reproducible: $NAME$f the same on a second run" cmp "$D/$NAME$f" "$D2/$NAME$f"
done
run "$ROOT/build/bin/bumble" verify "$D2/$NAME" --key "$D/$NAME.pub"
check "its signature holds under the key given" test "$RC" = 0
run env SOURCE_DATE_EPOCH=86400 make -s -C "$ROOT" dist DIST="$WORK/dist3"
check "SOURCE_DATE_EPOCH is the SBOM's one timestamp" json_doc "$WORK/dist3/$NAME.cdx.json" \
	'e["metadata"]["timestamp"] == "1970-01-02T00:00:00Z"'
expect_exit 2 "DIST_KEY=$WORK/nokey.pem: no such file" "DIST_KEY missing: make fails, saying so" \
	make -s -C "$ROOT" dist DIST="$WORK/dist4" DIST_KEY="$WORK/nokey.pem"
check "and writes nothing" test ! -e "$WORK/dist4"
