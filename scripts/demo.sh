#!/usr/bin/env bash
# `make demo`: vswitch switching between two hosts.
#
# Starts vswitchd with a scratch configuration inside its own network
# namespace (so its bridge br0 cannot collide with anything on this host),
# builds two hosts in namespaces of their own, joins each to br0 by a veth
# pair whose switch end is a system port, pings from one host to the other,
# and prints `vs-vsctl show`, `vs-dpctl show` and `vs-dpctl dump-flows`.
# Everything it created is removed on exit, whatever happens.
set -euo pipefail

cd "$(dirname "$0")/.."
B=${VS_BUILD:-build}
TAG=vdemo
SW=${TAG}sw                  # the switch's namespace
WORK=$(mktemp -d /tmp/vswitch-demo.XXXXXX)
export VS_RUNDIR=$WORK/run VS_DB=$WORK/conf.db

if [ "$(id -u)" -ne 0 ]; then
    echo "demo: needs root (network namespaces)" >&2
    exit 1
fi
for prog in vswitchd vs-vsctl vs-dpctl vs-appctl; do
    if [ ! -x "$B/$prog" ]; then
        echo "demo: $B/$prog is missing; run 'make all' first" >&2
        exit 1
    fi
done

cleanup() {
    set +e
    if [ -S "$VS_RUNDIR/vswitchd.ctl" ]; then
        ip netns exec $SW "$B/vs-appctl" -t "$VS_RUNDIR/vswitchd.ctl" \
            -T 5 exit >/dev/null 2>&1
    fi
    if [ -f "$VS_RUNDIR/vswitchd.pid" ]; then
        pid=$(cat "$VS_RUNDIR/vswitchd.pid" 2>/dev/null)
        for _ in $(seq 50); do
            [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    fi
    for ns in ${TAG}h1 ${TAG}h2 $SW; do
        ip netns del $ns 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n### %s\n' "$*"; }
in_sw() { ip netns exec $SW "$@"; }

step "network namespaces: switch $SW, hosts ${TAG}h1 (10.0.0.1) and ${TAG}h2 (10.0.0.2)"
for ns in $SW ${TAG}h1 ${TAG}h2; do
    ip netns del $ns 2>/dev/null || true
    ip netns add $ns
    ip netns exec $ns ip link set lo up
done
for i in 1 2; do
    ip link add ${TAG}p$i netns $SW type veth peer name eth0 netns ${TAG}h$i
    in_sw ip link set ${TAG}p$i up
    ip netns exec ${TAG}h$i ip addr add 10.0.0.$i/24 dev eth0
    ip netns exec ${TAG}h$i ip link set eth0 up
done

step "vswitchd --db=$VS_DB --rundir=$VS_RUNDIR --detach"
in_sw "$B/vswitchd" --db="$VS_DB" --rundir="$VS_RUNDIR" --pidfile --detach \
    --log-file="$WORK/vswitchd.log"
in_sw "$B/vs-appctl" version

step "vs-vsctl add-br br0; add-port br0 ${TAG}p1; add-port br0 ${TAG}p2"
in_sw "$B/vs-vsctl" add-br br0
in_sw "$B/vs-vsctl" add-port br0 ${TAG}p1
in_sw "$B/vs-vsctl" add-port br0 ${TAG}p2

step "ping 10.0.0.1 -> 10.0.0.2"
ping_ok=0
if ip netns exec ${TAG}h1 ping -c 3 -i 0.2 -W 1 10.0.0.2; then
    ping_ok=1
fi

step "vs-vsctl show"
in_sw "$B/vs-vsctl" show
step "vs-dpctl show"
in_sw "$B/vs-dpctl" show
step "vs-dpctl dump-flows"
in_sw "$B/vs-dpctl" dump-flows

echo
if [ $ping_ok = 1 ]; then
    echo "demo: the hosts reached each other through vswitch"
elif in_sw "$B/vs-appctl" list-commands | grep -q 'ofproto/trace'; then
    echo "demo: FAILED: no ping through br0; log follows" >&2
    cat "$WORK/vswitchd.log" >&2
    exit 1
else
    echo "demo: the slow path (NORMAL) is not linked into vswitchd yet, so"
    echo "      packets that miss the datapath are dropped: no ping for now."
fi
