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
MUSL_CC    := musl-gcc
# the stub: small, and without unwind tables (nothing in a tool unwinds)
STUB_CFLAGS := -Os -ffunction-sections -fdata-sections \
	       -fno-asynchronous-unwind-tables -fno-unwind-tables

STUB_SRCS  := $(wildcard stub/*.c)
GEN_SRCS   := $(wildcard generator/*.c)
CLI_SRCS   := $(wildcard bundler/*.c)
# bumble init's templates: real programs, embedded as C strings
INIT_TEMPLATES := $(wildcard bundler/templates/*.bpf.c)
INIT_TEMPLATES_C := $(OBJ)/gen/init_templates.c
# code shared by the tool and bumble (the payload format, digests, the
# OCI layout writer, the tool's option and name tables): compiled into both
SHARED_SRCS := stub/sha256.c stub/payload.c stub/oci_layout.c stub/beneath.c \
	       stub/tool_options.c stub/enum_names.c stub/prog_kinds.c
STUB_OBJS  := $(patsubst stub/%.c,$(OBJ)/stub/%.o,$(STUB_SRCS))
GEN_OBJS   := $(patsubst generator/%.c,$(OBJ)/generator/%.o,$(GEN_SRCS))
CLI_OBJS   := $(patsubst bundler/%.c,$(OBJ)/bundler/%.o,$(CLI_SRCS))
# the system libraries bumble links: libbpf's, and libcurl and jansson
# for the registry client
CLI_LIBS   := -lelf -lz -lcurl -ljansson
SHARED_OBJS := $(patsubst stub/%.c,$(OBJ)/shared/%.o,$(SHARED_SRCS))

STAMP_SRC     := $(SRC)/.fetched
STAMP_SYSROOT := $(SYSROOT)/.built
STAMP_HEADERS := $(LIBDIR)/include/.installed

HOST_INC   := -Istub/include -Istub -Igenerator -Ibundler -I$(HOST)/include
STUB_INC   := -Istub/include -Istub -I$(SYSROOT)/include -I$(OBJ)/gen
NAMES_H    := $(OBJ)/gen/names.h

.PHONY: all deps demo test test-unit test-e2e test-kernels fuzz fuzz-build \
	install clean format format-check
.DELETE_ON_ERROR:

all: $(BUMBLE) $(STUB_LIB) $(STAMP_HEADERS)

deps:
	@toolchain/deps.sh

$(STAMP_SRC):
	toolchain/fetch.sh $(SRC)
	@touch $@

$(STAMP_SYSROOT): $(STAMP_SRC) toolchain/build-sysroot.sh
	toolchain/build-sysroot.sh $(SRC) $(SYSROOT) $(HOST)
	@touch $@

$(STAMP_HEADERS): $(STAMP_SYSROOT) $(wildcard toolchain/include/*.h)
	toolchain/bpf-headers.sh $(SRC) $(LIBDIR)/include $(SYSROOT)
	cp toolchain/include/*.h $(LIBDIR)/include/
	@touch $@

$(NAMES_H): toolchain/gen-names.sh $(STAMP_SYSROOT)
	@mkdir -p $(@D)
	toolchain/gen-names.sh $(SYSROOT)/include $@

# The runtime, compiled with musl and merged with libbpf, libelf and zlib
# into the one archive every tool links.
$(OBJ)/stub/%.o: stub/%.c stub/*.h stub/include/bumble/runtime.h $(STAMP_SYSROOT) $(NAMES_H)
	@mkdir -p $(@D)
	$(MUSL_CC) $(STUB_CFLAGS) -D_GNU_SOURCE $(WARN) $(STUB_INC) -c $< -o $@

$(STUB_LIB): $(STUB_OBJS) $(STAMP_SYSROOT) stub/include/bumble/runtime.h
	@mkdir -p $(@D)/include/bumble
	cp stub/include/bumble/runtime.h $(@D)/include/bumble/
	rm -f $@
	{ echo "CREATE $@"; \
	  for o in $(STUB_OBJS); do echo "ADDMOD $$o"; done; \
	  for l in libbpf libelf libz; do echo "ADDLIB $(SYSROOT)/lib/$$l.a"; done; \
	  echo SAVE; echo END; } | ar -M

# The CLI runs on the build host: glibc, libbpf built static from the
# same source as the stub's, system libelf and zlib.
$(OBJ)/generator/%.o: generator/%.c generator/*.h stub/include/bumble/runtime.h $(STAMP_SYSROOT)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -D_GNU_SOURCE -DBUMBLE_VERSION='"$(VERSION)"' $(WARN) $(HOST_INC) -c $< -o $@

$(OBJ)/bundler/%.o: bundler/%.c bundler/*.h generator/*.h stub/*.h stub/include/bumble/runtime.h $(STAMP_SYSROOT)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -D_GNU_SOURCE -DBUMBLE_VERSION='"$(VERSION)"' $(WARN) $(HOST_INC) -c $< -o $@

$(OBJ)/shared/%.o: stub/%.c stub/*.h stub/include/bumble/runtime.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -D_GNU_SOURCE $(WARN) -Istub -Istub/include -c $< -o $@

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

$(OBJ)/init_templates.o: $(INIT_TEMPLATES_C)
	$(HOST_CC) $(HOST_CFLAGS) $(WARN) -c $< -o $@

$(BUMBLE): $(CLI_OBJS) $(GEN_OBJS) $(SHARED_OBJS) $(OBJ)/init_templates.o $(STAMP_SYSROOT)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(CLI_OBJS) $(GEN_OBJS) $(SHARED_OBJS) $(OBJ)/init_templates.o $(HOST)/lib/libbpf.a $(CLI_LIBS)

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
# four minutes): writes bench/RESULTS.md. Not part of the tests.
.PHONY: bench bench-metrics bench-registry
bench: all
	@bench/bench.sh
	@bench/metrics_bench.sh

# What --metrics costs (a minute): writes bench/METRICS.md.
bench-metrics: all
	@bench/metrics_bench.sh

# bumble push/pull beside skopeo copy, one docker-registry on 127.0.0.1
# (about a minute): writes bench/REGISTRY_RESULTS.md.
bench-registry: all
	@bench/registry_bench.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/bumble
	install -m 755 $(BUMBLE) $(DESTDIR)$(PREFIX)/bin/bumble
	cp -R $(LIBDIR)/. $(DESTDIR)$(PREFIX)/lib/bumble/

FORMAT_FILES := $(STUB_SRCS) $(GEN_SRCS) $(CLI_SRCS) $(wildcard stub/*.h \
	stub/include/bumble/*.h generator/*.h bundler/*.h tests/unit/*.[ch] \
	tests/fuzz/*.c) toolchain/btf2c.c

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
	rm -rf $(OBJ) $(BUILD)/bin $(LIBDIR)/stub $(BUILD)/test

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
FUZZ_LIBS_params   := $(HOST)/lib/libbpf.a -lelf -lz

fuzz-build: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

.SECONDEXPANSION:
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*) stub/*.h \
		stub/include/bumble/runtime.h $(STAMP_SYSROOT) $(NAMES_H)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_CFLAGS_$*) $< $(FUZZ_SRCS_$*) \
		$(FUZZ_LIBS_$*) -o $@
