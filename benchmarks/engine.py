"""Engine benchmark: single runs per optimizer, a 40,000-start batch beside torch.optim, and basin maps.

python -m benchmarks.engine
"""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc

import numpy as np

from playground import OPTIMIZERS, simulate
from playground.batch.cells import run_cells
from playground.batch.maps import Setup, basin
from playground.core.surfaces import get_surface


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    print("| optimizer | steps run | median ms (1000 steps, 1 start) | status |")
    print("|---|---:|---:|---|")
    for name, opt in OPTIMIZERS.items():
        # gtol=0 and xtol=0 keep every run going for all 1000 steps (no early stop); each racer as
        # the page starts it (L-BFGS: one iteration per step)
        def run(name=name, opt=opt):
            return simulate("rosenbrock", name, (-1.5, 2.0), steps=1000, hyper=opt.on_page, gtol=0, xtol=0)

        tr = run()
        ms = statistics.median(timed(run, 5)) * 1e3
        print(f"| {name} | {int(tr.stopped_at)} | {ms:.1f} | {tr.status} |")

    starts = np.random.default_rng(0).uniform([-2, -1], [2, 3], size=(40_000, 2))
    t0 = time.perf_counter()
    run_cells("rosenbrock", "adam", starts[:1], lr=0.05, steps=1, compiled=True)
    print(f"\ncompiling Adam on Rosenbrock (numba import and first kernel): {time.perf_counter() - t0:.1f} s")
    print()
    batch_table(starts)
    maps_table()


def batch_table(starts: np.ndarray) -> None:
    """The contenders side by side, each also as a multiple of torch.optim with autograd's speed."""
    print("| 40,000 Adam runs x 200 steps on Rosenbrock, float64 | median ms | min ms | peak traced MB "
          "| speed vs torch.optim (autograd) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|")
    rows = []
    for name, fn in batch_contenders(starts).items():
        fn()
        times = timed(fn, 5)
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append((name, statistics.median(times), min(times), peak))
    torch_ms = next((med for name, med, _, _ in rows if "autograd" in name), None)
    for name, med, low, peak in rows:
        ratio = f"{torch_ms / med:.2f}x" if torch_ms else "-"
        print(f"| {name} | {med * 1e3:.0f} | {low * 1e3:.0f} | {peak / 2**20:.0f} | {ratio} |")


def batch_contenders(starts: np.ndarray) -> dict:
    """The same 40,000 runs: `simulate` keeping every step, `simulate` keeping outcomes only (on
    the batch layer's backends), the map cells (outcome only), and torch.optim.Adam on one (40000, 2) tensor, with the analytic gradient and with
    autograd (torch is a test dependency: skipped when absent)."""
    out = {
        "simulate, all steps kept (NumPy loop)": lambda: simulate(
            "rosenbrock", "adam", starts, steps=200, lr=0.05, record_state=False
        ),
        "simulate(history=False), streamed NumPy loop": lambda: simulate(
            "rosenbrock", "adam", starts, steps=200, lr=0.05, history=False, compiled=False
        ),
        # the kernel was built above: simulate takes the compiled backend by itself (compiled=None)
        "simulate(history=False), compiled loop": lambda: simulate(
            "rosenbrock", "adam", starts, steps=200, lr=0.05, history=False
        ),
        "cells.run_cells, NumPy loop (outcome streamed)": lambda: run_cells(
            "rosenbrock", "adam", starts, lr=0.05, steps=200, compiled=False
        ),
        "cells.run_cells, compiled loop": lambda: run_cells(
            "rosenbrock", "adam", starts, lr=0.05, steps=200, compiled=True
        ),
    }
    try:
        import torch
    except ImportError:
        return out

    def torch_run(autograd: bool):
        p = torch.tensor(starts, dtype=torch.float64, requires_grad=autograd)
        opt = torch.optim.Adam([p], lr=0.05)
        for _ in range(200):
            opt.zero_grad()
            x, y = p[:, 0], p[:, 1]
            if autograd:  # the reference side states Rosenbrock itself (a = 1, b = 100)
                ((1 - x) ** 2 + 100 * (y - x * x) ** 2).sum().backward()
            else:
                p.grad = torch.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], 1)
            opt.step()

    threads = torch.get_num_threads()
    out[f"torch.optim.Adam, analytic gradient ({threads} threads)"] = lambda: torch_run(False)
    out[f"torch.optim.Adam, autograd ({threads} threads)"] = lambda: torch_run(True)
    return out


def maps_table() -> None:
    """Basin maps as the page computes them, and the largest map a request may run."""
    print()
    print("| map | cells x steps | seconds | peak RSS (MB) |")
    print("|---|---:|---:|---:|")
    cases = [("rosenbrock", "adam", 0.05, 120, 1000), ("himmelblau", "momentum", 0.01, 120, 1000),
             ("himmelblau", "adam", 0.05, 200, 600)]  # fmt: skip
    for compiled in (False, True):
        for surface, opt, lr, n, steps in cases:
            setup = Setup(get_surface(surface), opt, lr, steps=steps, compiled=compiled)
            if compiled:  # the kernel is built once per process; time the map, not the build
                basin(setup, 1, 1)
            t0 = time.perf_counter()
            basin(setup, n, n)
            dt = time.perf_counter() - t0
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            how = "compiled" if compiled else "NumPy"
            print(f"| basin {surface} {opt} {n}x{n}, {how} | {n * n:,} x {steps} | {dt:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
