#!/usr/bin/env python3
"""Adds COUNT Ucast_Macs_Remote rows (MACs 0a:..., numbered from FIRST) to
logical switch LS, all behind the locator DST_IP, in ONE transaction, the
way an NVC programs a VTEP. Prints when the commit's reply arrived (the
clock `date +%s.%N` reads) and how long the commit took.

usage: add-remote-macs.py SOCKET LS COUNT FIRST DST_IP
"""
import json
import socket
import sys
import time

path, ls_name, count, first, dst_ip = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)


def call(ops, ident):
    """The reply to one transact. Nothing else arrives on this connection,
    so the reply is whole once the bytes so far parse; they are parsed only
    when they end in '}' — retrying on every chunk made reading a
    100,000-row reply quadratic, minutes in the emulated VM."""
    s.sendall(json.dumps({"id": ident, "method": "transact", "params": ["hardware_vtep"] + ops}).encode())
    chunks = []
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            sys.exit("ovsdb-server closed the connection")
        chunks.append(chunk)
        if chunk.rstrip().endswith(b"}"):
            try:
                reply = json.loads(b"".join(chunks))
            except ValueError:
                continue
            if reply.get("id") == ident:
                return reply
            chunks = []


ls = call([{"op": "select", "table": "Logical_Switch", "where": [["name", "==", ls_name]], "columns": ["_uuid"]}], 1)
ls_uuid = ls["result"][0]["rows"][0]["_uuid"]
found = call([{"op": "select", "table": "Physical_Locator", "where": [["dst_ip", "==", dst_ip]], "columns": ["_uuid"]}], 2)
rows = found["result"][0]["rows"]
ops = []
if rows:
    locator = rows[0]["_uuid"]
else:
    ops.append({"op": "insert", "table": "Physical_Locator", "uuid-name": "loc",
                "row": {"encapsulation_type": "vxlan_over_ipv4", "dst_ip": dst_ip}})
    locator = ["named-uuid", "loc"]
for i in range(first, first + count):
    mac = "0a:00:%02x:%02x:%02x:%02x" % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)
    ops.append({"op": "insert", "table": "Ucast_Macs_Remote",
                "row": {"MAC": mac, "logical_switch": ls_uuid, "locator": locator}})
start = time.monotonic()
reply = call(ops, 3)
took = time.monotonic() - start
errors = [r for r in reply["result"] if r and "error" in r]
if errors:
    sys.exit("transaction failed: %s" % errors[:3])
print("committed_at=%.6f commit_seconds=%.3f" % (time.time(), took))
