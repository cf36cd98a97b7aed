# bumble: build the static toolchain, the runtime stub and the bumble CLI
# into build/ (laid out like an install: build/bin, build/lib/bumble).
#
#   make          build everything
#   make demo     install dependencies, build, bundle execsnoop, run it
#   make test     every test below (tests/run.sh; root for the e2e part)
#   make test-unit     unit tests (ASan/UBSan) and the clang-format check
#   make test-e2e      CLI tests, and e2e tests on this kernel (root)
#   make test-kernels  every example on Debian's 5.10, 6.1 and 6.12 under qemu
#   make fuzz          every libFuzzer harness for FUZZ_SECONDS (default 60)
#   make install PREFIX=/usr/local
#   make dist          bumble's release files in build/dist (the static
#                      bumble, its checksum, SBOM, licenses, signature;
#                      DIST_KEY=key.pem signs, else a development key)
#   make ARCHES=x86_64   only the x86_64 stub (default: every arch of
#                        toolchain/arches; x86_64 is the build host's)

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BUILD      := build
SRC        := $(BUILD)/src
SYSROOT    := $(BUILD)/sysroot
HOST       := $(BUILD)/host
LIBDIR     := $(BUILD)/lib/bumble
OBJ        := $(BUILD)/obj/bumble
BUMBLE     := $(BUILD)/bin/bumble
STUB_LIB   := $(LIBDIR)/stub/libbumble-stub.a

WARN       := -Wall -Wextra -Werror=implicit-function-declaration
HOST_CC    ?= gcc
HOST_CFLAGS ?= -O2 -g
# the stub: small, and without unwind tables (nothing in a tool unwinds)
STUB_CFLAGS := -Os -ffunction-sections -fdata-sections \
	       -fno-asynchronous-unwind-tables -fno-unwind-tables

# the runtime archive's sources; the prelinked stub adds its own main
STUB_MAIN  := stub/prelinked_main.c
STUB_SRCS  := $(filter-out $(STUB_MAIN),$(wildcard stub/*.c))
GEN_SRCS   := $(wildcard generator/*.c)
CLI_SRCS   := $(wildcard bundler/*.c)
# bumble init's templates: real programs, embedded as C strings
INIT_TEMPLATES := $(wildcard bundler/templates/*.bpf.c)
INIT_TEMPLATES_C := $(OBJ)/gen/init_templates.c
# code shared by the tool and bumble (the payload format, digests, the
# OCI layout writer, the tool's option and name tables): compiled into both
SHARED_SRCS := stub/sha256.c stub/payload.c stub/oci_layout.c stub/beneath.c \
	       stub/tool_options.c stub/enum_names.c stub/prog_kinds.c \
	       stub/metrics_addr.c stub/tables_codec.c stub/packed.c
GEN_OBJS   := $(patsubst generator/%.c,$(OBJ)/generator/%.o,$(GEN_SRCS))
CLI_OBJS   := $(patsubst bundler/%.c,$(OBJ)/bundler/%.o,$(CLI_SRCS))
# the system libraries the ASan/UBSan build of bumble (tests/run.sh)
# links: libbpf's, and libcurl and jansson for the registry client,
# libcrypto for signatures. The release bumble links them static (below).
CLI_LIBS   := -lelf -lz -lcurl -ljansson -lcrypto
SHARED_OBJS := $(patsubst stub/%.c,$(OBJ)/shared/%.o,$(SHARED_SRCS))

STAMP_SRC     := $(SRC)/.fetched
STAMP_SYSROOT := $(SYSROOT)/.built
STAMP_HEADERS := $(LIBDIR)/include/.installed
# what every tool's SBOM and --licenses say of what it links (and
# cli-components.tsv beside it: what bumble itself links)
RELEASE_DATA  := $(LIBDIR)/release/components.tsv

NAMES_H    := $(OBJ)/gen/names.h
ARCHES_H   := $(OBJ)/gen/arches.h

# Per architecture (a row of toolchain/arches): its sysroot, stub objects
# and names.h, stub archive and BPF headers. x86_64's dir is ".": its
# files keep the top of build/ and lib/bumble/; aarch64's go under
# build/aarch64/ and lib/bumble/aarch64/. The sources are shared.
ARCHES     ?= $(shell toolchain/arch.sh --list)
arch_col    = $(shell toolchain/arch.sh $(1) $(2))
arch_sub    = $(if $(filter .,$(call arch_col,$(1),dir)),,/$(call arch_col,$(1),dir))
# the kernel series whose BTF makes vmlinux.h for an arch that is not
# the build host's (fetched like the kernel matrix's, into build/kernels):
# trixie-backports' newest, so that programs written against a recent
# vmlinux.h (libbpf-tools') compile for that arch too
VMLINUX_SERIES := trixie-bpo

.PHONY: all deps demo test test-unit test-e2e test-kernels fuzz fuzz-build \
	install clean format format-check
.DELETE_ON_ERROR:

# every arch's stub and headers: the rules come from arch_rules below
.DEFAULT_GOAL := all

deps:
	@toolchain/deps.sh

# again when fetch.sh changed (a new source): a no-op for those there
$(STAMP_SRC): toolchain/fetch.sh
	toolchain/fetch.sh $(SRC)
	@touch $@

# fetch.sh again first: a no-op when its sources and hashes are there
$(RELEASE_DATA): $(STAMP_SRC) toolchain/fetch.sh toolchain/release-data.sh
	toolchain/fetch.sh $(SRC)
	toolchain/release-data.sh $(SRC) $(@D)

$(ARCHES_H): toolchain/gen-arches.sh toolchain/arches
	@mkdir -p $(@D)
	toolchain/gen-arches.sh toolchain/arches $@

# arch_rules ARCH: the rules of the block above for one arch. The
# sysroot of x86_64 also builds btf2c and the host libbpf; another
# arch's vmlinux.h is made from its Debian kernel's BTF, by btf2c.
define arch_rules
SUB_$(1)           := $(call arch_sub,$(1))
SYSROOT_$(1)       := $(BUILD)$$(SUB_$(1))/sysroot
LIBDIR_$(1)        := $(LIBDIR)$$(SUB_$(1))
OBJ_$(1)           := $(OBJ)$$(SUB_$(1))
STUB_LIB_$(1)      := $$(LIBDIR_$(1))/stub/libbumble-stub.a
STUB_EXE_$(1)      := $$(LIBDIR_$(1))/stub/bumble-stub
STUB_OBJS_$(1)     := $$(patsubst stub/%.c,$$(OBJ_$(1))/stub/%.o,$(STUB_SRCS))
STAMP_SYSROOT_$(1) := $$(SYSROOT_$(1))/.built
STAMP_HEADERS_$(1) := $$(LIBDIR_$(1))/include/.installed
NAMES_H_$(1)       := $$(OBJ_$(1))/gen/names.h
KERNELS_$(1)       := $(BUILD)/kernels$$(SUB_$(1))

$$(STAMP_SYSROOT_$(1)): $(STAMP_SRC) toolchain/build-sysroot.sh toolchain/step.sh toolchain/arches \
		toolchain/btf2c.c
	BUMBLE_ARCH=$(1) toolchain/build-sysroot.sh $(SRC) $$(SYSROOT_$(1)) \
		$(if $(filter x86_64,$(1)),$(HOST))
	@touch $$@

$$(STAMP_HEADERS_$(1)): $$(STAMP_SYSROOT_$(1)) $(STAMP_SYSROOT) $(wildcard toolchain/include/*.h) \
		toolchain/bpf-headers.sh
	$(if $(filter x86_64,$(1)),,BUMBLE_ARCH=$(1) toolchain/fetch-kernels.sh $$(KERNELS_$(1)) $(VMLINUX_SERIES))
	$(if $(filter x86_64,$(1)),,BUMBLE_ARCH=$(1) toolchain/harvest-btf.sh --image \
		$$(KERNELS_$(1))/$(VMLINUX_SERIES)/vmlinuz $$(OBJ_$(1))/vmlinux.btf)
	BUMBLE_ARCH=$(1) $(if $(filter x86_64,$(1)),,BUMBLE_VMLINUX_BTF=$$(OBJ_$(1))/vmlinux.btf) \
		toolchain/bpf-headers.sh $(SRC) $$(LIBDIR_$(1))/include $(SYSROOT)
	cp toolchain/include/*.h $$(LIBDIR_$(1))/include/
	@touch $$@

$$(NAMES_H_$(1)): toolchain/gen-names.sh $$(STAMP_SYSROOT_$(1))
	@mkdir -p $$(@D)
	toolchain/gen-names.sh $$(SYSROOT_$(1))/include $$@

# The runtime, compiled with the arch's musl compiler and merged with
# libbpf, libelf and zlib into the one archive every tool links.
$$(OBJ_$(1))/stub/%.o: stub/%.c stub/*.h stub/include/bumble/runtime.h $$(STAMP_SYSROOT_$(1)) $$(NAMES_H_$(1))
	@mkdir -p $$(@D)
	$(call arch_col,$(1),cc) $(STUB_CFLAGS) -D_GNU_SOURCE $(WARN) -Istub/include -Istub \
		-I$$(SYSROOT_$(1))/include -I$$(OBJ_$(1))/gen -c $$< -o $$@

$$(STUB_LIB_$(1)): $$(STUB_OBJS_$(1)) $$(STAMP_SYSROOT_$(1)) stub/include/bumble/runtime.h
	@mkdir -p $$(@D)/include/bumble
	cp stub/include/bumble/runtime.h $$(@D)/include/bumble/
	rm -f $$@
	{ echo "CREATE $$@"; \
	  for o in $$(STUB_OBJS_$(1)); do echo "ADDMOD $$$$o"; done; \
	  for l in libbpf libelf libz; do echo "ADDLIB $$(SYSROOT_$(1))/lib/$$$$l.a"; done; \
	  echo SAVE; echo END; } | ar -M

# The prelinked stub: the runtime linked once into an executable whose
# tables come from the payload. A plain bundle copies it, fills its slot
# and appends the payload; no linker runs (bundler/prelinked.c).
$$(STUB_EXE_$(1)): $$(OBJ_$(1))/stub/prelinked_main.o $$(STUB_LIB_$(1))
	$(call arch_col,$(1),cc) -static -Os -s -Wl,--gc-sections -o $$@ $$^

# the same, unmerged, for a tool's LGPL relink kit (bundle --relink-kit):
# bumble's runtime alone, and libbpf, libelf and zlib as built
KIT_LIBS_$(1) := $$(LIBDIR_$(1))/stub/kit/libbumble-runtime.a \
	$$(patsubst %,$$(LIBDIR_$(1))/stub/kit/%.a,libbpf libelf libz)

$$(LIBDIR_$(1))/stub/kit/libbumble-runtime.a: $$(STUB_OBJS_$(1))
	@mkdir -p $$(@D)
	rm -f $$@
	ar rcD $$@ $$(STUB_OBJS_$(1))

$$(LIBDIR_$(1))/stub/kit/%.a: $$(STAMP_SYSROOT_$(1))
	@mkdir -p $$(@D)
	cp $$(SYSROOT_$(1))/lib/$$*.a $$@
endef
$(foreach a,$(sort $(ARCHES) x86_64),$(eval $(call arch_rules,$(a))))

# build/lib/bumble: every file bumble carries inside itself (below)
LIB_TREE := $(RELEASE_DATA) \
	$(foreach a,$(ARCHES),$(STUB_LIB_$(a)) $(STUB_EXE_$(a)) $(KIT_LIBS_$(a)) $(STAMP_HEADERS_$(a)))

all: $(BUMBLE) $(LIB_TREE)

# bumble carries build/lib/bumble, whatever files are in it, as one
# archive (toolchain/pack-tree.c: an index with each file's SHA-256, one
# zlib stream) assembled into an object (bundler/lib_tree.S); it unpacks
# it into a cache at run time (bundler/lib_cache.c). The list of the
# tree's files changes only when one comes or goes, and the archive is
# made again when the list or any file changes. Dot files (stamps, which
# the header step replaces while it runs) are no prerequisites: they may
# be gone by the time make looks, and what they stand for is in LIB_TREE.
LIB_TREE_LIST := $(OBJ)/gen/lib_tree.list
LIB_TREE_PACK := $(OBJ)/lib_tree.pack
LIB_TREE_OBJ  := $(OBJ)/lib_tree.o
PACK_TREE     := $(OBJ)/pack-tree

.PHONY: FORCE
$(PACK_TREE): toolchain/pack-tree.c stub/sha256.c stub/sha256.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(WARN) -Istub toolchain/pack-tree.c stub/sha256.c -lz -o $@

$(LIB_TREE_LIST): $(LIB_TREE) FORCE
	@mkdir -p $(@D)
	@find $(LIBDIR) | LC_ALL=C sort >$@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(LIB_TREE_PACK): $(PACK_TREE) $(LIB_TREE_LIST) $(shell find $(LIBDIR) -type f ! -name ".*" 2>/dev/null)
	$(PACK_TREE) $(LIBDIR) $@

$(LIB_TREE_OBJ): bundler/lib_tree.S $(LIB_TREE_PACK)
	$(HOST_CC) -c -DLIB_TREE_PACK='"$(LIB_TREE_PACK)"' $< -o $@

# The CLI: one static musl executable for the build host's arch, linking
# libbpf, libelf and zlib from the sysroot the tools link, and OpenSSL,
# curl and jansson from sysroot-cli, where only bumble looks (built from
# Debian's sources by toolchain/build-cli-libs.sh, in parallel with the
# sysroot; curl after OpenSSL).
SYSROOT_CLI := $(BUILD)/sysroot-cli
CLI_CC      := $(call arch_col,$(shell uname -m),cc)
CLI_LIB_NAMES := openssl jansson curl
CLI_LIB_STAMPS := $(CLI_LIB_NAMES:%=$(SYSROOT_CLI)/.built-%)
CLI_STATIC_LIBS := $(patsubst %,$(SYSROOT_CLI)/lib/lib%.a,curl ssl crypto jansson) \
	$(patsubst %,$(SYSROOT)/lib/lib%.a,bpf elf z)
CLI_INC     := -Istub/include -Istub -Igenerator -Ibundler -I$(SYSROOT_CLI)/include \
	       -I$(SYSROOT)/include -I$(OBJ)/gen
CLI_DEPS    := $(STAMP_SYSROOT) $(CLI_LIB_STAMPS) $(ARCHES_H)

# "+": their makes share make's job slots (and run under make -n too)
$(CLI_LIB_STAMPS): $(SYSROOT_CLI)/.built-%: $(STAMP_SRC) toolchain/build-cli-libs.sh \
		toolchain/step.sh
	+toolchain/build-cli-libs.sh $(SRC) $(SYSROOT_CLI) $*
	@touch $@
$(SYSROOT_CLI)/.built-curl: $(SYSROOT_CLI)/.built-openssl

$(OBJ)/generator/%.o: generator/%.c generator/*.h stub/include/bumble/runtime.h $(CLI_DEPS)
	@mkdir -p $(@D)
	$(CLI_CC) $(HOST_CFLAGS) -D_GNU_SOURCE -DBUMBLE_VERSION='"$(VERSION)"' $(WARN) $(CLI_INC) -c $< -o $@

$(OBJ)/bundler/%.o: bundler/%.c bundler/*.h generator/*.h stub/*.h stub/include/bumble/runtime.h $(CLI_DEPS)
	@mkdir -p $(@D)
	$(CLI_CC) $(HOST_CFLAGS) -D_GNU_SOURCE -DBUMBLE_VERSION='"$(VERSION)"' $(WARN) $(CLI_INC) -c $< -o $@

$(OBJ)/shared/%.o: stub/%.c stub/*.h stub/include/bumble/runtime.h $(STAMP_SYSROOT)
	@mkdir -p $(@D)
	$(CLI_CC) $(HOST_CFLAGS) -D_GNU_SOURCE $(WARN) -Istub -Istub/include -I$(SYSROOT)/include -c $< -o $@

# Each template file as the string init_template_NAME, every byte a \x
# escape (od, so no tool beyond coreutils and sed is needed).
$(INIT_TEMPLATES_C): $(INIT_TEMPLATES)
	@mkdir -p $(@D)
	{ echo "/* bundler/templates/NAME.bpf.c as strings: made by make. */"; \
	  for f in $(INIT_TEMPLATES); do \
	    echo; echo "const char init_template_$$(basename $$f .bpf.c)[] ="; \
	    od -An -v -tx1 $$f | sed 's/ /\\x/g; s/^/\t"/; s/$$/"/'; \
	    echo "	\"\";"; \
	  done; } >$@

$(OBJ)/init_templates.o: $(INIT_TEMPLATES_C) $(STAMP_SYSROOT)
	$(CLI_CC) $(HOST_CFLAGS) $(WARN) -c $< -o $@

$(BUMBLE): $(CLI_OBJS) $(GEN_OBJS) $(SHARED_OBJS) $(OBJ)/init_templates.o $(LIB_TREE_OBJ) $(CLI_DEPS)
	@mkdir -p $(@D)
	$(CLI_CC) -static $(HOST_CFLAGS) -Wl,--gc-sections -o $@ $(CLI_OBJS) $(GEN_OBJS) \
		$(SHARED_OBJS) $(OBJ)/init_templates.o $(LIB_TREE_OBJ) $(CLI_STATIC_LIBS)

demo: deps all
	@tests/demo.sh

# Each prints "N passed, N failed, N skipped" for its part (tests/run.sh).
test: deps all
	@tests/run.sh

test-unit: deps all
	@tests/run.sh unit

test-e2e: deps all
	@tests/run.sh cli e2e

# Boots Debian's kernels (fetched into build/kernels) under qemu with the
# bundled examples; prints "N passed, N failed, N skipped".
test-kernels: deps all
	@tests/kernels.sh

# Each fuzz harness for FUZZ_SECONDS from a scratch copy of its seed
# corpus; prints its executions (tests/run.sh fuzz, the block below).
fuzz: deps all
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$${FUZZ_SEED:-0} tests/run.sh fuzz

# Benchmarks against a hand-written libbpf tool and bpftrace (root, about
# four minutes): writes bench/RESULTS.md (and METRICS.md, FLEET.md). Not
# part of the tests.
.PHONY: bench bench-metrics bench-registry bench-fleet bench-cache
bench: all
	@bench/bench.sh
	@bench/metrics_bench.sh
	@bench/fleet_bench.sh
	@bench/cache_bench.sh

# What carrying build/lib/bumble costs: the archive's size, cold and warm
# bundles (a minute): writes bench/CACHE.md.
bench-cache: all
	@bench/cache_bench.sh

# What --metrics costs (a minute): writes bench/METRICS.md.
bench-metrics: all
	@bench/metrics_bench.sh

# What one tool costs a node under the examples' load (a few minutes):
# writes bench/FLEET.md, the source of export --k8s's resources.
bench-fleet: all
	@bench/fleet_bench.sh

# bumble push/pull beside skopeo copy, one docker-registry on 127.0.0.1
# (about a minute): writes bench/REGISTRY_RESULTS.md.
bench-registry: all
	@bench/registry_bench.sh

# bumble alone: it carries its data tree (lib/bumble) inside itself
install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUMBLE) $(DESTDIR)$(PREFIX)/bin/bumble

# bumble's own release (toolchain/dist.sh): its SBOM from the table of
# what it links (release-data.sh's cli-components.tsv), by generator/sbom.c
DIST      := $(BUILD)/dist
DIST_SBOM := $(OBJ)/dist_sbom

$(DIST_SBOM): toolchain/dist_sbom.c generator/sbom.c generator/json_writer.c generator/*.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -D_GNU_SOURCE $(WARN) -Igenerator -o $@ \
		toolchain/dist_sbom.c generator/sbom.c generator/json_writer.c -lelf

.PHONY: dist
dist: $(BUMBLE) $(RELEASE_DATA) $(DIST_SBOM)
	toolchain/dist.sh $(BUMBLE) $(VERSION) $(DIST) $(LIBDIR)/release $(DIST_SBOM) \
		gcc=$$($(or $(CLI_CC),$(HOST_CC)) -dumpfullversion)

FORMAT_FILES := $(STUB_SRCS) $(STUB_MAIN) $(GEN_SRCS) $(CLI_SRCS) $(wildcard stub/*.h \
	stub/include/bumble/*.h generator/*.h bundler/*.h tests/unit/*.[ch] \
	tests/fuzz/*.c) toolchain/btf2c.c toolchain/dist_sbom.c toolchain/pack-tree.c

format:
	clang-format -i $(FORMAT_FILES)

# A variable's value, for scripts that build with the same lists
# (tests/run.sh): make -s print-SHARED_SRCS
print-%:
	@echo $($*)

# fuzz harnesses (tests/fuzz/fuzz_NAME.c, built with clang's libFuzzer)
# fuzz_object: bumble's object intake. libbpf is built from its source
# with the sanitizers, since its linker is what crashed on damaged
# objects; libelf and zlib are Debian's.
FUZZ_LIBBPF_SRC := $(firstword $(wildcard $(BUILD)/src/libbpf-*/src))
FUZZ_SRCS_object := $(GEN_SRCS) $(SHARED_SRCS) \
	$(wildcard $(FUZZ_LIBBPF_SRC)/*.c)
FUZZ_CFLAGS_object := -I$(FUZZ_LIBBPF_SRC)/../include \
	-I$(FUZZ_LIBBPF_SRC)/../include/uapi -D_LARGEFILE64_SOURCE \
	-D_FILE_OFFSET_BITS=64 \
	-fsanitize-ignorelist=tests/fuzz/fuzz_object.ignore
FUZZ_LIBS_object := -lelf -lz

format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)

clean:
	rm -rf $(OBJ) $(BUILD)/bin $(DIST) $(foreach a,$(ARCHES),$(LIBDIR_$(a))/stub) $(BUILD)/test

distclean:
	rm -rf $(BUILD)

# fuzz harnesses: tests/fuzz/fuzz_NAME.c (and its seeds in
# tests/fuzz/corpus/NAME/), built with clang's libFuzzer, ASan and UBSan
# into build/fuzz/fuzz_NAME from FUZZ_SRCS_NAME, with FUZZ_LIBS_NAME and
# FUZZ_CFLAGS_NAME where set. make fuzz runs each (tests/run.sh fuzz).
FUZZ_SECONDS ?= 60
FUZZ_CC    ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined $(WARN) \
	      -fno-sanitize-recover=all -D_GNU_SOURCE -Istub -Istub/include \
	      -Igenerator -Ibundler -I$(HOST)/include -I$(OBJ)/gen
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# what formats an event field (the filter compares its text)
FUZZ_FORMAT_SRCS := $(wildcard stub/format_*.c stub/render_*.c) \
	stub/outbuf.c stub/names.c

FUZZ_SRCS_payload  := stub/payload.c stub/sha256.c
FUZZ_SRCS_manifest := stub/payload.c stub/sha256.c
FUZZ_SRCS_filter   := stub/filter.c stub/diag.c $(FUZZ_FORMAT_SRCS)
FUZZ_SRCS_format   := $(FUZZ_FORMAT_SRCS)
FUZZ_SRCS_params   := stub/params.c stub/diag.c
FUZZ_SRCS_tables   := stub/tables_codec.c
FUZZ_SRCS_usage    := bundler/map_usage.c
FUZZ_LIBS_params   := $(HOST)/lib/libbpf.a -lelf -lz

fuzz-build: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

.SECONDEXPANSION:
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*) stub/*.h \
		stub/include/bumble/runtime.h $(STAMP_SYSROOT) $(NAMES_H)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_CFLAGS_$*) $< $(FUZZ_SRCS_$*) \
		$(FUZZ_LIBS_$*) -o $@
