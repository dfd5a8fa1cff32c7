#!/usr/bin/env python3
"""First-packet latency: sends COUNT frames, each from a source MAC the
datapath has never seen (so each one misses the flow table), to a known
remote MAC, on SEND_IFACE, and times until its VXLAN-encapsulated copy
appears on WATCH_IFACE. Prints one line:

  first_packet count=N forwarded=F p50_ms=… p99_ms=…

usage: first-packet.py SEND_IFACE WATCH_IFACE COUNT SOURCE_PREFIX DST_MAC [VXLAN_PORT]
  SOURCE_PREFIX: the first three bytes of the source MACs, e.g. 06:00:01
  VXLAN_PORT: the UDP port the copies go to (4789)
"""
import select
import socket
import struct
import sys
import time

send_iface, watch_iface, count, prefix, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
vxlan_port = int(sys.argv[6]) if len(sys.argv) > 6 else 4789
mac = lambda text: bytes(int(part, 16) for part in text.split(":"))
tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
tx.bind((send_iface, 0))
rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
rx.bind((watch_iface, 0))
rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)

# An IPv4/UDP frame, so every datapath sees the same kind of packet.
payload = struct.pack("!BBHHHBBH4s4sHHHH", 0x45, 0, 28, 0, 0, 64, 17, 0, socket.inet_aton("10.9.0.1"),
                      socket.inet_aton("10.9.0.2"), 9, 9, 8, 0)
latencies = []
for i in range(count):
    source = mac(prefix) + struct.pack("!I", i)[1:]
    frame = mac(dst) + source + b"\x08\x00" + payload
    while select.select([rx], [], [], 0)[0]:
        rx.recv(65535)
    sent = time.monotonic()
    tx.send(frame)
    deadline = sent + 2.0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([rx], [], [], left)[0]:
            break
        data = rx.recv(65535)
        # Outer Ethernet (14) + IPv4 (20) + UDP (8) + VXLAN (8), then the inner frame.
        if len(data) >= 14 + 20 + 8 + 8 + 12 and data[12:14] == b"\x08\x00" and data[23] == 17 \
                and data[36:38] == struct.pack("!H", vxlan_port) and data[56:62] == source:
            latencies.append((time.monotonic() - sent) * 1000)
            break
    time.sleep(0.05)

latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
print("first_packet count=%d forwarded=%d p50_ms=%.2f p99_ms=%.2f" % (count, len(latencies), pick(0.5), pick(0.99)))
