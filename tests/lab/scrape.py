#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A metrics client for the tests: scrapes, checks the exposition format,
and plays the slow, malformed and crowding clients the endpoint must shrug off.

  scrape.py get HOST PORT [PATH [METHOD]]  one request; prints a JSON line
      {"status": N, "content_type": "...", "body": "...", "metrics": {...}}
      where metrics maps "name{labels}" to its value (only for a 200).
  scrape.py check HOST PORT     a scrape, its text checked as format 0.0.4;
      exit 1 with the first fault on stderr
  scrape.py malformed HOST PORT   garbage, binary, 100 KiB of header, pipelined
  scrape.py silent HOST PORT      a client that connects and says nothing, and
      one that sends a byte a second
  scrape.py crowd HOST PORT SECONDS   a one-byte-a-second client and more
      silent ones than the endpoint keeps
  Each prints a JSON line of what each client saw: the status it was
  answered with, or "closed after Ns".
"""
import json
import re
import socket
import sys
import threading
import time

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"'
                  r'(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})? (?P<value>\S+)$')


def connect(host, port, timeout=5):
    fam = socket.AF_INET6 if ':' in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def read_all(s):
    data = b''
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def status_of(data):
    m = re.match(rb'HTTP/1\.1 (\d{3}) ', data)
    return int(m.group(1)) if m else None


def request(host, port, path='/metrics', method='GET'):
    s = connect(host, port)
    s.sendall(f'{method} {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/plain\r\n\r\n'.encode())
    data = read_all(s)
    s.close()
    head, _, body = data.partition(b'\r\n\r\n')
    headers = {}
    for line in head.split(b'\r\n')[1:]:
        k, _, v = line.partition(b':')
        headers[k.decode().lower()] = v.decode().strip()
    return status_of(data), headers, body.decode()


def parse(text):
    """The exposition format's rules we rely on; returns {series: value}."""
    types, series = {}, {}
    if not text.endswith('\n'):
        raise ValueError('no final newline')
    for n, line in enumerate(text.split('\n')[:-1], 1):
        if line.startswith('# TYPE '):
            _, _, name, kind = line.split(' ', 3)
            if kind not in ('counter', 'gauge', 'histogram', 'summary', 'untyped'):
                raise ValueError(f'line {n}: bad type {kind}')
            if name in types:
                raise ValueError(f'line {n}: second TYPE for {name}')
            types[name] = kind
            continue
        if line.startswith('#'):
            continue
        m = LINE.match(line)
        if not m:
            raise ValueError(f'line {n}: not "name{{labels}} value": {line!r}')
        name = m.group(1)
        float(m.group('value'))
        base = re.sub(r'_(bucket|sum|count)$', '', name)
        if name not in types and not (base in types and types[base] == 'histogram'):
            raise ValueError(f'line {n}: {name} has no # TYPE before it')
        key = name + (m.group(2) or '')
        if key in series:
            raise ValueError(f'line {n}: {key} twice')
        series[key] = float(m.group('value'))
    for name, kind in types.items():
        if kind == 'histogram':
            buckets = [v for k, v in series.items() if k.startswith(name + '_bucket{')]
            if buckets != sorted(buckets) or f'{name}_bucket{{le="+Inf"}}' not in series:
                raise ValueError(f'{name}: buckets not cumulative or no +Inf')
            if series[f'{name}_bucket{{le="+Inf"}}'] != series.get(f'{name}_count'):
                raise ValueError(f'{name}: +Inf bucket differs from _count')
    return series


def cmd_get(host, port, path='/metrics', method='GET'):
    st, headers, body = request(host, port, path, method)
    out = {'status': st, 'content_type': headers.get('content-type'),
           'connection': headers.get('connection'), 'body': body}
    if st == 200:
        out['metrics'] = parse(body)
    print(json.dumps(out))


def cmd_check(host, port):
    st, headers, body = request(host, port)
    if st != 200:
        sys.exit(f'status {st}')
    if headers.get('content-type', '').split(';')[0:2] != ['text/plain', ' version=0.0.4']:
        sys.exit(f'content type {headers.get("content-type")}')
    if int(headers.get('content-length', -1)) != len(body.encode()):
        sys.exit('content length differs from the body')
    try:
        parse(body)
    except ValueError as e:
        sys.exit(str(e))


def answered(s, t0):
    """What the server did with a client: its status, or closed and when."""
    data = read_all(s)
    st = status_of(data)
    return st if st else f'closed after {time.monotonic() - t0:.1f}s'


def silent(host, port, res, key):
    t0 = time.monotonic()
    s = connect(host, port, timeout=15)
    res[key] = answered(s, t0)


def slow(host, port, res, key, seconds):
    t0 = time.monotonic()
    s = connect(host, port, timeout=15)
    try:
        for b in b'GET /metrics HTTP/1.1\r\nHost: x\r\n'[:int(seconds) + 4]:
            s.send(bytes([b]))
            time.sleep(1)
    except OSError:
        pass
    res[key] = answered(s, t0)


def send_then_read(host, port, res, key, payload):
    t0 = time.monotonic()
    s = connect(host, port, timeout=15)
    try:
        s.sendall(payload)
    except OSError:
        pass
    res[key] = answered(s, t0)


def run_all(host, port, jobs):
    res, threads = {}, []
    for fn, args in jobs:
        t = threading.Thread(target=fn, args=(host, port, res) + args)
        t.start()
        threads.append(t)
        time.sleep(0.02)
    for t in threads:
        t.join()
    print(json.dumps(res, sort_keys=True))


def cmd_malformed(host, port):
    run_all(host, port, [
        (send_then_read, ('garbage', b'hello, is this the metrics?\r\n\r\n')),
        (send_then_read, ('binary', bytes(range(256)) * 4)),
        (send_then_read, ('oversized', b'GET /metrics HTTP/1.1\r\nX-Big: ' + b'a' * 102400 + b'\r\n\r\n')),
        (send_then_read, ('pipelined', b'GET /metrics HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n\x00\xff' * 50)),
    ])


def cmd_silent(host, port):
    """Two clients that never finish a request: the deadline ends them."""
    run_all(host, port, [(silent, ('silent',)), (slow, ('slow', 10))])


def cmd_crowd(host, port, seconds):
    """A slow client and more silent ones than the endpoint keeps."""
    jobs = [(slow, ('slow', float(seconds)))]
    jobs += [(silent, (f'crowd{i}',)) for i in range(12)]
    run_all(host, port, jobs)


if __name__ == '__main__':
    cmd, host, port, *rest = sys.argv[1:]
    {'get': cmd_get, 'check': cmd_check, 'malformed': cmd_malformed,
     'silent': cmd_silent, 'crowd': cmd_crowd}[cmd](host, int(port), *rest)
