#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A bounded slowloris against dojangd on loopback, written from the outside (sockets only).

The server runs with max_connections = POOL, max_connections_per_client = PER_CLIENT and
status_reserve = RESERVE (set by slowloris.sh). Attackers on 127.0.0.2-4 open PER_CLIENT
connections each (more than the pool) and trickle header bytes. Checks:
  1. one more connection from an attacker's address is closed at once;
  2. a non-status request from another address (127.0.0.5), on the reserve, gets 503 +
     Retry-After;
  3. while the pool is full, OCSP probes from that address are all answered;
  4. every trickling connection is told 408 within the header timeout (plus slack);
  5. afterwards the general pool serves requests again.
Usage: slowloris.py PORT OCSP_REQUEST_DER HEADER_TIMEOUT PER_CLIENT
"""
import socket
import sys
import time

port = int(sys.argv[1])
ocsp_request = open(sys.argv[2], "rb").read()
header_timeout = int(sys.argv[3])
per_client = int(sys.argv[4])
attackers = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
prober = "127.0.0.5"
failures = []


def connect(source, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_response(s):
    """The whole response (the server closes these connections), or b'' on a plain close."""
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def status_of(response):
    if not response.startswith(b"HTTP/1.1 "):
        return None
    return int(response[9:12])


def request(source, method, path, body, content_type):
    s = connect(source)
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    s.sendall(head + body)
    response = read_response(s)
    s.close()
    return response


started = time.monotonic()
# The attack: every attacker opens its allowance and sends the start of a header.
slow = []
for address in attackers:
    for _ in range(per_client):
        s = connect(address)
        s.sendall(b"POST /api/v1/applications HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(s)
time.sleep(0.5)  # let the server accept them all

# 1. One more from an attacker's address is closed without an answer.
extra = connect(attackers[0])
closed = False
try:
    extra.sendall(b"GET /ca/issuing.pem HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    closed = extra.recv(65536) == b""  # end of stream at once: closed unanswered
except (BrokenPipeError, ConnectionResetError):
    closed = True
except socket.timeout:
    closed = False  # still open after 5 s: not refused
extra.close()
if not closed:
    failures.append("a connection beyond the per-client limit was not closed at once")

# 2. Anything but status on the reserve: 503 with Retry-After (asked first, while the
# trickling connections surely still fill the pool).
busy = request(prober, "POST", "/api/v1/applications", b"{}", "application/json")
if status_of(busy) != 503 or b"\r\nretry-after:" not in busy.lower():
    failures.append("a general request on the reserve was not refused with 503 + Retry-After: "
                    + busy[:200].decode(errors="replace"))

# 3. OCSP keeps answering while the pool is full, each probe on a fresh connection.
answered = 0
slowest = 0.0
for i in range(50):
    t = time.monotonic()
    response = request(prober, "POST", "/ocsp", ocsp_request, "application/ocsp-request")
    slowest = max(slowest, time.monotonic() - t)
    if status_of(response) == 200 and b"application/ocsp-response" in response.lower().split(b"\r\n\r\n")[0]:
        answered += 1
    # Keep the attack alive: one more header line on every slow connection.
    if i % 10 == 0:
        for s in slow:
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                pass
print(f"OCSP probes answered while the pool was full: {answered}/50 (slowest {slowest:.3f} s)")
if answered != 50:
    failures.append(f"only {answered} of 50 OCSP probes were answered")

# 4. The trickling connections are each told 408, however slowly they keep sending.
told = 0
deadline = started + header_timeout + 10
for s in slow:
    s.settimeout(max(0.1, deadline - time.monotonic()))
    response = read_response(s)
    if status_of(response) == 408:
        told += 1
    s.close()
elapsed = time.monotonic() - started
print(f"slow connections told 408: {told}/{len(slow)} after {elapsed:.1f} s")
if told != len(slow):
    failures.append(f"only {told} of {len(slow)} slow connections got 408")

# 5. The general pool serves again.
for _ in range(50):
    again = request(prober, "POST", "/api/v1/applications", b"{}", "application/json")
    if status_of(again) == 400:
        break
    time.sleep(0.2)
else:
    failures.append("the general pool did not recover: " + again[:200].decode(errors="replace"))

for failure in failures:
    print("FAILED:", failure, file=sys.stderr)
sys.exit(1 if failures else 0)
