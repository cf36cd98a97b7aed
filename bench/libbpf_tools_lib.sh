# Sourced by bench/libbpf_tools.sh and bench/libbpf_tools_guest.sh: the
# tools they measure and how each is bundled (plainly: no flags).
# Needs ROOT, SRC (a libbpf-tools directory) and OUT set.

# lt_names [NAME...]: sets names to the NAMEs, or else to every
# SRC/NAME.bpf.c
lt_names() {
	local f n
	names=("$@")
	[ $# -gt 0 ] && return
	for f in "$SRC"/*.bpf.c; do
		n=${f##*/}
		names+=("${n%.bpf.c}")
	done
}

# lt_bundle DIR [ARCH]: bundles each of names into DIR/NAME (for ARCH,
# else this machine's), two at a time; OUT/NAME.bundle holds bumble's
# messages and OUT/NAME.bundle_rc its exit code
lt_bundle() {
	export BUMBLE=$ROOT/build/bin/bumble SRC OUT LT_DIR=$1 LT_ARCH=${2:-}
	# shellcheck disable=SC2016 # expanded by the bash of each job
	printf '%s\n' "${names[@]}" | xargs -P 2 -I{} bash -c '
		"$BUMBLE" bundle ${LT_ARCH:+--arch "$LT_ARCH"} "$SRC/$1.bpf.c" \
			-o "$LT_DIR/$1" >"$OUT/$1.bundle" 2>&1
		echo $? >"$OUT/$1.bundle_rc"' _ {}
}

# LT_DATA: an extended regex (grep -E -v, busybox's too) of the lines
# that are no data: blank lines, a map's name line ("counts:"), a
# column header (words of capitals, each starting with a letter: "PID
# COMM ..."; a row of numbers is data), and a lone count of zero
# ("num: 0"). A tool prints useful output when a line is left.
LT_DATA='^[[:space:]]*$|^[a-z_0-9]+:$|^[[:space:]]*[A-Z][A-Z_0-9]*([[:space:]]+[A-Z][A-Z_0-9]*)*[[:space:]]*$|^[a-z_0-9]+: 0$'
