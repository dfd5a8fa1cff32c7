#!/usr/bin/env python3
"""Learning rate: how long from a new local MAC's first frame until the
VTEP database lists it in Ucast_Macs_Local (what the controller sees; both
vtep-kdp and ovs-vtep write the row after the MAC forwards).

First SINGLES MACs one at a time (each frame sent, then its row awaited),
then a burst of BURST new MACs sent back to back (as fast as this script
can, one frame each), timed until every one of them is listed. A monitor
on the database sees each row the moment ovsdb-server commits it.

  learning singles=N p50_ms=… p99_ms=… missing=M burst=B burst_seconds=S learned=L singles_ms=T1,T2,… (each single, in the order sent)

usage: learn-rate.py DB_SOCKET SEND_IFACE SINGLES BURST SOURCE_PREFIX DST_MAC TIMEOUT_S [BURST_TIMEOUT_S]
  TIMEOUT_S: how long to wait for one MAC; BURST_TIMEOUT_S (default the same) for the burst
  SOURCE_PREFIX: the first three bytes of the new source MACs, e.g. 06:00:10
"""
import json
import select
import socket
import struct
import sys
import time

path, iface, singles, burst, prefix, dst, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    sys.argv[5], sys.argv[6], float(sys.argv[7])
burst_timeout = float(sys.argv[8]) if len(sys.argv) > 8 else timeout
db = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
db.connect(path)
db.sendall(json.dumps({"id": 1, "method": "monitor",
                       "params": ["hardware_vtep", None, {"Ucast_Macs_Local": {"columns": ["MAC"]}}]}).encode())
decoder, buffer, seen = json.JSONDecoder(), "", set()


def pump(wait):
    """Reads what the database sent within `wait` seconds; records every listed MAC."""
    global buffer
    if not select.select([db], [], [], max(0.0, wait))[0]:
        return
    buffer += db.recv(1 << 20).decode()
    while buffer:
        try:
            message, end = decoder.raw_decode(buffer)
        except ValueError:
            return
        buffer = buffer[end:].lstrip()
        if message.get("method") == "echo":
            db.sendall(json.dumps({"id": message["id"], "result": message["params"], "error": None}).encode())
        tables = message.get("result") if message.get("id") == 1 else \
            (message["params"][1] if message.get("method") == "update" else None)
        for row in (tables or {}).get("Ucast_Macs_Local", {}).values():
            if "new" in row:
                seen.add(row["new"]["MAC"])


mac = lambda text: bytes(int(part, 16) for part in text.split(":"))
tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
tx.bind((iface, 0))
payload = struct.pack("!BBHHHBBH4s4sHHHH", 0x45, 0, 28, 0, 0, 64, 17, 0, socket.inet_aton("10.9.0.1"),
                      socket.inet_aton("10.9.0.2"), 9, 9, 8, 0)
name = lambda i: "%s:%02x:%02x:%02x" % (prefix, (i >> 16) & 255, (i >> 8) & 255, i & 255)
send = lambda i: tx.send(mac(dst) + mac(name(i)) + b"\x08\x00" + payload)

pump(1.0)
latencies, missing = [], 0
for i in range(singles):
    start = time.monotonic()
    send(i)
    while name(i) not in seen and time.monotonic() - start < timeout:
        pump(start + timeout - time.monotonic())
    if name(i) in seen:
        latencies.append((time.monotonic() - start) * 1000)
    else:
        missing += 1

first = singles
start = time.monotonic()
for i in range(first, first + burst):
    send(i)
wanted = {name(i) for i in range(first, first + burst)}
while not wanted <= seen and time.monotonic() - start < burst_timeout:
    pump(start + burst_timeout - time.monotonic())
took = time.monotonic() - start
in_order = ",".join("%.0f" % ms for ms in latencies)  # which sample is the slow one: the first (cold) or any
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
print("learning singles=%d p50_ms=%.0f p99_ms=%.0f missing=%d burst=%d burst_seconds=%.3f learned=%d singles_ms=%s"
      % (singles, pick(0.5), pick(0.99), missing, burst, took, len(wanted & seen), in_order or "none"))
