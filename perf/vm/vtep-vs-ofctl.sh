#!/usr/bin/env bash
# Inside the VM: the same VTEP work done by vtep-kdp, by ovs-vtep +
# ovs-vswitchd (the ofctl path) and, where it applies, by the raw netlink
# floor — one system after the other, each with the kernel datapath to
# itself. Every result line goes to $VTEPKDP_RESULTS/vtep-vs-ofctl.log.
#
#   perf/vm/vtep-vs-ofctl.sh "SIZES" OVS_VTEP_SIZE OVS_VTEP_BUDGET_S CHANGES OVS_VTEP_CHANGES EMULATED
set -uo pipefail
sizes="${1:-1000 10000 100000}"; ovs_size="${2:-1000}"; budget="${3:-60}"; changes="${4:-200}"; ovs_changes="${5:-20}"; emulated="${6:-yes}"
modprobe openvswitch; modprobe vxlan
log="$VTEPKDP_RESULTS/vtep-vs-ofctl.log"; : > "$log"
say() { echo "$*" | tee -a "$log"; }
say "kernel=$(uname -r) vcpus=$(nproc) emulated=$emulated sizes=${sizes// /,} ovs_vtep_size=$ovs_size budget=$budget changes=$changes ovs_vtep_changes=$ovs_changes"
here=$PWD
kdp=$here/.build/release/vtep-kdp
add_macs=$here/perf/vtep-vs-ofctl/add-remote-macs.py
wait_flows=$here/.build/perf/wait-flows
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

fresh_db() {  # $1 = directory: a vtep.db (and conf.db for ovs-vtep) served on $1/db.sock
    export OVS_RUNDIR=$1 OVS_LOGDIR=$1 OVS_DBDIR=$1 OVS_SYSCONFDIR=$1
    mkdir -p "$1"
    ovsdb-tool create "$1/vtep.db" /usr/share/openvswitch/vtep.ovsschema
    ovsdb-tool create "$1/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server --pidfile --detach --log-file --remote="punix:$1/db.sock" "$1/conf.db" "$1/vtep.db"
    vtep-ctl add-ps br0 -- set Physical_Switch br0 tunnel_ips=10.2.2.1
}
seed_ls() {
    vtep-ctl add-port br0 p0 -- add-ls ls0 -- bind-ls br0 p0 0 ls0 -- set Logical_Switch ls0 tunnel_key=33 \
        -- add-mcast-remote ls0 unknown-dst 10.2.2.2
}
stop_all() {
    for p in "$OVS_RUNDIR"/*.pid; do [ -e "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
    sleep 1
    ovs-dpctl del-dp ovs-system 2>/dev/null; ip link del vxlan_sys_4789 2>/dev/null
    ovs-dpctl dump-dps 2>/dev/null | while read -r dp; do ovs-dpctl del-dp "$dp" 2>/dev/null; done
}
ip link add p0 type veth peer name p0p; ip link set p0 up; ip link set p0p up
ip link add eth1 type veth peer name eth1p; ip addr add 10.2.2.1/24 dev eth1; ip link set eth1 up; ip link set eth1p up

kernel_flows() { ovs-dpctl show "$1" 2>/dev/null | awk '/flows:/ {print $2}'; }
# Waits until COMMAND's number reaches TARGET or BUDGET seconds pass; prints "reached seconds" from START.
wait_count() {  # START TARGET BUDGET COMMAND...
    local start=$1 target=$2 limit=$3; shift 3
    local n=0
    while :; do
        n=$("$@"); n=${n:-0}
        local t; t=$(elapsed "$start" "$(now)")
        if [ "$n" -ge "$target" ] || [ "$(echo "$t > $limit" | bc)" = 1 ]; then echo "$n $t"; return; fi
        sleep 0.01
    done
}

# --- The raw floor: a C program batching OVS_FLOW_CMD_NEW, 50 per sendmsg.
for n in $sizes; do
    ovs-dpctl add-dp floor 2>/dev/null
    out=$(.build/perf/flow-install-floor floor "$n")
    say "result system=floor work=program n=$n seconds=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p') installed=$n"
    ovs-dpctl del-dp floor
done

# --- vtep-kdp
fresh_db /tmp/kdp
seed_ls
"$kdp" --db "unix:/tmp/kdp/db.sock" --datapath ovs-system --log-file=/tmp/kdp/vtep-kdp.log --pidfile=/tmp/kdp/vtep-kdp.pid --detach ${VTEPKDP_PERF_VERBOSE:+-v} br0
until [ "$(kernel_flows ovs-system)" -ge 4 ] 2>/dev/null; do sleep 0.1; done
first=0
for n in $sizes; do
    base=$(kernel_flows ovs-system)
    line=$(python3 "$add_macs" /tmp/kdp/db.sock ls0 "$n" "$first" 10.2.2.3)
    committed=$(echo "$line" | sed 's/committed_at=\([0-9.]*\).*/\1/')
    read -r reached seconds < <("$wait_flows" ovs-system $((base + n)) 600 "$committed")
    say "result system=vtep-kdp work=program n=$n seconds=$seconds installed=$((reached - base)) $(echo "$line" | sed 's/committed_at=[0-9.]* //')"
    first=$((first + n))
done
# Convergence: single-MAC changes, one at a time, commit → kernel.
for i in $(seq "$changes"); do
    base=$(kernel_flows ovs-system)
    line=$(python3 "$add_macs" /tmp/kdp/db.sock ls0 1 $((5000000 + i)) 10.2.2.4)
    committed=$(echo "$line" | sed 's/committed_at=\([0-9.]*\).*/\1/')
    read -r reached seconds < <("$wait_flows" ovs-system $((base + 1)) 30 "$committed")
    say "change system=vtep-kdp seconds=$seconds"
done
say "rss system=vtep-kdp kib=$(awk '/VmRSS/ {print $2}' /proc/"$(cat /tmp/kdp/vtep-kdp.pid)"/status) flows=$(kernel_flows ovs-system)"
cp /tmp/kdp/vtep-kdp.log "$VTEPKDP_RESULTS/vtep-kdp.log"
stop_all
[ "${VTEPKDP_PERF_SKIP_OVS_VTEP:-0}" = 1 ] && { say "done (ovs-vtep skipped)"; exit 0; }

# --- ovs-vtep + ovs-vswitchd (the ofctl path). It has no kernel flows until
# traffic flows: "programmed" is its OpenFlow rules being in ovs-vswitchd.
fresh_db /tmp/ofctl
ovs-vsctl --no-wait init
ovs-vswitchd --pidfile --detach --log-file
ovs-vsctl add-br br0 -- add-port br0 p0
/usr/share/openvswitch/scripts/ovs-vtep --log-file=/tmp/ofctl/ovs-vtep.log --pidfile=/tmp/ofctl/ovs-vtep.pid --detach br0
seed_ls
openflow_macs() { ovs-ofctl dump-flows br0_vtep_ls1 table=1 2>/dev/null | grep -c 'dl_dst=0a:00'; }
until ovs-ofctl dump-flows br0_vtep_ls1 >/dev/null 2>&1; do sleep 0.2; done
sleep 2
line=$(python3 "$add_macs" /tmp/ofctl/db.sock ls0 "$ovs_size" 0 10.2.2.3)
committed=$(echo "$line" | sed 's/committed_at=\([0-9.]*\).*/\1/')
read -r reached seconds < <(wait_count "$committed" "$ovs_size" "$budget" openflow_macs)
say "result system=ovs-vtep work=program n=$ovs_size seconds=$seconds installed=$reached budget=$budget $(echo "$line" | sed 's/committed_at=[0-9.]* //')"
# Single changes are measured on the same table as vtep-kdp's: after the
# batch is in (ovs-vtep works through it at a few MACs a second).
read -r drained drain_seconds < <(wait_count "$committed" "$ovs_size" 1800 openflow_macs)
say "drain system=ovs-vtep n=$ovs_size installed=$drained seconds=$drain_seconds"
for i in $(seq "$ovs_changes"); do
    base=$(openflow_macs)
    line=$(python3 "$add_macs" /tmp/ofctl/db.sock ls0 1 $((5000000 + i)) 10.2.2.4)
    committed=$(echo "$line" | sed 's/committed_at=\([0-9.]*\).*/\1/')
    read -r reached seconds < <(wait_count "$committed" $((base + 1)) 60 openflow_macs)
    say "change system=ovs-vtep seconds=$seconds"
done
vsw=$(awk '/VmRSS/ {print $2}' /proc/"$(cat /tmp/ofctl/ovs-vswitchd.pid)"/status)
vtep=$(awk '/VmRSS/ {print $2}' /proc/"$(cat /tmp/ofctl/ovs-vtep.pid)"/status)
say "rss system=ovs-vtep kib=$((vsw + vtep)) flows=$(openflow_macs)"
stop_all
say "done"
