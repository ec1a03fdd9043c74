"""Server benchmark: the compute callback of a settings change, timed through Flask.

Each repetition uses a new learning rate, so the engine really runs (no cache hit). The
figure key is sent back like a browser does, so meshes are not resent. Prints a table.

    python -m benchmarks.server
"""

from __future__ import annotations

import statistics
import time

from benchmarks.dash_payload import body, compute_dep, compute_values
from playground import OPTIMIZERS
from playground.web import create_app

NAMES = [
    "momentum",
    "rmsprop",
    "adam",
    "nag",
    "adagrad",
    "adamw",
    "gd",
    "nadam",
    "radam",
    "adamax",
    "lion",
    "adadelta",
]


def main(reps: int = 20) -> None:
    client = create_app().server.test_client()
    dep = compute_dep(client.get("/_dash-dependencies").get_json())
    print("| optimizers | steps | p50 ms | p95 ms | bytes sent | gzip bytes |")
    print("|---:|---:|---:|---:|---:|---:|")
    counter = 0
    for n in (1, 3, 6, 12):
        opts = NAMES[:n]
        for steps in (100, 1000, 5000):
            key = None
            times, size, gz = [], 0, 0
            for _ in range(reps + 1):
                counter += 1
                lrs = {o: f"{1e-3 * (1 + counter % 997 / 1000):.6g}" for o in opts}
                payload = body(dep, compute_values(optimizers=opts, lrs=lrs, steps=str(steps)),
                               [key] if key else None)  # fmt: skip
                t0 = time.perf_counter()
                r = client.post("/_dash-update-component", json=payload, headers={"Accept-Encoding": "gzip"})
                dt = time.perf_counter() - t0
                assert r.status_code == 200, r.status_code
                if key is None:  # the first call of a configuration carries the meshes
                    raw = client.post("/_dash-update-component", json=payload).get_json()
                    key = raw["response"]["store-figure-key"]["data"]
                    continue
                times.append(dt)
                gz = len(r.data)
                size = len(client.post("/_dash-update-component", json=payload).data)
            times.sort()
            print(f"| {n} | {steps} | {statistics.median(times) * 1e3:.1f} | "
                  f"{times[int(0.95 * (len(times) - 1))] * 1e3:.1f} | {size:,} | {gz:,} |", flush=True)  # fmt: skip
    assert set(NAMES) <= set(OPTIMIZERS)


if __name__ == "__main__":
    main()
