#!/usr/bin/env bash
# What a tool carries for its release: tool --sbom is CycloneDX that the
# official schema (npm's @cyclonedx/cyclonedx-library) accepts, naming
# the versions and SHA-256s toolchain/fetch.sh verified, the source by
# digest, clang and bumble; it has no time but SOURCE_DATE_EPOCH's, and
# the same inputs give the same tool; tool --licenses holds every license
# text of the fetched sources and the program's declared license. No root.
. "$(dirname "$0")/../lib.sh"

PATHS_MK=$ROOT/build/src/paths.mk
sbom_prereqs
prereq PATHS_MK "build/src/paths.mk is missing (make fetches the sources)" test -f "$PATHS_MK"
prereq MUSL_DEB "musl-dev is not a Debian package here" dpkg-query -W musl-dev

SRC=$WORK/layout.bpf.c
cp "$FIXTURES/layout.bpf.c" "$SRC"
run env -u SOURCE_DATE_EPOCH "$BUMBLE" bundle "$SRC" -o "$WORK/tool" --version 1.2.3
check "bundle a tool" test "$RC" = 0
run "$WORK/tool" --sbom
check "--sbom: exit 0" test "$RC" = 0
cp "$WORK/out" "$WORK/sbom.json"
check "--sbom prints one JSON document" python3 -m json.tool "$WORK/sbom.json" /dev/null
needs CDX_SCHEMA,JSONSCHEMA check "the SBOM is valid against CycloneDX's official schema" \
	sbom_valid "$WORK/sbom.json"
check "CycloneDX 1.5" json_doc "$WORK/sbom.json" 'e["bomFormat"] == "CycloneDX" and e["specVersion"] == "1.5"'
check "the tool is the main component, with its name and version" json_doc "$WORK/sbom.json" \
	'e["metadata"]["component"]["name"] == "layout" and e["metadata"]["component"]["version"] == "1.2.3"'
check "its license: the program's, as SPDX (GPL)" json_doc "$WORK/sbom.json" \
	'e["metadata"]["component"]["licenses"] == [{"expression": "GPL-2.0-or-later"}]'
src_sha=$(sha256sum "$SRC" | cut -d' ' -f1)
check "the program's source by its SHA-256" json_doc "$WORK/sbom.json" \
	"e['metadata']['component']['components'][0] == {'type': 'file', 'bom-ref': 'source', 'name': 'layout.bpf.c', 'hashes': [{'alg': 'SHA-256', 'content': '$src_sha'}]}"
check "no timestamp without SOURCE_DATE_EPOCH" json_doc "$WORK/sbom.json" '"timestamp" not in e["metadata"]'
tools="{t['name']: t['version'] for t in e['metadata']['tools']['components']}"
check "bumble built it" json_doc "$WORK/sbom.json" "$tools.get('bumble') not in (None, '')"
check "and clang, at the version it says" json_doc "$WORK/sbom.json" \
	"$tools.get('clang') == '$(clang -dumpversion)'"

# Each Debian source the toolchain fetched, as paths.mk records it.
needs PATHS_MK
sbom_components "$WORK/sbom.json" tool "$PATHS_MK" LIBBPF ELFUTILS ZLIB MUSL
needs -
needs MUSL_DEB check "musl: the version fetched is the musl-dev that links tools" \
	test "$(dpkg-query -W -f='${Version}' "musl-dev:$(dpkg --print-architecture)")" = "$(sed -n 's/^MUSL_VERSION=//p' "$PATHS_MK")"

run env SOURCE_DATE_EPOCH=86400 "$BUMBLE" bundle "$SRC" -o "$WORK/t1" --version 1.2.3
run env SOURCE_DATE_EPOCH=86400 "$BUMBLE" bundle "$SRC" -o "$WORK/t2" --version 1.2.3
check "the same inputs give the same tool, SBOM and licenses included" cmp "$WORK/t1" "$WORK/t2"
run "$WORK/t1" --sbom
check "SOURCE_DATE_EPOCH is the SBOM's one timestamp" json_doc "$WORK/out" \
	'e["metadata"]["timestamp"] == "1970-01-02T00:00:00Z"'

run "$WORK/tool" --licenses
check "--licenses: exit 0" test "$RC" = 0
cp "$WORK/out" "$WORK/licenses.txt"
check "the program's declared license is named" grep -q 'declared license "GPL" (SPDX GPL-2.0-or-later)' "$WORK/licenses.txt"
# every text, whole, from the source trees the toolchain fetched
holds_text() {
	python3 -c 'import sys; sys.exit(open(sys.argv[2], "rb").read() not in open(sys.argv[1], "rb").read())' "$@"
}
needs PATHS_MK
for f in LIBBPF_SRC/LICENSE.LGPL-2.1 LIBBPF_SRC/LICENSE.BSD-2-Clause \
	ELFUTILS_SRC/COPYING-LGPLV3 ELFUTILS_SRC/COPYING-GPLV2 ELFUTILS_SRC/COPYING \
	ZLIB_SRC/LICENSE MUSL_SRC/COPYRIGHT; do
	dir=$(sed -n "s/^${f%%/*}=//p" "$PATHS_MK")
	check "--licenses holds $(basename "$dir")/${f#*/} whole" holds_text "$WORK/licenses.txt" "$dir/${f#*/}"
done
needs -
check "each names its component, version and SPDX expression" \
	grep -q "^==== libelf .* (GPL-2.0-or-later OR LGPL-3.0-or-later; Debian source elfutils): COPYING-LGPLV3 ====" "$WORK/licenses.txt"

step cp "$WORK/tool" "$WORK/damaged"
step sh -c "echo x >>'$WORK/damaged'"
expect_exit 3 "appended to this tool" "--sbom of a tool with bytes appended: refused (exit 3)" \
	"$WORK/damaged" --sbom
expect_exit 3 "appended to this tool" "--licenses too" "$WORK/damaged" --licenses
# A full disk is no damaged payload: exit 1 with the reason, as --manifest
for opt in --sbom --licenses; do
	expect_exit 1 "cannot write the output: No space left on device" \
		"$opt to a full disk: exit 1, saying why" \
		sh -c '"$0" "$1" >/dev/full' "$WORK/tool" "$opt"
done

# bumble's release data missing or damaged (in a development tree,
# BUMBLE_LIBDIR): a clear error, no tool.
P=$WORK/prefix
mkdir -p "$P/bin" "$P/lib/bumble/release"
cp "$BUMBLE" "$P/bin/bumble"
export BUMBLE_LIBDIR=$P/lib/bumble
REAL_LIB=$ROOT/build/lib/bumble
ln -s "$REAL_LIB/include" "$P/lib/bumble/include"
ln -s "$REAL_LIB/stub" "$P/lib/bumble/stub"
expect_exit 1 "release data .*components.tsv cannot be read" \
	"no components.tsv installed: exit 1, saying so" \
	"$P/bin/bumble" bundle "$SRC" -o "$WORK/none"
check "and no tool" test ! -e "$WORK/none"
cp "$REAL_LIB/release/LICENSES" "$P/lib/bumble/release/"
printf 'libbpf\t1.0\n' >"$P/lib/bumble/release/components.tsv"
expect_exit 1 "components.tsv is damaged" "a damaged components.tsv: exit 1" \
	"$P/bin/bumble" bundle "$SRC" -o "$WORK/none"
check "and no tool" test ! -e "$WORK/none"
unset BUMBLE_LIBDIR
