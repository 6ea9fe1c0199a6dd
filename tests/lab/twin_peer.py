#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Long-lived traversal connections for the reset tests: how soon does each end learn that
reflguard reset its connection?

  twin_peer.py e --listen 10.0.10.2:7003 --count 2 --ready-file F [--ping 0.25] [--life 4]
  twin_peer.py c --connect 64.100.0.10:7003 --bind 10.0.30.2 --count 2 [--life 4]

E accepts --count connections and on each sends "PING n" every --ping seconds (as a SIP stack
sends keepalives), counting C's echoes. C opens --count connections a few ms apart and echoes
what it reads. Each end prints one JSON line per connection when it ends:

  {"role":"c","local":"10.0.30.2:41000","echoes":3,"end":"rst","end_ts":1765050000.123}

end: rst (a reset), eof (the peer closed), or life (still working after --life seconds, the
end then closes it itself); end_ts: when, as time.time(), to compare with reflguard's events.
"""
import argparse
import select
import socket
import sys
import threading
import time

from peerlib import emit, family_of, fmt, parse_hostport


def finish(record, end):
    record["end"], record["end_ts"] = end, time.time()
    emit(record)


def e_conn(s, peer, ping, life):
    record = {"role": "e", "peer": fmt(peer), "echoes": 0}
    deadline, n, end = time.time() + life, 0, "life"
    s.settimeout(ping)
    try:
        while time.time() < deadline:
            n += 1
            s.sendall(f"PING {n}\r\n".encode())
            try:
                data = s.recv(4096)
            except socket.timeout:
                continue
            if not data:
                end = "eof"
                break
            record["echoes"] += data.count(b"PING")
            time.sleep(ping)
    except OSError:
        end = "rst"
    finish(record, end)
    s.close()


def c_conn(s, life):
    record = {"role": "c", "local": fmt(s.getsockname()), "echoes": 0}
    deadline, end = time.time() + life, "life"
    try:
        while time.time() < deadline:
            s.settimeout(max(0.01, deadline - time.time()))
            try:
                data = s.recv(4096)
            except socket.timeout:
                break
            if not data:
                end = "eof"
                break
            record["echoes"] += data.count(b"PING")
            s.sendall(data)
    except OSError:
        end = "rst"
    finish(record, end)
    s.close()


def run_e(args):
    host, port = parse_hostport(args.listen)
    srv = socket.socket(family_of(host), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(16)
    srv.settimeout(args.life + 5)
    if args.ready_file:
        open(args.ready_file, "w").close()
    threads = []
    for _ in range(args.count):
        try:
            s, peer = srv.accept()
        except socket.timeout:
            break
        t = threading.Thread(target=e_conn, args=(s, peer, args.ping, args.life))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return 0


def run_c(args):
    remote = parse_hostport(args.connect)
    socks = []
    for _ in range(args.count):
        s = socket.socket(family_of(remote[0]), socket.SOCK_STREAM)
        s.setblocking(False)
        if args.bind:
            s.bind((args.bind, 0))
        socks.append(s)
    for s in socks:
        s.connect_ex(remote)	# every SYN out at once, before any exemption lands
    threads = []
    for s in socks:
        try:
            # A SYN dropped by reflguard is retransmitted a second later.
            wait_connected(s, args.life)
        except OSError as exc:
            emit({"role": "c", "error": f"{type(exc).__name__}: {exc}"})
            continue
        t = threading.Thread(target=c_conn, args=(s, args.life))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return 0


def wait_connected(s, timeout):
    """A non-blocking connect is done when the socket is writable."""
    _, w, _ = select.select([], [s], [], timeout)
    if not w:
        raise TimeoutError("connect timed out")
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        raise OSError(err, "connect failed")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("role", choices=["c", "e"])
    ap.add_argument("--listen", default="10.0.10.2:7003")
    ap.add_argument("--connect", default="64.100.0.10:7003")
    ap.add_argument("--bind", help="C's address")
    ap.add_argument("--count", type=int, default=2)
    ap.add_argument("--ping", type=float, default=0.25, help="E's keepalive interval")
    ap.add_argument("--life", type=float, default=4.0, help="seconds a connection is kept")
    ap.add_argument("--ready-file")
    args = ap.parse_args()
    return run_e(args) if args.role == "e" else run_c(args)


if __name__ == "__main__":
    sys.exit(main())
