#!/usr/bin/env bash
# Fetches and unpacks the Debian source packages of zlib, elfutils, libbpf and musl (what
# every tool links) and of openssl, curl and jansson (what bumble itself links) into
# SRCDIR, verified by apt (signed InRelease, Sources and .dsc hashes), and writes
# SRCDIR/paths.mk: each one's tree, version, and the SHA-256 of its .dsc and upstream
# tarball as the signed Sources index gives them (the SBOM records these).
set -euo pipefail

usage() { echo "usage: $0 SRCDIR" >&2; exit 2; }
die() { echo "fetch.sh: error: $*" >&2; exit 1; }
note() { echo "fetch.sh: $*" >&2; }

[ $# -eq 1 ] || usage
mkdir -p "$1"
SRCDIR=$(cd "$1" && pwd)
APTDIR=${BUMBLE_APT_DIR:-$(dirname "$SRCDIR")/apt}
MIRROR=${BUMBLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRINGS=/usr/share/keyrings
LIBBPF_SUITES=${BUMBLE_LIBBPF_SUITES:-trixie bookworm}
# what only bumble links (its registry client and signatures), from bookworm
CLI_PACKAGES="openssl curl jansson"
REQUEST="paths.mk-v3 zlib/bookworm elfutils/bookworm libbpf/{${LIBBPF_SUITES// /,}} musl/bookworm $CLI_PACKAGES $MIRROR"
STAMP=$SRCDIR/.fetch-stamp

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$REQUEST" ] && [ -f "$SRCDIR/paths.mk" ]; then
	ok=1
	while IFS='=' read -r key val; do
		case $key in *_SRC) [ -d "$val" ] || ok=0 ;; esac
	done <"$SRCDIR/paths.mk"
	[ $ok = 1 ] && exit 0
fi

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: apt-get install $2"; }
need apt-get apt
need dpkg-source dpkg-dev
need bzip2 bzip2
need xz xz-utils
need gpgv gpgv

for suite in bookworm trixie; do
	for k in stable automatic; do
		[ -f "$KEYRINGS/debian-archive-$suite-$k.gpg" ] ||
			die "$KEYRINGS/debian-archive-$suite-$k.gpg missing: apt-get install debian-archive-keyring (a version that knows $suite)"
	done
done

mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
signed_by() { echo "$KEYRINGS/debian-archive-$1-stable.gpg,$KEYRINGS/debian-archive-$1-automatic.gpg"; }
cat >"$APTDIR/sources.list" <<EOF
deb-src [signed-by=$(signed_by bookworm)] $MIRROR bookworm main
deb-src [signed-by=$(signed_by trixie)] $MIRROR trixie main
EOF

APT=(apt-get
	-o Dir::Etc::SourceList="$APTDIR/sources.list"
	-o Dir::Etc::SourceParts=/nonexistent
	-o Dir::Etc::Preferences=/nonexistent
	-o Dir::Etc::PreferencesParts=/nonexistent
	-o Dir::State::Lists="$APTDIR/lists"
	-o Dir::Cache="$APTDIR/cache"
	-o Acquire::Languages=none
	-o APT::Sandbox::User=root)
export LC_ALL=C

note "updating private apt source indexes in $APTDIR"
update_rc=0
"${APT[@]}" update >"$APTDIR/update.log" 2>&1 || update_rc=$?
if [ $update_rc != 0 ] || grep -qE '^(E:|W: Failed to fetch)' "$APTDIR/update.log"; then
	note "apt-get update reported problems (full log: $APTDIR/update.log):"
	grep -E '^(E:|W: Failed to fetch)' "$APTDIR/update.log" | sed 's/^/    /' >&2 || true
fi

# Prints the VERSION of PKG in SUITE, or fails if apt does not know it; leaves
# apt's list of its files ('URL' NAME SIZE SHA256:HEX) in $APTDIR/PKG.uris.
locate() {
	local line
	"${APT[@]}" source --print-uris "$1/$2" >"$APTDIR/$1.uris" 2>/dev/null || return 1
	line=$(grep -E "^'[^']+' $1_[^ ]+\\.dsc " "$APTDIR/$1.uris" | head -n1) || return 1
	[ -n "$line" ] || return 1
	local file=${line#*\' }
	file=${file%% *}
	file=${file#"$1"_}
	echo "${file%.dsc}"
}

# Prints "SHA256 URL" of the file of PKG whose name matches the regex RE, from
# the signed Sources index (via locate), after checking the copy in SRCDIR.
verified_sha256() {
	local line url name hex
	line=$(grep -E "^'[^']+' $2 " "$APTDIR/$1.uris" | head -n1)
	[ -n "$line" ] || die "apt lists no file $2 for $1"
	url=${line#\'}
	url=${url%%\'*}
	name=$(echo "$line" | cut -d' ' -f2)
	hex=$(echo "$line" | grep -oE 'SHA256:[0-9a-f]{64}' | cut -d: -f2)
	[ -n "$hex" ] || die "apt gives no SHA-256 for $name"
	echo "$hex  $SRCDIR/$name" | sha256sum -c --quiet - >/dev/null ||
		die "$SRCDIR/$name does not match the SHA-256 of the signed index"
	echo "$hex $url"
}

# Downloads and unpacks PKG from SUITE into SRCDIR; prints the unpacked tree.
fetch() {
	local pkg=$1 suite=$2 ver upstream dir
	ver=$(locate "$pkg" "$suite") || return 1
	upstream=${ver#*:}
	upstream=${upstream%-*}
	dir=$SRCDIR/$pkg-$upstream
	if [ ! -f "$dir/.unpacked" ]; then
		rm -rf "$dir"
		(cd "$SRCDIR" && "${APT[@]}" -q source "$pkg/$suite") >"$SRCDIR/$pkg.log" 2>&1 || {
			note "apt-get source $pkg/$suite failed (log: $SRCDIR/$pkg.log):"
			grep -E '^(E|W|Err|dpkg-source: error)' "$SRCDIR/$pkg.log" | sed 's/^/    /' >&2 || true
			return 1
		}
		[ -d "$dir" ] || { note "apt-get source $pkg/$suite did not produce $dir"; return 1; }
		touch "$dir/.unpacked"
	fi
	echo "$suite" >"$SRCDIR/$pkg.suite"
	note "$pkg $ver ($suite) -> $dir"
	echo "$dir $ver"
}

offline_hint="check network access to $MIRROR (log: $APTDIR/update.log)"
zlib=$(fetch zlib bookworm) || die "could not fetch zlib from bookworm: $offline_hint"
elfutils=$(fetch elfutils bookworm) || die "could not fetch elfutils from bookworm: $offline_hint"
libbpf=
for suite in $LIBBPF_SUITES; do
	if libbpf=$(fetch libbpf "$suite"); then
		break
	fi
	note "libbpf from $suite is not available, trying the next suite"
	libbpf=
done
[ -n "$libbpf" ] || die "could not fetch libbpf from any of: $LIBBPF_SUITES: $offline_hint"
# musl's source: the C library every tool links statically (musl-tools'
# musl-gcc); fetched for its license text and the SBOM's hashes.
musl=$(fetch musl bookworm) || die "could not fetch musl from bookworm: $offline_hint"
declare -A cli
for p in $CLI_PACKAGES; do
	cli[$p]=$(fetch "$p" bookworm) || die "could not fetch $p from bookworm: $offline_hint"
done

# KEY_SRC, KEY_VERSION, KEY_DSC_SHA256, KEY_ORIG_SHA256 of PKG
describe() {
	local key=$1 pkg=$2 dir=${3% *} ver=${3#* } upstream ver_re upstream_re dsc orig
	upstream=${ver#*:}
	upstream=${upstream%-*}
	# versions hold regex characters (7.88.1-10+deb12u15): escape them
	ver_re=$(printf '%s' "${ver#*:}" | sed 's/[.+~]/\\&/g')
	upstream_re=$(printf '%s' "$upstream" | sed 's/[.+~]/\\&/g')
	dsc=$(verified_sha256 "$pkg" "${pkg}_${ver_re}\\.dsc")
	orig=$(verified_sha256 "$pkg" "${pkg}_${upstream_re}\\.orig\\.tar\\.[a-z0-9]+")
	echo "${key}_SRC=$dir"
	echo "${key}_VERSION=$ver"
	echo "${key}_DSC_SHA256=${dsc%% *}"
	echo "${key}_ORIG_SHA256=${orig%% *}"
}

# apt's file lists for the versions fetched (a later suite may have won)
for p in zlib elfutils libbpf musl $CLI_PACKAGES; do
	locate "$p" "$(cat "$SRCDIR/$p.suite")" >/dev/null || die "apt no longer lists $p"
done
{
	describe ZLIB zlib "$zlib"
	describe ELFUTILS elfutils "$elfutils"
	describe LIBBPF libbpf "$libbpf"
	describe MUSL musl "$musl"
	for p in $CLI_PACKAGES; do
		describe "${p^^}" "$p" "${cli[$p]}"
	done
} >"$SRCDIR/paths.mk.new"
mv "$SRCDIR/paths.mk.new" "$SRCDIR/paths.mk"
echo "$REQUEST" >"$STAMP"
note "wrote $SRCDIR/paths.mk"
