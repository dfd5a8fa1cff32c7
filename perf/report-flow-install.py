#!/usr/bin/env python3
"""Turns the VM log of perf/vm/flow-install.sh into a markdown table and an
SVG bar chart. Every number comes from the log of that one run."""
import re
import statistics
import sys
from pathlib import Path

log_path, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
text = log_path.read_text()
header = dict(re.findall(r"(\w+)=(\S+)", text.splitlines()[0]))


def rates(label):
    return [float(m) for m in re.findall(rf"^{label} .*flows_per_second=(\d+)", text, re.M)]


def seconds(label):
    return [float(m) for m in re.findall(rf"^{label} .*seconds=([\d.]+)", text, re.M)]


floor, swift = rates("floor"), rates("swift")
dump, statsdump = rates("dump"), rates("statsdump")
checks = re.findall(r"check label=(\w+) kernel_flows=(\d+)", text)
dpctl = re.search(r"dpctldump flows=(\d+) seconds=([\d.]+)", text)
if not floor or not swift:
    sys.exit("no results in the log")

med_floor, med_swift = statistics.median(floor), statistics.median(swift)
ratio = med_swift / med_floor
count = int(header.get("count", 0))
rows = [
    ("C floor (libmnl, 50/sendmsg)", "install", med_floor, statistics.median(seconds("floor"))),
    ("vtep-kdp flow API", "install", med_swift, statistics.median(seconds("swift"))),
    ("vtep-kdp flow API", "dump (full)", statistics.median(dump), statistics.median(seconds("dump"))),
    ("vtep-kdp flow API", "dump (UFID + stats only)", statistics.median(statsdump), statistics.median(seconds("statsdump"))),
]
if dpctl:
    n, s = int(dpctl.group(1)), float(dpctl.group(2))
    rows.append(("ovs-dpctl dump-flows", "dump (text)", n / s, s))

md = [
    f"# Flow installation: vtep-kdp vs the C floor",
    "",
    f"Measured by `perf/flow-install.sh` in one VM boot: kernel {header.get('kernel')}, "
    f"{header.get('vcpus')} vCPUs, QEMU software emulation (no KVM) — absolute numbers are "
    f"~10× below native; read the ratios. {count:,} flows per run, "
    f"{header.get('rounds')} alternating rounds per system, median shown.",
    "",
    "| system | operation | flows/s | seconds |",
    "|---|---|---:|---:|",
]
md += [f"| {a} | {b} | {r:,.0f} | {s:.3f} |" for a, b, r, s in rows]
md += [
    "",
    f"**vtep-kdp installs at {ratio:.0%} of the C floor** (target ≥ 80%).",
    "",
    f"Every round's rates — floor: {', '.join(f'{r:,.0f}' for r in floor)}; "
    f"vtep-kdp: {', '.join(f'{r:,.0f}' for r in swift)}.",
    f"Kernel flow count after each run (ovs-dpctl show): "
    + ", ".join(f"{label} {n}" for label, n in checks) + ".",
]
out_dir.mkdir(parents=True, exist_ok=True)
(out_dir / "flow-install.md").write_text("\n".join(md) + "\n")

# A plain SVG bar chart of install rates.
bars = [("C floor", med_floor), ("vtep-kdp", med_swift)]
width, height, left, top, bar_h = 560, 170, 110, 40, 40
scale = (width - left - 90) / max(v for _, v in bars)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
       f'<text x="10" y="22" font-size="15">Installing {count:,} flows (flows/s, VM, higher is better)</text>']
for i, (name, value) in enumerate(bars):
    y = top + i * (bar_h + 15)
    svg.append(f'<text x="10" y="{y + 25}">{name}</text>')
    svg.append(f'<rect x="{left}" y="{y}" width="{value * scale:.0f}" height="{bar_h}" fill="{"#888" if i == 0 else "#2a7"}"/>')
    svg.append(f'<text x="{left + value * scale + 6:.0f}" y="{y + 25}">{value:,.0f}</text>')
svg.append(f'<text x="10" y="{height - 8}">vtep-kdp / floor = {ratio:.2f}</text></svg>')
(out_dir / "flow-install.svg").write_text("\n".join(svg) + "\n")
print("\n".join(md))
