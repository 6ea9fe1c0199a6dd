#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Sequential TCP connections to one address for a while; prints each one's
setup time in ms, or "failed", one a line (flushed: a reader may stop us)."""
import argparse
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seconds", type=float)
    ap.add_argument("--to", default="64.100.0.10:7003")
    ap.add_argument("--pause", type=float, default=0.01)
    a = ap.parse_args()
    host, port = a.to.rsplit(":", 1)
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        s = socket.socket()
        s.settimeout(10)
        t = time.monotonic()
        try:
            s.connect((host, int(port)))
            print("%.1f" % ((time.monotonic() - t) * 1000), flush=True)
        except OSError:
            print("failed", flush=True)
        s.close()
        time.sleep(a.pause)


if __name__ == "__main__":
    main()
