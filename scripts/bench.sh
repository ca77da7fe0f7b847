#!/usr/bin/env bash
# Runs the benchmarks (make bench builds them first).  Each prints its own
# figures; see bench/*.c for what they measure.
set -eu
cd "$(dirname "$0")/.."
SECONDS_PER_CASE=${BENCH_SECONDS:-2}
echo "== build/bench/dp_bench"
./build/bench/dp_bench "$SECONDS_PER_CASE"
