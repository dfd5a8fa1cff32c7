#!/usr/bin/python3
"""A relay between one OVSDB client and ovsdb-server that can hold back what
the server sends, so a client can be handed a backlog of update
notifications all at once: what it then spends is the cost of applying
them, not of waking up for each (see ovsdb-monitor.sh, "backlog").

The server sees a client that reads at once, so it sends every update on
its own (ovsdb-server merges updates only for a client that falls behind).

usage: gate.py LISTEN SERVER CONTROL      (three unix socket paths)
control lines, each answered by one line:
    hold       → ok                       server bytes are kept from now on
    wait N     → held N messages=M bytes=B
                                          once N row modifications are kept (in M
                                          update notifications: ovsdb-server merges
                                          updates while its output to us is backed up)
    release    → released                 everything kept is sent on; relaying resumes
Serves one client connection and exits when it ends.
"""
import os
import selectors
import socket
import sys

listen_path, server_path, control_path = sys.argv[1:4]
ROW = b'"modify":'
MESSAGE = b'"method":"update'


def listener(path):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    return s


client_listener, control_listener = listener(listen_path), listener(control_path)
client, _ = client_listener.accept()
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.connect(server_path)
control = None

held = None          # bytearray while holding
scan = {ROW: 0, MESSAGE: 0}     # where the next search for each mark starts in `held`
count = {ROW: 0, MESSAGE: 0}    # row modifications and notifications in `held`
waiting_for = None   # a `wait N` not answered yet

selector = selectors.DefaultSelector()
selector.register(client, selectors.EVENT_READ, "client")
selector.register(server, selectors.EVENT_READ, "server")
selector.register(control_listener, selectors.EVENT_READ, "control-listener")
control_buffer = b""


def answer_wait():
    global waiting_for
    if waiting_for is not None and count[ROW] >= waiting_for:
        control.sendall(b"held %d messages=%d bytes=%d\n" % (count[ROW], count[MESSAGE], len(held)))
        waiting_for = None


def count_marks():
    for mark in (ROW, MESSAGE):
        while True:
            found = held.find(mark, scan[mark])
            if found < 0:
                scan[mark] = max(scan[mark], len(held) - len(mark) + 1)
                break
            count[mark] += 1
            scan[mark] = found + len(mark)


while True:
    for key, _ in selector.select():
        if key.data == "client":
            data = client.recv(1 << 20)
            if not data:
                sys.exit(0)
            server.sendall(data)
        elif key.data == "server":
            data = server.recv(1 << 20)
            if not data:
                sys.exit(0)
            if held is None:
                client.sendall(data)
            else:
                held += data
                count_marks()
                answer_wait()
        elif key.data == "control-listener":
            control, _ = control_listener.accept()
            selector.register(control, selectors.EVENT_READ, "control")
        else:
            try:
                data = control.recv(4096)
            except ConnectionResetError:
                data = b""
            if not data:
                selector.unregister(control)
                continue
            control_buffer += data
            while b"\n" in control_buffer:
                line, control_buffer = control_buffer.split(b"\n", 1)
                words = line.decode().split()
                if words == ["hold"]:
                    held = bytearray()
                    scan, count = {ROW: 0, MESSAGE: 0}, {ROW: 0, MESSAGE: 0}
                    control.sendall(b"ok\n")
                elif len(words) == 2 and words[0] == "wait":
                    waiting_for = int(words[1])
                    answer_wait()
                elif words == ["release"]:
                    client.sendall(held)
                    held = None
                    control.sendall(b"released\n")
                else:
                    control.sendall(b"error unknown command\n")
