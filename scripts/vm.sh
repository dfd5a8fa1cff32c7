#!/usr/bin/env bash
# Boots Debian's kernel under QEMU with virtme-ng (the host filesystem shared
# read-only, RESULTS_DIR writable) and runs one script inside as root.
#
#   scripts/vm.sh RESULTS_DIR SCRIPT [ARGS...]
#
# VTEPKDP_VM_KERNEL=/boot/vmlinuz-… picks the kernel (default: Debian 12's).
# VTEPKDP_VM_OVERLAYS="/usr /etc /var" makes those directories writable in
# the guest only (an overlay; the host's stay as they are): for installing
# the Debian package there.
# The script's exit status is written to RESULTS_DIR/exit-status and becomes
# ours. Software emulation only (KVM is not usable on the build machines);
# VTEPKDP_VM_KVM=1 uses KVM where it is.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
# By default Debian 12's own kernel (the one linux-image-amd64 pulls in),
# not merely the newest in /boot: the 6.12 line is installed beside it.
debian_kernel="$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null | sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')"
default_kernel="/boot/vmlinuz-$debian_kernel"
[[ -n "$debian_kernel" && -r "$default_kernel" ]] || default_kernel="$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)"
kernel="${VTEPKDP_VM_KERNEL:-$default_kernel}"
# `vm.sh --print-kernel`: the kernel it would boot.
[[ "${1:-}" == --print-kernel ]] && { echo "$kernel"; exit 0; }
results="$(mkdir -p "$1" && cd "$1" && pwd)"; shift
script="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; shift

[[ -n "$kernel" && -r "$kernel" ]] || { echo "vm.sh: no kernel in /boot (apt-get install linux-image-amd64)" >&2; exit 2; }

vng="$(command -v vng || echo "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/vng")"
[[ -x "$vng" ]] || { echo "vm.sh: virtme-ng is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }

overlays=()
for dir in ${VTEPKDP_VM_OVERLAYS:-}; do overlays+=(--overlay-rwdir "$dir"); done

kvm_flag=(--disable-kvm)
[[ "${VTEPKDP_VM_KVM:-0}" == 1 ]] && kvm_flag=()

args=""
for a in "$@"; do args+=" $(printf '%q' "$a")"; done
# The inner command records its own status: vng's exit code has not always
# been the guest's.
# Benchmark switches (VTEPKDP_PERF_*) are passed through to the guest.
passed=""
while IFS='=' read -r name value; do passed+=" $name=$(printf '%q' "$value")"; done < <(env | grep '^VTEPKDP_PERF_' || true)
# `started` tells a guest that never reached the script (a boot that failed,
# which is no test's failure) from a script that died on the way.
inner="touch $(printf '%q' "$results")/started && cd $(printf '%q' "$here") &&$passed VTEPKDP_IN_VM=1 VTEPKDP_RESULTS=$(printf '%q' "$results") bash $(printf '%q' "$script")$args; echo \$? > $(printf '%q' "$results")/exit-status"
boot() {   # [extra vng flags]
    rm -f "$results/exit-status" "$results/started"
    timeout "${VTEPKDP_VM_TIMEOUT:-1500}" "$vng" --run "$kernel" "${kvm_flag[@]}" --memory 2G --cpus 2 "$@" \
        --rwdir "$results" "${overlays[@]}" --exec "$inner" </dev/null 2>&1 | sed 's/[[:space:]]*$//' || true
}
echo "vm.sh: booting $(basename "$kernel") (${kvm_flag[*]:-kvm}, 2 vCPUs, 2 GiB) to run $(basename "$script")$args"
boot
if [[ ! -e "$results/started" ]]; then
    # Once, with the kernel's console kept, so that a second failure says why.
    echo "vm.sh: the guest never started $(basename "$script"); booting again, the console in $results/boot-console.log" >&2
    boot --verbose > "$results/boot-console.log"
    grep -v '^\[' "$results/boot-console.log" | grep -v '^$' || true
    [[ -e "$results/started" ]] || { echo "vm.sh: the second boot failed too; the end of its console:" >&2; tail -n 40 "$results/boot-console.log" >&2; }
fi
if [[ ! -s "$results/exit-status" ]]; then
    echo "vm.sh: the VM did not report an exit status (the guest died or timed out)" >&2
    exit 3
fi
exit "$(cat "$results/exit-status")"
