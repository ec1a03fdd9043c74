"""Fuzz the HTTP layer: generated payloads to every server callback of the real app.

Every answer must be 200/204 or 4xx (never 5xx, never a traceback) and fast, and the app
must still serve the page afterwards.
"""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.dash_payload import body, compute_values, server_callbacks
from playground.web import create_app

COUNT = {"n": 0, "codes": {}}

junk = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40)
    | st.sampled_from(["rosenbrock", "adam", "newton", "warmup", "1e308", "-0", "NaN", "1e-400", "ravine"]),
    lambda c: st.lists(c, max_size=6) | st.dictionaries(st.text(max_size=10), c, max_size=5),
    max_leaves=20,
)  # fmt: skip
pattern_list = st.lists(
    st.tuples(st.dictionaries(st.sampled_from(["type", "opt", "name"]), st.text(max_size=12) | junk, max_size=3),
              junk), max_size=5)  # fmt: skip


@pytest.fixture(scope="module")
def app_client():
    client = create_app().server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    return client, server_callbacks(deps)


def _post(client, payload) -> int:
    data = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    t0 = time.perf_counter()
    r = client.post("/_dash-update-component", data=data, content_type="application/json")
    elapsed = time.perf_counter() - t0
    COUNT["n"] += 1
    COUNT["codes"][r.status_code] = COUNT["codes"].get(r.status_code, 0) + 1
    assert r.status_code in (200, 204) or 400 <= r.status_code < 500, (r.status_code, r.data[:300])
    assert b"Traceback" not in r.data
    assert elapsed < 5.0, elapsed
    return r.status_code


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_every_callback_with_generated_inputs(app_client, data):
    client, deps = app_client
    dep = data.draw(st.sampled_from(deps))
    values = [data.draw(pattern_list if s["id"].startswith("{") else junk) for s in dep["inputs"]]
    states = [data.draw(pattern_list if s["id"].startswith("{") else junk) for s in dep["state"]]
    _post(client, body(dep, values, states))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    steps=junk | st.sampled_from(["5000", "1", "0", "-1"]),
    optimizers=st.lists(st.sampled_from(["adam", "newton", "sgd", "nag", "lion", "x"]), max_size=14) | junk,
    lrs=st.dictionaries(st.sampled_from(["adam", "newton", "sgd", "nag"]), junk),
    start=st.tuples(junk, junk),
    surface=st.sampled_from(["rosenbrock", "ravine", "saddle", "plateau", "ackley"]) | junk,
)
def test_fuzz_the_compute_callback_near_valid_payloads(app_client, steps, optimizers, lrs, start, surface):
    client, deps = app_client
    dep = next(d for d in deps if "store-run.data" in d["output"])
    opts = optimizers if isinstance(optimizers, list) else ["adam"]
    values = compute_values(surface=surface if isinstance(surface, str) else "rosenbrock",
                            optimizers=[o for o in opts if isinstance(o, str)], steps=steps,
                            lrs={k: v for k, v in lrs.items()}, start=start)  # fmt: skip
    values[0] = surface
    values[2] = optimizers
    _post(client, body(dep, values))


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[]", b"{}", b'{"output": 5}', b'{"output": "store-run.data"}', b"\xff\xfe",
     b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []}',
     json.dumps({"output": "x", "inputs": [[[[[]]]]] * 50}).encode(), b"[" * 5000 + b"]" * 5000],
)  # fmt: skip
def test_malformed_bodies_get_4xx(app_client, raw):
    client, _ = app_client
    assert 400 <= _post(client, raw) < 500


def test_the_app_still_serves_after_the_fuzzing(app_client):
    client, _ = app_client
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    print(f"\nfuzz: {COUNT['n']} payloads, status codes {COUNT['codes']}")
