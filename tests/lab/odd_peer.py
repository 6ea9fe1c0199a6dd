#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Echo client and server carrying unusual packets through the reflguard lab.

  odd_peer.py serve --proto tcp|udp --listen ADDR:PORT [--count N] [--timeout S]
                    [--ready-file F]
  odd_peer.py connect --proto tcp|udp --connect ADDR:PORT [--bind ADDR[:PORT]]
                    [--size N] [--ip-options HEX | --ipv6-dstopts HEX |
                     --ipv6-hopopts HEX] [--timeout S]
  odd_peer.py ah-syn --connect [ADDR]:PORT --bind ADDR --sport N

The server echoes what it gets: TCP, everything up to the client's FIN; UDP,
each datagram back to its sender. It prints one JSON line per exchange:

  {"role":"server","proto":"tcp","peer":"64.100.0.10:4401","bytes":64}

The client sets the given options on its socket before it connects (so every
packet of the flow, the SYN included, carries them), sends --size random
bytes, reads the echo and compares. It prints one JSON line:

  {"role":"client","proto":"tcp","local":"10.0.30.2:41234",
   "remote":"64.100.0.10:7003","sent":64,"echoed":true}

ah-syn sends one IPv6 TCP SYN behind an authentication header (AH, with an
all-zero ICV: no peer verifies it, nothing answers it) from a raw socket, as
an IPsec-protected Expressway-C would open its connection; it prints
{"role":"client","local":"[ADDR]:N","sent":"ah-syn"}.

Exit 0 when the echo matched, 1 when it did not or the exchange failed, 4
when the kernel refused the option setsockopt (the line then has
"setsockopt": "<error>"). Traffic goes only to the address it is given.
"""
import argparse
import os
import socket
import struct
import sys

from peerlib import emit, family_of, fmt, parse_hostport

# Not exported by every Python's socket module.
IPV6_HOPOPTS = getattr(socket, "IPV6_HOPOPTS", 54)
IPV6_DSTOPTS = getattr(socket, "IPV6_DSTOPTS", 59)
IP_OPTIONS = getattr(socket, "IP_OPTIONS", 4)


def recv_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def serve(args):
    host, port = parse_hostport(args.listen)
    kind = socket.SOCK_STREAM if args.proto == "tcp" else socket.SOCK_DGRAM
    srv = socket.socket(family_of(host), kind)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    if args.proto == "tcp":
        srv.listen(16)
    srv.settimeout(args.timeout)
    if args.ready_file:
        open(args.ready_file, "w").close()
    for _ in range(args.count):
        rec = {"role": "server", "proto": args.proto}
        try:
            if args.proto == "tcp":
                conn, peer = srv.accept()
                with conn:
                    conn.settimeout(args.timeout)
                    data = recv_all(conn)
                    conn.sendall(data)
                    conn.shutdown(socket.SHUT_WR)
            else:
                data, peer = srv.recvfrom(65536)
                srv.sendto(data, peer)
            rec.update(peer=fmt(peer), bytes=len(data))
        except OSError as exc:
            rec["error"] = f"{type(exc).__name__}: {exc}"
            emit(rec)
            return 1
        emit(rec)
    return 0


def connect(args):
    host, port = parse_hostport(args.connect)
    fam = family_of(host)
    kind = socket.SOCK_STREAM if args.proto == "tcp" else socket.SOCK_DGRAM
    rec = {"role": "client", "proto": args.proto, "local": None, "remote": fmt((host, port))}
    s = socket.socket(fam, kind)
    s.settimeout(args.timeout)
    opts = [(socket.IPPROTO_IP, IP_OPTIONS, args.ip_options, "ip-options"),
            (socket.IPPROTO_IPV6, IPV6_DSTOPTS, args.ipv6_dstopts, "ipv6-dstopts"),
            (socket.IPPROTO_IPV6, IPV6_HOPOPTS, args.ipv6_hopopts, "ipv6-hopopts")]
    for level, name, value, label in opts:
        if value is None:
            continue
        rec["option"] = label
        try:
            s.setsockopt(level, name, bytes.fromhex(value))
        except OSError as exc:
            rec["setsockopt"] = f"{label}: {exc.strerror or exc}"
            emit(rec)
            return 4
    payload = os.urandom(args.size)
    try:
        if args.bind:
            b = parse_hostport(args.bind, default_port=0)
            if b[1]:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(b)
        s.connect((host, port))
        rec["local"] = fmt(s.getsockname())
        if args.proto == "tcp":
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            echo = recv_all(s)
        else:
            s.send(payload)
            echo = s.recv(65536)
        rec.update(sent=len(payload), echoed=echo == payload)
    except OSError as exc:
        rec["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        s.close()
    emit(rec)
    return 0 if rec.get("echoed") else 1


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def ah_syn(args):
    host, port = parse_hostport(args.connect)
    src, dst = socket.inet_pton(socket.AF_INET6, args.bind), socket.inet_pton(socket.AF_INET6, host)
    tcp = struct.pack("!HHIIBBHHH", args.sport, port, 0x1000, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = src + dst + struct.pack("!IxxxB", len(tcp), socket.IPPROTO_TCP)
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    # RFC 4302: next header, length in 4-byte units minus 2, SPI, sequence, 96-bit ICV.
    ah = struct.pack("!BBHII", socket.IPPROTO_TCP, 4, 0, 0x100, 1) + bytes(12)
    ip6 = struct.pack("!IHBB", 6 << 28, len(ah) + len(tcp), 51, 64) + src + dst
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        s.sendto(ip6 + ah + tcp, (host, 0))
    finally:
        s.close()
    emit({"role": "client", "local": fmt((args.bind, args.sport)), "sent": "ah-syn"})
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("--listen", required=True)
    sv.add_argument("--count", type=int, default=1)
    sv.add_argument("--ready-file")
    cl = sub.add_parser("connect")
    cl.add_argument("--connect", required=True)
    cl.add_argument("--bind")
    cl.add_argument("--size", type=int, default=64)
    cl.add_argument("--ip-options", metavar="HEX")
    cl.add_argument("--ipv6-dstopts", metavar="HEX")
    cl.add_argument("--ipv6-hopopts", metavar="HEX")
    for p in (sv, cl):
        p.add_argument("--proto", choices=("tcp", "udp"), default="tcp")
        p.add_argument("--timeout", type=float, default=5.0)
    ah = sub.add_parser("ah-syn")
    ah.add_argument("--connect", required=True)
    ah.add_argument("--bind", required=True)
    ah.add_argument("--sport", type=int, required=True)
    args = ap.parse_args()
    if args.cmd == "ah-syn":
        return ah_syn(args)
    return serve(args) if args.cmd == "serve" else connect(args)


if __name__ == "__main__":
    sys.exit(main())
