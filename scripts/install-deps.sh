#!/usr/bin/env bash
# Installs what building and testing vtep-kdp needs on Debian 12, skipping
# what is already there. Safe to run again.
set -euo pipefail

debian_packages=(
    # build: the C libraries behind the CNetlink target
    libmnl-dev libnl-genl-3-dev libnl-3-dev pkg-config
    # the VM rig (virtme-ng needs busybox to build its initramfs), with
    # Debian 12's kernel and Debian 13's kernel line: the kernel suite runs on both
    qemu-system-x86 linux-image-amd64 linux-image-6.12.118+deb12-amd64 busybox-static
    # independent readers and real peers inside the VM
    openvswitch-switch openvswitch-vtep tcpdump iproute2 iputils-ping iputils-arping bc
    # a real controller: OVN's northd, a hypervisor chassis and ovn-controller-vtep
    ovn-central ovn-host ovn-controller-vtep
    # OVSDB tests on the host: ovsdb-server/vtep-ctl (above), certificates
    # for the ssl: remote, Debian's python3 for the fake server; and OVS's
    # Python IDL, what the OVSDB benchmark compares with
    openssl python3 python3-openvswitch
    # the metrics endpoint's test reads it with curl; the Debian package
    # (scripts/build-deb.sh) carries the Swift runtime it links, found by
    # patchelf's RUNPATH, and its unit is checked by systemd-analyze verify
    curl patchelf systemd man-db
)

missing=()
for package in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "install-deps: installing ${missing[*]}"
    sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v vng >/dev/null && ! [[ -x "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/vng" ]]; then
    echo "install-deps: installing virtme-ng from PyPI"
    python3 -m pip install --quiet virtme-ng
fi

command -v swift >/dev/null || { echo "install-deps: swift is not on PATH (Swift 6.x toolchain required)" >&2; exit 1; }
echo "install-deps: all present"
