#!/usr/bin/python3
"""The same work through OVS's own Python IDL (python3-openvswitch), what
ovs-vtep is built on: build the replica of every hardware_vtep table, then
apply UPDATES one-row updates committed by another connection.

usage: idl.py SOCKET SCHEMA UPDATES
prints: idl initial rows=N seconds=S
        idl updates n=N seconds=S cpu=C   (C: this process's CPU seconds meanwhile)
"""
import resource
import sys
import time

import ovs.db.idl
import ovs.poller

from writer import prepare_updates, send_updates

path, schema, updates = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
print("idl initial rows=%d seconds=%.3f" % (len(rows()), time.monotonic() - start), flush=True)

uuids = [str(uuid) for uuid in list(rows())[:updates]]
payload = prepare_updates(uuids)
seqno = idl.change_seqno


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


start, cpu_start = time.monotonic(), cpu()
thread = send_updates(path, payload, len(uuids))
while idl.change_seqno - seqno < len(uuids):
    idl.run()
    if idl.change_seqno - seqno >= len(uuids):
        break
    poller = ovs.poller.Poller()
    idl.wait(poller)
    poller.block()
print("idl updates n=%d seconds=%.3f cpu=%.3f" % (idl.change_seqno - seqno, time.monotonic() - start, cpu() - cpu_start), flush=True)
thread.join()
