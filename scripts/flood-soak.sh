#!/usr/bin/env bash
# The 10-minute hostile-network soak (issue 20): 2,000 new source MACs a
# second with random EtherTypes and VLANs on p0, plus VXLAN from an
# underlay host no row names, while VM1 pings VM3; prints vtep-kdp's peak
# RSS and kernel flow count against their bounds. Boots the VM like the
# test suite (scripts/vm.sh); CI runs the same test for 60 s.
#   scripts/flood-soak.sh [SECONDS]     (default 600)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release -Xswiftc -enable-testing --build-tests 2>&1 | tail -n 1
results="$PWD/vm-results/flood-soak"; mkdir -p "$results"
VTEPKDP_VM_TIMEOUT=$(( ${1:-600} + 900 )) scripts/vm.sh "$results" scripts/vm/flood-soak.sh "${1:-600}" release
grep -E "^flood " "$results/flood-soak.log"
