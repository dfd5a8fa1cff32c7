#!/usr/bin/env bash
# Inside the VM: rounds of floor vs Swift on a fresh datapath each time.
set -euo pipefail
count="$1"; rounds="$2"
modprobe openvswitch
log="$VTEPKDP_RESULTS/flow-install.log"
: > "$log"
echo "kernel=$(uname -r) vcpus=$(nproc) count=$count rounds=$rounds emulated=$( [ -e /dev/kvm ] && echo maybe || echo yes)" | tee -a "$log"
ip link add bench0 type veth peer name bench0p
ip link set bench0 up; ip link set bench0p up
run() {  # $1 = label, rest = command
    local label="$1"; shift
    ovs-dpctl del-dp bench 2>/dev/null || true
    ovs-dpctl add-dp bench 2>/dev/null
    ovs-dpctl add-if bench bench0 2>/dev/null
    "$@" | tee -a "$log"
    local flows; flows=$(ovs-dpctl show bench 2>/dev/null | awk '/flows:/ {print $2}')
    echo "check label=$label kernel_flows=$flows" | tee -a "$log"
}
for r in $(seq "$rounds"); do
    run floor .build/perf/flow-install-floor bench "$count"
    run swift .build/release/flow-install-bench bench "$count"
done
# ovs-dpctl's own dump of the same table, for scale.
start=$(date +%s.%N); n=$(ovs-dpctl dump-flows bench 2>/dev/null | wc -l); end=$(date +%s.%N)
echo "dpctldump flows=$n seconds=$(echo "$end - $start" | bc -l)" | tee -a "$log"
