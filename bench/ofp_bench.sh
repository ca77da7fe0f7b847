#!/usr/bin/env bash
# ofp_bench.sh: OpenFlow flow-table throughput of vswitchd against Debian's
# Open vSwitch 3.1, in the same run, over each bridge's management socket
# (unix:RUNDIR/br0.mgmt), OpenFlow 1.3/1.4:
#
#   echo         N echo round trips (build/bench/ofp_flowmod): the floor
#                of add+barrier, what the socket and the two wakeups of a
#                round trip cost with no flow table at all
#   add+barrier  N single flow_mods (add), each followed by a barrier whose
#                reply is awaited before the next (build/bench/ofp_flowmod:
#                one connection, no process per flow)
#   bundle       B flows in one atomic bundle: ovs-ofctl -O OpenFlow14
#                --bundle add-flows (the time includes ovs-ofctl parsing
#                the file: the same cost on both switches)
#   bundle raw   the same B flows, encoded before the clock starts, sent
#                in one OpenFlow 1.4 bundle by ofp_flowmod (the switch's
#                cost alone)
#   dump ofctl   ovs-ofctl -O OpenFlow13 dump-flows of those B flows to
#                /dev/null (includes ovs-ofctl's formatting, the same cost)
#   dump raw     one flow stats request read to its last reply by
#                ofp_flowmod (the switch's cost alone)
#
# For each figure also the CPU seconds the switch process used.  Each
# switch is started afresh for each of R rounds (alternating); the table
# gives the medians and the ratio vswitchd/OVS (rates: > 1 means vswitchd
# is faster).  Root; needs `make all` (build/vswitchd, build/bench/ofp_flowmod).
#
#   bash bench/ofp_bench.sh [N] [B] [R]      N default 20000, B 100000, R 3
#
# Each switch runs in its own network namespace (OVS's netdev datapath
# makes TAP devices; nothing reaches the host's).  Environment: SWITCHES
# (default "vswitchd ovs"), VS_BUILD (build directory).  A switch that does
# not answer OpenFlow is reported as n/a.
set -euo pipefail

N=${1:-20000}
B=${2:-100000}
R=${3:-3}
SWITCHES=${SWITCHES:-vswitchd ovs}

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VS_BUILD:-$REPO/build}
FLOWMOD=$BUILD/bench/ofp_flowmod
T=obn                       # name tag of everything this script creates
for b in "$BUILD/vswitchd" "$BUILD/vs-vsctl" "$BUILD/vs-appctl" "$FLOWMOD"; do
    [ -x "$b" ] || { echo "missing $b: run make all" >&2; exit 1; }
done
command -v ovs-ofctl >/dev/null || { echo "no ovs-ofctl" >&2; exit 1; }
WORK=$(mktemp -d /tmp/${T}-bench.XXXXXX)

# ---- switches: start_X / stop_X; each sets MGMT and SW_PID ----

VS_DIR=$WORK/vswitchd
VS_PID=
vsctl() {
    VS_RUNDIR=$VS_DIR/run ip netns exec ${T}vs "$BUILD/vs-vsctl" \
        --db="$VS_DIR/conf.db" "$@"
}
start_vswitchd() {
    rm -rf "$VS_DIR"; mkdir -p "$VS_DIR"
    ip netns add ${T}vs
    ip netns exec ${T}vs ip link set lo up
    # (ip netns exec execs: $! is vswitchd itself.)
    ip netns exec ${T}vs "$BUILD/vswitchd" --db="$VS_DIR/conf.db" \
        --rundir="$VS_DIR/run" --pidfile --log-file="$VS_DIR/vswitchd.log" \
        >/dev/null 2>"$VS_DIR/stderr" &
    VS_PID=$!
    SW_PID=$VS_PID
    for _ in $(seq 100); do
        ip netns exec ${T}vs "$BUILD/vs-appctl" -t "$VS_DIR/run/vswitchd.ctl" \
            version >/dev/null 2>&1 && break
        sleep 0.05
    done
    vsctl add-br br0
    MGMT=$VS_DIR/run/br0.mgmt
}
stop_vswitchd() {
    [ -n "$VS_PID" ] || return 0
    kill "$VS_PID" 2>/dev/null || true
    wait "$VS_PID" 2>/dev/null || true
    VS_PID= SW_PID=
    ip netns del ${T}vs 2>/dev/null || true
}

OVS_DIR=$WORK/ovs
ovs_env() {
    ip netns exec ${T}ovs env OVS_RUNDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" \
        OVS_LOGDIR="$OVS_DIR" OVS_SYSCONFDIR="$OVS_DIR" "$@"
}
ovsctl() { ovs_env ovs-vsctl --db=unix:"$OVS_DIR/db.sock" "$@"; }
start_ovs() {
    command -v ovs-vswitchd >/dev/null || { echo "no ovs-vswitchd" >&2; return 1; }
    rm -rf "$OVS_DIR"; mkdir -p "$OVS_DIR"
    ip netns add ${T}ovs
    ip netns exec ${T}ovs ip link set lo up
    ovs_env ovsdb-tool create "$OVS_DIR/conf.db" \
        /usr/share/openvswitch/vswitch.ovsschema
    ovs_env ovsdb-server "$OVS_DIR/conf.db" \
        --remote=punix:"$OVS_DIR/db.sock" --pidfile="$OVS_DIR/ovsdb.pid" \
        --unixctl="$OVS_DIR/ovsdb.ctl" --log-file="$OVS_DIR/ovsdb.log" \
        -vconsole:off --detach --no-chdir 2>/dev/null
    ovsctl --no-wait init
    ovs_env ovs-vswitchd unix:"$OVS_DIR/db.sock" \
        --pidfile="$OVS_DIR/vswitchd.pid" --unixctl="$OVS_DIR/vswitchd.ctl" \
        --log-file="$OVS_DIR/vswitchd.log" -vconsole:off --detach \
        --no-chdir 2>/dev/null
    SW_PID=$(cat "$OVS_DIR/vswitchd.pid")
    ovsctl add-br br0 -- set bridge br0 datapath_type=netdev
    MGMT=$OVS_DIR/br0.mgmt
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
        rm -f "$OVS_DIR/$f.pid"
    done
    ip netns del ${T}ovs 2>/dev/null || true
}

cleanup() {
    stop_vswitchd
    stop_ovs
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns del ${T}vs 2>/dev/null || true
ip netns del ${T}ovs 2>/dev/null || true

# ---- measuring ----

# CPU ticks (user + system, all threads) the switch process has used.
sw_ticks() { awk '{ print $14 + $15 }' "/proc/$SW_PID/stat" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)
now() { date +%s.%N; }
ofctl() { OVS_RUNDIR=$WORK ovs-ofctl "$@"; }

# The bundle's flows, once: ip,nw_dst=10.a.b.c, all distinct.
FLOWS=$WORK/flows.txt
awk -v n="$B" 'BEGIN { for (i = 0; i < n; i++)
    printf "priority=100,ip,nw_dst=10.%d.%d.%d,actions=drop\n",
           int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' > "$FLOWS"

MEASURES=(echo add+barrier bundle "bundle raw" "dump ofctl" "dump raw")
declare -A RES CPU          # "NAME,SWITCH": one figure per round, spaces
# measure NAME SWITCH COUNT CMD...: runs CMD, records COUNT/seconds.
measure() {
    local name=$1 sw=$2 count=$3; shift 3
    local c0 t0 t1 c1
    c0=$(sw_ticks); t0=$(now)
    if ! "$@" >"$WORK/out" 2>"$WORK/err"; then
        echo "  $name: failed: $(head -3 "$WORK/err")" >&2
        RES[$name,$sw]+=" n/a"; CPU[$name,$sw]+=" n/a"
        return 0
    fi
    t1=$(now); c1=$(sw_ticks)
    local rate cpu
    rate=$(awk -v n="$count" -v a="$t0" -v b="$t1" \
        'BEGIN { printf "%.0f", n / (b - a) }')
    cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" \
        'BEGIN { printf "%.2f", (b - a) / hz }')
    RES[$name,$sw]+=" $rate"; CPU[$name,$sw]+=" $cpu"
    printf "  %-13s %10s /s   (%s s wall, switch CPU %s s)\n" "$name" \
        "$rate" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
        "$cpu"
}

# median FIGURES...: the median of numbers ("n/a" if any is n/a).
median() {
    case " $* " in *" n/a "*|"  ") echo n/a; return ;; esac
    printf "%s\n" "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

flow_count() {
    ofctl -O OpenFlow13 dump-aggregate "unix:$MGMT" 2>/dev/null |
        sed -n 's/.*flow_count=\([0-9]*\).*/\1/p'
}

run_switch() {
    local sw=$1
    echo "== $sw"
    "start_$sw"
    local ok=
    for _ in $(seq 100); do
        ofctl -O OpenFlow13 show "unix:$MGMT" >/dev/null 2>&1 && { ok=1; break; }
        sleep 0.05
    done
    if [ -z "$ok" ]; then
        echo "  $sw does not answer OpenFlow on $MGMT: n/a"
        for m in "${MEASURES[@]}"; do
            RES[$m,$sw]+=" n/a"; CPU[$m,$sw]+=" n/a"
        done
        "stop_$sw"
        return 0
    fi
    ofctl -O OpenFlow13 del-flows "unix:$MGMT"
    measure echo "$sw" "$N" "$FLOWMOD" "unix:$MGMT" echo "$N"
    measure add+barrier "$sw" "$N" "$FLOWMOD" "unix:$MGMT" add-barrier "$N"
    local got
    got=$(flow_count)
    [ "$got" = "$N" ] || echo "  (add+barrier: $got flows in the table, not $N)"
    ofctl -O OpenFlow13 del-flows "unix:$MGMT"
    measure bundle "$sw" "$B" ofctl -O OpenFlow14 --bundle add-flows \
        "unix:$MGMT" "$FLOWS"
    got=$(flow_count)
    [ "$got" = "$B" ] || echo "  (bundle: $got flows in the table, not $B)"
    measure "dump ofctl" "$sw" "$B" ofctl -O OpenFlow13 dump-flows "unix:$MGMT"
    lines=$(grep -c "cookie=" "$WORK/out" || true)   # (a header per reply)
    [ "$lines" = "$B" ] || echo "  (dump ofctl: $lines flows printed, not $B)"
    measure "dump raw" "$sw" "$B" "$FLOWMOD" "unix:$MGMT" dump
    grep -q "^dump $B flows" "$WORK/out" ||
        echo "  (dump raw: $(cat "$WORK/out"))"
    ofctl -O OpenFlow13 del-flows "unix:$MGMT"
    measure "bundle raw" "$sw" "$B" "$FLOWMOD" "unix:$MGMT" bundle "$B"
    got=$(flow_count)
    [ "$got" = "$B" ] || echo "  (bundle raw: $got flows in the table, not $B)"
    "stop_$sw"
}

echo "ofp_bench: $N single flow_mods with barriers, $B flows in a bundle and in a dump, $R rounds"
for r in $(seq "$R"); do
    echo "-- round $r"
    for sw in $SWITCHES; do
        run_switch "$sw"
    done
done

# ---- the table ----
case " $SWITCHES " in *" vswitchd "*) ;; *) exit 0 ;; esac
case " $SWITCHES " in *" ovs "*) ;; *) exit 0 ;; esac
echo
echo "medians of $R rounds:"
printf "%-13s %12s %12s %8s   %s\n" "" "vswitchd/s" "ovs/s" "ratio" \
    "switch CPU s (vswitchd / ovs)"
for m in "${MEASURES[@]}"; do
    # (word splitting of the lists is wanted)
    # shellcheck disable=SC2086
    a=$(median ${RES[$m,vswitchd]}) b=$(median ${RES[$m,ovs]})
    r=n/a
    if [ "$a" != n/a ] && [ "$b" != n/a ] && [ "$b" != 0 ]; then
        r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", a / b }')
    fi
    # shellcheck disable=SC2086
    printf "%-13s %12s %12s %8s   %s / %s\n" "$m" "$a" "$b" "$r" \
        "$(median ${CPU[$m,vswitchd]})" "$(median ${CPU[$m,ovs]})"
done
