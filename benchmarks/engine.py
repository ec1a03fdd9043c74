"""Engine benchmark: single runs per optimizer and a 40,000-start batch. Prints a table.

python -m benchmarks.engine
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np

from playground import OPTIMIZERS, simulate


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
        # gtol=0 and xtol=0 keep every run going for all 1000 steps (no early stop)
        def run(name=name, opt=opt):
            return simulate("rosenbrock", name, (-1.5, 2.0), steps=1000, lr=opt.lr_for_page, gtol=0, xtol=0)

        tr = run()
        ms = statistics.median(timed(run, 5)) * 1e3
        print(f"| {name} | {int(tr.stopped_at)} | {ms:.1f} | {tr.status} |")

    starts = np.random.default_rng(0).uniform([-2, -1], [2, 3], size=(40_000, 2))

    def batch():
        return simulate("rosenbrock", "adam", starts, steps=200, lr=0.05, record_state=False)

    batch()
    times = timed(batch, 5)
    tracemalloc.start()
    batch()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print()
    print("| batch | median ms | min ms | peak memory (MB) |")
    print("|---|---:|---:|---:|")
    print(f"| 40,000 starts x 200 Adam steps | {statistics.median(times) * 1e3:.0f} | {min(times) * 1e3:.0f} | "
          f"{peak / 2**20:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
