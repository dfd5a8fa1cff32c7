#!/usr/bin/env bash
# Runs inside the VM (scripts/vm.sh): the flood test of the kernel suite
# (KernelFloodTests) for SECONDS instead of CI's 60.
#   flood-soak.sh SECONDS [debug|release]
set -u
modprobe openvswitch && modprobe vxlan || { echo "flood-soak: modprobe failed" >&2; exit 10; }
export VTEPKDP_REQUIRE_KERNEL=1 NO_COLOR=1 VTEPKDP_FLOOD_SECONDS="${1:-600}"
export OVS_RUNDIR=/tmp/ovs-run OVS_LOGDIR=/tmp/ovs-log OVS_DBDIR=/tmp/ovs-db
mkdir -p "$OVS_RUNDIR" "$OVS_LOGDIR" "$OVS_DBDIR"
bundle=.build/${2:-release}/vtep-kdpPackageTests.xctest
"$bundle" --testing-library swift-testing --filter KernelFloodTests 2>&1 | tee "$VTEPKDP_RESULTS/flood-soak.log"
exit "${PIPESTATUS[0]}"
