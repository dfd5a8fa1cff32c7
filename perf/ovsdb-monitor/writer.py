"""Commits one-row updates (each to a value no earlier run wrote, so every
one is a real change) as fast as ovsdb-server takes them: every transact is
sent at once (pipelined) on a connection of its own, and the replies are
drained by a second thread so the server never stalls on us."""
import json
import os
import socket
import threading


def prepare_updates(uuids):
    """The requests, encoded before any clock starts."""
    return b"".join(json.dumps({
        "id": i, "method": "transact",
        "params": ["hardware_vtep", {"op": "update", "table": "Ucast_Macs_Remote",
                                     "where": [["_uuid", "==", ["uuid", u]]], "row": {"ipaddr": "idl-%d-%d" % (os.getpid(), i)}}],
    }).encode() for i, u in enumerate(uuids))


def send_updates(path, payload, count):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)

    def drain():
        seen = 0
        while seen < count:
            data = s.recv(1 << 20)
            if not data:
                return
            seen += data.count(b'"id":')

    reader = threading.Thread(target=drain)
    reader.start()
    s.sendall(payload)
    return reader
