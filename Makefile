# vswitch build.  Sources are found by convention, so adding a file needs no
# edit here:
#   src/**/*.c             the library, any depth (every program links all of it)
#   src/daemon/vswitchd.c  the daemon's main()          -> build/vswitchd
#   src/cli/vs-*.c         one tool each                 -> build/vs-*
#   tests/unit/test_*.c    one cmocka runner each        -> build/tests/test_*
#   tests/tools/*.c        helpers for system tests      -> build/tools/*
#   bench/*.c              one benchmark each            -> build/bench/*
#   tests/fuzz/fuzz_*.c    one libFuzzer harness each    -> build/fuzz-replay/fuzz_*
#                          (with tests/fuzz/replay_main.c; scripts/fuzz.sh fuzzes)
# `make SAN=1` builds the same into build-san/ with ASan+UBSan.

CC ?= cc
PYTHON ?= /usr/bin/python3

ifeq ($(SAN),1)
B := build-san
OPT := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
B := build
OPT := -O2
endif

CFLAGS := -std=c11 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror \
          -Wno-missing-field-initializers -Isrc -pthread -MMD -MP
LDLIBS := -lpcap -lurcu -lurcu-cds -ljansson -lsqlite3 -lmnl -pthread -lm
SAN_LDFLAGS := -fsanitize=address,undefined
LDFLAGS := $(if $(filter 1,$(SAN)),$(SAN_LDFLAGS))

MAIN_SRCS := src/daemon/vswitchd.c $(wildcard src/cli/vs-*.c)
LIB_SRCS := $(filter-out $(MAIN_SRCS),$(shell find src -name '*.c' | sort))
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TOOL_SRCS := $(wildcard tests/tools/*.c)
BENCH_SRCS := $(wildcard bench/*.c)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)

LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
# Tests, tools and benchmarks link the archive, so they pull in only what
# they use; the programs take all of it (port types register by name).
LIB := $(B)/libvswitch.a
WHOLE_LIB := -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive
PROGS := $(patsubst src/daemon/%.c,$(B)/%,$(filter src/daemon/vswitchd.c,$(wildcard $(MAIN_SRCS)))) \
         $(patsubst src/cli/%.c,$(B)/%,$(wildcard src/cli/vs-*.c))
TESTS := $(TEST_SRCS:tests/unit/%.c=$(B)/tests/%)
TOOLS := $(TOOL_SRCS:tests/tools/%.c=$(B)/tools/%)
BENCHES := $(BENCH_SRCS:bench/%.c=$(B)/bench/%)
FUZZ_REPLAYS := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz-replay/%)

.PHONY: all deps check unit unit-san system demo bench clean FORCE
.PHONY: fuzz fuzz-short soak
# Objects reached only through pattern rules are kept (make would delete them
# as intermediate after a fresh build, and rebuild them on the next make).
.SECONDARY:
all: $(LIB) $(PROGS) $(TESTS) $(TOOLS) $(BENCHES) $(FUZZ_REPLAYS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The archive is rebuilt when its list of objects changes too (a source
# file removed or added), not only when an object is newer.
$(B)/objects.list: FORCE
	@mkdir -p $(B)
	@echo '$(LIB_OBJS)' | cmp -s - $@ || echo '$(LIB_OBJS)' > $@

$(LIB): $(LIB_OBJS) $(B)/objects.list
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(B)/vswitchd: $(B)/obj/src/daemon/vswitchd.o $(LIB)
	$(CC) $(LDFLAGS) $< $(WHOLE_LIB) -o $@ $(LDLIBS)
$(B)/vs-%: $(B)/obj/src/cli/vs-%.o $(LIB)
	$(CC) $(LDFLAGS) $< $(WHOLE_LIB) -o $@ $(LDLIBS)
$(B)/tests/%: $(B)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $< $(LIB) -o $@ $(LDLIBS) -lcmocka
$(B)/tools/%: $(B)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $< $(LIB) -o $@ $(LDLIBS)
$(B)/bench/%: $(B)/obj/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $< $(LIB) -o $@ $(LDLIBS)

# A fuzz harness built with gcc and tests/fuzz/replay_main.c instead of
# libFuzzer: `make unit` replays its seeds and regression inputs with it.
# What a harness needs beyond the archive it declares in its own comment
# lines (the same convention scripts/fuzz.sh reads):
#   fuzz-srcs: FILES.c   more sources to link
#   fuzz-cflags: FLAGS   flags for the harness file alone
#   fuzz-ldlibs: LIBS    more libraries
fuzz_decl = $(shell sed -n 's|^[ /*]*fuzz-$(1):\(.*\)|\1|p' $(2) | sed 's|\*/.*||')
define fuzz_replay_rules
$(B)/obj/tests/fuzz/$(1).o: tests/fuzz/$(1).c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(call fuzz_decl,cflags,tests/fuzz/$(1).c) -c $$< -o $$@
$(B)/fuzz-replay/$(1): $(B)/obj/tests/fuzz/$(1).o $(B)/obj/tests/fuzz/replay_main.o \
		$(patsubst %.c,$(B)/obj/%.o,$(call fuzz_decl,srcs,tests/fuzz/$(1).c)) $(LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) $$(filter %.o,$$^) $$(LIB) -o $$@ $$(LDLIBS) \
		$(call fuzz_decl,ldlibs,tests/fuzz/$(1).c)
endef
$(foreach f,$(FUZZ_SRCS:tests/fuzz/%.c=%),$(eval $(call fuzz_replay_rules,$(f))))

deps:
	@bash scripts/install-deps.sh

# Unit tests, then the same under ASan+UBSan, a short run of every fuzz
# harness, then the system tests.
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) SAN=1 unit-san
	$(MAKE) fuzz-short
	$(MAKE) system

# The unit tests include the replay of tests/fuzz/{seeds,corpus}/<name>/.
unit: $(TESTS) $(FUZZ_REPLAYS)
	@bash scripts/run-unit.sh $(TESTS) $(FUZZ_REPLAYS)

unit-san: $(TESTS) $(FUZZ_REPLAYS)
	@ASAN_OPTIONS=detect_leaks=1 bash scripts/run-unit.sh $(TESTS) $(FUZZ_REPLAYS)

# libFuzzer (clang, ASan+UBSan) on each harness, FUZZ_JOBS at a time, for
# FUZZ_SECONDS each; FUZZ_TARGETS picks some (names without fuzz_).
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_TARGETS ?=
fuzz:
	@FUZZ_JOBS=$(FUZZ_JOBS) bash scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# What `make check` runs: every harness for 20 s, two at a time.
fuzz-short:
	@FUZZ_JOBS=$(FUZZ_JOBS) bash scripts/fuzz.sh 20 $(FUZZ_TARGETS)

system: all
	$(PYTHON) -m pytest -v -p no:cacheprovider tests/system

demo: deps all
	@bash scripts/demo.sh

# The long soak (tests/system/test_soak.py): SOAK_SECONDS, default 1800.
soak: all
	SOAK=1 SOAK_SECONDS=$${SOAK_SECONDS:-1800} $(PYTHON) -m pytest -v -s \
	    -p no:cacheprovider tests/system/test_soak.py -k long

bench: deps all
	@bash scripts/bench.sh

# OpenFlow flow-table rates against Debian's OVS in the same run (root).
bench-ofp: all
	@bash bench/ofp_bench.sh

clean:
	rm -rf build build-san

-include $(shell find build build-san -name '*.d' 2>/dev/null)
