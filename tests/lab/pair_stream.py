#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One long-lived TCP connection through the firewall pair, carrying data both ways
while the pair fails over (tests/integration/test_pair*.sh).

  pair_stream.py e --listen 10.0.10.2:7003 --ready-file F
      serves one connection: prints {"role":"e","peer":"ADDR:PORT"} at once, then echoes
      every line back, with a progress line every 10, and at the end {"role":"e","echoed":N,"peer":...}.
  pair_stream.py c --bind 10.0.30.2:PORT --connect 64.100.0.10:7003 --stop-file F
      sends a numbered line every --interval s and waits for its echo, until F exists;
      prints {"role":"c","sent":N,"echoed":N,"max_gap_ms":M,"error":null|"..."}.
Exit 0 when every line came back in order (C) or the peer closed cleanly (E).
"""
import argparse
import os
import socket
import sys
import time

from peerlib import emit, fmt, parse_hostport


def run_e(args):
    host, port = parse_hostport(args.listen)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(4)
    srv.settimeout(args.timeout)
    if args.ready_file:
        open(args.ready_file, "w").close()
    conn, peer = srv.accept()
    # One connection: the port is free for another E stand-in at once.
    srv.close()
    emit({"role": "e", "peer": fmt(peer)})
    conn.settimeout(args.timeout)
    n = 0
    f = conn.makefile("rb")
    try:
        for line in f:
            conn.sendall(line)
            n += 1
            if n % 10 == 0:
                emit({"role": "e", "peer": fmt(peer), "echoed": n})
    except OSError as e:
        emit({"role": "e", "peer": fmt(peer), "echoed": n, "error": str(e)})
        return 1
    emit({"role": "e", "peer": fmt(peer), "echoed": n})
    return 0


def run_c(args):
    host, port = parse_hostport(args.connect)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.bind:
        bhost, bport = parse_hostport(args.bind, 0)
        s.bind((bhost, bport))
    s.settimeout(args.timeout)
    out = {"role": "c", "sent": 0, "echoed": 0, "max_gap_ms": 0, "error": None}
    try:
        s.connect((host, port))
        out["local"] = fmt(s.getsockname())
        f = s.makefile("rb")
        while not os.path.exists(args.stop_file):
            t0 = time.monotonic()
            s.sendall(b"line %d\n" % out["sent"])
            out["sent"] += 1
            got = f.readline()
            if got != b"line %d\n" % (out["sent"] - 1):
                out["error"] = "echo %r" % got
                break
            out["echoed"] += 1
            out["max_gap_ms"] = max(out["max_gap_ms"], round((time.monotonic() - t0) * 1000))
            time.sleep(args.interval)
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        out["error"] = str(e)
    emit(out)
    return 0 if out["error"] is None and out["sent"] == out["echoed"] else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("role", choices=["c", "e"])
    ap.add_argument("--listen", default="10.0.10.2:7003")
    ap.add_argument("--connect", default="64.100.0.10:7003")
    ap.add_argument("--bind", help="C's ADDR or ADDR:PORT")
    ap.add_argument("--stop-file", help="C stops once this file exists")
    ap.add_argument("--ready-file", help="E touches it once listening")
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()
    if args.role == "c" and not args.stop_file:
        ap.error("c needs --stop-file")
    sys.exit(run_e(args) if args.role == "e" else run_c(args))


if __name__ == "__main__":
    main()
