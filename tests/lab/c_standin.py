#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Expressway-C stand-in for the reflguard lab.

Opens the traversal connection to Expressway-E, reads E's SIP SERVICE request and routes it
on its first Route header, as Expressway-C does: if the Route is C's own end of this very
connection, the request is for C (answer 200 OK); otherwise C dials the Route address and,
since that is never C, answers 408 Request Timeout. Prints one JSON line per attempt:

  {"role":"expressway-c","attempt":1,"local":"10.0.30.2:27901","remote":"64.100.0.10:7003",
   "route":"64.100.0.10:4401","dial":"refused","answer":408}

dial is refused, timeout, connected, not-needed, or error:<reason> for anything else.
Exit 0 if an attempt answered 200, 1 if all answered 408, 3 if the exchange with E failed.
"""
import argparse
import ipaddress
import re
import secrets
import socket
import struct
import sys
import time

from peerlib import emit, family_of, fmt, parse_hostport, read_message

ROUTE_RE = re.compile(r"<sip:(\[[^\]]+\]|[^:;>]+)(?::(\d+))?")


def same_endpoint(a, b):
    return ipaddress.ip_address(a[0]) == ipaddress.ip_address(b[0]) and int(a[1]) == int(b[1])


def read_headers(conn):
    """One SIP message's start line and headers, as (name, value, line)."""
    headers = []
    for line in read_message(conn).split("\r\n"):
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip(), line))
    return headers


def dial(host, port, bind_host):
    """Try the Route address the way C would forward the request there."""
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        if bind_host:
            s.bind((bind_host, 0))
        s.connect((host, port))
        return "connected"
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "timeout"
    except OSError as exc:
        return f"error:{exc.strerror or exc}"
    finally:
        s.close()


def response(headers, code, reason, local):
    """Answer with the request's Via/Call-ID/CSeq/From/To, as a SIP proxy must."""
    lines = [f"SIP/2.0 {code} {reason}"]
    for name, _, line in headers[1:]:
        key = name.lower()
        if key == "to":
            lines.append(line if ";tag=" in line else f"{line};tag={secrets.token_hex(6)}")
        elif key in ("via", "call-id", "cseq", "from"):
            lines.append(line)
    lines.append("Server: TANDBERG/4132 (X8.7.2)")
    if code == 408:
        lines.append(f'Warning: 399 {local} "Request Timeout"')
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def close_now(s):
    # SO_LINGER 0: close with RST, no TIME_WAIT, so the fixed --bind port is free at once.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def attempt(n, remote, bind, timeout):
    record = {"role": "expressway-c", "attempt": n, "local": None, "remote": fmt(remote)}
    s = socket.socket(family_of(remote[0]), socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        if bind:
            if bind[1]:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(bind)
        s.connect(remote)
        local = s.getsockname()[:2]
        record["local"] = fmt(local)
        headers = read_headers(s)
        if not headers[0][2].startswith("SERVICE "):
            raise ValueError(f"unexpected request: {headers[0][2]!r}")
        route = next((v for n_, v, _ in headers[1:] if n_.lower() == "route"), None)
        m = ROUTE_RE.search(route or "")
        if not m:
            raise ValueError(f"no usable Route header: {route!r}")
        r_host, r_port = m.group(1).strip("[]"), int(m.group(2) or 5061)
        record["route"] = fmt((r_host, r_port))
        if same_endpoint((r_host, r_port), local):
            record["dial"], code, reason = "not-needed", 200, "OK"
        else:
            record["dial"] = dial(r_host, r_port, bind[0] if bind else None)
            # Even a successful dial reached someone else: the request was meant for C.
            code, reason = 408, "Request Timeout"
        s.sendall(response(headers, code, reason, record["local"]))
        record["answer"] = code
        # Let E read the answer and close first; resetting now could discard it.
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
    except (OSError, ValueError) as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        close_now(s)
    emit(record)
    return record


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connect", default="64.100.0.10:7003", help="ADDR:PORT or [ADDR]:PORT")
    ap.add_argument("--bind", help="ADDR or ADDR:PORT ([ADDR]:PORT for IPv6)")
    ap.add_argument("--attempts", type=int, default=1)
    ap.add_argument("--interval", type=float, default=0.2, help="seconds between attempts")
    ap.add_argument("--timeout", type=float, default=5.0, help="connect/read timeout towards E")
    args = ap.parse_args()

    remote = parse_hostport(args.connect)
    bind = parse_hostport(args.bind, default_port=0) if args.bind else None
    for n in range(1, args.attempts + 1):
        if n > 1:
            time.sleep(args.interval)
        rec = attempt(n, remote, bind, args.timeout)
        if "error" in rec:
            return 3
        if rec["answer"] == 200:
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
