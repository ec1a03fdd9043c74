"""The test suite's real CPU: every process it starts, Chromium's included, by kind.

`time` (or `/usr/bin/time -v`) around pytest counts only the processes that were waited for
down the whole chain, and Chromium's renderers and GPU process are not: on the browser tests it
reported 22 s of CPU where Chromium alone had spent 144 s (tests/browser/test_race.py, 2026-12-07).
This runs pytest with the given arguments, samples the CPU time of each of its descendants
(/proc, every --every seconds, so a process is counted up to its last sample) and prints wall
time, CPU by kind of process, the cores used on average, and the floor a machine with this
many cores cannot beat however many workers run (CPU / cores). Linux only.

    python -m benchmarks.suite -- -n 2 --dist loadgroup           # the whole suite, as CI runs it
    python -m benchmarks.suite -- tests/browser/test_race.py -q   # one module
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def processes() -> dict[int, tuple[int, str, float]]:
    """Every process: its parent, its kind and its CPU seconds so far."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            with open(f"/proc/{d}/cmdline") as f:
                cmd = f.read().replace("\0", " ").split()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[int(d)] = (int(fields[1]), _kind(stat[stat.index("(") + 1 : stat.rindex(")")], cmd),
                       (int(fields[11]) + int(fields[12])) / TICK)  # fmt: skip
    return out


def _kind(name: str, cmd: list[str]) -> str:
    if cmd and cmd[0].endswith("chromium"):  # Chromium writes its arguments into one string
        return "chromium " + next((a[7:] for a in cmd if a.startswith("--type=")), "browser")
    return name.split("-")[0] if name.startswith("node") else name


def descendants(root: int, procs: dict[int, tuple[int, str, float]]) -> list[int]:
    children = collections.defaultdict(list)
    for pid, (parent, _, _) in procs.items():
        children[parent].append(pid)
    found, stack = [], [root]
    while stack:
        for child in children[stack.pop()]:
            found.append(child)
            stack.append(child)
    return found


def chromium_cpu() -> collections.Counter:
    """CPU seconds so far of this process's Chromium descendants, by kind."""
    procs = processes()
    cpu = collections.Counter()
    for pid in descendants(os.getpid(), procs):
        _, kind, seconds = procs[pid]
        if kind.startswith("chromium"):
            cpu[kind] += seconds
    return cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=float, default=0.3, help="seconds between samples")
    ap.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    a = ap.parse_args()
    load = os.getloadavg()
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "pytest", *a.pytest_args])
    last: dict[int, tuple[str, float]] = {}  # each descendant's kind and CPU at its last sample
    while proc.poll() is None:
        procs = processes()
        for pid in [proc.pid, *descendants(proc.pid, procs)]:
            if pid in procs:  # the kind first seen: an exiting process's arguments are gone
                last[pid] = (last.get(pid, procs[pid][1:])[0], procs[pid][2])
        time.sleep(a.every)
    wall = time.time() - start
    by_kind = collections.Counter()
    for kind, cpu in last.values():
        by_kind[kind] += cpu
    cpu = sum(by_kind.values())
    cores = os.cpu_count() or 1
    print(f"\npytest {' '.join(a.pytest_args)}: exit {proc.returncode}")
    print(f"load average before {load[0]:.1f}, after {os.getloadavg()[0]:.1f} (1 min)\n")
    print(f"| {'process':<28} | {'CPU s':>8} |\n|{'-' * 30}|{'-' * 9}:|")
    for kind, seconds in by_kind.most_common():
        if seconds >= 0.5:
            print(f"| {kind:<28} | {seconds:8.1f} |")
    print(f"| {'all':<28} | {cpu:8.1f} |\n")
    print(
        f"wall {wall:.0f} s, {cpu / wall:.2f} cores used on average; the floor on {cores} cores: {cpu / cores:.0f} s"
    )
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
