#!/usr/bin/env bash
# Runs inside the VM: the main job. The reference layout — VM1 and VM2 as
# network namespaces behind veth ports p0 and p1, the underlay eth1 at
# 10.2.2.1, the datapath "ovs-system" with p0, p1 and the VXLAN port — and
# the seed scenario's VTEP database set up with vtep-ctl, made real in the
# kernel by `vtep-kdp sync`, with traffic checked by tcpdump.
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
echo "### The VTEP database: ovsdb-server with vtep.ovsschema, set up with the documentation's vtep-ctl commands"
ovsdb-tool create /tmp/ovs-db/vtep.db /usr/share/openvswitch/vtep.ovsschema
ovsdb-server /tmp/ovs-db/vtep.db --remote=punix:/tmp/ovs-run/db.sock --pidfile=/tmp/ovs-run/ovsdb-server.pid \
    --log-file=/tmp/ovs-log/ovsdb-server.log --detach
db=unix:/tmp/ovs-run/db.sock
vtep_ctl() { echo "+ vtep-ctl $*"; vtep-ctl --db=$db "$@"; }
vtep_ctl add-ps br0
vtep_ctl set Physical_Switch br0 tunnel_ips=10.2.2.1
vtep_ctl add-port br0 p0
vtep_ctl add-port br0 p1
vtep_ctl add-ls ls0
vtep_ctl bind-ls br0 p0 0 ls0
vtep_ctl set Logical_Switch ls0 tunnel_key=33
vtep_ctl add-mcast-remote ls0 unknown-dst 10.2.2.2
vtep_ctl add-ucast-remote ls0 00:11:22:33:44:55 10.2.2.3

echo
echo "### vtep-kdp sync br0: database → compiler → reconciler → kernel, and the write-back"
echo "    (learning arrives with issue 6: VM1's MAC is declared with --local-mac)"
"$vtep_kdp" sync --db $db --datapath ovs-system --local-mac aa:00:00:00:00:01@p0 br0
echo "--- vtep-ctl list-local-macs ls0 (what vtep-kdp wrote back)"
vtep-ctl --db=$db list-local-macs ls0
echo "--- vtep-kdp dump-flows"
"$vtep_kdp" dump-flows ovs-system
echo "--- ovs-dpctl dump-flows (OVS's own reader)"
ovs-dpctl dump-flows ovs-system 2>/dev/null
echo "--- a second sync with nothing changed:"
"$vtep_kdp" sync --db $db --datapath ovs-system --local-mac aa:00:00:00:00:01@p0 br0

# The remote VTEPs 10.2.2.2 (service node) and 10.2.2.3 live in the underlay namespace.
ip -n underlay addr add 10.2.2.2/24 dev eth0
ip -n underlay addr add 10.2.2.3/24 dev eth0
ip netns exec vm1 ip neigh add 192.168.100.55 lladdr 00:11:22:33:44:55 dev eth0
# Captures the next COUNT VXLAN packets on the underlay while the command
# after COUNT runs in VM1, then prints them with their inner frames.
capture_vxlan() {
    local count="$1"; shift
    local out; out=$(mktemp /tmp/underlay.XXXXXX)
    ip netns exec underlay tcpdump -l -c "$count" -nei eth0 udp port 4789 > "$out" 2>&1 &
    local capture=$!
    for i in $(seq 100); do grep -q listening "$out" && break; sleep 0.2; done
    sleep 1
    ip netns exec vm1 "$@" >/dev/null || true
    for i in $(seq 50); do [ "$(grep -c 'VXLAN' "$out")" -ge "$count" ] && break; sleep 0.2; done
    kill $capture 2>/dev/null || true
    grep -A1 VXLAN "$out" || cat "$out"
}
echo
echo "### VM1 pings 00:11:22:33:44:55 (unicast → 10.2.2.3), then ARPs for 192.168.100.99 (broadcast → service node 10.2.2.2)"
echo "--- tcpdump on the underlay (eth1's peer):"
capture_vxlan 2 sh -c 'ping -c 1 -W 1 192.168.100.55; arping -c 1 -w 1 -I eth0 192.168.100.99'

echo
echo "### vtep-ctl set-replication-mode ls0 source_node; add-mcast-remote ls0 unknown-dst 10.2.2.4; sync"
vtep_ctl set-replication-mode ls0 source_node
vtep_ctl add-mcast-remote ls0 unknown-dst 10.2.2.4
"$vtep_kdp" sync --db $db --datapath ovs-system --local-mac aa:00:00:00:00:01@p0 br0
ip -n underlay addr add 10.2.2.4/24 dev eth0
echo "--- one broadcast from VM1, one copy per unknown-dst member:"
capture_vxlan 2 arping -c 1 -w 1 -I eth0 192.168.100.98

echo
echo "### vtep-ctl del-ucast-remote ls0 00:11:22:33:44:55; sync — exactly its flow goes"
vtep_ctl del-ucast-remote ls0 00:11:22:33:44:55
"$vtep_kdp" sync --db $db --datapath ovs-system --local-mac aa:00:00:00:00:01@p0 br0
ovs-dpctl dump-flows ovs-system 2>/dev/null | grep -c . | sed 's/^/flows now: /'

echo
echo "### vtep-kdp run br0: the same pass on every database change, until SIGTERM (which leaves the flows)"
"$vtep_kdp" run --db $db --datapath ovs-system --local-mac aa:00:00:00:00:01@p0 --pidfile /tmp/ovs-run/vtep-kdp.pid \
    --log-file /tmp/ovs-log/vtep-kdp.log -v br0 &
daemon=$!
for i in $(seq 100); do grep -q "kernel:" /tmp/ovs-log/vtep-kdp.log 2>/dev/null && break; sleep 0.1; done
start=$(date +%s%N)
vtep_ctl add-ucast-remote ls0 00:11:22:33:44:66 10.2.2.3
committed=$(date +%s%N)
until "$vtep_kdp" dump-flows ovs-system | grep -q 'eth(dst=00:11:22:33:44:66)'; do :; done
echo "--- vtep-ctl took $(( (committed - start) / 1000000 )) ms; the new MAC's flow was in the kernel $(( ($(date +%s%N) - committed) / 1000000 )) ms after it returned (polled with vtep-kdp dump-flows; emulated VM)"
kill -TERM $daemon; wait $daemon; echo "--- vtep-kdp exited with status $?; flows still in the kernel: $(ovs-dpctl dump-flows ovs-system 2>/dev/null | grep -c .)"
"$vtep_kdp" run --db $db --datapath ovs-system --local-mac aa:00:00:00:00:01@p0 --log-file /tmp/ovs-log/vtep-kdp.log -v br0 &
daemon=$!
for i in $(seq 100); do [ "$(grep -c 'kernel:' /tmp/ovs-log/vtep-kdp.log)" -ge 3 ] && break; sleep 0.1; done
kill -INT $daemon; wait $daemon || true
echo "--- vtep-kdp's log (the restart's pass changed nothing):"
grep -E "vtep-kdp: |kernel:" /tmp/ovs-log/vtep-kdp.log | sed 's/^[^ ]* //'
