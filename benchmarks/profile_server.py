"""Profile the compute callback (6 optimizers × 1000 steps, uncached) with pyinstrument.

    python -m benchmarks.profile_server            # text report of where the time goes

Same requests as `benchmarks.server`; each uses a new learning rate so the engine runs.
"""

from __future__ import annotations

import sys

from pyinstrument import Profiler

from benchmarks.dash_payload import body, compute_dep, compute_values
from benchmarks.server import NAMES
from playground.web.wsgi import server


def main(reps: int = 30) -> None:
    client = server.test_client()  # the production object, as gunicorn loads it
    dep = compute_dep(client.get("/_dash-dependencies").get_json())
    opts = NAMES[:6]
    first = body(dep, compute_values(optimizers=opts, steps="1000"))
    key = client.post("/_dash-update-component", json=first).get_json()["response"]["store-figure-key"][
        "data"
    ]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(reps):
        lrs = {o: f"{1e-3 * (1 + (i + 1) / 1000):.6g}" for o in opts}
        payload = body(dep, compute_values(optimizers=opts, lrs=lrs, steps="1000"), [key])
        r = client.post("/_dash-update-component", json=payload, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200
    profiler.stop()
    sys.stdout.write(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
