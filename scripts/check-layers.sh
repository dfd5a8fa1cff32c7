#!/usr/bin/env bash
# The layering, checked: every `import` of a vtep-kdp module in a target's
# sources must name a module below it (Package.swift draws the arrows).
# The build checks the same with --explicit-target-dependency-import-check;
# this is the readable list, and it runs in a second, before any build.
set -euo pipefail
cd "$(dirname "$0")/.."

# target folder → the vtep-kdp modules it may import (arrows only go down)
declare -A allowed=(
    [Sources/OVSDatapathCore]="CNetlink"
    [Sources/OVSDatapathNL]="CNetlink OVSDatapathCore"
    [Sources/OVSDB]=""
    [Sources/BFD]=""
    [Sources/OVSUnixctl]="OVSDB"
    [Sources/VTEPModel]="OVSDB"
    [Sources/VTEPCompiler]="OVSDB VTEPModel OVSDatapathCore"
    [Sources/VTEPOffload]="OVSDB VTEPModel VTEPCompiler OVSDatapathCore OVSDatapathNL BFD"
    [Sources/vtep-kdp]="OVSDB OVSUnixctl VTEPModel VTEPCompiler OVSDatapathCore OVSDatapathNL VTEPOffload BFD"
)
ours="BFD CNetlink OVSDatapathCore OVSDatapathNL OVSDB OVSUnixctl VTEPModel VTEPCompiler VTEPOffload TestSupport"

status=0
for folder in "${!allowed[@]}"; do
    while IFS=: read -r file _ line; do
        module=$(sed -E 's/^(@testable )?(public |package |internal )?import ([A-Za-z_]+).*/\3/' <<<"$line")
        [[ " $ours " == *" $module "* ]] || continue
        if [[ " ${allowed[$folder]} " != *" $module "* ]]; then
            echo "check-layers: $file imports $module, which is not below ${folder#Sources/}" >&2
            status=1
        fi
    done < <(grep -rnE '^(@testable )?(public |package |internal )?import [A-Za-z_]+' --include='*.swift' "$folder" || true)
done
# The compiler must never see the datapath's I/O.
if grep -rnE '\b(NetlinkSocket|DatapathConnection|UpcallListener)\b' --include='*.swift' Sources/VTEPCompiler Sources/VTEPModel Sources/OVSDB Sources/OVSDatapathCore >/dev/null; then
    echo "check-layers: a pure layer names the datapath's I/O:" >&2
    grep -rnE '\b(NetlinkSocket|DatapathConnection|UpcallListener)\b' --include='*.swift' Sources/VTEPCompiler Sources/VTEPModel Sources/OVSDB Sources/OVSDatapathCore >&2
    status=1
fi
# And within a target: no loop between files (each file reads after the ones it stands on).
python3 "$(dirname "$0")/check-file-loops.py" Sources Tests || status=1
[[ $status -eq 0 ]] && echo "check-layers: every import goes down"
exit $status
