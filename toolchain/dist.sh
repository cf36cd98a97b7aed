#!/usr/bin/env bash
# make dist: the release files of bumble itself, in OUTDIR: the static
# executable NAME (bumble-VERSION-x86_64, stripped), NAME.sha256, NAME.cdx.json (its
# CycloneDX SBOM), NAME.licenses.txt, NAME.sig (cosign's blob format, by
# bumble sign) and NAME.pub, the key that checks it.
#
#   dist.sh BUMBLE VERSION OUTDIR RELEASEDIR SBOMTOOL [NAME=VERSION...]
#
# RELEASEDIR holds release-data.sh's cli-components.tsv and cli-LICENSES
# (what bumble links);
# SBOMTOOL is dist_sbom; NAME=VERSION are the compilers that built bumble.
# The key is DIST_KEY (an EC P-256 private key in PEM; an encrypted one
# takes BUMBLE_KEY_PASSWORD); without it, a development key made once in
# OUTDIR/dev-key.pem signs, and make dist says so loudly. Everything but
# the signature (ECDSA's nonce is random) is the same on every run;
# SOURCE_DATE_EPOCH sets the SBOM's one timestamp.
set -euo pipefail

usage() { echo "usage: $0 BUMBLE VERSION OUTDIR RELEASEDIR SBOMTOOL [NAME=VERSION...]" >&2; exit 2; }
die() { echo "dist.sh: error: $*" >&2; exit 1; }

[ $# -ge 5 ] || usage
BUMBLE=$1
VERSION=$2
OUTDIR=$3
RELEASEDIR=$4
SBOMTOOL=$5
shift 5
NAME=bumble-$VERSION-x86_64

# the static bumble only: no program interpreter, no shared library
if readelf -lW "$BUMBLE" | grep -q 'Requesting program interpreter' ||
	readelf -dW "$BUMBLE" | grep -q '(NEEDED)'; then
	die "$BUMBLE is dynamically linked; make dist publishes the static one only"
fi

[ -z "${DIST_KEY:-}" ] || [ -f "$DIST_KEY" ] || die "DIST_KEY=$DIST_KEY: no such file"
mkdir -p "$OUTDIR"
key=${DIST_KEY:-$OUTDIR/dev-key.pem}
if [ ! -f "$key" ]; then
	(umask 077 && openssl ecparam -name prime256v1 -genkey -noout -out "$key.new")
	mv "$key.new" "$key"
fi
rm -f "$OUTDIR/$NAME" "$OUTDIR/$NAME".*
# without its debug sections, which hold the build tree's paths
strip -o "$OUTDIR/$NAME" "$BUMBLE"
chmod 755 "$OUTDIR/$NAME"
(cd "$OUTDIR" && sha256sum "$NAME" >"$NAME.sha256")
sha=$(cut -d' ' -f1 "$OUTDIR/$NAME.sha256")

created=()
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	created=(--created "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)")
fi
tools=()
for t in "$@"; do
	tools+=(--tool "$t")
done
"$SBOMTOOL" --table "$RELEASEDIR/cli-components.tsv" --version "$VERSION" \
	--sha256 "$sha" "${created[@]}" "${tools[@]}" \
	--description "bumble $VERSION: one static x86_64 executable" \
	>"$OUTDIR/$NAME.cdx.json"
cp "$RELEASEDIR/cli-LICENSES" "$OUTDIR/$NAME.licenses.txt"

openssl ec -in "$key" -pubout -out "$OUTDIR/$NAME.pub" \
	${BUMBLE_KEY_PASSWORD:+-passin env:BUMBLE_KEY_PASSWORD} 2>/dev/null ||
	die "cannot read the EC private key $key (an encrypted one takes BUMBLE_KEY_PASSWORD)"
"$BUMBLE" sign "$OUTDIR/$NAME" --key "$key" -o "$OUTDIR/$NAME.sig"
"$BUMBLE" verify "$OUTDIR/$NAME" --key "$OUTDIR/$NAME.pub" \
	--signature "$OUTDIR/$NAME.sig" >/dev/null

ls -l "$OUTDIR/$NAME" "$OUTDIR/$NAME".* | awk '{ printf "dist: %10d %s\n", $5, $NF }'
if [ -z "${DIST_KEY:-}" ]; then
	cat >&2 <<EOF

!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!! $NAME.sig is signed with a DEVELOPMENT KEY
!! ($key, made on this machine, not kept secret):
!! $NAME.pub proves nothing to anyone else. Sign a release with
!! make dist DIST_KEY=release-key.pem
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
EOF
fi
