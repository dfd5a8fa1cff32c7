#!/usr/bin/env bash
# Runs inside the VM (scripts/vm.sh): every kernel test of the package, in
# this one boot, against the real openvswitch module.
#   kernel-suite.sh [debug|release] [all|core] [package]
# (the build configuration, release by default; `core` runs the suites
# that exercise what differs between kernels — the datapath API, the
# daemon's use of it, the end-to-end scenario and its tunnels, upcalls,
# ports, a module reload — and leaves the long soak-like suites to `all`;
# `package` first installs, runs and removes the Debian package with
# package-check.sh, which needs vm.sh's overlays.)
set -u
modprobe openvswitch || { echo "kernel-suite: modprobe openvswitch failed" >&2; exit 10; }
modprobe vxlan || { echo "kernel-suite: modprobe vxlan failed" >&2; exit 10; }
export VTEPKDP_REQUIRE_KERNEL=1 NO_COLOR=1
# Private run/log dirs for the OVS tools used as independent readers.
export OVS_RUNDIR=/tmp/ovs-run OVS_LOGDIR=/tmp/ovs-log OVS_DBDIR=/tmp/ovs-db
mkdir -p "$OVS_RUNDIR" "$OVS_LOGDIR" "$OVS_DBDIR"
echo "kernel-suite: $(uname -r), $(nproc) vCPUs, openvswitch module loaded"
package_status=0
if [[ "${3:-}" == package ]]; then
    "$(dirname "$0")/package-check.sh" 2>&1 | tee "$VTEPKDP_RESULTS/package-check.log"
    package_status=${PIPESTATUS[0]}
fi
bundle=.build/${1:-release}/vtep-kdpPackageTests.xctest
selection=Kernel
if [[ "${2:-all}" == core ]]; then
    selection='KernelSuites|KernelReconcilerTests|KernelSyncPassTests|KernelDaemonTests|KernelEndToEndTests|KernelTwoHostTests|KernelTunnelAdmissionTests|KernelUpcallOverflowTests|KernelPortInventoryTests'
fi
echo "kernel-suite: ${2:-all} suites"
"$bundle" --testing-library swift-testing --filter "$selection" --skip ExclusiveKernelSuites 2>&1 | tee "$VTEPKDP_RESULTS/kernel-tests.log"
status=${PIPESTATUS[0]}
# Suites that reload the openvswitch module, alone (ExclusiveKernelSuites).
VTEPKDP_EXCLUSIVE_KERNEL=1 "$bundle" --testing-library swift-testing --filter ExclusiveKernelSuites 2>&1 | tee -a "$VTEPKDP_RESULTS/kernel-tests.log"
exclusive=${PIPESTATUS[0]}
[ "$status" -ne 0 ] && exit "$status"
[ "$exclusive" -ne 0 ] && exit "$exclusive"
exit "$package_status"
