#!/usr/bin/env bash
# Runs each cmocka test binary given; prints each runner's own summary and
# fails when any failed.
set -u
failed=0
for t in "$@"; do
    echo "== $t"
    if ! "$t"; then
        failed=$((failed + 1))
        echo "!! FAILED: $t"
    fi
done
echo "== unit test binaries: $# run, $failed failed"
[ "$failed" -eq 0 ]
