#!/usr/bin/env bash
# ports_bench.sh: TCP throughput and 64-byte UDP rate between two hosts
# (network namespaces) joined through dp-switch (two system ports) and,
# in the same run on the same veths, through a Linux bridge; prints both and
# the ratio.  Root; needs build/tools/dp-switch and build/bench/udp_blast.
#
#   bench/ports_bench.sh [SECONDS] [ROUNDS] [-- DP-SWITCH OPTIONS]
#
# Each figure is the best of ROUNDS runs (default 3) of SECONDS (default 5):
# this machine is shared, and the best run is the least disturbed one.
set -euo pipefail

SECS=${1:-5}
ROUNDS=${2:-3}
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
DPOPTS=("$@")

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VS_BUILD:-$REPO/build}
DPSW=$BUILD/tools/dp-switch
BLAST=$BUILD/bench/udp_blast
T=pbn                       # name tag of everything this script creates
NET=10.231.88
for b in "$DPSW" "$BLAST"; do
    [ -x "$b" ] || { echo "missing $b: run make all" >&2; exit 1; }
done

DP_PID=
cleanup() {
    [ -n "$DP_PID" ] && kill "$DP_PID" 2>/dev/null && wait "$DP_PID" 2>/dev/null
    ip link del ${T}br 2>/dev/null || true
    for i in 1 2; do
        ip netns del ${T}h$i 2>/dev/null || true
        ip link del ${T}p$i 2>/dev/null || true
    done
}
trap cleanup EXIT
cleanup

for i in 1 2; do
    ip netns add ${T}h$i
    ip link add ${T}p$i type veth peer name ${T}i$i
    ip link set ${T}i$i netns ${T}h$i
    ip -n ${T}h$i link set ${T}i$i name eth0
    ip -n ${T}h$i addr add $NET.$i/24 dev eth0
    ip -n ${T}h$i link set eth0 up
    ip -n ${T}h$i link set lo up
    ip link set ${T}p$i up
done

in_h() { local h=$1; shift; ip netns exec ${T}h$h "$@"; }
h2_rx() { in_h 2 cat /sys/class/net/eth0/statistics/rx_packets; }

# Prints the TCP Gb/s of one iperf3 run h1 -> h2.
tcp_once() {
    in_h 2 iperf3 -s -1 -p 5288 >/dev/null 2>&1 &
    local srv=$!
    sleep 0.3
    in_h 1 iperf3 -c $NET.2 -p 5288 -t "$SECS" -J \
        | /usr/bin/python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))'
    wait $srv 2>/dev/null || true
}

# Prints the 64-byte UDP packets per second that reached h2's interface.
udp_once() {
    local a b
    a=$(h2_rx)
    in_h 1 "$BLAST" $NET.2 9 "$SECS" >/dev/null
    sleep 0.2
    b=$(h2_rx)
    echo $(( (b - a) / SECS ))
}

best() {    # best of ROUNDS runs of "$@"
    local best=0 v
    for _ in $(seq "$ROUNDS"); do
        v=$("$@")
        best=$(/usr/bin/python3 -c "print(max($best, $v))")
    done
    echo "$best"
}

measure() {     # label
    in_h 1 ping -c 2 -i 0.2 -W 1 $NET.2 >/dev/null
    local tcp udp
    tcp=$(best tcp_once)
    udp=$(best udp_once)
    printf '%-10s TCP %6s Gb/s   64B UDP %8s pps\n' "$1" "$tcp" "$udp"
    eval "${1}_tcp=$tcp ${1}_udp=$udp"
}

# dp-switch
"$DPSW" "${DPOPTS[@]}" ${T}p1 ${T}p2 > /tmp/${T}-dpswitch.out 2>&1 &
DP_PID=$!
for _ in $(seq 50); do grep -q ready /tmp/${T}-dpswitch.out && break; sleep 0.1; done
measure dpswitch
kill "$DP_PID"; wait "$DP_PID" || true; DP_PID=
grep -E 'dropped' /tmp/${T}-dpswitch.out | head -1 | sed 's/^ */dp-switch port 1: /'

# Linux bridge on the same veths
ip link add ${T}br type bridge
ip link set ${T}br type bridge forward_delay 0 stp_state 0
ip link set ${T}p1 master ${T}br
ip link set ${T}p2 master ${T}br
ip link set ${T}br up
sleep 0.5
measure bridge

/usr/bin/python3 - "$dpswitch_tcp" "$bridge_tcp" "$dpswitch_udp" "$bridge_udp" <<'EOF'
import sys
dt, bt, du, bu = map(float, sys.argv[1:])
print(f"ratio dp-switch/bridge: TCP {dt / bt:.2f}   64B UDP {du / bu:.2f}")
EOF
