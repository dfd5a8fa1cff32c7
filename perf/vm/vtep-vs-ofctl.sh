#!/usr/bin/env bash
# Inside the VM: the same VTEP work done by vtep-kdp, by ovs-vtep +
# ovs-vswitchd (the ofctl path) and, where it applies, by the raw netlink
# floor — one system after the other, each with the kernel datapath to
# itself. Every result line goes to $VTEPKDP_RESULTS/vtep-vs-ofctl.log.
#
#   perf/vm/vtep-vs-ofctl.sh "SIZES" OVS_VTEP_SIZE OVS_VTEP_BUDGET_S CHANGES OVS_VTEP_CHANGES EMULATED
#
# Per system, in this order: programming N remote MACs, convergence
# (single changes), CPU over 30 idle seconds and memory, learning (new
# local MACs → Ucast_Macs_Local rows), traffic from
# SOURCES local MACs to DESTINATIONS remote ones (first-packet latency,
# upcalls, forwarded frames per second), frames lost across restarts. The
# traffic baseline is one pre-installed flow doing the same job.
set -uo pipefail
sizes="${1:-1000 10000 100000}"; ovs_size="${2:-1000}"; budget="${3:-60}"; changes="${4:-200}"; ovs_changes="${5:-20}"; emulated="${6:-yes}"
modprobe openvswitch; modprobe vxlan
# No IPv6: its neighbour and router solicitations would be counted as frames.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
log="$VTEPKDP_RESULTS/vtep-vs-ofctl.log"; : > "$log"
say() { echo "$*" | tee -a "$log"; }
say "kernel=$(uname -r) vcpus=$(nproc) emulated=$emulated sizes=${sizes// /,} ovs_vtep_size=$ovs_size budget=$budget changes=$changes ovs_vtep_changes=$ovs_changes commit=${VTEPKDP_PERF_COMMIT:-unknown}"
here=$PWD
kdp=$here/.build/release/vtep-kdp
add_macs=$here/perf/vtep-vs-ofctl/add-remote-macs.py
wait_flows=$here/.build/perf/wait-flows
bench=$here/.build/release/ovsdb-monitor-bench
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
. "$here/perf/vm/traffic.sh"
sources=${VTEPKDP_PERF_SOURCES:-1000}; destinations=${VTEPKDP_PERF_DESTINATIONS:-256}; frames=${VTEPKDP_PERF_FRAMES:-40000}
first_packet=$here/perf/vtep-vs-ofctl/first-packet.py
learn_rate=$here/perf/vtep-vs-ofctl/learn-rate.py

# Paired rounds (the system's, alternating with the baselines'): many short
# ones, since the emulated machine's speed wanders by ±15% within seconds
# and only rounds close in time compare. Nine rounds of 100,000 frames
# gave medians that moved by ±5 points from boot to boot; 27 of 40,000
# (about 1.2 s each) take about as long and pair closer. A system measured
# alone (ovs-vtep, which upcalls every frame) gets fewer.
rounds=${VTEPKDP_PERF_TRAFFIC_ROUNDS:-27}; lone_rounds=${VTEPKDP_PERF_LONE_ROUNDS:-5}

# The baseline: one pre-installed flow doing the job of the system's whole
# pipeline — everything from q0 into the tunnel — in a datapath of its own
# ("baseline": q0 and a VXLAN device made as vtep-kdp makes its own, on UDP
# 4790 since 4789 is taken). Being separate, it can run while a system's
# datapath keeps its 100,000 flows, so their rounds can alternate.
# Beside it, the same job in two stages ("two-stage", r0, UDP 4791): one
# flow that recirculates and one that sends into the tunnel, both matching
# no MAC — the cost of vtep-kdp's pipeline shape (a second lookup per
# frame) measured apart from its 100,000 exact-match flows.
one_datapath() {  # DATAPATH DEVICE UDP_PORT: prints "DEVICE_PORT VXLAN_PORT"
    ip link add "$2" type veth peer name "${2}p"; ip link set "$2" up; ip link set "${2}p" up
    ip link add "vxlan_sys_$3" mtu 65000 type vxlan dstport "$3" external nolearning udp6zerocsumrx
    ip link set "vxlan_sys_$3" up
    ovs-dpctl add-dp "$1" "$2" "vxlan_sys_$3"
    local ports; ports=$(ovs-dpctl show "$1")
    echo "$(echo "$ports" | sed -n "s/.*port \([0-9]*\): $2\$/\1/p") $(echo "$ports" | sed -n "s/.*port \([0-9]*\): vxlan_sys_$3.*/\1/p")"
}
any_mac="eth(src=00:00:00:00:00:00/00:00:00:00:00:00,dst=00:00:00:00:00:00/00:00:00:00:00:00)"
into_tunnel() { echo "set(tunnel(tun_id=0x21,src=10.2.2.1,dst=10.2.2.3,ttl=64,tp_dst=$1,flags(df|key)))"; }
baseline_up() {
    local port vx
    read -r port vx < <(one_datapath baseline q0 4790)
    ovs-dpctl add-flow baseline "recirc_id(0),in_port($port),$any_mac" "$(into_tunnel 4790),$vx" 2>&1 | tee -a "$log"
    read -r port vx < <(one_datapath twostage r0 4791)
    ovs-dpctl add-flow twostage "recirc_id(0),in_port($port),$any_mac" "recirc(33)" 2>&1 | tee -a "$log"
    ovs-dpctl add-flow twostage "recirc_id(33),$any_mac" "$(into_tunnel 4791),$vx" 2>&1 | tee -a "$log"
    say "baseline flows=$(kernel_flows baseline) two-stage flows=$(kernel_flows twostage)"
}
baseline_down() {
    for dp in baseline twostage; do ovs-dpctl del-dp "$dp" 2>/dev/null; done
    ip link del vxlan_sys_4790 2>/dev/null; ip link del q0 2>/dev/null
    ip link del vxlan_sys_4791 2>/dev/null; ip link del r0 2>/dev/null
}

# One round: FRAMES frames from DEVICE's far end through DATAPATH.
traffic_round() {  # SYSTEM DEVICE DATAPATH ROUND
    local hit0 missed0 lost0 hit1 missed1 lost1 rx0 rx1 dropped0 dropped1 out
    use_sender "$2"
    read -r hit0 missed0 lost0 < <(lookups "$3"); rx0=$(rx_frames); dropped0=$(tx_dropped "$2")
    out=$(send_frames "$frames" "$sources" "$destinations" 0 1)
    sleep 0.5
    read -r hit1 missed1 lost1 < <(lookups "$3"); rx1=$(rx_frames); dropped1=$(tx_dropped "$2")
    say "traffic system=$1 round=$4 sources=$sources destinations=$destinations $out forwarded=$((rx1 - rx0)) upcalls=$((missed1 - missed0)) lost_upcalls=$((lost1 - lost0)) entry_dropped=$((dropped1 - dropped0)) flows=$(kernel_flows "$3")"
}

# The traffic measurements, the same for every system on datapath
# ovs-system. With ALTERNATE=1 every round of the system's is run back to
# back with one of each baseline's (single-flow, two-stage), the three in
# an order that rotates from round to round: the emulated machine's speed
# wanders by tens of per cent within minutes, and close rounds in every
# order give all three the same moments.
traffic() {  # SYSTEM SOURCE_PREFIX (new MACs for the first-packet test) ALTERNATE
    say "$(python3 "$first_packet" p0p eth1p 30 "$2" 0a:00:00:00:00:01) system=$1"
    [ "$3" = 1 ] && say "$(python3 "$first_packet" q0p eth1p 30 "$2" 0a:00:00:00:00:01 4790) system=single-flow"
    # Every source sends once, twice over, at 1,000 frames/s: afterwards they are known.
    use_sender p0p
    send_frames "$sources" "$sources" 1 1000000 0 >/dev/null; sleep 3
    send_frames "$sources" "$sources" 1 1000000 0 >/dev/null; sleep 3
    local round order
    for round in $(seq "$([ "$3" = 1 ] && echo "$rounds" || echo "$lone_rounds")"); do
        if [ "$3" = 1 ]; then
            case $((round % 3)) in
            1) order="system single two";; 2) order="single two system";; 0) order="two system single";;
            esac
        else
            order=system
        fi
        for which in $order; do
            case $which in
            system) traffic_round "$1" p0p ovs-system "$round";;
            single) traffic_round single-flow q0p baseline "$round";;
            two) traffic_round two-stage r0p twostage "$round";;
            esac
        done
    done
    use_sender p0p
}

# Steady traffic from one known source to one known destination (10,000
# frames/s for 8 s) while RESTART runs; counts what did not come out.
across_restart() {  # SYSTEM WHAT RESTART...
    local system=$1 what=$2; shift 2
    local rx0 rx1 out
    rx0=$(rx_frames)
    send_frames 80000 1 1 100000 0 > /tmp/restart-send.out &
    local sender=$!
    sleep 2
    local started; started=$(now)
    "$@"
    local took; took=$(elapsed "$started" "$(now)")
    wait "$sender"; sleep 1
    rx1=$(rx_frames); out=$(cat /tmp/restart-send.out)
    local sent; sent=$(echo "$out" | sed 's/.*sent=\([0-9]*\).*/\1/')
    say "restart system=$system what=$what $out forwarded=$((rx1 - rx0)) lost=$((sent - (rx1 - rx0))) restart_seconds=$took"
}
# CPU used over 30 idle seconds by the processes in PIDS.
at_rest() {  # SYSTEM FLOWS PIDS...
    local system=$1 flows=$2; shift 2
    local before=0 after=0 pid
    for pid in "$@"; do before=$(echo "$before + $(cpu_seconds "$pid")" | bc -l); done
    sleep 30
    for pid in "$@"; do after=$(echo "$after + $(cpu_seconds "$pid")" | bc -l); done
    say "rest system=$system cpu_seconds=$(echo "$after - $before" | bc -l | xargs printf %.2f) seconds=30 flows=$flows"
}

# "FLOWS SECONDS" from wait-flows' output: seconds from the commit's reply
# to the flows being seen, 0 when they were in before the reply arrived.
since() {  # COMMITTED_AT FILE
    local flows at; read -r flows at < "$2"
    echo "$flows $(echo "d = $at - $1; if (d < 0) d = 0; d" | bc -l)"
}
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
# Twice: flows whose only action is output (the floor the targets use), and
# flows with vtep-kdp's own actions, set(tunnel(...)) then output, for which
# the kernel does more work per flow (floor-tunnel).
for n in $sizes; do
    for actions in output tunnel; do
        ovs-dpctl add-dp floor 2>/dev/null
        out=$(.build/perf/flow-install-floor floor "$n" $([ $actions = tunnel ] && echo tunnel))
        say "result system=$([ $actions = tunnel ] && echo floor-tunnel || echo floor) work=program n=$n seconds=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p') installed=$n"
        ovs-dpctl del-dp floor
    done
done

# --- Delivery: how long ovsdb-server takes, after the commit's reply, to
# send the update to a monitoring client that only reads its bytes — part
# of every system's programming time that no client can shorten.
fresh_db /tmp/delivery
seed_ls
first=0
for n in $sizes; do
    rm -f /tmp/arrival.out
    "$bench" arrival /tmp/delivery/db.sock > /tmp/arrival.out &
    reader=$!
    for _ in $(seq 400); do grep -q ready /tmp/arrival.out 2>/dev/null && break; sleep 0.05; done
    line=$(python3 "$add_macs" /tmp/delivery/db.sock ls0 "$n" "$first" 10.2.2.3)
    wait "$reader"
    committed=$(echo "$line" | sed 's/committed_at=\([0-9.]*\).*/\1/')
    arrival=$(tail -n 1 /tmp/arrival.out)
    first_byte=$(echo "$arrival" | sed 's/.*update_first_byte_at=\([0-9.]*\).*/\1/')
    arrived=$(echo "$arrival" | sed 's/.*update_arrived_at=\([0-9.]*\).*/\1/')
    say "result system=delivery work=program n=$n seconds=$(echo "d = $arrived - $committed; if (d < 0) d = 0; d" | bc -l) first_byte_seconds=$(echo "$first_byte - $committed" | bc -l) bytes=$(echo "$arrival" | sed 's/.*bytes=\([0-9]*\).*/\1/') $(echo "$line" | sed 's/committed_at=[0-9.]* //')"
    first=$((first + n))
done
stop_all

# --- vtep-kdp
fresh_db /tmp/kdp
seed_ls
"$kdp" --db "unix:/tmp/kdp/db.sock" --datapath ovs-system --log-file=/tmp/kdp/vtep-kdp.log --pidfile=/tmp/kdp/vtep-kdp.pid --detach ${VTEPKDP_PERF_VERBOSE:+-v} br0
# The binding's two flooding flows (p0 → tunnel, tunnel → p0) mean the first pass is done.
until [ "$(kernel_flows ovs-system)" -ge 2 ] 2>/dev/null; do sleep 0.1; done
first=0
for n in $sizes; do
    base=$(kernel_flows ovs-system)
    "$wait_flows" ovs-system $((base + n)) 900 > /tmp/wait-flows.out &
    line=$(python3 "$add_macs" /tmp/kdp/db.sock ls0 "$n" "$first" 10.2.2.3)
    wait $!
    committed=$(echo "$line" | sed 's/committed_at=\([0-9.]*\).*/\1/')
    read -r reached seconds < <(since "$committed" /tmp/wait-flows.out)
    say "result system=vtep-kdp work=program n=$n seconds=$seconds installed=$((reached - base)) $(echo "$line" | sed 's/committed_at=[0-9.]* //')"
    first=$((first + n))
done
# Convergence: single-MAC changes, one at a time, commit → kernel.
for i in $(seq "$changes"); do
    base=$(kernel_flows ovs-system)
    "$wait_flows" ovs-system $((base + 1)) 60 > /tmp/wait-flows.out &
    line=$(python3 "$add_macs" /tmp/kdp/db.sock ls0 1 $((5000000 + i)) 10.2.2.4)
    wait $!
    committed=$(echo "$line" | sed 's/committed_at=\([0-9.]*\).*/\1/')
    read -r reached seconds < <(since "$committed" /tmp/wait-flows.out)
    say "change system=vtep-kdp seconds=$seconds"
done
say "rss system=vtep-kdp kib=$(awk '/VmRSS/ {print $2}' /proc/"$(cat /tmp/kdp/vtep-kdp.pid)"/status) flows=$(kernel_flows ovs-system)"
at_rest vtep-kdp "$(kernel_flows ovs-system)" "$(cat /tmp/kdp/vtep-kdp.pid)"
say "$(python3 "$learn_rate" /tmp/kdp/db.sock p0p 10 1000 06:00:10 0a:00:00:00:00:01 60) system=vtep-kdp"
baseline_up
traffic vtep-kdp 06:00:01 1
baseline_down
restart_kdp() {
    local pid; pid=$(cat /tmp/kdp/vtep-kdp.pid)
    kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    "$kdp" --db "unix:/tmp/kdp/db.sock" --datapath ovs-system --log-file=/tmp/kdp/vtep-kdp.log --pidfile=/tmp/kdp/vtep-kdp.pid --detach br0
}
across_restart vtep-kdp vtep-kdp restart_kdp
cp /tmp/kdp/vtep-kdp.log "$VTEPKDP_RESULTS/vtep-kdp.log"

kill "$(cat /tmp/kdp/vtep-kdp.pid)"; sleep 1
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
at_rest ovs-vtep "$(openflow_macs)" "$(cat /tmp/ofctl/ovs-vswitchd.pid)" "$(cat /tmp/ofctl/ovs-vtep.pid)"
# ovs-vtep's learned OpenFlow entries expire after 15 s: a MAC not listed after 20 s never will be.
say "$(python3 "$learn_rate" /tmp/ofctl/db.sock p0p 10 200 06:00:11 0a:00:00:00:00:01 20 120) system=ovs-vtep"
traffic ovs-vtep 06:00:03 0
restart_ovs_vtep() {
    local pid; pid=$(cat /tmp/ofctl/ovs-vtep.pid)
    kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    /usr/share/openvswitch/scripts/ovs-vtep --log-file=/tmp/ofctl/ovs-vtep.log --pidfile=/tmp/ofctl/ovs-vtep.pid --detach br0
}
restart_ovs_vswitchd() {
    ovs-appctl -t ovs-vswitchd exit
    ovs-vswitchd --pidfile --detach --log-file
}
across_restart ovs-vtep ovs-vtep restart_ovs_vtep
across_restart ovs-vtep ovs-vswitchd restart_ovs_vswitchd
stop_all
say "done"
