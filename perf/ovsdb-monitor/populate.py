#!/usr/bin/env python3
"""Fills a hardware_vtep database with ROWS Ucast_Macs_Remote rows in one
transaction: one logical switch, 100 locators, MACs spread over them.

usage: populate.py SOCKET ROWS
"""
import json
import socket
import sys
import time

path, rows = sys.argv[1], int(sys.argv[2])
ops = [{"op": "insert", "table": "Logical_Switch", "row": {"name": "ls0", "tunnel_key": 33}, "uuid-name": "ls"}]
for i in range(100):
    ops.append({"op": "insert", "table": "Physical_Locator", "uuid-name": "loc%d" % i,
                "row": {"encapsulation_type": "vxlan_over_ipv4", "dst_ip": "10.3.%d.%d" % (i // 250, i % 250 + 1)}})
for i in range(rows):
    mac = "0a:00:%02x:%02x:%02x:%02x" % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)
    ops.append({"op": "insert", "table": "Ucast_Macs_Remote",
                "row": {"MAC": mac, "logical_switch": ["named-uuid", "ls"], "locator": ["named-uuid", "loc%d" % (i % 100)]}})
request = json.dumps({"id": 1, "method": "transact", "params": ["hardware_vtep"] + ops}).encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
start = time.monotonic()
s.sendall(request)
decoder, buf = json.JSONDecoder(), ""
while True:
    buf += s.recv(1 << 20).decode()
    try:
        reply, _ = decoder.raw_decode(buf)
        break
    except ValueError:
        continue
errors = [r for r in reply["result"] if r and "error" in r]
if errors:
    sys.exit("populate failed: %s" % errors[:3])
print("commit rows=%d seconds=%.3f" % (rows, time.monotonic() - start))
