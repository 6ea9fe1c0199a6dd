#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks for `reflguard report --html` (tests/integration/test_report_html.sh).

  report_html_check.py page HTML BEFORE AFTER TEXT...
      the page parses with balanced tags, fetches nothing, its diagrams (<svg>)
      show BEFORE and AFTER, and its text holds every TEXT
  report_html_check.py png PNG
      a valid PNG, not blank: many colours, and the report's red and green

Exit 0 when all holds; else 1 and one line on stderr saying what did not.
"""
import html.parser
import re
import struct
import sys
import zlib

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# What would make a browser fetch something: the page must open offline.
FETCH = re.compile(r"""(\bsrc\s*=|\bhref\s*=|@import|url\s*\(|<link\b|<script\b|https?://)""",
                   re.I)


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []
        self.text, self.svg_text = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if "svg" in self.stack:
            self.svg_text.append(data)


def fail(why):
    print(f"report_html_check: {why}", file=sys.stderr)
    sys.exit(1)


def page(path, before, after, *want):
    src = open(path, encoding="utf-8").read()
    p = Page()
    p.feed(src)
    p.close()
    if p.errors:
        fail(f"unbalanced tags: {p.errors[:3]}")
    if p.stack:
        fail(f"tags left open: {p.stack}")
    m = FETCH.search(src)
    if m:
        fail(f"a reference to fetch: {src[max(0, m.start() - 40):m.end() + 40]!r}")
    if "<svg" not in src:
        fail("no <svg")
    svg = "\n".join(p.svg_text)
    for addr in (before, after):
        if addr not in svg:
            fail(f"the diagram does not show {addr}")
    text = "\n".join(p.text)
    for w in want:
        if w not in text:
            fail(f"the page does not say {w}")


def png_rows(data):
    """The image's rows of RGB(A) pixels: 8-bit truecolour, not interlaced."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG (magic bytes)")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            fail(f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    if not hdr:
        fail("no IHDR")
    w, h, depth, colour, _, _, interlace = hdr
    if depth != 8 or colour not in (2, 6) or interlace:
        fail(f"unexpected PNG format {hdr}")
    bpp = 3 if colour == 2 else 4
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, None, []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        prev = prev or bytearray(stride)
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def near(px, rgb):
    return all(abs(p - q) <= 24 for p, q in zip(px, rgb))


def png(path):
    data = open(path, "rb").read()
    w, h, bpp, rows = png_rows(data)
    colours, red, green, ink = set(), 0, 0, 0
    for row in rows:
        for x in range(0, w * bpp, bpp):
            px = row[x:x + 3]
            colours.add(px)
            ink += px != b"\xff\xff\xff"
            red += near(px, (0xb3, 0x26, 0x1e))
            green += near(px, (0x1e, 0x7d, 0x32))
    if len(colours) < 16 or ink < w * h // 50:
        fail(f"blank: {len(colours)} colours, {ink} of {w * h} pixels not white")
    if red < 50 or green < 50:
        fail(f"no red ({red} pixels) or green ({green} pixels): before/after not drawn")
    print(f"{w}x{h}, {len(data)} bytes, {len(colours)} colours, "
          f"{100 * ink // (w * h)}% ink, {red} red and {green} green pixels")


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "page":
        page(*sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "png":
        png(sys.argv[2])
    else:
        fail("usage: page HTML BEFORE AFTER TEXT... | png PNG")
