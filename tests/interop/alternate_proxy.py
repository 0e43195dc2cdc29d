#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A TCP load balancer for tests: each new connection goes to the next backend in turn.

Usage: alternate_proxy.py PORT_FILE BACKEND_PORT [BACKEND_PORT ...]
Listens on 127.0.0.1 (a free port, written to PORT_FILE) and logs "connection N -> PORT".
"""
import os
import socket
import sys
import threading

port_file, backends = sys.argv[1], [int(p) for p in sys.argv[2:]]


def pump(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(client, backend):
    upstream = socket.create_connection(("127.0.0.1", backend))
    there = threading.Thread(target=pump, args=(client, upstream), daemon=True)
    there.start()
    pump(upstream, client)
    there.join()
    client.close()
    upstream.close()


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
with open(port_file + ".tmp", "w") as out:
    out.write(str(listener.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
count = 0
while True:
    client, _ = listener.accept()
    backend = backends[count % len(backends)]
    count += 1
    print(f"connection {count} -> {backend}", flush=True)
    threading.Thread(target=serve, args=(client, backend), daemon=True).start()
