#!/usr/bin/env bash
# Runs bumble's tests, every part or the parts named, and prints one line
# "N passed, N failed, N skipped" for what it ran (exit 1 if a check failed):
#
#   unit     unit tests of the generator and the formatters (ASan/UBSan),
#            and the clang-format check; no root     (make test-unit)
#   cli      the bumble CLI's tests, against an ASan/UBSan build of it
#   e2e      end-to-end tests loading real programs into this kernel (root)
#                                                    (make test-e2e: cli e2e)
#   kernels  the examples on Debian's kernels under qemu (tests/kernels.sh)
#   fuzz     each libFuzzer harness (tests/fuzz/fuzz_*.c) for FUZZ_SECONDS,
#            10 by default                          (make fuzz: 60)
#
#   tests/run.sh [PART...]      no PART: all five    (make test)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
ALL_PARTS="unit cli e2e kernels fuzz"
PARTS=${*:-$ALL_PARTS}
for part in $PARTS; do
	case " $ALL_PARTS " in
	*" $part "*) ;;
	*)
		echo "usage: tests/run.sh [$(echo "$ALL_PARTS" | tr ' ' '|')]..." >&2
		exit 2
		;;
	esac
done

TESTOUT=$ROOT/build/test
mkdir -p "$TESTOUT"
# bumble unpacks the data it carries here, not into ~/.cache (lib.sh too)
export BUMBLE_CACHE=${BUMBLE_CACHE:-$TESTOUT/cache}
export BUMBLE_RESULTS=$TESTOUT/results-$(echo "$PARTS" | tr ' ' -)
: >"$BUMBLE_RESULTS"
SCRIPT=run
. tests/assert.sh

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1"
# A sanitizer's report must not pass for a unit test's "a check failed"
# (exit 1) or a command's expected exit code.
export ASAN_OPTIONS=exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}
export UBSAN_OPTIONS=exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
# test_model makes each allocation fail in turn through these wrappers
WRAP_ALLOC=-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,--wrap=asprintf,--wrap=vasprintf
# the sources the tool and bumble share, as the Makefile lists them
SHARED_SRCS=$(make -s print-SHARED_SRCS)
CLI_LIBS=$(make -s print-CLI_LIBS)
CFLAGS="-D_GNU_SOURCE -Wall -Wextra -Werror -Istub -Istub/include -Igenerator -Itests/unit -Ibuild/host/include -Ibuild/obj/bumble/gen"

# unit NAME CMD...: runs a unit test program; each of its "ok" / "not ok"
# lines is one result, "unit: NAME: WHAT"
unit() {
	local name=$1 status line
	shift
	echo "# unit: $name"
	"$@" >"$TESTOUT/unit-$name.log"
	status=$?
	while IFS= read -r line; do
		relay "$name: " "$line" || echo "$line"
	done <"$TESTOUT/unit-$name.log"
	if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
		fail "$name exited $status"
	fi
}

part_unit() {
	SCRIPT=unit
	# shellcheck disable=SC2086
	if gcc $SAN $CFLAGS tests/unit/test_format.c stub/format_*.c \
		stub/render_*.c stub/outbuf.c stub/names.c \
		-o "$TESTOUT/test_format" &&
		gcc $SAN $CFLAGS -Ibundler tests/unit/test_model.c generator/*.c \
			bundler/param_docs.c $SHARED_SRCS $WRAP_ALLOC \
			build/host/lib/libbpf.a -lelf -lz -o "$TESTOUT/test_model" &&
		gcc $SAN $CFLAGS tests/unit/test_oci_layout.c stub/oci_layout.c \
			stub/beneath.c stub/sha256.c generator/json_writer.c \
			-o "$TESTOUT/test_oci_layout" &&
		gcc $SAN $CFLAGS tests/unit/test_kprobe_check.c \
			stub/kprobe_check.c -o "$TESTOUT/test_kprobe_check" &&
		gcc $SAN $CFLAGS tests/unit/test_prog_kinds.c \
			stub/prog_kinds.c -o "$TESTOUT/test_prog_kinds" &&
		gcc $SAN $CFLAGS tests/unit/test_packed.c stub/packed.c -lz \
			-o "$TESTOUT/test_packed" &&
		build/bin/bumble build tests/fixtures/layout.bpf.c -o "$TESTOUT/layout.bpf.o" &&
		build/bin/bumble build tests/fixtures/noprog.bpf.c -o "$TESTOUT/noprog.bpf.o"; then
		unit format "$TESTOUT/test_format"
		unit model "$TESTOUT/test_model" "$TESTOUT/layout.bpf.o" "$TESTOUT/noprog.bpf.o" \
			tests/fixtures/layout.bpf.c
		unit oci_layout "$TESTOUT/test_oci_layout"
		unit kprobe_check "$TESTOUT/test_kprobe_check"
		unit prog_kinds "$TESTOUT/test_prog_kinds"
		unit packed "$TESTOUT/test_packed"
	else
		fail "building the unit tests"
	fi

	echo "# style: clang-format"
	SCRIPT=style
	if make -s format-check >"$TESTOUT/format.log" 2>&1; then
		pass "sources are formatted by .clang-format"
	else
		head -n 20 "$TESTOUT/format.log"
		fail "sources are formatted by .clang-format (run make format)"
	fi
}

# The CLI tests run an ASan/UBSan build of bumble: a leak or undefined
# behaviour on any error path changes its exit code and fails the check.
# It carries the same data tree as the real one (make's LIB_TREE_OBJ), so
# the cache code runs under the sanitizers too.
part_cli() {
	local t
	SCRIPT=cli
	# shellcheck disable=SC2086
	if ! gcc $SAN $CFLAGS -Ibundler -DBUMBLE_VERSION='"asan"' bundler/*.c \
		generator/*.c $SHARED_SRCS build/obj/bumble/gen/init_templates.c \
		"$(make -s print-LIB_TREE_OBJ)" \
		build/host/lib/libbpf.a $CLI_LIBS -o "$TESTOUT/bumble"; then
		fail "building bumble with ASan/UBSan"
		return
	fi
	for t in tests/cli/*.sh; do
		echo "# $t (bumble under ASan/UBSan)"
		BUMBLE=$TESTOUT/bumble bash "$t"
	done
}

part_e2e() {
	local t
	for t in tests/e2e/*.sh; do
		echo "# $t"
		bash "$t"
	done
}

# The kernel matrix: the examples on Debian's 5.10, 6.1 and 6.12 kernels
# under qemu (about 1.5 min; the kernels are fetched once into build/kernels).
part_kernels() {
	echo "# tests/kernels.sh"
	bash tests/kernels.sh
}

# Each harness is one check: it passes when libFuzzer ran FUZZ_SECONDS
# without a finding (a crash, a sanitizer report, a leak, a timeout;
# kept in build/fuzz/findings/). Each starts from a scratch copy of its
# seed corpus (tests/fuzz/corpus/NAME), which stays as it is. The seed is
# FUZZ_SEED, 1 by default so that a test run repeats itself; make fuzz
# explores with a random one (0).
part_fuzz() {
	local f name dir log runs seconds=${FUZZ_SECONDS:-10}
	SCRIPT=fuzz
	if ! make -s fuzz-build >"$TESTOUT/fuzz-build.log" 2>&1; then
		tail -n 20 "$TESTOUT/fuzz-build.log"
		fail "building the fuzz harnesses (clang, libclang-rt-14-dev)"
		return
	fi
	mkdir -p build/fuzz/findings
	for f in tests/fuzz/fuzz_*.c; do
		name=$(basename "$f" .c)
		name=${name#fuzz_}
		dir=build/fuzz/corpus/$name
		log=$TESTOUT/fuzz-$name.log
		rm -rf "$dir"
		mkdir -p "$dir"
		if [ -d "tests/fuzz/corpus/$name" ]; then
			cp -R "tests/fuzz/corpus/$name/." "$dir"
		fi
		echo "# fuzz_$name: $seconds s"
		# strict: a string function reading past a buffer's end is
		# a finding too, not only the bytes it consumed
		if ASAN_OPTIONS=$ASAN_OPTIONS:strict_string_checks=1 \
			"build/fuzz/fuzz_$name" -max_total_time="$seconds" \
			-seed="${FUZZ_SEED:-1}" \
			-print_final_stats=1 -close_fd_mask=3 -timeout=10 \
			-artifact_prefix="build/fuzz/findings/$name-" "$dir" \
			>"$log" 2>&1; then
			runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
			pass "fuzz_$name: ${runs:-?} executions in $seconds s, no finding"
		else
			grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" |
				head -n 10
			fail "fuzz_$name: a finding (log: $log)"
		fi
	done
}

for part in $PARTS; do
	"part_$part"
done

passed=$(grep -c '^pass$' "$BUMBLE_RESULTS")
failed=$(grep -c '^fail$' "$BUMBLE_RESULTS")
skipped=$(grep -c '^skip$' "$BUMBLE_RESULTS")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
