#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Expressway-E stand-in for the reflguard lab.

Accepts traversal connections from Expressway-C and, on each, sends the SIP SERVICE
request a real Expressway-E sends when an MRA client registers. Its first Route header
carries the peer address E saw, which is exactly what a source-translating firewall
corrupts. Prints one JSON line per connection:

  {"role":"expressway-e","listen":"10.0.10.2:7003","peer":"64.100.0.10:4401",
   "route":"64.100.0.10:4401","response":"SIP/2.0 408 Request Timeout","status":408}

Exit 0 after --count connections (all answered), 1 on a timeout or a missing answer.
"""
import argparse
import secrets
import socket
import sys

from peerlib import emit, family_of, fmt, parse_hostport, read_message

# E's public static-NAT address goes in its Via header, as in the vendor note.
PUBLIC = {socket.AF_INET: "64.100.0.10", socket.AF_INET6: "[2001:db8:64::10]"}


def service_request(family, listen_port, peer):
    branch = "z9hG4bK" + secrets.token_hex(8)
    lines = [
        "SERVICE sip:serviceserver@cucm02.example.local SIP/2.0",
        f"Via: SIP/2.0/TLS {PUBLIC[family]}:{listen_port};egress-zone=UCTraversal;"
        f"branch={branch};proxy-call-id={secrets.token_hex(8)};rport",
        f"Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK{secrets.token_hex(8)};"
        "received=127.0.0.1;rport=25063;ingress-zone=DefaultZone",
        f"Call-ID: {secrets.token_hex(8)}@127.0.0.1",
        "CSeq: 4616 SERVICE",
        "Contact: <sip:serviceproxy@cucm02.example.local>",
        f"From: <sip:serviceproxy@cucm02.example.local>;tag={secrets.token_hex(6)}",
        "To: <sip:serviceserver@cucm02.example.local>",
        "Max-Forwards: 15",
        # The address E believes its traversal peer has: the heart of the fault.
        f"Route: <sip:{peer};transport=tls;apparent;ds;lr>",
        "Route: <sip:127.0.0.1:22210;transport=tcp;vcs-cate;lr>",
        "User-Agent: TANDBERG/4132 (X8.7.2)",
        "Event: service",
        "Content-Length: 0",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", default="10.0.10.2:7003", help="ADDR:PORT or [ADDR]:PORT")
    ap.add_argument("--count", type=int, default=1, help="connections to serve")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds to wait for each connection and for each answer")
    ap.add_argument("--ready-file", help="touched once listening")
    args = ap.parse_args()

    host, port = parse_hostport(args.listen)
    family = family_of(host)
    listen = fmt((host, port))
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(8)
    srv.settimeout(args.timeout)
    if args.ready_file:
        open(args.ready_file, "w").close()

    failed = False
    for _ in range(args.count):
        try:
            conn, peer_addr = srv.accept()
        except socket.timeout:
            emit({"role": "expressway-e", "listen": listen,
                  "error": f"no connection within {args.timeout:g}s"})
            return 1
        peer = fmt(peer_addr)
        record = {"role": "expressway-e", "listen": listen, "peer": peer, "route": peer}
        with conn:
            conn.settimeout(args.timeout)
            try:
                conn.sendall(service_request(family, port, peer))
                status_line = read_message(conn).split("\r\n", 1)[0]
                record["response"] = status_line
                parts = status_line.split()
                record["status"] = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            except (OSError, ConnectionError, ValueError) as exc:
                record["error"] = f"no answer: {exc}"
                failed = True
        emit(record)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
