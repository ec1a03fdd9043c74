"""Bytes the compute callback sends: a first load (meshes included) and a settings change
(paths only, the figure key sent back like a browser does), for 3 and 8 optimizers.

    python -m benchmarks.payload
"""

from __future__ import annotations

import json

from benchmarks.dash_payload import body, compute_dep, compute_values
from benchmarks.server import NAMES
from playground.web.wsgi import server


def main(steps: str = "500") -> None:
    client = server.test_client()
    dep = compute_dep(client.get("/_dash-dependencies").get_json())
    print("| optimizers | steps | first load B | settings change B | gzip B | store-run B |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (3, 8):
        opts = NAMES[:n]
        values = compute_values(optimizers=opts, lrs=dict.fromkeys(opts, "0.001"), steps=steps)
        first = client.post("/_dash-update-component", json=body(dep, values))
        again = body(dep, values, [first.get_json()["response"]["store-figure-key"]["data"]])
        change = client.post("/_dash-update-component", json=again)
        gz = client.post("/_dash-update-component", json=again, headers={"Accept-Encoding": "gzip"})
        store = json.dumps(change.get_json()["response"]["store-run"]["data"])
        print(
            f"| {n} | {steps} | {len(first.data):,} | {len(change.data):,} | {len(gz.data):,} | {len(store):,} |"
        )


if __name__ == "__main__":
    main()
