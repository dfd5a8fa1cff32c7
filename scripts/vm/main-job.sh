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

echo
echo "### The seed scenario's flows for VM1 (p0, untagged) in logical switch ls0 (VNI 33), installed by vtep-kdp"
"$vtep_kdp" add-flow ovs-system 'recirc_id(0),in_port(1),eth(src=aa:00:00:00:00:01)' 'recirc(0x1000021)'
"$vtep_kdp" add-flow ovs-system 'recirc_id(0x1000021),eth(dst=00:11:22:33:44:55)' \
    'set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,flags(df|key))),3'
"$vtep_kdp" add-flow ovs-system 'recirc_id(0x1000021),in_port(1),eth(dst=01:00:00:00:00:00/01:00:00:00:00:00)' \
    'set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.2,ttl=64,flags(df|key))),3'
echo "--- vtep-kdp dump-flows"
"$vtep_kdp" dump-flows ovs-system
echo "--- ovs-dpctl dump-flows (OVS's own reader)"
ovs-dpctl dump-flows ovs-system 2>/dev/null

# The remote VTEPs 10.2.2.2 (service node) and 10.2.2.3 live in the underlay namespace.
ip -n underlay addr add 10.2.2.2/24 dev eth0
ip -n underlay addr add 10.2.2.3/24 dev eth0
ip netns exec vm1 ip neigh add 192.168.100.55 lladdr 00:11:22:33:44:55 dev eth0
ip netns exec underlay tcpdump -l -c 2 -nei eth0 udp port 4789 > /tmp/underlay.txt 2>&1 &
capture=$!
for i in $(seq 100); do grep -q listening /tmp/underlay.txt && break; sleep 0.2; done
sleep 1
echo
echo "### VM1 pings 00:11:22:33:44:55 (unicast → 10.2.2.3) and ARPs for 192.168.100.99 (broadcast → service node 10.2.2.2)"
ip netns exec vm1 ping -c 1 -W 1 192.168.100.55 >/dev/null || true
ip netns exec vm1 arping -c 1 -w 1 -I eth0 192.168.100.99 >/dev/null || true
for i in $(seq 50); do [ "$(grep -c 'VXLAN' /tmp/underlay.txt)" -ge 2 ] && break; sleep 0.2; done
kill $capture 2>/dev/null || true
echo "--- tcpdump on the underlay (eth1's peer):"
grep -A1 VXLAN /tmp/underlay.txt || cat /tmp/underlay.txt
