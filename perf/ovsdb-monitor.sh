#!/usr/bin/env bash
# Benchmark: the initial monitor of ROWS Ucast_Macs_Remote rows (default
# 100,000) decoded into vtep-kdp's typed model, then UPDATES (default
# 10,000) one-row updates applied one by one — beside OVS's Python IDL
# (what ovs-vtep is built on) doing the same, and the floor: a client that
# only reads the monitor reply's bytes. Host only (no kernel needed), each
# system ROUNDS times, alternating. Writes perf/results/ovsdb-monitor.{md,svg}.
# The updates are measured twice: live (each arrives on its own as the
# server commits it, so a client mostly pays for waking up) and as a
# backlog (gate.py holds them back, then hands them over at once: the cost
# of applying them).
#
#   perf/ovsdb-monitor.sh [ROWS] [UPDATES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-100000}"; updates="${2:-10000}"; rounds="${3:-3}"
scripts/install-deps.sh >/dev/null
swift build -c release --product ovsdb-monitor-bench 2>&1 | tail -n 1
bench=.build/release/ovsdb-monitor-bench
schema=/usr/share/openvswitch/vtep.ovsschema
work=$(mktemp -d /tmp/vtep-kdp-ovsdb-bench.XXXXXX)
log=$PWD/perf/results/ovsdb-monitor.log
mkdir -p perf/results
: > "$log"
server_pid=
gate_pid=
cleanup() { for pid in $server_pid $gate_pid; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "host=$(uname -r) cpus=$(nproc) rows=$rows updates=$updates rounds=$rounds ovsdb-server=$(ovsdb-server --version | head -1 | awk '{print $NF}')" | tee -a "$log"
start_server() {
    rm -f "$work/db.sock"
    ovsdb-server "$work/vtep.db" --remote="punix:$work/db.sock" --unixctl="$work/ctl" -vconsole:off &
    server_pid=$!
    while [ ! -S "$work/db.sock" ]; do sleep 0.05; done
}
# A fresh gate for one client: it exits when that client does.
start_gate() {
    rm -f "$work/gate.sock" "$work/gate-ctl.sock"
    /usr/bin/python3 perf/ovsdb-monitor/gate.py "$work/gate.sock" "$work/db.sock" "$work/gate-ctl.sock" &
    gate_pid=$!
    while [ ! -S "$work/gate.sock" ] || [ ! -S "$work/gate-ctl.sock" ]; do sleep 0.05; done
}
ovsdb-tool create "$work/vtep.db" "$schema"
start_server
/usr/bin/python3 perf/ovsdb-monitor/populate.py "$work/db.sock" "$rows" | tee -a "$log"
for round in $(seq "$rounds"); do
    # A fresh server each round, so no system reads another's warm caches.
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    # Every update round changes ipaddr; compact so the file stays small.
    ovsdb-tool compact "$work/vtep.db"
    start_server
    "$bench" floor "$work/db.sock" | tee -a "$log"
    "$bench" client "$work/db.sock" "$updates" | tee -a "$log"
    (cd perf/ovsdb-monitor && /usr/bin/python3 idl.py "$work/db.sock" "$schema" "$updates") | tee -a "$log"
    start_gate
    "$bench" backlog "$work/gate.sock" "$work/db.sock" "$work/gate-ctl.sock" "$updates" | tee -a "$log"
    wait "$gate_pid" || true
    start_gate
    (cd perf/ovsdb-monitor && /usr/bin/python3 idl.py "$work/gate.sock" "$schema" "$updates" "$work/db.sock" "$work/gate-ctl.sock") | tee -a "$log"
    wait "$gate_pid" || true
    gate_pid=
done
python3 perf/report-ovsdb-monitor.py "$log" perf/results
