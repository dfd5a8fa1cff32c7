#!/usr/bin/env bash
# Benchmark: vtep-kdp against the ofctl path (ovs-vtep + ovs-vswitchd) and
# the raw batched-netlink floor, the same work in one VM boot, one system
# after the other. Writes perf/results/vtep-vs-ofctl.{md,svg,log}.
#
#   perf/vtep-vs-ofctl.sh ["SIZES"] [OVS_VTEP_SIZE] [OVS_VTEP_BUDGET_S] [CHANGES] [OVS_VTEP_CHANGES]
#   defaults: "1000 10000 100000" 300 60 200 10 (about 35 minutes)
#
# Measured: programming (N remote MACs in one transaction → every flow in
# the kernel; for ovs-vtep, in ovs-vswitchd's OpenFlow tables, within a
# time budget, its rate extrapolated; beside them, how long ovsdb-server
# takes to deliver the update to a client that only reads it), convergence (single-MAC changes,
# commit → kernel, p50/p99), memory and CPU at rest, learning rate, traffic
# from 1,000 sources to 256 destinations (upcalls, frames/s against one
# pre-installed flow in a datapath of its own and against the same job in
# two lookups — two flows, the second after recirculation — in rounds
# rotating with the system's, first-packet latency), frames lost
# across restarts.
# VTEPKDP_PERF_SOURCES / _DESTINATIONS / _FRAMES / _TRAFFIC_ROUNDS change the traffic;
# VTEPKDP_PERF_SKIP_OVS_VTEP=1 measures vtep-kdp alone; VTEPKDP_PERF_VERBOSE=1
# keeps vtep-kdp's debug log (vm-results/perf/vtep-kdp.log).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-1000 10000 100000}"
scripts/install-deps.sh >/dev/null
swift build -c release --product vtep-kdp 2>&1 | tail -n 1
swift build -c release --product ovsdb-monitor-bench 2>&1 | tail -n 1
mkdir -p .build/perf
for tool in flow-install/floor:flow-install-floor vtep-vs-ofctl/wait-flows:wait-flows; do
    gcc -O2 -o ".build/perf/${tool#*:}" "perf/${tool%:*}.c" $(pkg-config --cflags --libs libmnl libnl-genl-3.0)
done
results="$PWD/vm-results/perf"; mkdir -p "$results"
# The commit measured, in the results ("+changes" when the sources differ from it).
VTEPKDP_PERF_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- Sources Package.swift perf 2>/dev/null || echo +changes)"
export VTEPKDP_PERF_COMMIT
VTEPKDP_VM_TIMEOUT=5400 scripts/vm.sh "$results" perf/vm/vtep-vs-ofctl.sh "$sizes" "${2:-300}" "${3:-60}" "${4:-200}" "${5:-10}" \
    "$( [ "${VTEPKDP_VM_KVM:-0}" = 1 ] && echo no || echo yes)"
cp "$results/vtep-vs-ofctl.log" perf/results/vtep-vs-ofctl.log
python3 perf/report-vtep-vs-ofctl.py perf/results/vtep-vs-ofctl.log perf/results
