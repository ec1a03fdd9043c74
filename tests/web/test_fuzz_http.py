"""Fuzz the HTTP layer: generated payloads to every server callback of the real app.

Every answer must be 200/204 or a deliberate 4xx (never 5xx, never a traceback) and fast,
no exception may escape the validation layers (guard.py for shapes, validate.py for
values) into the server's error log, and the app must still serve the page afterwards.
"""

import copy
import json
import logging
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.dash_payload import body, compute_dep, compute_values, server_callbacks
from playground.web import create_app
from playground.web.state import settings as schema

# every test of this file on one worker: the last one counts what all of them posted
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fuzz")]  # posts thousands of payloads

COUNT = {"n": 0, "codes": {}}
ERRORS: list[logging.LogRecord] = []  # what reached server.py's 500 handler (a bug each)

names = st.sampled_from(["rosenbrock", "adam", "adam~2", "newton", "warmup", "cosine", "1e308", "-0", "NaN",
                         "1e-400", "ravine", "", " 3 ", "true", "momentum", "a", "b", "beta1", "saddle_free"])  # fmt: skip
scalar = (st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
          | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40) | names)  # fmt: skip
junk = st.recursive(
    scalar,
    lambda c: st.lists(c, max_size=6) | st.dictionaries(st.text(max_size=10), c, max_size=5),
    max_leaves=20,
)


def _pattern_ids(spec_id: str):
    """Ids that fit the pattern (wildcards get generated names), and some that do not."""
    pattern = json.loads(spec_id)
    fitting = st.fixed_dictionaries(
        {k: (st.just(v) if isinstance(v, str) else names | st.text(max_size=12)) for k, v in pattern.items()}
    )
    return fitting | st.dictionaries(st.sampled_from(["type", "opt", "name"]), st.text(max_size=12) | junk,
                                     max_size=3)  # fmt: skip


def _value_for(spec: dict):
    """A value for one input: shape-right junk mostly, anything at all sometimes."""
    if spec["id"].startswith("{"):
        items = st.lists(st.tuples(_pattern_ids(spec["id"]), scalar | junk), max_size=5)
        return items | junk.map(lambda v: ("raw", v))  # a scalar/dict/list where the list of items belongs
    return scalar | junk


def _item(spec: dict, value):
    if spec["id"].startswith("{"):
        if isinstance(value, tuple) and value[:1] == ("raw",):
            return value[1]
        return [{"id": i, "property": spec["property"], "value": v} for i, v in value]
    return {"id": spec["id"], "property": spec["property"], "value": value}


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        ERRORS.append(record)


@pytest.fixture(scope="module")
def app_client():
    handler = _Collect(level=logging.ERROR)
    logger = logging.getLogger("playground.http")
    logger.addHandler(handler)
    client = create_app().server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    yield client, server_callbacks(deps)
    logger.removeHandler(handler)


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
    assert not ERRORS, [e.getMessage() for e in ERRORS]
    if 400 <= r.status_code < 500:
        assert r.get_json()["reason"], r.data  # a refusal says why
    return r.status_code


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_every_callback_with_generated_inputs(app_client, data):
    client, deps = app_client
    dep = data.draw(st.sampled_from(deps))
    payload = body(dep, [None] * len(dep["inputs"]))
    payload["inputs"] = [_item(s, data.draw(_value_for(s))) for s in dep["inputs"]]
    payload["state"] = [_item(s, data.draw(_value_for(s))) for s in dep["state"]]
    _post(client, payload)


def _near_valid(steps, optimizers, lrs, start, surface) -> dict:
    opts = optimizers if isinstance(optimizers, list) else ["adam"]
    values = compute_values(surface=surface if isinstance(surface, str) else "rosenbrock",
                            optimizers=[o for o in opts if isinstance(o, str)], steps=steps,
                            lrs=dict(lrs), start=start)  # fmt: skip
    return {**values, "surface": surface, "optimizers": optimizers}


near_valid = {
    "steps": scalar | st.sampled_from(["5000", "1", "0", "-1"]),
    "optimizers": st.lists(st.sampled_from(["adam", "newton", "sgd", "nag", "lion", "x", "adam~2"]), max_size=14)
    | st.none() | st.lists(scalar, max_size=4),
    "lrs": st.dictionaries(st.sampled_from(["adam", "newton", "sgd", "nag"]), scalar),
    "start": st.tuples(scalar, scalar),
    "surface": st.sampled_from(["rosenbrock", "ravine", "saddle", "plateau", "ackley"]) | scalar,
}  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(**near_valid)
def test_fuzz_the_compute_callback_near_valid_payloads(app_client, steps, optimizers, lrs, start, surface):
    client, deps = app_client
    assert _post(client, body(compute_dep(deps), _near_valid(steps, optimizers, lrs, start, surface))) == 200


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), **near_valid)
def test_fuzz_every_settings_callback_near_valid(app_client, data, steps, optimizers, lrs, start, surface):
    """Each callback that reads settings (the engine's explainers too) gets shape-right values."""
    client, deps = app_client
    dep = data.draw(st.sampled_from([d for d in deps if any(_is_setting(s) for s in d["inputs"])]))
    values = _near_valid(steps, optimizers, lrs, start, surface)
    assert _post(client, body(dep, values, {"url.href": data.draw(st.none() | st.text(max_size=60))})) in (
        200,
        204,
    )


def _is_setting(spec: dict) -> bool:
    ident = json.loads(spec["id"]) if spec["id"].startswith("{") else spec["id"]
    return schema.field_of(ident, spec["property"]) is not None


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_the_envelope_of_a_valid_request(app_client, data):
    """A valid engine request with one part of its envelope replaced by junk is refused."""
    client, deps = app_client
    payload = body(compute_dep(deps), compute_values())
    where = data.draw(
        st.sampled_from(["inputs", "state", "outputs", "output", "changedPropIds", "item", "id"])
    )
    forged = copy.deepcopy(payload)
    still_valid = False
    if where == "item":
        k = data.draw(st.integers(0, len(forged["inputs"]) - 1))
        forged["inputs"][k] = data.draw(junk)
        # an empty list where a pattern input lists its items is a valid request (no such boxes)
        still_valid = forged["inputs"][k] == [] and isinstance(payload["inputs"][k], list)
    elif where == "id":
        k = data.draw(
            st.sampled_from([i for i, e in enumerate(forged["inputs"]) if isinstance(e, list) and e])
        )
        forged["inputs"][k][0]["id"] = data.draw(junk)
    elif where == "changedPropIds":
        ids = st.sampled_from(['{"type":"input-lr","opt":"adam"}.value', '{"opt".value', "[1].value", "{}.value",
                               '{"type":"input-lr","opt":[]}.value', "input-steps.children", "x"])  # fmt: skip
        forged[where] = data.draw(st.lists(ids | st.text(max_size=20), min_size=1, max_size=3) | junk)
    else:
        forged[where] = data.draw(junk)
    code = _post(client, forged)
    changed = forged["changedPropIds"]
    names_inputs = isinstance(changed, list) and all(
        isinstance(c, str) and c in _prop_ids(payload) for c in changed
    )
    assert code == 400 or forged == payload or still_valid or (where == "changedPropIds" and names_inputs)


def _prop_ids(payload: dict) -> set:
    """``<id>.<property>`` of every input item, as the renderer writes them in changedPropIds."""
    items = [i for e in payload["inputs"] for i in (e if isinstance(e, list) else [e])]
    return {f"{i['id'] if isinstance(i['id'], str) else json.dumps(i['id'], separators=(',', ':'))}.{i['property']}"
            for i in items}  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[]", b"{}", b'{"output": 5}', b'{"output": "store-run.data"}', b"\xff\xfe", b"null",
     b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []}',
     json.dumps({"output": "x", "inputs": [[[[[]]]]] * 50}).encode(), b"[" * 5000 + b"]" * 5000,
     b"[" * 100_000 + b"]" * 100_000, b'{"output": "url.href", "outputs": {"id": "url", "property": "href"}}',
     b'{"output": "graph-ewma.figure", "outputs": {"id": "graph-ewma", "property": "figure"}, "inputs": 3}'],
)  # fmt: skip
def test_malformed_bodies_get_4xx(app_client, raw):
    client, _ = app_client
    assert 400 <= _post(client, raw) < 500


def test_the_app_still_serves_after_the_fuzzing(app_client):
    client, _ = app_client
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert not ERRORS and 500 not in COUNT["codes"]
    assert COUNT["n"] >= 1500, COUNT
    print(f"\nfuzz: {COUNT['n']} payloads, status codes {COUNT['codes']}, exceptions escaped: {len(ERRORS)}")
