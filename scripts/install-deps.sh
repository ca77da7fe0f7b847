#!/usr/bin/env bash
# Installs the Debian 12 packages vswitch builds and tests with, when missing
# (clang and its libFuzzer runtime, libclang-rt-dev, for scripts/fuzz.sh).
set -euo pipefail
pkgs=(build-essential pkg-config libpcap-dev libcmocka-dev libsqlite3-dev
      libjansson-dev liburcu-dev libmnl-dev python3-pytest python3-scapy
      tshark iperf3 iproute2 iputils-ping ethtool tcpdump openvswitch-switch
      openvswitch-testcontroller python3-os-ken
      clang libclang-rt-dev)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q "${missing[@]}"
