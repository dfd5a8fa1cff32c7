#!/usr/bin/env python3
"""A misbehaving OVSDB server for vtep-kdp's bad-input tests.

usage: fake-ovsdb-server.py SOCKET MODE

Serves connections one after another on a unix socket. It answers the
_Server check as a standalone server would ("unknown database"), then
misbehaves according to MODE:

  truncated  get_schema's reply stops half-way and the connection closes
  badutf8    get_schema's reply holds a string that is not UTF-8
  schema     get_schema says hardware_vtep 2.0.0
  badrow     the monitor reply has a Logical_Switch whose tunnel_key is a string
  stall      accepts and never answers anything
  huge       starts a reply and never ends it
  old        behaves, but as a server from before monitor_cond: only RFC 7047's
             monitor and update exist (an update follows the monitor reply)
  deaf       behaves, answers echo, but never answers a transact on hardware_vtep
  unclustered  behaves as the leader of a clustered hardware_vtep, until a
             transact on it: the reply is followed by a _Server update that
             says the member lost its connection to the cluster
"""
import json
import os
import socket
import sys

path, mode = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(8)
decoder = json.JSONDecoder()
GOOD_SCHEMA = {"name": "hardware_vtep", "version": "1.7.0", "tables": {}}


def send(conn, obj):
    conn.sendall(json.dumps(obj).encode())


DATABASE_ROW = "0a1b2c3d-0000-4000-8000-0000000000db"
CLUSTERED = {"name": "hardware_vtep", "model": "clustered", "connected": True, "leader": True}


def serve(conn):
    buf = ""
    server_monitor = None
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data.decode("utf-8", "replace")
        while buf.strip():
            try:
                msg, end = decoder.raw_decode(buf.lstrip())
            except ValueError:
                break
            buf = buf.lstrip()[end:]
            if mode == "stall":
                continue
            method, params, rid = msg.get("method"), msg.get("params"), msg.get("id")
            if mode == "deaf" and method == "transact" and params and params[0] == "hardware_vtep":
                continue
            if mode == "unclustered" and method == "transact" and params and params[0] == "_Server":
                send(conn, {"id": rid, "result": [{"rows": [CLUSTERED]}], "error": None})
            elif mode == "unclustered" and method == "monitor" and params and params[0] == "_Server":
                server_monitor = params[1]
                send(conn, {"id": rid, "result": {"Database": {DATABASE_ROW: {"new": CLUSTERED}}}, "error": None})
            elif mode == "unclustered" and method == "transact":
                send(conn, {"id": rid, "result": [], "error": None})
                lost = dict(CLUSTERED, connected=False)
                send(conn, {"id": None, "method": "update", "params": [server_monitor, {"Database": {
                    DATABASE_ROW: {"old": {"connected": True}, "new": lost}}}]})
            elif method == "transact" and params and params[0] == "_Server":
                send(conn, {"id": rid, "result": None, "error": {"error": "unknown database", "details": "_Server"}})
            elif method == "get_schema":
                if mode == "truncated":
                    conn.sendall(('{"id":%d,"result":{"name":"hardware_vtep","vers' % rid).encode())
                    return
                if mode == "badutf8":
                    conn.sendall(b'{"id":%d,"result":{"name":"hardware_vtep","version":"1.7.0","x":"\xff\xfe"},"error":null}' % rid)
                    continue
                if mode == "huge":
                    conn.sendall(('{"id":%d,"result":{"name":"' % rid).encode())
                    chunk = b"x" * 65536
                    try:
                        while True:
                            conn.sendall(chunk)
                    except OSError:
                        return
                schema = dict(GOOD_SCHEMA, version="2.0.0" if mode == "schema" else "1.7.0")
                send(conn, {"id": rid, "result": schema, "error": None})
            elif mode == "old" and method in ("monitor_cond_since", "monitor_cond"):
                send(conn, {"id": rid, "result": None, "error": {"error": "unknown method", "details": method}})
            elif mode == "old" and method == "monitor":
                a, b = "0a1b2c3d-0000-4000-8000-00000000000a", "0a1b2c3d-0000-4000-8000-00000000000b"
                send(conn, {"id": rid, "error": None, "result": {"Logical_Switch": {
                    a: {"new": {"name": "ls0", "tunnel_key": 33}},
                    b: {"new": {"name": "ls1", "tunnel_key": ["set", []]}}}}})
                send(conn, {"id": None, "method": "update", "params": [params[1], {"Logical_Switch": {
                    a: {"old": {"tunnel_key": 33}, "new": {"name": "ls0", "tunnel_key": 34}},
                    b: {"old": {"name": "ls1", "tunnel_key": ["set", []]}}}}]})
            elif method == "monitor_cond_since":
                updates = {"Logical_Switch": {"0a1b2c3d-0000-4000-8000-00000000000a": {
                    "initial": {"name": "ls0", "tunnel_key": "not-a-number" if mode == "badrow" else 33}}}}
                send(conn, {"id": rid, "result": [False, "00000000-0000-0000-0000-000000000001", updates], "error": None})
            elif method == "echo":
                send(conn, {"id": rid, "result": params, "error": None})


while True:
    conn, _ = server.accept()
    try:
        serve(conn)
    except OSError:
        pass
    finally:
        conn.close()
