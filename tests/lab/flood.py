#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A bounded burst of TCP connections through the lab, counted.

Opens --count connections to --connect, at most --concurrency at a time, each
from a fresh source port, and counts how many completed the handshake within
--timeout seconds overall. Prints one JSON line:

  {"attempted":2000,"completed":2000,"failed":0,"elapsed_s":1.234}

Exit 0 when every attempt completed, 1 otherwise. Traffic goes only to the
address it is given, which the lab keeps inside its namespaces.
"""
import argparse
import errno
import json
import selectors
import socket
import struct
import sys
import time


def endpoint(s):
    host, _, port = s.rpartition(":")
    return host.strip("[]"), int(port)


def start(sel, target, family):
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    # Close with RST: no TIME_WAIT to exhaust the source ports.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    err = sock.connect_ex(target)
    if err not in (0, errno.EINPROGRESS):
        sock.close()
        return False
    sel.register(sock, selectors.EVENT_WRITE, time.monotonic())
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connect", required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--timeout", type=float, default=20.0)
    args = ap.parse_args()
    host, port = endpoint(args.connect)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sel = selectors.DefaultSelector()
    attempted = completed = failed = 0
    t0 = time.monotonic()
    while (attempted < args.count or sel.get_map()) and time.monotonic() - t0 < args.timeout:
        while attempted < args.count and len(sel.get_map()) < args.concurrency:
            attempted += 1
            if not start(sel, (host, port), family):
                failed += 1
        for key, _ in sel.select(timeout=0.1):
            sock = key.fileobj
            sel.unregister(sock)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                completed += 1
            else:
                failed += 1
            sock.close()
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    print(json.dumps({"attempted": attempted, "completed": completed,
                      "failed": failed,
                      "elapsed_s": round(time.monotonic() - t0, 3)}), flush=True)
    return 0 if completed == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
