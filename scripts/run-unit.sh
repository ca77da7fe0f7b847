#!/usr/bin/env bash
# Runs each cmocka test binary given; prints each runner's own summary and
# fails when any failed.  A fuzz harness built for replay
# (.../fuzz-replay/fuzz_NAME) gets tests/fuzz/seeds/NAME/ and
# tests/fuzz/corpus/NAME/ as its inputs; when it fails, each input is run
# alone to name the ones that crash.
set -u
cd "$(dirname "$0")/.." || exit 1

# The seed and regression directories of the replay binary $1.
replay_dirs() {
    local name=${1##*/fuzz_} d
    for d in tests/fuzz/seeds/$name tests/fuzz/corpus/$name; do
        [ -d "$d" ] && echo "$d"
    done
}

# Runs replay binary $1 on each of its inputs alone; prints the failing ones.
# (The directories and file names are ours: no blanks in them.)
# shellcheck disable=SC2046
name_failing_inputs() {
    local f
    for f in $(find $(replay_dirs "$1") -type f | sort); do
        "$1" "$f" >/dev/null 2>&1 || echo "!! input that fails: $f (rerun: $1 $f)"
    done
}

failed=0
for t in "$@"; do
    echo "== $t"
    case $t in
    */fuzz-replay/fuzz_*)
        # shellcheck disable=SC2046
        if ! "$t" $(replay_dirs "$t"); then
            failed=$((failed + 1))
            echo "!! FAILED: $t"
            name_failing_inputs "$t"
        fi ;;
    *)
        if ! "$t"; then
            failed=$((failed + 1))
            echo "!! FAILED: $t"
        fi ;;
    esac
done
echo "== unit test binaries: $# run, $failed failed"
[ "$failed" -eq 0 ]
