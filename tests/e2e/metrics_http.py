#!/usr/bin/env python3
"""Requests to a tool's --metrics endpoint on 127.0.0.1, one case per
argument; prints what came back (the status line, or 'closed' or 'open')
for tests/e2e/metrics.sh to check."""
import socket
import sys
import time

port = int(sys.argv[1])


def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s


def status(s):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return "open"
    except ConnectionResetError:
        if not data:
            return "reset"
    if not data:
        return "closed"
    return data.split(b"\r\n", 1)[0].decode()


def send(raw):
    s = connect()
    s.sendall(raw)
    return status(s)


case = sys.argv[2]
if case == "get":
    print(send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
elif case == "head":
    print(send(b"HEAD /metrics HTTP/1.1\r\n\r\n"))
elif case == "query":
    print(send(b"GET /metrics?x=1 HTTP/1.0\r\n\r\n"))
elif case == "notfound":
    print(send(b"GET /other HTTP/1.1\r\n\r\n"))
elif case == "post":
    print(send(b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))
elif case == "garbage":
    print(send(b"\x00\xff\x13garbage\r\n\r\n"))
elif case == "noversion":
    print(send(b"hello there\r\n\r\n"))
elif case == "oversized":
    print(send(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n"))
elif case == "slow":
    # half a request, then silence: cut off after the read time
    s = connect()
    s.settimeout(6)
    s.sendall(b"GET /metr")
    t = time.time()
    r = status(s)
    print("%s after %.1fs" % (r, time.time() - t))
elif case == "halfopen":
    # half a request, then the client's end closed for writing
    s = connect()
    s.sendall(b"GET /metr")
    s.shutdown(socket.SHUT_WR)
    print(status(s))
elif case == "many":
    # more idle clients than it serves at once: the rest are told 503
    # (or reset, when the 503 crosses their request), and a scrape works
    # again once the idle ones are cut off
    idle = [connect() for _ in range(16)]
    extra = [send(b"GET /metrics HTTP/1.1\r\n\r\n") for _ in range(2)]
    extra = ["refused" if e in ("HTTP/1.1 503 Service Unavailable", "reset")
             else e for e in extra]
    time.sleep(2.5)
    print(" ".join(extra), "|", send(b"GET /metrics HTTP/1.1\r\n\r\n"))
    for s in idle:
        s.close()
elif case == "reset":
    # a client that resets its connection mid-request
    s = connect()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.sendall(b"GET /met")
    s.close()
    print(send(b"GET /metrics HTTP/1.1\r\n\r\n"))
elif case == "inflight":
    # hold a request open (for the tool to be stopped meanwhile)
    s = connect()
    s.sendall(b"GET /metrics HTTP/1.1\r\n")
    time.sleep(float(sys.argv[3]))
    print(status(s))
