#!/bin/bash
# Builds the libFuzzer harnesses tests/fuzz/fuzz_NAME.c (clang, ASan+UBSan)
# into build-fuzz/ and runs each for SECONDS (default 60), FUZZ_JOBS at a
# time (default 1).  `make fuzz` (FUZZ_SECONDS, FUZZ_TARGETS, FUZZ_JOBS) and
# `make check` (`make fuzz-short`: 20 s each, two at a time) call it.
#   scripts/fuzz.sh [SECONDS] [NAME...]      e.g. scripts/fuzz.sh 300 actions
#
# By convention, so that a new harness needs no edit here nor in the
# Makefile:
#   tests/fuzz/fuzz_NAME.c    defines LLVMFuzzerTestOneInput (and optionally
#                             LLVMFuzzerInitialize); links the library archive;
#                             must also build with gcc -Wall -Wextra -Werror
#                             (the replay in `make all`) and give the same
#                             result for the same input (no state kept)
#   tests/fuzz/seeds/NAME/    hand-made starting inputs (optional)
#   tests/fuzz/corpus/NAME/   inputs that once crashed or hung: regression
#                             tests, replayed in every `make unit` without
#                             libFuzzer (tests/fuzz/replay_main.c, gcc)
# A harness that needs more than the archive says so in comment lines of
# its own file (read here and by the Makefile's replay build):
#    * fuzz-srcs: tests/tools/x.c    more sources to link
#    * fuzz-cflags: -DFOO            flags for the harness file alone
#    * fuzz-ldlibs: -lz              more libraries
# (fuzz_unixctl instead includes unixctl.c whole to reach static functions;
# the archive's copy is then never pulled in.)
#
# The corpus libFuzzer grows persists in build-fuzz/corpus/NAME/; a crash,
# leak or hang (FUZZ_TIMEOUT s per input, default 10) fails the run and
# prints the reproducer's path under build-fuzz/crashes/NAME/: copy it into
# tests/fuzz/corpus/NAME/ with the fix so that it stays a regression test.
# The exit status is non-zero if any target failed to build or run.
set -u
cd "$(dirname "$0")/.." || exit 1
SECS=${1:-60}
shift || true
CC=${FUZZ_CC:-clang}
JOBS=${FUZZ_JOBS:-1}
TIMEOUT=${FUZZ_TIMEOUT:-10}
B=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wno-unused-parameter -Wno-gnu-variable-sized-type-not-at-end -Isrc -pthread"
LDLIBS="-lpcap -lurcu -lurcu-cds -ljansson -lsqlite3 -lmnl -pthread -lm"

# The value of declaration `fuzz-$1:` in harness file $2 (the Makefile's
# fuzz_decl reads the same lines).
decl() {
    sed -n "s|^[ /*]*fuzz-$1:\(.*\)|\1|p" "$2" | sed 's|\*/.*||'
}

# Waits until fewer than $1 background jobs run.
throttle() {
    while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do
        wait -n
    done
}

# Fails with a hint when $CC cannot build a libFuzzer program.
check_compiler() {
    mkdir -p $B
    echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
          { (void)d; return (int)(n & 0); }' > $B/probe.c
    if ! $CC $SAN -fsanitize=fuzzer $B/probe.c -o $B/probe 2>$B/probe.log; then
        echo "fuzz.sh: $CC cannot link libFuzzer programs (Debian: apt-get" \
             "install clang libclang-rt-dev, or make deps):" >&2
        cat $B/probe.log >&2
        return 1
    fi
}

# Any header in src/ newer than the object: rebuild (simple, not precise).
newer_header() {
    [ -n "$(find src -name '*.h' -newer "$1" -print -quit)" ]
}

# Compiles the library (all of src/ but the mains) for fuzzing, in
# parallel, into $B/libvswitch.a.
build_lib() {
    mkdir -p $B/obj
    # Other flags than last time: every object is stale.
    echo "$CC $CFLAGS $SAN" | cmp -s - $B/flags || rm -f $B/obj/*.o
    echo "$CC $CFLAGS $SAN" > $B/flags
    local objs=() src obj
    rm -f $B/obj/failed
    for src in $(find src -name '*.c' | sort); do
        case $src in src/daemon/vswitchd.c|src/cli/vs-*.c) continue ;; esac
        obj=$B/obj/${src//\//_}.o
        objs+=("$obj")
        if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || newer_header "$obj"; then
            throttle "$(nproc)"
            { $CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$src" -o "$obj" \
                || { rm -f "$obj"; touch $B/obj/failed; }; } &
        fi
    done
    wait
    [ ! -e $B/obj/failed ] || return 1
    rm -f $B/libvswitch.a
    ar rcs $B/libvswitch.a "${objs[@]}"
}

# Links harness $1 with libFuzzer and what its file declares (its
# fuzz-cflags are for the harness alone, as in the Makefile).
build_target() {
    local f=tests/fuzz/fuzz_$1.c
    # shellcheck disable=SC2046  # the declarations are lists of words
    { $CC $CFLAGS $SAN $(decl cflags "$f") -fsanitize=fuzzer-no-link \
          -c "$f" -o $B/fuzz_$1.o &&
      $CC $CFLAGS $SAN -fsanitize=fuzzer $B/fuzz_$1.o $(decl srcs "$f") \
          $B/libvswitch.a -o $B/fuzz_$1 $LDLIBS $(decl ldlibs "$f"); } \
        >$B/build_$1.log 2>&1
}

# The file of tests/fuzz/corpus/$1/ with the same bytes as $2, if any.
regression_copy() {
    local f
    [ -d tests/fuzz/corpus/$1 ] || return 0
    for f in tests/fuzz/corpus/$1/*; do
        cmp -s "$f" "$2" && { echo "$f"; return; }
    done
}

# Fuzzes target $1 for $SECS s from its seeds, regression inputs and the
# corpus of earlier runs; records 0 (passed) or 1 in $B/result/$1.
run_target() {
    local t=$1 dirs=("$B/corpus/$1") d log=$B/fuzz_$1.log
    for d in tests/fuzz/seeds/$t tests/fuzz/corpus/$t; do
        [ -d "$d" ] && dirs+=("$d")
    done
    mkdir -p $B/corpus/$t $B/crashes/$t
    if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
            ./$B/fuzz_$t -max_total_time="$SECS" -timeout="$TIMEOUT" \
            -print_final_stats=1 -artifact_prefix=$B/crashes/$t/ \
            "${dirs[@]}" >$log 2>&1; then
        echo 0 > $B/result/$t
        echo "== fuzz_$t: passed ($(sed -n 's/^stat::number_of_executed_units: *//p' $log) runs in ${SECS}s)"
        return
    fi
    echo 1 > $B/result/$t
    local repro
    repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' $log | tail -1)
    { tail -40 $log
      echo "!! fuzz_$t FAILED (log: $log)"
      if [ -n "$repro" ]; then
          echo "!!   reproducer: $repro"
          echo "!!   rerun:      ./$B/fuzz_$t $repro"
          local again
          again=$(regression_copy "$t" "$repro")
          if [ -n "$again" ]; then
              echo "!!   a regression input fails again: $again"
          else
              echo "!!   keep it:    cp $repro tests/fuzz/corpus/$t/  (with the fix)"
          fi
      fi; } >&2
}

TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do
        t=${f#tests/fuzz/fuzz_}
        TARGETS+=("${t%.c}")
    done
fi
for t in "${TARGETS[@]}"; do
    [ -e tests/fuzz/fuzz_$t.c ] || { echo "fuzz.sh: no tests/fuzz/fuzz_$t.c" >&2; exit 1; }
done

check_compiler || exit 1
build_lib || { echo "fuzz.sh: library build failed" >&2; exit 1; }
rm -rf $B/result
mkdir -p $B/result
for t in "${TARGETS[@]}"; do
    throttle "$(nproc)"
    { build_target "$t" || echo 1 > $B/result/$t; } &
done
wait
echo "== fuzzing ${#TARGETS[@]} targets for ${SECS}s each, $JOBS at a time"
for t in "${TARGETS[@]}"; do
    if [ -e $B/result/$t ]; then
        echo "!! fuzz_$t: build FAILED" >&2
        cat $B/build_$t.log >&2
        continue
    fi
    throttle "$JOBS"
    run_target "$t" &
done
wait
failed=$(grep -l 1 $B/result/* 2>/dev/null | wc -l)
echo "== fuzz targets: ${#TARGETS[@]} run, $failed failed"
[ "$failed" -eq 0 ]
