#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for tests/bench/bench.sh: inputs it generates, timings it takes
with a process in the middle, and the final table and build/bench.json.

  benchlib.py state N FILE [C_PORT]    a reflguard state file of N exemptions
  benchlib.py nft N FILE               the same N elements as an `nft -f` file
                                       (table ip rgbench, set exempt4)
  benchlib.py count-set FAMILY TABLE SET   elements in a set (reads `nft -j` on stdin)
  benchlib.py restore NS STATE ERRFILE TIMEOUT REFLGUARD ARGS...
                                       starts the daemon in NS, times its
                                       "restored N exemptions" line; prints JSON
  benchlib.py median V...              the median of numbers
  benchlib.py get FILE KEY [DEFAULT]   a key of the last JSON line of FILE
  benchlib.py evfield EVENTS EVENT KEY the KEY of every EVENT event, one a line
  benchlib.py pct P V...               percentile P (0-100) of numbers
  benchlib.py row FIG KEY NAME UNIT VALUE BASELINE BASENAME GOALS NOTE
                                       one table row, appended to $BENCH_ROWS
  benchlib.py report ROWS MACHINE OUT  prints the table, writes OUT (JSON)

Every value may be "" or "null" for "not measured"; the row then says n/a
and its note says why.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time


def exemption_addr(i):
    # 10.64.0.0 upward: never a lab address, unique up to 4M exemptions.
    return f"10.{64 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}"


def cmd_state(n, path, port="7003"):
    n = int(n)
    with open(path, "w") as f:
        f.write('{"version":1,"exemptions":[\n')
        for i in range(n):
            f.write('{"c":"%s","e_internal":"10.0.10.2","proto":"tcp","port":%s,'
                    '"added":"2026-01-01T00:00:00.000000Z","why":"bench","verified":true}%s\n'
                    % (exemption_addr(i), port, "," if i + 1 < n else ""))
        f.write("]}\n")


def cmd_nft(n, path):
    n = int(n)
    with open(path, "w") as f:
        f.write("add table ip rgbench\n")
        f.write("add set ip rgbench exempt4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; }\n")
        # nft batches the file into netlink messages of its own sizing.
        for start in range(0, n, 4096):
            elems = ", ".join(f"{exemption_addr(i)} . 10.0.10.2 . tcp . 7003"
                              for i in range(start, min(n, start + 4096)))
            f.write(f"add element ip rgbench exempt4 {{ {elems} }}\n")


def cmd_count_set(family, table, name):
    try:
        doc = json.load(sys.stdin)
    except ValueError:
        print(0)
        return
    n = 0
    for obj in doc.get("nftables", []):
        s = obj.get("set")
        if s and s.get("family") == family and s.get("table") == table and s.get("name") == name:
            n += len(s.get("elem", []))
    print(n)


def cmd_restore(ns, state, errfile, timeout, reflguard, *args):
    """Starts `reflguard run` in NS on STATE; times its 'restored' log line.

    The daemon's stderr goes to ERRFILE, read every half millisecond. Prints
    {"pid", "restored_s", "alive", "exit", "signal", "log"}; a daemon that
    is alive is left running (the caller counts the set, reads its RSS and
    stops it).
    """
    timeout = float(timeout)
    err = open(errfile, "w")
    t0 = time.monotonic()
    p = subprocess.Popen(["ip", "netns", "exec", ns, reflguard, "run", "--state", state] + list(args),
                         stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    err.close()
    restored = None
    while time.monotonic() - t0 < timeout:
        with open(errfile, "rb") as f:
            text = f.read().decode(errors="replace")
        if re.search(r"restored \d+ exemptions", text):
            restored = time.monotonic() - t0
            break
        if p.poll() is not None:
            break
        time.sleep(0.0005)
    rc = p.poll()
    with open(errfile, "rb") as f:
        log = f.read().decode(errors="replace").splitlines()
    out = {"pid": p.pid, "restored_s": restored, "alive": rc is None,
           "exit": rc if rc is not None and rc >= 0 else None,
           "signal": signal.Signals(-rc).name if rc is not None and rc < 0 else None,
           "log": log[-3:]}
    print(json.dumps(out))


def num(v):
    if v in (None, "", "null", "None", "n/a"):
        return None
    try:
        return float(v)
    except ValueError:
        return None


def cmd_median(*vals):
    v = [x for x in (num(a) for a in vals) if x is not None]
    print(statistics.median(v) if v else "")


def cmd_pct(p, *vals):
    v = sorted(x for x in (num(a) for a in vals) if x is not None)
    if not v:
        print("")
        return
    k = round(float(p) / 100 * (len(v) - 1))
    print(v[int(k)])


def cmd_get(path, key, default=""):
    try:
        lines = [l for l in open(path) if l.startswith("{")]
        v = json.loads(lines[-1]).get(key) if lines else None
    except (OSError, ValueError):
        v = None
    print(default if v is None else (json.dumps(v) if isinstance(v, (dict, list, bool)) else v))


def cmd_evfield(path, event, key):
    try:
        for line in open(path):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") == event and e.get(key) is not None:
                print(e[key])
    except OSError:
        pass


def cmd_row(fig, key, name, unit, value, baseline, basename, goals, note):
    row = {"figure": int(fig), "key": key, "name": name, "unit": unit,
           "value": num(value), "baseline": num(baseline),
           "baseline_name": basename or None, "goals": goals or "", "note": note or ""}
    with open(os.environ["BENCH_ROWS"], "a") as f:
        f.write(json.dumps(row) + "\n")


def judge(row):
    """ratio, goal text, met (True/False/None) from the row's goals.

    goals: ';'-separated, each min:X (value >= X), max:X (value <= X),
    ratio>=X (value/baseline >= X), delta<=X (value - baseline <= X).
    """
    v, b = row["value"], row["baseline"]
    unit = f" {row['unit']}" if row.get("unit") and row["unit"] not in ("conn/s", "pkt/s", "elem/s", "entries/s") else ""
    ratio = v / b if v is not None and b else None
    texts, met = [], None
    for g in filter(None, row["goals"].split(";")):
        kind, _, x = g.partition(":")
        x = float(x)
        if kind == "min":
            texts.append(f">= {fmt(x)}{unit}")
            ok = v is not None and v >= x
        elif kind == "max":
            texts.append(f"<= {fmt(x)}{unit}")
            ok = v is not None and v <= x
        elif kind == "ratio":
            texts.append(f">= {x:g}x")
            ok = ratio is not None and ratio >= x
        elif kind == "delta":
            texts.append(f"<= +{fmt(x)}{unit}")
            ok = v is not None and b is not None and v - b <= x
        else:
            continue
        if v is None:
            met = None
            break
        met = ok if met is None else (met and ok)
    return ratio, ", ".join(texts) or "-", met


def fmt(x):
    if x is None:
        return "n/a"
    a = abs(x)
    if x == int(x) and a < 1e4:
        return str(int(x))
    if a >= 1e6:
        return f"{x / 1e6:.2f}M"
    if a >= 1e4:
        return f"{x / 1e3:.1f}k"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def cmd_report(rows_path, machine_path, out):
    rows = [json.loads(l) for l in open(rows_path) if l.strip()]
    rows.sort(key=lambda r: r["figure"])	# stable: each figure's rows keep their order
    machine = json.load(open(machine_path))
    for r in rows:
        r["ratio"], r["goal"], r["met"] = judge(r)
        if r["ratio"] is not None:
            r["ratio"] = round(r["ratio"], 4)
    head = ("fig", "measure", "value", "baseline", "ratio", "goal", "met")
    table = []
    for r in rows:
        unit = f" {r['unit']}" if r["unit"] else ""
        base = "-" if r["baseline_name"] is None else \
            f"{fmt(r['baseline'])}{unit} ({r['baseline_name']})"
        table.append((str(r["figure"]), r["name"], fmt(r["value"]) + unit if r["value"] is not None else "n/a",
                      base, f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-",
                      r["goal"], {True: "yes", False: "NO", None: "n/a" if r["goal"] != "-" else "-"}[r["met"]]))
    w = [max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(head)]
    line = lambda t: "  ".join(c.ljust(w[i]) for i, c in enumerate(t)).rstrip()
    print(line(head))
    print(line(tuple("-" * x for x in w)))
    for t in table:
        print(line(t))
    notes = [(r["figure"], r["name"], r["note"].strip().rstrip(";")) for r in rows if r["note"].strip()]
    if notes:
        print("\nnotes:")
        for fig, name, note in notes:
            print(f"  [{fig}] {name}: {note}")
    goals = [r for r in rows if r["goal"] != "-"]
    print(f"\ngoals met: {sum(1 for r in goals if r['met'])} of {len(goals)}"
          f" ({sum(1 for r in goals if r['met'] is None)} not measured)")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        json.dump({"machine": machine, "rows": rows}, f, indent=1)
        f.write("\n")
    print(f"written: {out}")


def main():
    cmds = {"state": cmd_state, "nft": cmd_nft, "count-set": cmd_count_set,
            "restore": cmd_restore, "median": cmd_median, "pct": cmd_pct,
            "get": cmd_get, "evfield": cmd_evfield, "row": cmd_row, "report": cmd_report}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    cmds[sys.argv[1]](*sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
