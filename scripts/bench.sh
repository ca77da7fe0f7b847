#!/usr/bin/env bash
# Runs the benchmarks (make bench builds them first).  Each prints its own
# figures; see bench/*.c for what they measure.  To compare two builds
# exactly, run dp_bench with a fixed amount of work under callgrind:
#   DP_BENCH_BATCHES=20000 valgrind --tool=callgrind build/bench/dp_bench 1 N
set -eu
cd "$(dirname "$0")/.."
SECONDS_PER_CASE=${BENCH_SECONDS:-2}
echo "== build/bench/dp_bench"
./build/bench/dp_bench "$SECONDS_PER_CASE"
# System ports against the Linux bridge and OVS (root, ~2 min): BENCH_PORTS=1.
if [ "${BENCH_PORTS:-0}" = 1 ]; then
    echo "== bench/ports_bench.sh"
    bash bench/ports_bench.sh
else
    echo "(BENCH_PORTS=1 make bench also runs bench/ports_bench.sh: system ports vs Linux bridge and OVS)"
fi
