#!/usr/bin/env bash
# Runs every bumble test: unit tests (generator and formatter, under
# ASan/UBSan), CLI error tests, and end-to-end tests that load real
# programs into this kernel (root). Prints "N passed, N failed, N skipped".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
OUT=$ROOT/build/test
mkdir -p "$OUT"
export BUMBLE_RESULTS=$OUT/results
: >"$BUMBLE_RESULTS"

record_unit() {
	while IFS= read -r line; do
		echo "$line"
		case $line in
		"ok - "*) echo pass >>"$BUMBLE_RESULTS" ;;
		"not ok - "*) echo fail >>"$BUMBLE_RESULTS" ;;
		esac
	done
}

unit() {
	local name=$1 status
	shift
	echo "# unit: $name"
	"$@" | record_unit
	status=${PIPESTATUS[0]}
	if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
		echo "not ok - unit $name exited $status"
		echo fail >>"$BUMBLE_RESULTS"
	fi
}

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1"
# test_model makes each allocation fail in turn through these wrappers
WRAP_ALLOC=-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,--wrap=asprintf,--wrap=vasprintf
CFLAGS="-D_GNU_SOURCE -Wall -Wextra -Werror -Istub -Istub/include -Igenerator -Itests/unit -Ibuild/host/include -Ibuild/obj/bumble/gen"
if gcc $SAN $CFLAGS tests/unit/test_format.c stub/format_*.c stub/render_*.c stub/outbuf.c stub/names.c \
	-o "$OUT/test_format" &&
	gcc $SAN $CFLAGS -Ibundler tests/unit/test_model.c generator/*.c \
		bundler/param_docs.c stub/sha256.c stub/enum_names.c stub/tool_options.c \
		$WRAP_ALLOC \
		build/host/lib/libbpf.a -lelf -lz -o "$OUT/test_model" &&
	gcc $SAN $CFLAGS tests/unit/test_oci_layout.c stub/oci_layout.c \
		stub/beneath.c stub/sha256.c generator/json.c \
		-o "$OUT/test_oci_layout" &&
	build/bin/bumble build tests/fixtures/layout.bpf.c -o "$OUT/layout.bpf.o" &&
	build/bin/bumble build tests/fixtures/noprog.bpf.c -o "$OUT/noprog.bpf.o"; then
	unit format "$OUT/test_format"
	unit model "$OUT/test_model" "$OUT/layout.bpf.o" "$OUT/noprog.bpf.o" \
		tests/fixtures/layout.bpf.c
	unit oci_layout "$OUT/test_oci_layout"
else
	echo "not ok - building the unit tests failed"
	echo fail >>"$BUMBLE_RESULTS"
fi

echo "# style: clang-format"
if make -s format-check >"$OUT/format.log" 2>&1; then
	echo "ok - sources are formatted by .clang-format"
	echo pass >>"$BUMBLE_RESULTS"
else
	head -n 20 "$OUT/format.log"
	echo "not ok - sources are formatted by .clang-format (run make format)"
	echo fail >>"$BUMBLE_RESULTS"
fi

# The CLI tests run an ASan/UBSan build of bumble: a leak or undefined
# behaviour on any error path changes its exit code and fails the check.
# It sits in build/test, so it finds build/lib/bumble like the real one.
if gcc $SAN $CFLAGS -Ibundler -DBUMBLE_VERSION='"asan"' bundler/*.c \
	generator/*.c stub/sha256.c stub/payload.c stub/oci_layout.c \
	stub/beneath.c stub/enum_names.c stub/tool_options.c \
	build/obj/bumble/gen/init_templates.c build/host/lib/libbpf.a \
	-lelf -lz -o "$OUT/bumble"; then
	for t in tests/cli/*.sh; do
		echo "# $t (bumble under ASan/UBSan)"
		BUMBLE=$OUT/bumble bash "$t"
	done
else
	echo "not ok - building bumble with ASan/UBSan failed"
	echo fail >>"$BUMBLE_RESULTS"
fi

for t in tests/e2e/*.sh; do
	echo "# $t"
	bash "$t"
done

# The kernel matrix: the examples on Debian's 5.10, 6.1 and 6.12 kernels
# under qemu (about 1.5 min; the kernels are fetched once into build/kernels).
echo "# tests/kernels.sh"
bash tests/kernels.sh

passed=$(grep -c '^pass$' "$BUMBLE_RESULTS")
failed=$(grep -c '^fail$' "$BUMBLE_RESULTS")
skipped=$(grep -c '^skip$' "$BUMBLE_RESULTS")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
