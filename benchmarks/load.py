"""Load test: real gunicorn on 127.0.0.1, simulated students replaying what a browser sends.

Each student loads the page (index, layout, dependencies, every script and stylesheet, the
initial callbacks) and then changes a setting ten times, spread over the run. Bounded: a
fixed number of students, a fixed duration, loopback only. Prints a table.

    python -m benchmarks.load --users 300 --duration 60
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from benchmarks.dash_payload import body, compute_dep, compute_values

ROOT = Path(__file__).resolve().parents[1]
LRS = ["0.0005", "0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"]
SURFACES = ["rosenbrock", "ravine", "himmelblau", "beale"]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.count = 0

    def add(self, kind: str, dt: float, ok: bool, what: str = ""):
        with self.lock:
            self.count += 1
            self.times.setdefault(kind, []).append(dt)
            if not ok:
                self.errors.append(what)


def request(conn_box, method, path, stats, kind, payload=None):
    t0 = time.perf_counter()
    ok, what = True, ""
    try:
        conn = conn_box[0]
        headers = {"Accept-Encoding": "gzip"}
        data = None
        if payload is not None:
            data = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        if resp.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        ok = resp.status == 200
        what = f"{kind} {resp.status}"
    except (OSError, http.client.HTTPException) as e:
        ok, what, raw = False, f"{kind} {type(e).__name__}", b""
        conn_box[0].close()
        conn_box[0] = http.client.HTTPConnection(*conn_box[1], timeout=30)
    stats.add(kind, time.perf_counter() - t0, ok, what)
    return raw


def student(i: int, host: str, port: int, deps, assets, duration: float, t_start: float, stats: Stats):
    rng = random.Random(i)
    time.sleep(rng.uniform(0, duration * 0.2))  # arrivals spread over the first fifth
    box = [http.client.HTTPConnection(host, port, timeout=30), (host, port)]
    for path in ["/", "/_dash-layout", "/_dash-dependencies", *assets]:
        request(box, "GET", path, stats, "page")
    dep = compute_dep(deps)
    first = request(box, "POST", "/_dash-update-component", stats, "compute", body(dep, compute_values()))
    try:  # a browser keeps the figure key in a Store and sends it back as State
        key = [json.loads(first)["response"]["store-figure-key"]["data"]]
    except (ValueError, KeyError):
        key = None
    end = t_start + duration
    for k in range(10):
        remaining = end - time.time()
        time.sleep(max(0.0, rng.uniform(0.5, 1.5) * remaining / (10 - k)))
        box[0].close()  # the server closed the idle keep-alive socket; a browser reconnects too
        box[0] = http.client.HTTPConnection(host, port, timeout=30)
        surface = rng.choice(SURFACES) if rng.random() < 0.2 else "rosenbrock"
        lrs = {"momentum": rng.choice(LRS), "rmsprop": rng.choice(LRS), "adam": rng.choice(LRS)}
        request(box, "POST", "/_dash-update-component", stats, "compute",
                body(dep, compute_values(surface=surface, lrs=lrs), key if surface == "rosenbrock" else None))  # fmt: skip
    box[0].close()


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid, *map(int, out)]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1e3 if xs else float("nan")


@contextmanager
def gunicorn(port: int, workers: int, name: str):
    """Real gunicorn serving the playground on 127.0.0.1; yields (process, asset paths, dependencies)."""
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "WORKERS": str(workers)}
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "artifacts" / f"{name}.log", "w")  # noqa: SIM115 - closed with the server
    proc = subprocess.Popen([sys.executable, "-m", "playground", "serve"], cwd=ROOT, env=env,
                            stdout=log, stderr=log)  # fmt: skip
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/")
        index = c.getresponse().read().decode()
        assets = sorted(set(re.findall(r'(?:src|href)="(/[^"]+)"', index)))
        c.request("GET", "/_dash-dependencies")
        deps = json.loads(c.getresponse().read())
        yield proc, assets, deps
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def run(users: int, duration: float, port: int, workers: int) -> dict:
    with gunicorn(port, workers, f"load-gunicorn-{users}") as (proc, assets, deps):
        stats = Stats()
        mem: list[float] = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                mem.append(rss_mb(children(proc.pid)))
                stop.wait(2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.time()
        with ThreadPoolExecutor(max_workers=min(users, 256)) as pool:
            for i in range(users):
                pool.submit(student, i, "127.0.0.1", port, deps, assets, duration, t0, stats)
        elapsed = time.time() - t0
        stop.set()
        sampler.join()
        comp = stats.times.get("compute", [])
        page = stats.times.get("page", [])
        return {
            "users": users,
            "requests": stats.count,
            "errors": len(stats.errors),
            "throughput": stats.count / elapsed,
            "compute_p50": pct(comp, 0.5),
            "compute_p95": pct(comp, 0.95),
            "compute_p99": pct(comp, 0.99),
            "page_p95": pct(page, 0.95),
            "mem_start": mem[0] if mem else float("nan"),
            "mem_end": mem[-1] if mem else float("nan"),
            "mem_max": max(mem) if mem else float("nan"),
            "elapsed": elapsed,
            "error_kinds": sorted(set(stats.errors))[:5],
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="+", default=[300])
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--port", type=int, default=8071)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    print("| students | requests | errors | req/s | compute p50 ms | p95 ms | p99 ms | page p95 ms | "
          "RSS start→end (max) MB | wall s |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for users in args.users:
        r = run(users, args.duration, args.port, args.workers)
        print(f"| {users} | {r['requests']} | {r['errors']} | {r['throughput']:.0f} | {r['compute_p50']:.0f} | "
              f"{r['compute_p95']:.0f} | {r['compute_p99']:.0f} | {r['page_p95']:.0f} | "
              f"{r['mem_start']:.0f}→{r['mem_end']:.0f} ({r['mem_max']:.0f}) | {r['elapsed']:.0f} |", flush=True)  # fmt: skip
        if r["error_kinds"]:
            print("  errors:", r["error_kinds"])


if __name__ == "__main__":
    main()
