#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: installs what is missing,
# builds vtep-kdp, boots Debian's kernel in QEMU (the openvswitch module is
# not available on the build host) and runs the reference set-up inside.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build 2>&1 | tail -n 1
scripts/vm.sh "${VTEPKDP_RESULTS_DIR:-$PWD/vm-results}" scripts/vm/main-job.sh
