#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/operations.md quotes the pair lab's files as they are: for each file of
tests/lab/pair/ it names (`tests/lab/pair/NAME`), the next indented block must be
that file's text. Prints what differs; exit 1 if anything does."""
import os
import sys

top = sys.argv[1]
doc = open(os.path.join(top, "docs/operations.md")).read().split("\n")
bad = 0
for name in ("keepalived.conf", "primary-backup.sh", "conntrackd.conf", "reflguard.conf"):
    want = open(os.path.join(top, "tests/lab/pair", name)).read().rstrip("\n").split("\n")
    tag = "`tests/lab/pair/%s`" % name
    at = next((i for i, l in enumerate(doc) if l.startswith(tag)), None)
    if at is None:
        print("docs/operations.md: %s is not quoted" % name)
        bad = 1
        continue
    i = at + 1
    while i < len(doc) and not doc[i].startswith("    "):
        i += 1
    got = []
    while i < len(doc) and (doc[i].startswith("    ") or doc[i] == ""):
        got.append(doc[i][4:])
        i += 1
    while got and got[-1] == "":
        got.pop()
    if got != want:
        print("docs/operations.md:%d: the quote of %s differs from the file" % (at + 1, name))
        bad = 1
sys.exit(bad)
