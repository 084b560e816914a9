"""A pretend Internet for one command, run inside a fresh network namespace by test_privacy.py.

A DNS server on 127.0.0.1:53 answers every name with 127.0.0.1 and a listener on port 443 (HTTPS)
counts connections, so a program that would phone home really tries to. Usage::

    python fakenet.py COMMAND ...   ->  prints {"rc": ..., "queries": [names], "connections": n}
"""
import json
import socket
import struct
import subprocess
import sys
import threading

queries, connections = [], []


def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53))
    while True:
        data, addr = s.recvfrom(2048)
        ident, flags, qd = struct.unpack(">HHH", data[:6])
        i = 12; labels = []
        while data[i]:
            labels.append(data[i+1:i+1+data[i]].decode()); i += 1 + data[i]
        qtype = struct.unpack(">H", data[i+1:i+3])[0]; question = data[12:i+5]
        queries.append(".".join(labels))
        answer = b""
        if qtype == 1:
            answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
        s.sendto(struct.pack(">HHHHHH", ident, 0x8180, 1, 1 if answer else 0, 0, 0) + question + answer, addr)


def listen():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 443)); s.listen()
    while True:
        c, a = s.accept(); connections.append(a); c.close()


for serve in (dns, listen):
    threading.Thread(target=serve, daemon=True).start()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(json.dumps({"rc": rc, "queries": queries, "connections": len(connections)}))
