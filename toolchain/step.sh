#!/usr/bin/env bash
# The build steps of toolchain/build-*.sh: each runs once per key, logged, with a
# stamp; and the sources they build, from paths.mk. Sourced after the script sets
# its own die/note (STAMPS and OBJ before the first step).
# step NAME KEYTEXT: runs build_NAME unless its stamp matches; KEY is the stamp's
# hash (later steps depend on it), BUILT is 1 once any step ran (START: when).
SELF_HASH=$(sha256sum "$0" | cut -d' ' -f1)
KEY=
BUILT=0
step() {
	local name=$1 stamp=$STAMPS/$1
	KEY=$(printf '%s\n' "$SELF_HASH" "$2" | sha256sum | cut -d' ' -f1)
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$KEY" ]; then
		return 0
	fi
	[ $BUILT = 1 ] || START=$EPOCHREALTIME
	BUILT=1
	rm -f "$stamp"
	mkdir -p "$STAMPS" "$OBJ"
	local log=$OBJ/$name.log
	note "building $name (log: $log)"
	local rc=0
	set +e
	(set -e; "build_$name") >"$log" 2>&1
	rc=$?
	set -e
	if [ $rc != 0 ]; then
		tail -n 40 "$log" | sed 's/^/    /' >&2
		die "building $name failed (full log: $log)"
	fi
	echo "$KEY" >"$stamp"
}

# elapsed: seconds since the first step that ran
elapsed() { awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: apt-get install $2"; }
need_file() { [ -e "$1" ] || die "$1 not found: apt-get install $2"; }

# sources SRCDIR KEY...: KEY_SRC and KEY_VERSION of each from SRCDIR/paths.mk
# (toolchain/fetch.sh), each _SRC an unpacked tree
sources() {
	local srcdir=$1 key val k
	shift
	while IFS='=' read -r key val; do
		for k in "$@"; do
			case $key in "${k}_SRC" | "${k}_VERSION") printf -v "$key" '%s' "$val" ;; esac
		done
	done <"$srcdir/paths.mk"
	for k in "$@"; do
		k=${k}_SRC
		[ -d "${!k:-/nonexistent}" ] ||
			die "$k missing or not a directory in $srcdir/paths.mk: rerun toolchain/fetch.sh $srcdir"
	done
}
