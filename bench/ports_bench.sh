#!/usr/bin/env bash
# ports_bench.sh: system-port throughput of vswitchd against its peers, in
# one run on one topology:
#
#     h1 (netns) --veth-- SWITCH --veth-- h2 (netns)
#
# SWITCH is, in turn: the Linux bridge; vswitchd (the real daemon, set up
# with vs-vsctl add-br/add-port, forwarding with its default NORMAL rule);
# Open vSwitch's userspace datapath (Debian's ovs-vswitchd with private
# run/db/log directories, a datapath_type=netdev bridge with AF_PACKET
# ports, userspace TSO on).  For each: TCP Gb/s (iperf3 h1 -> h2), 64-byte
# UDP packets per second received at h2's interface (udp_blast senders in
# h1) and the ping RTT (average of 50 at 10 ms).  Then a table with the
# ratio of vswitchd to each peer.  Root; needs `make all`.
#
#   bash bench/ports_bench.sh [SECONDS] [ROUNDS]
#
# Each figure is the median of ROUNDS runs (default 3) of SECONDS (default
# 5); all runs are printed too (the machine is shared: compare the spread).
# For vswitchd and OVS the UDP rate is also given per CPU-second their
# process used: what the switch does with the CPU it actually got.
# Environment: BLASTERS (udp_blast senders, default 1), SWITCHES (default
# "bridge vswitchd ovs"), VS_BUILD (build directory), VSWITCHD_OPTS (extra
# vswitchd arguments), HOST_TSO=off (TSO and GSO off on both hosts' eth0:
# TCP from ordinary hosts must still flow).
set -euo pipefail

SECS=${1:-5}
ROUNDS=${2:-3}
BLASTERS=${BLASTERS:-1}
SWITCHES=${SWITCHES:-bridge vswitchd ovs}
HOST_TSO=${HOST_TSO:-on}

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VS_BUILD:-$REPO/build}
BLAST=$BUILD/bench/udp_blast
T=pbn                       # name tag of everything this script creates
NET=10.231.88
for b in "$BUILD/vswitchd" "$BUILD/vs-vsctl" "$BUILD/vs-appctl" "$BLAST"; do
    [ -x "$b" ] || { echo "missing $b: run make all" >&2; exit 1; }
done
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/${T}-bench.XXXXXX)

# ---- switches: start_X / stop_X ----

start_bridge() {
    ip link add ${T}br type bridge
    ip link set ${T}br type bridge forward_delay 0 stp_state 0
    ip link set ${T}p1 master ${T}br
    ip link set ${T}p2 master ${T}br
    ip link set ${T}br up
}
stop_bridge() { ip link del ${T}br 2>/dev/null || true; }

VS_DIR=$WORK/vswitchd
VS_PID=
vsctl() { VS_RUNDIR=$VS_DIR/run "$BUILD/vs-vsctl" --db="$VS_DIR/conf.db" "$@"; }
start_vswitchd() {
    mkdir -p "$VS_DIR"
    # shellcheck disable=SC2086
    "$BUILD/vswitchd" --db="$VS_DIR/conf.db" --rundir="$VS_DIR/run" \
        --pidfile --log-file="$VS_DIR/vswitchd.log" ${VSWITCHD_OPTS:-} \
        >/dev/null 2>"$VS_DIR/stderr" &
    VS_PID=$!
    SW_PID=$VS_PID
    for _ in $(seq 100); do
        "$BUILD/vs-appctl" -t "$VS_DIR/run/vswitchd.ctl" version \
            >/dev/null 2>&1 && break
        sleep 0.05
    done
    vsctl add-br ${T}vs
    vsctl add-port ${T}vs ${T}p1
    vsctl add-port ${T}vs ${T}p2
}
stop_vswitchd() {
    [ -n "$VS_PID" ] || return 0
    # Where the packets went: one line per port.
    "$BUILD/vs-dpctl" --rundir="$VS_DIR/run" show -s 2>/dev/null | awk '
        /^  port [0-9]+: / { name = $3; next }
        /RX packets/ && name ~ /^'"$T"'p/ { rx = $2 " " $4 }
        /TX packets/ && name ~ /^'"$T"'p/ {
            printf "    vswitchd %s: RX %s  TX %s %s\n", name, rx, $2, $4 }' \
        > "$WORK/vswitchd-stats" || true
    kill "$VS_PID" 2>/dev/null || true
    wait "$VS_PID" 2>/dev/null || true
    VS_PID= SW_PID=
    rm -rf "$VS_DIR"
}

OVS_DIR=$WORK/ovs
ovs_env() {
    OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR \
        OVS_SYSCONFDIR=$OVS_DIR "$@"
}
ovsctl() { ovs_env ovs-vsctl --db=unix:"$OVS_DIR/db.sock" "$@"; }
start_ovs() {
    command -v ovs-vswitchd >/dev/null || { echo "no ovs-vswitchd" >&2; return 1; }
    mkdir -p "$OVS_DIR"
    ovs_env ovsdb-tool create "$OVS_DIR/conf.db" \
        /usr/share/openvswitch/vswitch.ovsschema
    ovs_env ovsdb-server "$OVS_DIR/conf.db" \
        --remote=punix:"$OVS_DIR/db.sock" --pidfile="$OVS_DIR/ovsdb.pid" \
        --log-file="$OVS_DIR/ovsdb.log" -vconsole:off --detach 2>/dev/null
    ovsctl --no-wait init
    ovsctl --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true
    ovs_env ovs-vswitchd unix:"$OVS_DIR/db.sock" \
        --pidfile="$OVS_DIR/vswitchd.pid" --log-file="$OVS_DIR/vswitchd.log" \
        -vconsole:off --detach 2>/dev/null
    SW_PID=$(cat "$OVS_DIR/vswitchd.pid")
    ovsctl add-br ${T}ovs -- set bridge ${T}ovs datapath_type=netdev
    ovsctl add-port ${T}ovs ${T}p1
    ovsctl add-port ${T}ovs ${T}p2
}
stop_ovs() {
    local f
    SW_PID=
    for f in vswitchd ovsdb; do
        [ -f "$OVS_DIR/$f.pid" ] || continue
        kill "$(cat "$OVS_DIR/$f.pid")" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$(cat "$OVS_DIR/$f.pid" 2>/dev/null)" 2>/dev/null || break
            sleep 0.1
        done
    done
    ip link del ${T}ovs 2>/dev/null || true
    rm -rf "$OVS_DIR"
}

cleanup() {
    [ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null
    stop_vswitchd
    stop_ovs
    stop_bridge
    for i in 1 2; do
        ip netns del ${T}h$i 2>/dev/null || true
        ip link del ${T}p$i 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup
mkdir -p "$WORK"

for i in 1 2; do
    ip netns add ${T}h$i
    ip link add ${T}p$i type veth peer name ${T}i$i
    ip link set ${T}i$i netns ${T}h$i
    ip -n ${T}h$i link set ${T}i$i name eth0
    ip -n ${T}h$i addr add $NET.$i/24 dev eth0
    ip -n ${T}h$i link set eth0 up
    ip -n ${T}h$i link set lo up
    ip link set ${T}p$i up
    if [ "$HOST_TSO" = off ]; then
        ip netns exec ${T}h$i ethtool -K eth0 tso off gso off >/dev/null
    fi
done
# h2's UDP sink: sockets bound to the blasters' ports that are never read,
# so that h2's kernel drops the datagrams at the socket (counted as
# UdpRcvbufErrors) instead of answering each with an ICMP port unreachable:
# the route lookup and ICMP send cost h2 (and, on veth, whoever transmitted
# to it: the switch's thread or, for the bridge, the sender) more than the
# datagram itself.
SINK_PID=
ip netns exec ${T}h2 $PY -c '
import socket, sys, time
socks = []
for port in range(9001, 9001 + int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind(("0.0.0.0", port))
    socks.append(s)
time.sleep(86400)' "$BLASTERS" &
SINK_PID=$!

in_h() { local h=$1; shift; ip netns exec ${T}h$h "$@"; }
h2_rx() { in_h 2 cat /sys/class/net/eth0/statistics/rx_packets; }

# Prints the TCP Gb/s of one iperf3 run h1 -> h2 (0 when it failed).
tcp_once() {
    in_h 2 iperf3 -s -1 -p 5288 >/dev/null 2>&1 &
    local srv=$!
    sleep 0.3
    in_h 1 timeout $((SECS + 15)) iperf3 -c $NET.2 -p 5288 -t "$SECS" -J \
        2>/dev/null | $PY -c '
import json, sys
try:
    print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("0")'
    kill $srv 2>/dev/null || true
    wait $srv 2>/dev/null || true
}

# CPU ticks (user + system, all threads) the switch process has used.
SW_PID=
sw_ticks() {
    [ -n "$SW_PID" ] && awk '{ print $14 + $15 }' "/proc/$SW_PID/stat" \
        2>/dev/null || echo 0
}

# Prints the 64-byte UDP packets per second that reached h2's interface,
# and the packets per CPU-second of the switch process ("-" for the bridge):
# the rate it would reach on a CPU of its own, which the load of a shared
# machine disturbs less than the rate itself.
udp_once() {
    local a b ta tb pids=() i
    a=$(h2_rx)
    ta=$(sw_ticks)
    for i in $(seq "$BLASTERS"); do
        in_h 1 "$BLAST" $NET.2 $((9000 + i)) "$SECS" >/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    sleep 0.2
    b=$(h2_rx)
    tb=$(sw_ticks)
    if [ -n "$SW_PID" ] && [ "$tb" -gt "$ta" ]; then
        echo "$(( (b - a) / SECS )) $(( (b - a) * $(getconf CLK_TCK) / (tb - ta) ))"
    else
        echo "$(( (b - a) / SECS )) -"
    fi
}

# Prints the average RTT in ms of 50 pings at 10 ms intervals.
rtt_once() {
    in_h 1 ping -q -c 50 -i 0.01 -W 1 $NET.2 \
        | sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' | grep . || echo 0
}

runs() {    # ROUNDS results of "$@", space separated
    local out=() _
    for _ in $(seq "$ROUNDS"); do out+=("$("$@")"); done
    echo "${out[*]}"
}

declare -A TCP UDP UDPCPU RTT
measure() {     # switch name
    local ok=0
    for _ in $(seq 50); do
        in_h 1 ping -c 1 -W 1 $NET.2 >/dev/null 2>&1 && { ok=1; break; }
        sleep 0.1
    done
    [ $ok = 1 ] || { echo "$1: h1 cannot reach h2" >&2; return 1; }
    TCP[$1]=$(runs tcp_once)
    local u=() c=() _ x
    for _ in $(seq "$ROUNDS"); do
        read -r -a x <<< "$(udp_once)"
        u+=("${x[0]}")
        c+=("${x[1]}")
    done
    UDP[$1]=${u[*]}
    UDPCPU[$1]=${c[*]}
    RTT[$1]=$(runs rtt_once)
    printf '%-9s TCP [%s] Gb/s   64B UDP [%s] pps (per switch CPU-second [%s])   RTT [%s] ms\n' \
        "$1" "${TCP[$1]}" "${UDP[$1]}" "${UDPCPU[$1]}" "${RTT[$1]}"
}

echo "ports_bench: ${SECS}s x $ROUNDS rounds, $BLASTERS udp_blast sender(s)," \
     "host TSO $HOST_TSO, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for sw in $SWITCHES; do
    start_$sw
    measure "$sw" || true
    stop_$sw
    if [ "$sw" = vswitchd ]; then cat "$WORK/vswitchd-stats" 2>/dev/null || true; fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

args=()
for sw in $SWITCHES; do
    args+=("$sw" "${TCP[$sw]:-0}" "${UDP[$sw]:-0}" "${UDPCPU[$sw]:--}"
           "${RTT[$sw]:-0}")
done
$PY - "${args[@]}" <<'EOF'
import statistics, sys
a = sys.argv[1:]

def median(text):
    v = [float(x) for x in text.split() if x != "-"]
    return statistics.median(v) if v else None

rows = {}
for i in range(0, len(a), 5):
    rows[a[i]] = [median(a[i + j]) for j in (1, 2, 3, 4)]
fmt = lambda v, f: "-" if v is None else format(v, f)
print(f"\n{'median of runs':<16}{'TCP Gb/s':>10}{'64B UDP pps':>14}"
      f"{'pps/CPU-s':>12}{'RTT ms':>10}")
for name, (t, u, c, r) in rows.items():
    print(f"{name:<16}{fmt(t, '.2f'):>10}{fmt(u, '.0f'):>14}"
          f"{fmt(c, '.0f'):>12}{fmt(r, '.3f'):>10}")
vs = rows.get("vswitchd")
if vs:
    ratio = lambda x, y: f"{x / y:.2f}" if x and y else "-"
    for name, row in rows.items():
        if name != "vswitchd":
            print(f"{'vswitchd/' + name:<16}{ratio(vs[0], row[0]):>10}"
                  f"{ratio(vs[1], row[1]):>14}{ratio(vs[2], row[2]):>12}"
                  f"{ratio(vs[3], row[3]):>10}")
    print("(RTT: lower is better, so a ratio under 1 is vswitchd ahead)")
EOF
