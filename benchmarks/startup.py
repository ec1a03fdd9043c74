"""Start-up benchmark: what serving the page costs before the first student arrives.

Two tables. The first times ``import playground.web.wsgi`` (the app built and its caches
warmed, what gunicorn's master does before it forks) in fresh interpreters: the median
and the spread of the wall time, the median CPU time, the peak resident memory, and which
heavy packages were imported. The second starts a real ``loss-playground serve --workers 2`` on 127.0.0.1,
loads the default page and runs its first compute callback a few times from a few clients
(so both workers serve it), then prints each process's memory: RSS (what the issue's
target counts), PSS (shared pages split between the processes that share them) and USS
(pages only this process holds). Bounded: a fixed number of interpreters and requests.

    python -m benchmarks.startup [--runs 7] [--port 8071]
"""

from __future__ import annotations

import argparse
import http.client
import json
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.dash_payload import body, compute_dep, compute_values
from benchmarks.load import ROOT, children, gunicorn

HEAVY = ("torch", "sympy", "numba", "sklearn", "scipy", "IPython", "requests")
IMPORT = (
    "import resource, sys, json; import playground.web.wsgi; "
    "print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
    f"[m for m in {HEAVY!r} if m in sys.modules]]))"
)


def import_times(runs: int) -> None:
    walls, cpus, peaks, heavy = [], [], [], set()
    for _ in range(runs):
        t0, c0 = time.perf_counter(), _children_cpu()
        out = subprocess.run(
            [sys.executable, "-c", IMPORT], cwd=ROOT, capture_output=True, text=True, check=True
        )
        walls.append(time.perf_counter() - t0)
        cpus.append(_children_cpu() - c0)
        peak_kb, loaded = json.loads(out.stdout.splitlines()[-1])
        peaks.append(peak_kb / 1024)
        heavy |= set(loaded)
    print(
        "| fresh interpreters | median s | min s | max s | CPU s (median) | peak RSS MB (median) | heavy packages imported |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|")
    print(f"| {runs} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} | "
          f"{statistics.median(cpus):.2f} | {statistics.median(peaks):.0f} | {', '.join(sorted(heavy)) or 'none'} |")  # fmt: skip


def _children_cpu() -> float:
    """User and system CPU seconds of the finished child processes (steadier than wall time on a
    shared machine)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def memory_mb(pid: int) -> tuple[float, float, float]:
    """RSS, PSS and USS of a process in MB (Linux's smaps_rollup)."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return fields["Rss"] / 1024, fields["Pss"] / 1024, uss / 1024


def first_visit(port: int, deps: list[dict]) -> None:
    """What a browser's first visit asks the server for: the page and its first run."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        assert r.status == 200, (path, r.status)
    c.request("POST", "/_dash-update-component", json.dumps(body(compute_dep(deps), compute_values())),
              {"Content-Type": "application/json"})  # fmt: skip
    r = c.getresponse()
    r.read()
    assert r.status == 200, r.status
    c.close()


def served_memory(port: int, workers: int, visits: int) -> None:
    with gunicorn(port, workers, "startup-gunicorn") as (proc, _assets, deps):
        with ThreadPoolExecutor(4) as pool:  # concurrent, so that every worker serves some
            list(pool.map(lambda _: first_visit(port, deps), range(visits)))
        pids = children(proc.pid)
        time.sleep(0.5)
        print(
            f"\n| process (gunicorn, {workers} workers, after {visits} first visits) | RSS MB | PSS MB | USS MB |"
        )
        print("|---|---:|---:|---:|")
        for i, pid in enumerate(pids):
            rss, pss, uss = memory_mb(pid)
            print(f"| {'master' if i == 0 else f'worker {i}'} | {rss:.0f} | {pss:.0f} | {uss:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="fresh interpreters to time")
    ap.add_argument("--port", type=int, default=8071, help="port of the gunicorn started on 127.0.0.1")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--visits", type=int, default=12, help="first visits (page + first run) to serve")
    args = ap.parse_args()
    import_times(args.runs)
    served_memory(args.port, args.workers, args.visits)


if __name__ == "__main__":
    main()
