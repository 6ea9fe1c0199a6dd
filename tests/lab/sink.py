#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A listener that accepts and closes connections, for load in the lab.

Listens on --listen (backlog 4096), accepts and closes every connection, and
stops after --count connections or --idle seconds without one. Prints one
JSON line {"accepted": N}. --ready-file is touched once listening.
"""
import argparse
import json
import socket
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", required=True)
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--idle", type=float, default=5.0)
    ap.add_argument("--ready-file")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, int(port)))
    srv.listen(4096)
    srv.settimeout(args.idle)
    if args.ready_file:
        open(args.ready_file, "w").close()
    accepted = 0
    try:
        while not args.count or accepted < args.count:
            conn, _ = srv.accept()
            conn.close()
            accepted += 1
    except socket.timeout:
        pass
    print(json.dumps({"accepted": accepted}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
