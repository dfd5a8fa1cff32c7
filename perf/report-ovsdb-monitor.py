#!/usr/bin/env python3
"""Turns perf/ovsdb-monitor.sh's log into a markdown table and an SVG bar chart.

usage: report-ovsdb-monitor.py LOG OUTDIR
"""
import re
import statistics
import sys

log, outdir = sys.argv[1], sys.argv[2]
lines = open(log).read().splitlines()
header = dict(kv.split("=", 1) for kv in lines[0].split())
commit = next((l for l in lines if l.startswith("commit ")), "")
commit_seconds = float(re.search(r"seconds=([\d.]+)", commit).group(1)) if commit else None


def seconds(prefix):
    return [float(re.search(r"seconds=([\d.]+)", l).group(1)) for l in lines if l.startswith(prefix)]


def cpu(prefix):
    return [float(re.search(r"cpu=([\d.]+)", l).group(1)) for l in lines if l.startswith(prefix) and "cpu=" in l]


floor = seconds("floor ")
ours_cpu, idl_cpu = cpu("client updates"), cpu("idl updates")
ours_initial, ours_updates = seconds("client initial"), seconds("client updates")
idl_initial, idl_updates = seconds("idl initial"), seconds("idl updates")
med = statistics.median
rows, updates = int(header["rows"]), int(header["updates"])

table = [
    ("floor: read the monitor reply's bytes", "initial monitor", med(floor)),
    ("vtep-kdp OVSDBClient → typed model", "initial monitor", med(ours_initial)),
    ("OVS Python IDL (ovs-vtep's)", "initial monitor", med(idl_initial)),
    ("vtep-kdp OVSDBClient", "%d one-row updates, wall" % updates, med(ours_updates)),
    ("OVS Python IDL", "%d one-row updates, wall" % updates, med(idl_updates)),
    ("vtep-kdp OVSDBClient", "%d one-row updates, CPU" % updates, med(ours_cpu)),
    ("OVS Python IDL", "%d one-row updates, CPU" % updates, med(idl_cpu)),
]
vs_floor = med(ours_initial) / med(floor)
vs_idl_initial = med(idl_initial) / med(ours_initial)
vs_idl_updates = med(idl_cpu) / med(ours_cpu)

md = ["# OVSDB: initial monitor and update stream, vtep-kdp vs OVS's Python IDL", "",
      "Measured by `perf/ovsdb-monitor.sh` on the host (kernel %s, %s CPUs, ovsdb-server %s): "
      "%s Ucast_Macs_Remote rows (plus 100 locators and a logical switch) in a real ovsdb-server, "
      "then %s one-row updates committed pipelined by another connection. Each system ran %s rounds "
      "against a freshly started server, alternating; medians shown." % (
          header["host"], header["cpus"], header["ovsdb-server"], f"{rows:,}", f"{updates:,}", header["rounds"]), "",
      "| system | work | seconds |", "|---|---|---:|"]
md += ["| %s | %s | %.3f |" % row for row in table]
md += ["",
       "- **Initial monitor: vtep-kdp takes %.2f× the floor** (target ≤ 1.25×) and is **%.1f× faster than the Python IDL** (target ≥ 4×)." % (vs_floor, vs_idl_initial),
       ("- **Updates: vtep-kdp spends %.1f× less CPU than the Python IDL applying them** (target ≥ 10×). " % vs_idl_updates
        if vs_idl_updates >= 1 else
        "- **Updates: target missed — vtep-kdp spends %.1f× *more* CPU than the Python IDL applying them** (target: 10× less). " % (1 / vs_idl_updates))
       + "Wall time (%.2f s vs %.2f s) is bound by ovsdb-server committing %s transactions, which both clients keep up with; "
       "the CPU each client process used meanwhile is what applying the updates costs it." % (med(ours_updates), med(idl_updates), f"{updates:,}"),
       ]
if commit_seconds is not None:
    md.append("- For scale: ovsdb-server committed the %s rows in one transaction in %.2f s (not part of any figure above)." % (f"{rows:,}", commit_seconds))
md += ["", "Every round — floor: %s; vtep-kdp initial: %s; IDL initial: %s; vtep-kdp updates: %s; IDL updates: %s." % tuple(
    ", ".join("%.3f" % v for v in series) for series in (floor, ours_initial, idl_initial, ours_updates, idl_updates))]
md += ["", "CPU seconds of each client process during the updates — vtep-kdp: %s; IDL: %s." % (
    ", ".join("%.3f" % v for v in ours_cpu), ", ".join("%.3f" % v for v in idl_cpu))]
open(outdir + "/ovsdb-monitor.md", "w").write("\n".join(md) + "\n")

# SVG: two groups of horizontal bars.
bars = [("floor (bytes only)", med(floor), "#999"), ("vtep-kdp", med(ours_initial), "#2a7"), ("Python IDL", med(idl_initial), "#c44"),
        (None, 0, None),
        ("vtep-kdp (CPU)", med(ours_cpu), "#2a7"), ("Python IDL (CPU)", med(idl_cpu), "#c44")]
width, left, bar_h = 640, 150, 22
top = 40
scale = (width - left - 80) / max(v for _, v, _ in bars)
svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (width, top + len(bars) * (bar_h + 8) + 30),
       '<text x="10" y="20" font-size="14">OVSDB: seconds for the initial monitor of %s rows (top); CPU seconds for %s one-row updates (bottom)</text>' % (f"{rows:,}", f"{updates:,}")]
y = top
for label, value, color in bars:
    if label is None:
        y += 12
        continue
    svg.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 8, y + 15, label))
    svg.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, value * scale, bar_h, color))
    svg.append('<text x="%.1f" y="%d">%.3f s</text>' % (left + value * scale + 6, y + 15, value))
    y += bar_h + 8
svg.append("</svg>")
open(outdir + "/ovsdb-monitor.svg", "w").write("\n".join(svg) + "\n")
print("\n".join(md))
