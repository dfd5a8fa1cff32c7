#!/usr/bin/env bash
# Runs inside the VM: the main job, the reference scenario of
# docs/reference-scenario.md end to end. VM1 and VM2 are network namespaces
# behind veth ports p0 and p1; eth1 (10.2.2.1) is the underlay; the remote
# VTEP 10.2.2.3 is a Linux bridge + vxlan device holding VM3
# (00:11:22:33:44:55). The VTEP database is a real ovsdb-server set up with
# the documentation's own vtep-ctl commands; vtep-kdp runs where the
# documentation starts ovs-vtep. tcpdump and ovs-dpctl are the witnesses.
set -euo pipefail
modprobe openvswitch
modprobe vxlan
export OVS_RUNDIR=/tmp/ovs-run OVS_LOGDIR=/tmp/ovs-log OVS_DBDIR=/tmp/ovs-db
mkdir -p "$OVS_RUNDIR" "$OVS_LOGDIR" "$OVS_DBDIR"
vtep_kdp=$PWD/.build/debug/vtep-kdp
log=/tmp/ovs-log/vtep-kdp.log
section() { echo; echo "### $*"; }
run() { echo "+ $*"; "$@"; }

section "Topology: VM1 (aa:00:00:00:00:01) on p0, VM2 on p1, underlay eth1 10.2.2.1; remote VTEP 10.2.2.3 (Linux bridge + vxlan) with VM3"
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
for a in 2 3 4; do ip -n underlay addr add 10.2.2.$a/24 dev eth0; done
ip netns add vm3
ip -n underlay link add vx33 type vxlan id 33 local 10.2.2.3 dstport 4789 nolearning
ip -n underlay link add br33 type bridge
ip -n underlay link set vx33 master br33
ip -n underlay link add vm3 type veth peer name eth0 netns vm3
ip -n underlay link set vm3 master br33
for l in vm3 vx33 br33; do ip -n underlay link set $l up; done
ip -n vm3 link set eth0 address 00:11:22:33:44:55 up
ip -n vm3 addr add 192.168.100.55/24 dev eth0
ip netns exec underlay bridge fdb append 00:00:00:00:00:00 dev vx33 dst 10.2.2.1
ip netns exec underlay bridge fdb append aa:00:00:00:00:01 dev vx33 dst 10.2.2.1

section "The VTEP database: ovsdb-server with vtep.ovsschema, and the documentation's vtep-ctl commands"
ovsdb-tool create /tmp/ovs-db/vtep.db /usr/share/openvswitch/vtep.ovsschema
ovsdb-server /tmp/ovs-db/vtep.db --remote=punix:/tmp/ovs-run/db.sock --pidfile=/tmp/ovs-run/ovsdb-server.pid \
    --log-file=/tmp/ovs-log/ovsdb-server.log --detach
db=unix:/tmp/ovs-run/db.sock
vtep_ctl() { echo "+ vtep-ctl $*"; vtep-ctl --db=$db "$@"; }
vtep_ctl add-ps br0
vtep_ctl set Physical_Switch br0 tunnel_ips=10.2.2.1
vtep_ctl add-port br0 p0
vtep_ctl add-port br0 p1

section "Start the VTEP: vtep-kdp where the documentation runs ovs-vtep"
run "$vtep_kdp" --db $db --datapath ovs-system --log-file=$log --pidfile=/tmp/ovs-run/vtep-kdp.pid --detach br0
echo "vtep-kdp is running as pid $(cat /tmp/ovs-run/vtep-kdp.pid)"

section "Simulating the NVC"
vtep_ctl add-ls ls0
vtep_ctl bind-ls br0 p0 0 ls0
vtep_ctl set Logical_Switch ls0 tunnel_key=33
vtep_ctl add-mcast-remote ls0 unknown-dst 10.2.2.2
vtep_ctl add-ucast-remote ls0 00:11:22:33:44:55 10.2.2.3
for i in $(seq 100); do ovs-dpctl dump-flows ovs-system 2>/dev/null | grep -q 00:11:22:33:44:55 && break; sleep 0.1; done
echo "--- ovs-dpctl show (OVS's own reader)"
ovs-dpctl show ovs-system

# Captures the underlay while a command runs in VM1, printing each VXLAN
# packet (outer line) with its inner frame.
capture_vxlan() {
    local count="$1"; shift
    local out; out=$(mktemp /tmp/underlay.XXXXXX)
    ip netns exec underlay tcpdump -l -c "$count" -nei eth0 udp port 4789 > "$out" 2>&1 &
    local capture=$!
    for i in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
    "$@" > /dev/null 2>&1 || true
    for i in $(seq 30); do [ "$(grep -c 'VXLAN' "$out")" -ge "$count" ] && break; sleep 0.1; done
    kill $capture 2>/dev/null || true; wait $capture 2>/dev/null || true
    grep -A1 VXLAN "$out" | grep -v '^--' | sed 's/^/    /'
}

section "VM1 pings VM3 behind the remote VTEP (service_node 10.2.2.2 replicates nothing here, so VM1 gets a static ARP entry)"
ip netns exec vm1 ip neigh replace 192.168.100.55 lladdr 00:11:22:33:44:55 dev eth0
echo "--- tcpdump on the underlay: VXLAN VNI 33, 10.2.2.1 → 10.2.2.3, inner frame unchanged"
capture_vxlan 2 ip netns exec vm1 ping -c 1 -W 2 192.168.100.55
run ip netns exec vm1 ping -c 3 -i 0.2 192.168.100.55
echo "--- VM1's first frame taught vtep-kdp its MAC; vtep-ctl list-local-macs ls0:"
vtep-ctl --db=$db list-local-macs ls0
echo "--- vtep-kdp dump-flows ovs-system (ovs-dpctl notation):"
"$vtep_kdp" dump-flows ovs-system
echo "--- ovs-dpctl dump-flows ovs-system (OVS's own reader, the same flows):"
ovs-dpctl dump-flows ovs-system

echo "--- vtep-kdp status br0 --flows: the daemon's state, read from the database and the kernel (changes nothing):"
"$vtep_kdp" status --offline --db $db --datapath ovs-system --flows br0

section "A broadcast from VM1 goes to the service node 10.2.2.2 only"
capture_vxlan 1 ip netns exec vm1 arping -c 1 -w 1 -I eth0 192.168.100.99

section "source_node: vtep-kdp sends a copy to every unknown-dst member"
vtep_ctl set-replication-mode ls0 source_node
vtep_ctl add-mcast-remote ls0 unknown-dst 10.2.2.3
sleep 0.5
capture_vxlan 2 ip netns exec vm1 arping -c 1 -w 1 -I eth0 192.168.100.98
echo "--- now ARP reaches VM3 too; without the static entry:"
ip netns exec vm1 ip neigh del 192.168.100.55 dev eth0
run ip netns exec vm1 ping -c 2 -i 0.2 192.168.100.55

section "p1 is not bound: nothing VM2 sends is forwarded (dropped in the kernel, no upcall)"
out=$(mktemp /tmp/underlay.XXXXXX)
ip netns exec underlay tcpdump -l -nei eth0 udp port 4789 > "$out" 2>&1 &
capture=$!
for i in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
ip netns exec vm2 arping -c 3 -w 2 -I eth0 192.168.100.97 > /dev/null 2>&1 || true
kill $capture; wait $capture 2>/dev/null || true
echo "--- VXLAN packets on the underlay carrying VM2's MAC while it sent 3 ARP requests: $(grep -c 'aa:00:00:00:00:02' "$out")"
ovs-dpctl dump-flows ovs-system | grep 'in_port(2),eth(),' || true

section "A remote MAC comes and goes: the kernel follows within milliseconds"
before=$(ovs-dpctl dump-flows ovs-system | grep -c .)
start=$(date +%s%N)
vtep_ctl add-ucast-remote ls0 00:11:22:33:44:66 10.2.2.4
committed=$(date +%s%N)
until ovs-dpctl dump-flows ovs-system | grep -q 'eth(dst=00:11:22:33:44:66)'; do :; done
echo "--- its flow was in the kernel $(( ($(date +%s%N) - committed) / 1000000 )) ms after vtep-ctl returned (polled with ovs-dpctl; emulated VM)"
vtep_ctl del-ucast-remote ls0 00:11:22:33:44:66
until ! ovs-dpctl dump-flows ovs-system | grep -q 'eth(dst=00:11:22:33:44:66)'; do :; done
echo "--- and gone again: flows before $before, now $(ovs-dpctl dump-flows ovs-system | grep -c .)"

section "A bad row is reported, the rest keeps forwarding: p1 bound to a switch whose VNI VXLAN cannot carry"
vtep_ctl add-ls broken
vtep_ctl set Logical_Switch broken tunnel_key=16777216
vtep_ctl bind-ls br0 p1 0 broken
sleep 1
vtep_ctl get Physical_Port p1 port_fault_status
grep "broken" $log | tail -1 | sed 's/^/    log: /'
run ip netns exec vm1 ping -c 2 -i 0.2 192.168.100.55

section "kill -9 of vtep-kdp during ping -i 0.01: nothing is lost; the restart changes nothing"
ip netns exec vm1 ping -c 300 -i 0.01 192.168.100.55 > /tmp/ping.txt 2>&1 &
pinger=$!
sleep 1
kill -9 "$(cat /tmp/ovs-run/vtep-kdp.pid)"
echo "killed vtep-kdp; restarting it"
"$vtep_kdp" --db $db --datapath ovs-system --log-file=$log --pidfile=/tmp/ovs-run/vtep-kdp.pid --detach -v br0
wait $pinger || true
tail -2 /tmp/ping.txt
sleep 1
echo "--- the restarted vtep-kdp's log:"
awk '/flows already there/ { n = NR } { line[NR] = $0 } END { for (i = n; i <= NR; i++) print line[i] }' $log \
    | grep -E "serving|kept|kernel:" | sed 's/^[^ ]* /    /'

section "vtep-kdp's log: what changed and why"
kill -TERM "$(cat /tmp/ovs-run/vtep-kdp.pid)"; sleep 1
grep -E "vtep-kdp: |kernel: [1-9]|upcall:|broken" $log | head -30 | sed 's/^[^ ]* /    /'
echo "--- after SIGTERM the kernel keeps forwarding with $(ovs-dpctl dump-flows ovs-system | grep -c .) flows:"
run ip netns exec vm1 ping -c 2 -i 0.2 192.168.100.55
