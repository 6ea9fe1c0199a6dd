#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A steady rate of Expressway-C traversal connections while the firewall pair fails
over (tests/integration/test_pair_failovers.sh).

  pair_load.py e --ready-file R --stop-file F   (in E: serves every connection at once)
  pair_load.py c --stop-file F                  (in C)
C starts one c_standin attempt (a fresh source port each) every --interval seconds, each
in a thread of its own so one that waits for a retransmitted SYN does not hold back the
next, until --stop-file exists. Prints one JSON line per attempt, with its wall-clock
start and end (time.time(), comparable with the notify scripts' `date +%s.%N`):

  {"attempt":7,"start":1796605802.95,"end":1796605802.96,"answer":200,"local":"..."}

answer is 200 (E saw C's real address), 408 (E saw a translated source: lost to the
firewall's NAT) or absent with "error" (the connection itself failed).
"""
import argparse
import os
import sys
import threading
import time

import socket

import c_standin
import e_standin
from peerlib import emit, fmt, parse_hostport, read_message


def one(n, remote, bind_host, timeout):
    start = time.time()
    rec = c_standin.attempt(n, remote, (bind_host, 0), timeout)
    emit({"attempt": n, "start": round(start, 4), "end": round(time.time(), 4),
          "answer": rec.get("answer"), "error": rec.get("error"), "local": rec.get("local")})


def serve(conn, peer, port, timeout):
    """e_standin's exchange, one thread per connection: a connection stalled by the
    failover must not hold back the others."""
    with conn:
        conn.settimeout(timeout)
        try:
            conn.sendall(e_standin.service_request(socket.AF_INET, port, peer))
            read_message(conn)
        except (OSError, ValueError):
            pass


def run_e(args):
    host, port = parse_hostport(args.listen)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(128)
    srv.settimeout(0.2)
    open(args.ready_file, "w").close()
    while not os.path.exists(args.stop_file):
        try:
            conn, addr = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, fmt(addr), port, args.timeout), daemon=True).start()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("role", choices=["c", "e"])
    ap.add_argument("--listen", default="10.0.10.2:7003")
    ap.add_argument("--ready-file")
    ap.add_argument("--connect", default="64.100.0.10:7003")
    ap.add_argument("--bind", default="10.0.30.2")
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--stop-file", required=True)
    ap.add_argument("--max", type=int, default=20000, help="attempts at most")
    args = ap.parse_args()
    if args.role == "e":
        return run_e(args)
    remote = parse_hostport(args.connect)
    threads = []
    n = 0
    nxt = time.monotonic()
    while not os.path.exists(args.stop_file) and n < args.max:
        n += 1
        t = threading.Thread(target=one, args=(n, remote, args.bind, args.timeout))
        t.start()
        threads.append(t)
        threads = [t for t in threads if t.is_alive()]
        nxt += args.interval
        time.sleep(max(0.0, nxt - time.monotonic()))
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
