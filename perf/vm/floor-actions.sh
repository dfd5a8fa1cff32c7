#!/usr/bin/env bash
# Inside the VM: the raw floor with a bare output action against the same
# floor with vtep-kdp's remote-MAC actions (set(tunnel) + output), ROUNDS
# times each at COUNT flows, alternating — what the tunnel action costs the
# kernel per flow.
set -euo pipefail
count="$1"; rounds="$2"
modprobe openvswitch
log="$VTEPKDP_RESULTS/floor-actions.log"
: > "$log"
echo "kernel=$(uname -r) vcpus=$(nproc) count=$count rounds=$rounds" | tee -a "$log"
for r in $(seq "$rounds"); do
    for actions in output tunnel; do
        ovs-dpctl del-dp floor 2>/dev/null || true
        ovs-dpctl add-dp floor
        .build/perf/flow-install-floor floor "$count" $( [ "$actions" = tunnel ] && echo tunnel ) | tee -a "$log"
    done
done
ovs-dpctl del-dp floor
