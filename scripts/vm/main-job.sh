#!/usr/bin/env bash
# Runs inside the VM: the main job. For now, the reference layout's datapath:
# VM1 and VM2 as network namespaces behind veth ports p0 and p1, the
# underlay eth1 at 10.2.2.1, and the datapath "ovs-system" with p0, p1 and
# the VXLAN port, printed by vtep-kdp and by ovs-dpctl side by side.
set -euo pipefail
modprobe openvswitch
modprobe vxlan
export OVS_RUNDIR=/tmp/ovs-run OVS_LOGDIR=/tmp/ovs-log OVS_DBDIR=/tmp/ovs-db
mkdir -p "$OVS_RUNDIR" "$OVS_LOGDIR" "$OVS_DBDIR"
vtep_kdp=.build/debug/vtep-kdp

for vm in 1 2; do
    ip netns add "vm$vm"
    port="p$((vm - 1))"
    ip link add "$port" type veth peer name eth0 netns "vm$vm"
    ip link set "$port" up
    ip -n "vm$vm" link set eth0 address "aa:00:00:00:00:0$vm" up
    ip -n "vm$vm" addr add "192.168.100.$vm/24" dev eth0
done
ip netns add underlay
ip link add eth1 type veth peer name eth0 netns underlay
ip addr add 10.2.2.1/24 dev eth1
ip link set eth1 up
ip -n underlay link set eth0 up

echo "### vtep-kdp demo --datapath ovs-system --ports p0 p1"
"$vtep_kdp" demo --datapath ovs-system --ports p0 p1
echo
echo "### ovs-dpctl show (OVS's own reader)"
ovs-dpctl show 2>/dev/null
echo
echo "### ip -d link show vxlan_sys_4789"
ip -d link show vxlan_sys_4789
