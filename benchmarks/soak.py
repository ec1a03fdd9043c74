"""Soak: real gunicorn on 127.0.0.1 under steady load for several minutes; memory must stay flat.

A fixed number of clients loop: a settings change with a fresh learning rate (a cache miss,
so the engine really runs), now and then a page load, and one request in ten carrying bad
values (huge steps, NaN learning rates, unknown surfaces), which must still answer 200 with
a message. Errors are any 5xx, refused connection or timeout. Bounded: fixed clients, fixed
duration, loopback only. Prints one row per minute.

    python -m benchmarks.soak --minutes 5 --clients 16
"""

from __future__ import annotations

import argparse
import http.client
import random
import threading
import time

from benchmarks.dash_payload import body, compute_dep, compute_values
from benchmarks.load import Stats, children, gunicorn, pct, request, rss_mb

SURFACES = ["rosenbrock", "ravine", "himmelblau", "beale", "rastrigin"]
BAD = [
    {"steps": "1e9"},
    {"lrs": {"momentum": "nan", "rmsprop": "-1", "adam": "1e308"}},
    {"surface": "💥" * 50},
    {"start": ("inf", "1e400")},
    {"steps": "banana"},
]


def client(i: int, port: int, deps, assets, end: float, stats: Stats) -> None:
    rng = random.Random(1000 + i)
    box = [http.client.HTTPConnection("127.0.0.1", port, timeout=30), ("127.0.0.1", port)]
    dep = compute_dep(deps)
    n = 0
    while time.time() < end:
        n += 1
        if n % 20 == 1:
            for path in ["/", "/_dash-layout", "/_dash-dependencies", *assets]:
                request(box, "GET", path, stats, "page")
        kw: dict = {
            "surface": rng.choice(SURFACES),
            "lrs": {o: f"{rng.uniform(1e-4, 0.05):.6g}" for o in ("momentum", "rmsprop", "adam")},
            "steps": str(rng.choice([200, 500, 1000, 2000])),
        }
        if rng.random() < 0.1:
            kw.update(rng.choice(BAD))
        request(box, "POST", "/_dash-update-component", stats, "compute", body(dep, compute_values(**kw)))
        time.sleep(rng.uniform(0.2, 0.8))  # a person changing a setting, not a flood
    box[0].close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--port", type=int, default=8072)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with gunicorn(args.port, args.workers, "soak-gunicorn") as (proc, assets, deps):
        stats = Stats()
        t0 = time.time()
        end = t0 + args.minutes * 60
        threads = [
            threading.Thread(target=client, args=(i, args.port, deps, assets, end, stats), daemon=True)
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        print(
            f"soak: {args.clients} clients, {args.minutes:g} min, gunicorn {args.workers} workers on 127.0.0.1"
        )
        print("| minute | requests | errors | compute p50 ms | p95 ms | p99 ms | server RSS MB |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        mem = [rss_mb(children(proc.pid))]
        seen_req, seen_err, seen_comp = 0, 0, 0
        minute = 0
        while time.time() < end + 1:
            time.sleep(max(0.0, min(t0 + 60 * (minute + 1), end) - time.time()))
            minute += 1
            with stats.lock:
                comp = stats.times.get("compute", [])[seen_comp:]
                req, err = stats.count - seen_req, len(stats.errors) - seen_err
                seen_req, seen_err, seen_comp = stats.count, len(stats.errors), seen_comp + len(comp)
            mem.append(rss_mb(children(proc.pid)))
            print(f"| {minute} | {req} | {err} | {pct(comp, 0.5):.0f} | {pct(comp, 0.95):.0f} | "
                  f"{pct(comp, 0.99):.0f} | {mem[-1]:.0f} |", flush=True)  # fmt: skip
            if time.time() >= end:
                break
        for t in threads:
            t.join(35)
        comp = stats.times.get("compute", [])
        print(f"total: {stats.count} requests, {len(stats.errors)} errors, compute p95 {pct(comp, 0.95):.0f} ms, "
              f"RSS {mem[0]:.0f} → {mem[-1]:.0f} MB (max {max(mem):.0f}, after minute 1: "
              f"{mem[1]:.0f} → {mem[-1]:.0f})")  # fmt: skip
        if stats.errors:
            print("errors:", sorted(set(stats.errors))[:5])


if __name__ == "__main__":
    main()
