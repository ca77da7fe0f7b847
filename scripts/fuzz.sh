#!/bin/bash
# Builds the libFuzzer harnesses in tests/fuzz/ (clang, ASan+UBSan) into
# build-fuzz/ and runs each for N seconds (default 60).  Not part of
# `make check`: fuzzing is open-ended and needs clang.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 300 actions
# Corpora persist in build-fuzz/corpus/<target>; crashes land in
# build-fuzz/crashes/<target>/.  Exit status is non-zero if any target failed.
set -u
cd "$(dirname "$0")/.."
SECS=${1:-60}
shift || true
CC=${FUZZ_CC:-clang}
B=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wno-unused-parameter -Wno-gnu-variable-sized-type-not-at-end -Isrc -pthread"
LDLIBS="-lpcap -lurcu -lurcu-cds -ljansson -lsqlite3 -lmnl -pthread -lm"

build_lib() {
    mkdir -p $B/obj
    local objs=() src obj
    for src in $(find src -name '*.c' | sort); do
        case $src in src/daemon/vswitchd.c|src/cli/vs-*.c) continue ;; esac
        obj=$B/obj/${src//\//_}.o
        if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || newer_header "$obj"; then
            $CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || return 1
        fi
        objs+=("$obj")
    done
    rm -f $B/libvswitch.a
    ar rcs $B/libvswitch.a "${objs[@]}"
}

# Any header in src/ newer than the object: rebuild (simple, not precise).
newer_header() {
    [ -n "$(find src -name '*.h' -newer "$1" -print -quit)" ]
}

build_target() {
    local t=$1
    # fuzz_unixctl includes unixctl.c (its parser is static); the archive
    # copy is then never pulled in.
    $CC $CFLAGS $SAN -fsanitize=fuzzer tests/fuzz/fuzz_$t.c $B/libvswitch.a \
        -o $B/fuzz_$t $LDLIBS
}

TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do
        t=${f#tests/fuzz/fuzz_}
        TARGETS+=("${t%.c}")
    done
fi

build_lib || { echo "fuzz.sh: library build failed" >&2; exit 1; }
status=0
for t in "${TARGETS[@]}"; do
    build_target "$t" || { echo "fuzz.sh: build of $t failed" >&2; status=1; continue; }
    mkdir -p $B/corpus/$t $B/crashes/$t
    seeds=()
    [ -d tests/fuzz/seeds/$t ] && seeds=(tests/fuzz/seeds/$t)
    echo "== fuzz_$t for ${SECS}s"
    if ! ASAN_OPTIONS=detect_leaks=1 ./$B/fuzz_$t -max_total_time="$SECS" \
            -print_final_stats=1 -artifact_prefix=$B/crashes/$t/ \
            $B/corpus/$t "${seeds[@]}" 2>$B/fuzz_$t.log; then
        echo "fuzz.sh: fuzz_$t FAILED (see $B/fuzz_$t.log, $B/crashes/$t/)" >&2
        tail -40 $B/fuzz_$t.log >&2
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss' $B/fuzz_$t.log
done
exit $status
