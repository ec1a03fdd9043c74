"""Server benchmark: the compute callback of a settings change, timed through Flask.

Each repetition uses a new learning rate, so the engine really runs (no cache hit). The
figure key is sent back like a browser does, so meshes are not resent. Prints a table.

    python -m benchmarks.server

"CPU ms" is the worst request's CPU time (the test client runs it on this thread). The
second table is the largest request a browser may send, 12 optimizers x 5000 steps, on
every surface (each built-in, each data-backed, the default formula and a long one), with
the steps validation let it run (the budget counts what one gradient of the surface costs,
core/cost.py): every one must stay under the 1 s of CPU a request is allowed. The third
takes every optimizer 12 times over, on its worst surface.

    python -m benchmarks.server [--surfaces]   (--surfaces: the second table alone)
    python -m benchmarks.server --page         (what a visit fetches before its first callback)

``--page`` times the responses a cold visit asks for before any callback (the index page, the
layout, the callbacks' list, and every script and stylesheet the index links, summed), asked
for as Chromium asks over HTTP: median and CPU of 20, the first visit apart for the assets
(a worker compresses them once).
"""

from __future__ import annotations

import re
import statistics
import sys
import time

from benchmarks.dash_payload import body, compute_dep, compute_values
from playground import OPTIMIZERS
from playground.core.surfaces import get_surface, surface_names
from playground.web.state import validate
from playground.web.wsgi import server

# twelve first-order racers, in registry order (a new optimizer joins without an edit here)
NAMES = [name for name, o in OPTIMIZERS.items() if not (o.second_order or o.coupled)][:12]
# a long formula near the reader's limits, beside the default one
LONG_FORMULA = "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2) + exp(-(x-1)^2 - (y+1)^2)*tanh(x*y) + log(1 + x^2*y^2)"


def main(reps: int = 20) -> None:
    client = server.test_client()  # the production object, as gunicorn loads it
    dep = compute_dep(client.get("/_dash-dependencies").get_json())
    print("| optimizers | steps | p50 ms | p95 ms | CPU ms (max) | bytes sent | gzip bytes |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    counter = 0
    for n in (1, 3, 6, 12):
        opts = NAMES[:n]
        for steps in (100, 1000, 5000):
            key = None
            times, cpus, size, gz = [], [], 0, 0
            for _ in range(reps + 1):
                counter += 1
                lrs = {o: f"{1e-3 * (1 + counter % 997 / 1000):.6g}" for o in opts}
                payload = body(dep, compute_values(optimizers=opts, lrs=lrs, steps=str(steps)),
                               [key] if key else None)  # fmt: skip
                t0, c0 = time.perf_counter(), time.thread_time()
                r = client.post("/_dash-update-component", json=payload, headers={"Accept-Encoding": "gzip"})
                dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
                assert r.status_code == 200, r.status_code
                if key is None:  # the first call of a configuration carries the meshes
                    raw = client.post("/_dash-update-component", json=payload).get_json()
                    key = raw["response"]["store-figure-key"]["data"]
                    continue
                times.append(dt)
                cpus.append(cpu)
                gz = len(r.data)
                size = len(client.post("/_dash-update-component", json=payload).data)
            times.sort()
            print(f"| {n} | {steps} | {statistics.median(times) * 1e3:.1f} | "
                  f"{times[int(0.95 * (len(times) - 1))] * 1e3:.1f} | {max(cpus) * 1e3:.0f} | {size:,} | {gz:,} |",
                  flush=True)  # fmt: skip
    surfaces_table(client, dep)
    worst_case(client, dep)


def surfaces_table(client, dep, reps: int = 3) -> None:
    """The largest request (12 mixed optimizers x 5000 steps) on every surface, constant and
    plateau schedules: the steps validation ran and the worst CPU seconds of ``reps`` requests."""
    rows = [(name, None) for name in surface_names()] + [("custom", LONG_FORMULA)]
    print("\n| surface | gradient cost (run) | steps run | constant: CPU s | steps run | plateau: CPU s |")
    print("|---|---:|---:|---:|---:|---:|")
    for k, (name, formula) in enumerate(rows):
        label = name if formula is None else f"custom, a long formula ({len(formula)} characters)"
        surface = get_surface(name) if formula is None else get_surface(name, formula=formula)
        cells = [f"{surface.cost.run:.2f}"]
        for schedule in ("constant", "plateau"):
            extra = {"formula": formula} if formula else {}
            raw = {
                "surface": name,
                "racers": [{"optimizer": o} for o in NAMES],
                "steps": 5000,
                "schedule": schedule,
            }
            steps = validate.config({**raw, **extra})[0].steps
            cells += [str(steps), f"{_cpu(client, dep, NAMES, schedule, name, k, reps, **extra):.2f}"]
        print(f"| {label} | {' | '.join(cells)} |", flush=True)


def worst_case(client, dep, reps: int = 2) -> None:
    """The largest requests a browser may send: 12 mixed optimizers x 5000 steps, then for
    every optimizer 12 copies of it, each on the constant and on the plateau schedule (cut
    to the step budget by validation), on every surface. Prints the worst surface's CPU:
    it must stay under the 1 s a request is allowed, which checks each record's ``cost``."""
    copies = lambda name: [name] + [f"{name}~{i}" for i in range(2, 13)]
    configs = [("12 mixed", NAMES)] + [(f"12 x {name}", copies(name)) for name in OPTIMIZERS]
    print("\n| request | constant: worst CPU ms | surface | plateau: worst CPU ms | surface |")
    print("|---|---:|---|---:|---|")
    for label, opts in configs:
        row = []
        for schedule in ("constant", "plateau"):
            worst = max((_cpu(client, dep, opts, schedule, name, k, reps), name)
                        for k, name in enumerate(surface_names()))  # fmt: skip
            row += [f"{worst[0] * 1e3:.0f}", worst[1]]
        print(f"| {label} | {' | '.join(row)} |", flush=True)


CHROMIUM_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what it sends over HTTP


def _visit(client, paths: list[str]) -> tuple[float, float, int]:
    """Wall ms, CPU ms and bytes sent for ``paths`` asked for one after another."""
    t0, c0, sent = time.perf_counter(), time.thread_time(), 0
    for path in paths:
        r = client.get(path, headers=CHROMIUM_ENCODINGS)
        assert r.status_code == 200, (path, r.status_code)
        sent += len(r.data)
    return (time.perf_counter() - t0) * 1e3, (time.thread_time() - c0) * 1e3, sent


def page_table(client, reps: int = 20) -> None:
    print("| response | p50 ms | CPU ms (p50) | bytes sent |")
    print("|---|---:|---:|---:|")
    index = client.get("/").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="(/(?:assets|_dash-component-suites|_bundle)/[^"]+)"', index)
    first = _visit(client, assets)
    rows = [(p, [p]) for p in ("/", "/_dash-layout", "/_dash-dependencies")]
    for name, paths in [*rows, (f"the {len(assets)} scripts and stylesheets the index links", assets)]:
        runs = [_visit(client, paths) for _ in range(reps)]
        print(f"| {name} | {statistics.median(r[0] for r in runs):.1f} | "
              f"{statistics.median(r[1] for r in runs):.1f} | {runs[-1][2]:,} |", flush=True)  # fmt: skip
    print(f"| the same, a worker's first visit | {first[0]:.1f} | {first[1]:.1f} | {first[2]:,} |")


def _cpu(client, dep, opts, schedule, surface, k, reps, **extra) -> float:
    cpus = []
    for rep in range(reps):
        # small (no early stop) and different for each racer (no cache hit between copies)
        lrs = {o: f"{1e-5 * (1 + (k * reps + rep) / 1000 + i / 1e5):.8g}" for i, o in enumerate(opts)}
        start = [f"{(a + b) / 2 + 0.1 * (b - a):.4g}" for a, b in get_surface(surface).domain]
        values = compute_values(surface=surface, optimizers=opts, lrs=lrs, steps="5000", start=start,
                                schedule=schedule) | extra  # fmt: skip
        c0 = time.thread_time()
        r = client.post(
            "/_dash-update-component", json=body(dep, values), headers={"Accept-Encoding": "gzip"}
        )
        cpus.append(time.thread_time() - c0)
        assert r.status_code == 200, r.status_code
    return max(cpus)


if __name__ == "__main__":
    if "--page" in sys.argv[1:]:
        page_table(server.test_client())
    elif "--surfaces" in sys.argv[1:]:
        test_client = server.test_client()
        surfaces_table(test_client, compute_dep(test_client.get("/_dash-dependencies").get_json()))
    else:
        main()
