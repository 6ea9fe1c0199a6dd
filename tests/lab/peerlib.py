# SPDX-License-Identifier: GPL-2.0-or-later
"""What the lab's stand-ins (c_standin.py, e_standin.py, odd_peer.py) share:
addresses in and out, their JSON lines, and reading one SIP message."""

import ipaddress
import json
import socket
import threading

_emit_lock = threading.Lock()


def parse_hostport(text, default_port=None):
    """'1.2.3.4:5', '[v6]:5', or with default_port also '1.2.3.4' / '[v6]' / 'v6'."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    else:
        host, port = text, None
    if port is None:
        if default_port is None:
            raise ValueError(f"{text}: port missing")
        port = default_port
    return host, int(port)


def family_of(host):
    return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET


def fmt(addr):
    """(host, port, ...) as a socket gives it -> 'host:port' or '[v6]:port'."""
    host, port = addr[0], addr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def emit(record):
    """One JSON line, flushed: the tests read them while the peer still runs.
    Whole under a lock: print() writes the text and its newline apart, so two
    threads ending together could otherwise share one line."""
    line = json.dumps(record, separators=(",", ":")) + "\n"
    with _emit_lock:
        print(line, end="", flush=True)


def read_message(conn):
    """Read one SIP message (headers and Content-Length body) from a stream
    socket; returns its start line and headers as text."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("connection closed before a complete SIP message")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    head = head.decode("utf-8", "replace")
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() in ("content-length", "l"):
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    return head
