#!/usr/bin/env bash
# Writes what bumble puts in every tool's SBOM and --licenses, from the
# fetched Debian sources (SRCDIR/paths.mk, toolchain/fetch.sh): OUTDIR/
# components.tsv (one linked component a line) and OUTDIR/LICENSES (their
# full license texts, taken from the source trees); and the same for
# bumble itself, which links those and more: OUTDIR/cli-components.tsv
# and OUTDIR/cli-LICENSES. Two tables below.
set -euo pipefail

usage() { echo "usage: $0 SRCDIR OUTDIR" >&2; exit 2; }
die() { echo "release-data.sh: error: $*" >&2; exit 1; }

[ $# -eq 2 ] || usage
SRCDIR=$1
OUTDIR=$2
[ -f "$SRCDIR/paths.mk" ] || die "$SRCDIR/paths.mk not found: run toolchain/fetch.sh $SRCDIR first"

# KEY in paths.mk | Debian source | what tools link of it | SPDX license
# expression | license files in its tree (the texts --licenses prints: the
# LGPL-3.0 needs the GPL-3.0 beside it; GPL-2.0 just before LGPL-2.1, as
# the two share most words, compresses best)
COMPONENTS=(
	"ELFUTILS|elfutils|libelf|GPL-2.0-or-later OR LGPL-3.0-or-later|COPYING COPYING-LGPLV3 COPYING-GPLV2"
	"LIBBPF|libbpf|libbpf|LGPL-2.1-only OR BSD-2-Clause|LICENSE.LGPL-2.1 LICENSE.BSD-2-Clause"
	"ZLIB|zlib|zlib|Zlib|LICENSE"
	"MUSL|musl|musl libc|MIT|COPYRIGHT"
)
# what bumble itself links beyond the tools' (toolchain/build-cli-libs.sh)
CLI_COMPONENTS=(
	"OPENSSL|openssl|libssl and libcrypto|Apache-2.0|LICENSE.txt"
	"CURL|curl|libcurl|curl|COPYING"
	"JANSSON|jansson|jansson|MIT|LICENSE"
)

value() {
	local v
	v=$(sed -n "s/^$1=//p" "$SRCDIR/paths.mk")
	[ -n "$v" ] || die "$1 missing in $SRCDIR/paths.mk: rerun toolchain/fetch.sh $SRCDIR"
	echo "$v"
}

# write NAME COMPONENT...: OUTDIR/NAMEcomponents.tsv and NAMELICENSES
write() {
	local prefix=$1 tsv lic c key name linked spdx files src ver f
	shift
	tsv=$OUTDIR/${prefix}components.tsv.new
	lic=$OUTDIR/${prefix}LICENSES.new
	printf '# name\tversion\tlinked\tlicense\torig_sha256\tdsc_sha256\n' >"$tsv"
	: >"$lic"
	for c in "$@"; do
		IFS='|' read -r key name linked spdx files <<<"$c"
		src=$(value "${key}_SRC")
		ver=$(value "${key}_VERSION")
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$ver" "$linked" "$spdx" \
			"$(value "${key}_ORIG_SHA256")" "$(value "${key}_DSC_SHA256")" >>"$tsv"
		for f in $files; do
			[ -f "$src/$f" ] || die "$src/$f missing: the license text of $name"
			{
				printf '==== %s %s (%s; Debian source %s): %s ====\n\n' \
					"$linked" "$ver" "$spdx" "$name" "$f"
				cat "$src/$f"
				printf '\n'
			} >>"$lic"
		done
	done
	mv "$tsv" "$OUTDIR/${prefix}components.tsv"
	mv "$lic" "$OUTDIR/${prefix}LICENSES"
}

mkdir -p "$OUTDIR"
write "" "${COMPONENTS[@]}"
write cli- "${COMPONENTS[@]}" "${CLI_COMPONENTS[@]}"
