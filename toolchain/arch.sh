#!/usr/bin/env bash
# The row of toolchain/arches for one architecture, as shell variables:
# sourced (". toolchain/arch.sh; arch_row aarch64") or run
# ("toolchain/arch.sh aarch64 cc" prints that column; "--list" the arches).
ARCHES_TABLE=${ARCHES_TABLE:-$(dirname "${BASH_SOURCE[0]}")/arches}

# arch_row ARCH: sets ARCH_NAME ARCH_DEBIAN ARCH_TRIPLET ARCH_CC
# ARCH_TARGET ARCH_OCI ARCH_BTF ARCH_DIR ARCH_QEMU ARCH_MACHINE ARCH_CONSOLE ARCH_USER
# ARCH_KFLAVOUR; fails (saying which arches there are) for an unknown one
arch_row() {
	local line
	line=$(awk -v a="$1" '!/^#/ && $1 == a' "$ARCHES_TABLE")
	if [ -z "$line" ]; then
		echo "unknown architecture '$1' (known: $(arch_list | paste -sd' '))" >&2
		return 1
	fi
	read -r ARCH_NAME ARCH_DEBIAN ARCH_TRIPLET ARCH_CC ARCH_TARGET ARCH_OCI \
		ARCH_BTF ARCH_DIR ARCH_QEMU ARCH_MACHINE ARCH_CONSOLE ARCH_USER ARCH_KFLAVOUR <<<"$line"
	ARCH_MACHINE=${ARCH_MACHINE//+/ }
}

# arch_list: every arch, one a line, in table order
arch_list() { awk '!/^#/ && NF { print $1 }' "$ARCHES_TABLE"; }

# arch_host: the row of this machine (uname -m)
arch_host() { uname -m; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -eu
	case ${1:-} in
	--list) arch_list ;;
	"") echo "usage: $0 ARCH [COLUMN] | --list" >&2; exit 2 ;;
	*)
		arch_row "$1" || exit 1
		col=ARCH_$(echo "${2:-name}" | tr a-z A-Z)
		echo "${!col}"
		;;
	esac
fi
