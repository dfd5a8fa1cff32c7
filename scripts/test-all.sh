#!/usr/bin/env bash
# Every test of vtep-kdp, from a fresh Debian 12 machine: installs what is
# missing, runs the host tests, then boots Debian's kernel in QEMU and runs
# the kernel test suite against the real openvswitch module. Fails if any
# test fails or if any kernel test was skipped inside the VM.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

results="${VTEPKDP_RESULTS_DIR:-$PWD/vm-results}"
mkdir -p "$results"

# Optimised, as vtep-kdp ships: a debug build of the daemon spends most of a
# burst of misses decoding upcalls and the kernel tests time real work.
# VTEPKDP_TEST_CONFIG=debug builds and tests the debug configuration instead.
config="${VTEPKDP_TEST_CONFIG:-release}"
build_flags=(-c "$config")
[[ "$config" == release ]] && build_flags+=(-Xswiftc -enable-testing)   # for @testable imports

echo "== house style and layers"
# The layers: each target imports only what lies below it (the build checks
# it again below); the style: swift format's lint with the committed
# .swift-format, every public declaration documented.
scripts/check-layers.sh
swift format lint --strict --recursive --parallel Sources Tests perf Package.swift
echo "swift format lint: clean"
# One concept per file: a source file past 400 lines is two concepts.
long=$(find Sources Tests perf -name '*.swift' -exec awk 'END { if (NR > 400) print FILENAME " has " NR " lines" }' {} \;)
[[ -z "$long" ]] || { echo "$long"; echo "FAIL: split these files (400 lines at most)"; exit 1; }

echo "== build ($config)"
set +e
swift build "${build_flags[@]}" --build-tests --explicit-target-dependency-import-check error > "$results/build.log" 2>&1
build_status=$?
set -e
tail -n 3 "$results/build.log"
[[ $build_status -eq 0 ]] || { grep -E "error" "$results/build.log" | head -20; echo "FAIL: the build failed"; exit 1; }

echo "== host tests (no kernel datapath here: kernel tests skip)"
set +e
swift test "${build_flags[@]}" --skip-build 2>&1 | tee "$results/host-tests.log"
host_status=${PIPESTATUS[0]}
set -e
read -r host_passed host_failed host_skipped < <(scripts/summarize-tests.sh "$results/host-tests.log")

echo "== kernel tests in the VM"
set +e
scripts/vm.sh "$results" scripts/vm/kernel-suite.sh "$config"
vm_status=$?
set -e
touch "$results/kernel-tests.log"
read -r vm_passed vm_failed vm_skipped < <(scripts/summarize-tests.sh "$results/kernel-tests.log")

echo
echo "host tests: $host_passed passed, $host_failed failed, $host_skipped skipped (kernel tests skip on the host)"
echo "kernel tests in the VM: $vm_passed passed, $vm_failed failed, $vm_skipped skipped"
status=0
[[ $host_status -eq 0 ]] || { echo "FAIL: host tests exited $host_status"; status=1; }
[[ $vm_status -eq 0 ]] || { echo "FAIL: the VM suite exited $vm_status"; status=1; }
[[ $vm_skipped -eq 0 ]] || { echo "FAIL: $vm_skipped kernel tests were skipped inside the VM"; status=1; }
[[ $vm_passed -gt 0 ]] || { echo "FAIL: no kernel test ran in the VM"; status=1; }
total_failed=$((host_failed + vm_failed))
[[ $status -eq 0 || $total_failed -gt 0 ]] || total_failed=1
echo "total: $((host_passed + vm_passed)) passed, $total_failed failed"
exit $status
