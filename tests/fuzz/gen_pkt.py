#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed packets for fuzz_pkt (one-off; see README.md and gen_seeds.sh).

  gen_pkt.py capture IFACE DIR SECONDS   the first packet of each kind (v4-tcp-syn,
                                         v6-udp-reply, ...) to or from port 7003 seen
                                         on IFACE, from the network header on
  gen_pkt.py serve SECONDS               TCP and UDP listeners on port 7003 (v4, v6)
  gen_pkt.py dial ADDR [ADDR...]         C's traversal connections from port 27901
  gen_pkt.py variants DIR                IPv4 options and IPv6 extension headers
                                         added to the captured SYNs in DIR
"""
import os
import socket
import struct
import sys
import threading
import time

PORT = 7003


def kind(pkt):
    """'v4-tcp-syn', 'v6-udp-reply', ... or None for what is not C<->E traffic."""
    v = pkt[0] >> 4
    if v == 4:
        off, proto = (pkt[0] & 15) * 4, pkt[9]
    else:
        off, proto = 40, pkt[6]
    if proto not in (6, 17) or len(pkt) < off + 14:
        return None
    sport, dport = struct.unpack('!HH', pkt[off:off + 4])
    if PORT not in (sport, dport):
        return None
    if proto == 17:
        what = 'udp-' + ('request' if dport == PORT else 'reply')
    else:
        flags = pkt[off + 13]
        what = 'tcp-' + {0x02: 'syn', 0x12: 'synack', 0x10: 'ack', 0x18: 'data',
                         0x11: 'fin', 0x04: 'rst', 0x14: 'rst'}.get(flags, 'flags%02x' % flags)
        if flags == 0x18 and sport == PORT:
            what = 'tcp-reply'
    return 'v%d-%s' % (v, what)


def capture(iface, outdir, seconds):
    """The first packet of each kind, from the network header on."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(3))
    s.bind((iface, 0))
    s.settimeout(0.2)
    end, seen = time.time() + seconds, set()
    while time.time() < end:
        try:
            pkt = s.recv(65535)
        except socket.timeout:
            continue
        k = kind(pkt) if pkt and pkt[0] >> 4 in (4, 6) else None
        if k is None or k in seen:
            continue
        seen.add(k)
        with open(os.path.join(outdir, k + '.pkt'), 'wb') as f:
            f.write(pkt)
    print('%d packets captured on %s' % (len(seen), iface))


def v6only(s):
    if s.family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)


def serve(seconds):
    def tcp(family):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        v6only(s)
        s.bind(('::' if family == socket.AF_INET6 else '0.0.0.0', PORT))
        s.listen()
        while True:
            c, _ = s.accept()
            c.sendall(b'SIP/2.0 200 OK\r\n\r\n')
            c.close()

    def udp(family):
        s = socket.socket(family, socket.SOCK_DGRAM)
        v6only(s)
        s.bind(('::' if family == socket.AF_INET6 else '0.0.0.0', PORT))
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(b'SIP/2.0 200 OK\r\n\r\n', peer)

    for fn in (tcp, udp):
        for fam in (socket.AF_INET, socket.AF_INET6):
            threading.Thread(target=fn, args=(fam,), daemon=True).start()
    time.sleep(seconds)


def dial(addrs):
    for a in addrs:
        fam = socket.AF_INET6 if ':' in a else socket.AF_INET
        src = ('::' if fam == socket.AF_INET6 else '0.0.0.0', 27901)
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(src)
        s.connect((a, PORT))
        s.sendall(b'SERVICE sip:c SIP/2.0\r\n\r\n')
        s.recv(100)
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind(src)
        u.settimeout(2)
        u.sendto(b'OPTIONS sip:e SIP/2.0\r\n\r\n', (a, PORT))
        u.recv(100)
        s.close()   # the TCP entry stays in TIME_WAIT for the dump
        u.close()


def csum_v4(h):
    s = sum(struct.unpack('!%dH' % (len(h) // 2), h))
    s = (s >> 16) + (s & 0xffff)
    return (~(s + (s >> 16))) & 0xffff


def v4_options(pkt, opts):
    """The packet with IPv4 options (padded to 32 bits) after its header."""
    opts += b'\0' * (-len(opts) % 4)
    ihl = (pkt[0] & 15) * 4
    h = bytearray(pkt[:ihl] + opts)
    h[0] = 0x40 | len(h) // 4
    struct.pack_into('!H', h, 2, len(pkt) + len(opts))
    struct.pack_into('!H', h, 10, 0)
    struct.pack_into('!H', h, 10, csum_v4(bytes(h)))
    return bytes(h) + pkt[ihl:]


def v6_ext(pkt, chain):
    """The packet with extension headers [(type, body)] after the fixed header."""
    nxt, out = pkt[6], b''
    for i, (typ, body) in enumerate(chain):
        follow = chain[i + 1][0] if i + 1 < len(chain) else nxt
        if typ == 44:       # fragment: next, reserved, offset|M, id
            out += bytes([follow, 0]) + body
        else:
            hdr = bytes([follow, 0]) + body
            hdr += bytes(-len(hdr) % 8)     # padded with Pad1 options
            hdr = hdr[:1] + bytes([len(hdr) // 8 - 1]) + hdr[2:]
            out += hdr
    h = bytearray(pkt[:40])
    h[6] = chain[0][0]
    struct.pack_into('!H', h, 4, len(pkt) - 40 + len(out))
    return bytes(h) + out + pkt[40:]


def variants(d):
    def read(name):
        try:
            with open(os.path.join(d, name), 'rb') as f:
                return f.read()
        except FileNotFoundError:
            return None
    syn4, syn6 = read('v4-tcp-syn.pkt'), read('v6-tcp-syn.pkt')
    out = {}
    if syn4:
        ra = b'\x94\x04\x00\x00'                         # router alert
        rr = b'\x07\x0b\x04' + bytes(8)                  # record route, 2 slots
        ts = b'\x44\x0c\x05\x00' + bytes(8)              # timestamp
        out['v4-opt-ra.pkt'] = v4_options(syn4, ra)
        out['v4-opt-rr-ts.pkt'] = v4_options(syn4, rr + ts)
        out['v4-opt-max.pkt'] = v4_options(syn4, b'\x01' * 40)   # IHL 15
        frag = bytearray(syn4)
        struct.pack_into('!H', frag, 6, 0x2000 | 185)    # a later fragment
        out['v4-frag-later.pkt'] = bytes(frag)
        out['v4-tcp-cut128.pkt'] = v4_options(syn4, rr + ts + ra)[:128]
    if syn6:
        hbh = (0, b'\x05\x02\x00\x00')                    # hop-by-hop: router alert
        dst = (60, bytes(12))                             # destination options
        rt = (43, b'\x04\x00' + bytes(4) + socket.inet_pton(socket.AF_INET6, 'fd00:10::2'))
        frag0 = (44, b'\x00\x01' + b'\xde\xad\xbe\xef')   # offset 0, M set
        frag1 = (44, b'\x00\xb8' + b'\xde\xad\xbe\xef')   # offset 23: a later one
        out['v6-ext-hbh.pkt'] = v6_ext(syn6, [hbh])
        out['v6-ext-hbh-dst-rt.pkt'] = v6_ext(syn6, [hbh, dst, rt])
        out['v6-ext-frag-first.pkt'] = v6_ext(syn6, [frag0])
        out['v6-ext-frag-later.pkt'] = v6_ext(syn6, [hbh, frag1])
        out['v6-ext-chain-cut128.pkt'] = v6_ext(syn6, [hbh, dst, rt, frag0])[:128]
    for name, p in out.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(p)
    print('%d variants written to %s' % (len(out), d))


def main(argv):
    if len(argv) >= 5 and argv[1] == 'capture':
        capture(argv[2], argv[3], float(argv[4]))
    elif len(argv) == 3 and argv[1] == 'serve':
        serve(float(argv[2]))
    elif len(argv) >= 3 and argv[1] == 'dial':
        dial(argv[2:])
    elif len(argv) == 3 and argv[1] == 'variants':
        variants(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
