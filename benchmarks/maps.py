"""The Maps view's work per map, as the page asks for it: requests, seconds, bytes (JSON and
gzipped, as the server's compression sends them) for each kind at its default size, and the
fair tuning of the default race.

    python -m benchmarks.maps
"""

from __future__ import annotations

import gzip
import json
import time

from plotly.utils import PlotlyJSONEncoder

from playground.web.state import urlstate, validate
from playground.web.views import maps as M

RACES = {
    "Rosenbrock, momentum/RMSProp/Adam, 500 steps": urlstate.to_query(validate.config({})[0]),
    "Himmelblau, GD/momentum, 500 steps": "surface=himmelblau&opt=gd,momentum&lr.gd=0.01&lr.momentum=0.01&steps=500",
}


def _size(obj) -> tuple[int, int]:
    raw = json.dumps(obj, cls=PlotlyJSONEncoder).encode()
    return len(raw), len(gzip.compress(raw, 6))


def one_map(kind: str, query: str) -> tuple[int, float, int, int]:
    t0 = time.perf_counter()
    fig, job, _, _, token, _, _ = M.start_map(1, kind, 0, M.VIEW_ID, query, None)
    raw, gz = _size(fig)
    requests = 1
    while job:
        patch, job, _ = M.advance_map(job, token)
        r, g = _size(patch.to_plotly_json())
        raw, gz, requests = raw + r, gz + g, requests + 1
    return requests, time.perf_counter() - t0, raw, gz


def main() -> None:
    print("| race | map (default size) | requests | seconds | JSON KB | gzip KB |")
    print("|---|---|---:|---:|---:|---:|")
    for race, query in RACES.items():
        for kind in M.KINDS:
            if isinstance(M.plan(kind, query, 0, None), str):
                continue
            n, dt, raw, gz = one_map(kind, query)
            size = M.SIZES[kind][0]
            print(f"| {race} | {kind} {size} | {n} | {dt:.2f} | {raw / 1024:.0f} | {gz / 1024:.0f} |")
    print()
    print("| race | tune (24 settings x 5 probes per racer) seconds |")
    print("|---|---:|")
    for race, query in RACES.items():
        t0 = time.perf_counter()
        M.tune_racers(1, query)
        print(f"| {race} | {time.perf_counter() - t0:.2f} |")


if __name__ == "__main__":
    main()
