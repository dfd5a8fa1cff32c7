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

echo "== the Debian package (scripts/build-deb.sh; installed and removed in the second boot)"
package_arg=package
if [[ "$config" != release ]]; then
    package_arg=""; echo "the package is of the release build: not checked with VTEPKDP_TEST_CONFIG=$config"
elif ! scripts/build-deb.sh; then
    package_arg=""; echo "FAIL: scripts/build-deb.sh"; package_failed=1
fi

# The kernel suite in two boots: every kernel test on Debian 12's kernel,
# the core suites (scripts/vm/kernel-suite.sh) on Debian 13's kernel line;
# VTEPKDP_VM_KERNEL=/boot/vmlinuz-… runs every kernel test on that one only.
second_kernel="${VTEPKDP_SECOND_KERNEL:-/boot/vmlinuz-6.12.118+deb12-amd64}"
vm_status=0
vm_passed=0; vm_failed=0; vm_skipped=0
per_kernel=()
package_line="package check: not run"
package_failed=${package_failed:-0}
run_kernel_suite() {   # LABEL KERNEL SELECTION DIR [package]
    echo "== kernel tests in the VM: $1 ($3 suites${5:+, and the Debian package})"
    local overlays=""
    [[ "${5:-}" == package ]] && overlays="/usr /etc /var"
    set +e
    VTEPKDP_VM_OVERLAYS="$overlays" VTEPKDP_VM_KERNEL="$2" scripts/vm.sh "$4" scripts/vm/kernel-suite.sh "$config" "$3" ${5:-}
    local status=$?
    set -e
    if [[ "${5:-}" == package ]]; then
        package_line="package check on $1: $(tail -n 1 "$4/package-check.log" 2>/dev/null | sed 's/^package-check: //' || true)"
        [[ -s "$4/package-check.log" ]] || package_line="package check on $1: did not run"
        grep -q '^package-check: [0-9]* passed, 0 failed$' "$4/package-check.log" 2>/dev/null || { echo "FAIL: the package check"; vm_status=1; }
    fi
    [[ $status -eq 0 ]] || vm_status=$status
    touch "$4/kernel-tests.log"
    local passed failed skipped
    read -r passed failed skipped < <(scripts/summarize-tests.sh "$4/kernel-tests.log")
    per_kernel+=("kernel tests on $1 ($3): $passed passed, $failed failed, $skipped skipped")
    vm_passed=$((vm_passed + passed)); vm_failed=$((vm_failed + failed)); vm_skipped=$((vm_skipped + skipped))
    [[ $passed -gt 0 ]] || { echo "FAIL: no kernel test ran on $1"; vm_status=1; }
}
kernel_name() { basename "$1" | sed 's/^vmlinuz-//'; }
if [[ -n "${VTEPKDP_VM_KERNEL:-}" ]]; then
    # One kernel picked by hand: every kernel test on it, one boot.
    run_kernel_suite "$(kernel_name "$VTEPKDP_VM_KERNEL")" "$VTEPKDP_VM_KERNEL" all "$results" $package_arg
else
    debian12_kernel="$(scripts/vm.sh --print-kernel)"
    run_kernel_suite "$(kernel_name "$debian12_kernel")" "$debian12_kernel" all "$results"
    if [[ -r "$second_kernel" ]]; then
        run_kernel_suite "$(kernel_name "$second_kernel")" "$second_kernel" core "$results/kernel-6.12" $package_arg
    else
        echo "FAIL: $second_kernel is missing (scripts/install-deps.sh installs it)"; vm_status=1
    fi
fi

echo
echo "host tests: $host_passed passed, $host_failed failed, $host_skipped skipped (kernel tests skip on the host)"
for line in "${per_kernel[@]}"; do echo "$line"; done
echo "$package_line"
echo "kernel tests in the VM: $vm_passed passed, $vm_failed failed, $vm_skipped skipped"
status=0
[[ $host_status -eq 0 ]] || { echo "FAIL: host tests exited $host_status"; status=1; }
[[ $vm_status -eq 0 ]] || { echo "FAIL: a VM suite exited $vm_status"; status=1; }
[[ $vm_skipped -eq 0 ]] || { echo "FAIL: $vm_skipped kernel tests were skipped inside the VM"; status=1; }
[[ $vm_passed -gt 0 ]] || { echo "FAIL: no kernel test ran in the VM"; status=1; }
[[ $package_failed -eq 0 ]] || { echo "FAIL: the Debian package was not built"; status=1; }
total_failed=$((host_failed + vm_failed))
[[ $status -eq 0 || $total_failed -gt 0 ]] || total_failed=1
echo "total: $((host_passed + vm_passed)) passed, $total_failed failed"
exit $status
