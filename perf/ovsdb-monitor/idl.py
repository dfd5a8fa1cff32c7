#!/usr/bin/python3
"""The same work through OVS's own Python IDL (python3-openvswitch), what
ovs-vtep is built on: build the replica of every hardware_vtep table, then
apply UPDATES one-row updates committed by another connection.

usage: idl.py SOCKET SCHEMA UPDATES
       idl.py GATE SCHEMA UPDATES SOCKET CONTROL   (backlog: through gate.py, the
           updates held back and then handed over at once)
prints: idl initial rows=N seconds=S
        idl updates n=N seconds=S cpu=C   (C: this process's CPU seconds meanwhile)
        idl backlog n=N seconds=S cpu=C
"""
import resource
import socket
import sys
import time

import ovs.db.idl
import ovs.poller

from writer import prepare_updates, send_updates

path, schema, updates = sys.argv[1], sys.argv[2], int(sys.argv[3])
backlog = len(sys.argv) > 5
server_path = sys.argv[4] if backlog else path
helper = ovs.db.idl.SchemaHelper(schema)
helper.register_all()
start = time.monotonic()
idl = ovs.db.idl.Idl("unix:" + path, helper)

def rows():
    return idl.tables["Ucast_Macs_Remote"].rows


while True:
    idl.run()
    if idl.has_ever_connected() and len(rows()) > 0:
        break
    poller = ovs.poller.Poller()
    idl.wait(poller)
    poller.block()
if not backlog:
    print("idl initial rows=%d seconds=%.3f" % (len(rows()), time.monotonic() - start), flush=True)

uuids = [str(uuid) for uuid in list(rows())[:updates]]
payload = prepare_updates(uuids)
seqno = idl.change_seqno


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if backlog:
    control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    control.connect(sys.argv[5])
    lines = control.makefile("rb")
    control.sendall(b"hold\n")
    assert lines.readline().strip() == b"ok", "gate did not hold"
start, cpu_start = time.monotonic(), cpu()
thread = send_updates(server_path, payload, len(uuids))
if backlog:
    # Every update committed and held, every reply read (so the drain
    # thread is done); the clock starts at the release.
    thread.join()
    control.sendall(b"wait %d\n" % len(uuids))
    held = " ".join(w for w in lines.readline().decode().split() if w.startswith(("messages=", "bytes=")))
    start, cpu_start = time.monotonic(), cpu()
    control.sendall(b"release\n")
while idl.change_seqno - seqno < len(uuids):
    idl.run()
    if idl.change_seqno - seqno >= len(uuids):
        break
    poller = ovs.poller.Poller()
    idl.wait(poller)
    poller.block()
print("idl %s n=%d seconds=%.3f cpu=%.3f%s" % ("backlog" if backlog else "updates", idl.change_seqno - seqno,
                                             time.monotonic() - start, cpu() - cpu_start,
                                             " " + held if backlog else ""), flush=True)
thread.join()
