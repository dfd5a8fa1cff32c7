#!/usr/bin/env bash
# Benchmark: install COUNT flows (default 100,000) through vtep-kdp's flow
# API and through a minimal C program batching the same OVS_FLOW_CMD_NEW
# messages with libmnl, alternating, in one VM boot; then dump them.
# Writes perf/results/flow-install.md and .svg.
#
#   perf/flow-install.sh [COUNT] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100000}"; rounds="${2:-3}"
scripts/install-deps.sh >/dev/null
swift build -c release --product flow-install-bench 2>&1 | tail -n 1
mkdir -p .build/perf
gcc -O2 -o .build/perf/flow-install-floor perf/flow-install/floor.c $(pkg-config --cflags --libs libmnl libnl-genl-3.0)
results="$PWD/vm-results/perf"; mkdir -p "$results"
VTEPKDP_VM_TIMEOUT=2400 scripts/vm.sh "$results" perf/vm/flow-install.sh "$count" "$rounds"
python3 perf/report-flow-install.py "$results/flow-install.log" perf/results
