"""Figure builders, the validation layer and the compute callback, without a browser."""

import base64
import json
import logging
import math
import re
import warnings

import numpy as np
import pytest
from dash import Dash, html
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.dash_payload import body, compute_dep, compute_values
from playground import simulate
from playground.batch import fair
from playground.core.optimizers import OPTIMIZERS
from playground.core.surfaces import get_surface
from playground.web import PlaygroundDash, contract, create_app, runs, server, warm_caches
from playground.web.lessons import LESSONS
from playground.web.plots import charts, landscape, terrain, wire
from playground.web.state import limits, urlstate, validate
from playground.web.state.values import as_text
from playground.web.views.race.callbacks import FLAGGED_INPUTS, MESSAGE_BOXES

RACERS = [
    {"label": "Adam", "color": "#E69F00", "width": 4.5, **contract.racer_look(0)},
    {"label": "GD", "color": "#0072B2", "width": 3.15, **contract.racer_look(1)},
]


def _arr(spec):
    a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"])
    return a.reshape([int(v) for v in spec["shape"].split(",")]) if "shape" in spec else a


def test_figures_are_valid_plotly():
    import plotly.graph_objects as go

    s = get_surface("himmelblau")
    tr = simulate(s, "adam", (0.0, 0.0), steps=20, lr=0.1)
    for fig in (
        landscape.surface_3d(s, RACERS),
        landscape.contour_map(s, RACERS),
        charts.loss_figure(RACERS, True, 0.0),
        charts.schedule_figure(RACERS, [tr.lr, tr.lr]),
        charts.state_figure(RACERS[0], tr.state, OPTIMIZERS["adam"].inspect),
    ):
        go.Figure(fig)  # plotly's own validation accepts every property  # fmt: skip


def test_surface_3d_keeps_the_mesh_fixed_and_light():
    fig = landscape.surface_3d(get_surface("rosenbrock"), RACERS)
    surf = fig["data"][0]
    assert surf["type"] == "surface" and surf["hoverinfo"] == "skip"
    z = _arr(surf["z"])
    assert z.shape == (terrain.MESH_3D, terrain.MESH_3D) and np.isfinite(z).all()
    roles = [t["meta"]["role"] for t in fig["data"][1:]]
    # the global minimum's stem and mark, then per racer its cased path (casing, colour) and its ball
    assert roles == ["stem", "mark", "path", "path", "head", "path", "path", "head"]
    scene = fig["layout"]["scene"]
    assert scene["xaxis"]["range"] == [-2, 2] and scene["uirevision"] == "keep"
    # log height for Rosenbrock, log10(f - f* + 1): the minimum sits at 0, and the colour bar says + 1
    assert z.min() >= -1e-4 and surf["showscale"]
    assert surf["colorbar"]["title"]["text"] == "height: log₁₀(f − f* + 1)<br>light = low"


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau", "ravine"])
def test_a_height_bar_offers_its_own_title_first_then_forms_that_take_more_room(surface):
    """Lecture mode picks the first of meta.barTitles that fits along the bar (70-pg-keys.js):
    the figure's own title first, then never fewer lines, each form holding the height's words
    and which end is low."""
    land = get_surface(surface)
    for fig in (landscape.surface_3d(land, RACERS), landscape.contour_map(land, RACERS)):
        mesh = next(t for t in fig["data"] if t["meta"]["role"] == contract.ROLES.mesh)
        titles = mesh["meta"]["barTitles"]
        assert titles[0] == mesh["colorbar"]["title"]["text"] and len(titles) == len(set(titles)) >= 3
        lines = [t.count("<br>") + 1 for t in titles]
        assert lines == sorted(lines) and lines[-1] == 3
        assert all(t.endswith("light = low") for t in titles)
    contour = landscape.contour_map(land, RACERS)["data"][0]["meta"]["barTitles"]
    assert [t.count("<br>") for t in contour] == [0, 1, 1, 2]  # its own on one line


def test_contour_marks_minima_and_saddles():
    fig = landscape.contour_map(get_surface("himmelblau"), RACERS)
    names = [t["name"] for t in fig["data"]]
    stars = next(t for t in fig["data"] if t["name"] == "global minimum")
    assert len(stars["x"]) == 4 and "saddle point" in names
    egg = landscape.contour_map(get_surface("rastrigin"), RACERS)
    assert next(t for t in egg["data"] if t["name"] == "global minimum")["x"] == [0.0]
    assert "local minimum" not in [t["name"] for t in egg["data"]]  # 120 markers would bury the paths


def test_loss_and_state_figures():
    fig = charts.loss_figure(RACERS, True, 0.0)
    assert fig["layout"]["yaxis"]["type"] == "log" and len(fig["data"]) == 2
    tr = simulate("rosenbrock", "adagrad", (-1.5, 2.0), steps=50, lr=0.5)
    st_fig = charts.state_figure(RACERS[0], tr.state, OPTIMIZERS["adagrad"].inspect)
    assert {t["name"] for t in st_fig["data"]} >= {"step size (x)", "sum of squares G (x)"}
    # AdaGrad's step size can only shrink: lr / (sqrt(G) + eps) with G growing
    y = _arr(st_fig["data"][0]["y"])
    assert len(y) == 50 and (np.diff(y) <= 0).all() and y[-1] < y[0]


def _decode(s):
    return np.frombuffer(base64.b64decode(s), dtype="<f4")


def test_pack_sends_float32_paths_and_exact_summaries():
    cfg, msgs = validate.config({"racers": [{"optimizer": "adam", "lr": 0.05}], "steps": 100})
    assert not msgs.items
    surface, _start, trajs = runs.run_all(cfg)
    data = runs.pack(cfg, surface, trajs)
    r = data["racers"][0]
    np.testing.assert_array_equal(_decode(r["xy"]), trajs[0].positions.astype(np.float32).ravel())
    assert r["final_loss"] == float(trajs[0].loss[-1])
    # arrows travel as headings: the direction of -gradient and of the step, one angle per step
    g = get_surface("rosenbrock").gradient(trajs[0].positions)
    np.testing.assert_allclose(_decode(r["grad_heading"]), np.arctan2(-g[:, 1], -g[:, 0]), rtol=1e-6)
    moves = np.diff(trajs[0].positions, axis=0)
    np.testing.assert_allclose(
        _decode(r["move_heading"])[:-1], np.arctan2(moves[:, 1], moves[:, 0]), rtol=1e-6
    )
    assert np.isnan(_decode(r["move_heading"])[-1])  # no step after the last point: no arrow
    assert json.dumps(data)  # strict JSON: no NaN, no numpy types


def test_arrows_shrink_with_the_gradient_and_vanish_at_a_minimum():
    # gradient descent on the bowl: |g| falls geometrically, so the length falls linearly in
    # log10 |g| from the start (1) to nothing once |g| is ARROW_DECADES decades smaller
    cfg, _ = validate.config(
        {"surface": "quadratic_bowl", "racers": [{"optimizer": "gd", "lr": 0.3}], "steps": 200}
    )
    surface, _start, trajs = runs.run_all(cfg)
    r = runs.pack(cfg, surface, trajs)["racers"][0]
    size = np.hypot(*surface.gradient(trajs[0].positions).T)
    want = np.clip(1 + np.log10(size / size.max()) / contract.ARROW_DECADES, 0, 1)
    got = _decode(r["grad_length"])
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert got[0] == 1 and np.all(np.diff(got) <= 1e-7) and got[-1] == 0
    assert size[-1] < 1e-6 * size[0]  # the last arrow is gone because the gradient is


def test_pack_precomputes_what_the_browser_shows_for_every_racer():
    cfg, _ = validate.config(
        {"racers": [{"optimizer": "adam"}, {"optimizer": "adagrad"}, {"optimizer": "gd"}]}
    )
    surface, _start, trajs = runs.run_all(cfg)
    data = runs.pack(cfg, surface, trajs)
    for r, tr in zip(data["racers"], trajs):
        # heights above the mesh and distances to the nearest minimum come computed
        # the higher of f's height and the drawn mesh's, lifted: never under the surface drawn
        on = np.maximum(terrain.height_3d(surface, tr.loss), terrain.drawn_height(surface, tr.positions))
        lift = _decode(r["z"]) - on
        assert np.allclose(lift, terrain.path_lift(surface), atol=1e-4) and lift[0] > 0
        dist = surface.nearest_minimum_distance(tr.positions)
        np.testing.assert_allclose(_decode(r["dist"]), dist, rtol=1e-6)
        assert r["gap"] is None  # f* = 0 here: the losses are f - f* already, no copy sent
        # every racer carries its inspect arrows and its state chart (no server trip to switch)
        assert len(_decode(r["grad_heading"])) == len(_decode(r["move_heading"])) == cfg.steps + 1
        assert not {"final_dist", "final_xy", "optimizer"} & set(r)
    names = [{t["name"] for t in r["state"]} for r in data["racers"]]
    for got, opt in zip(names, ("adam", "adagrad")):  # the step size, then the record's accumulator
        label = OPTIMIZERS[opt].inspect[1][1]
        assert {"step size (x)", "step size (y)", f"{label} (x)", f"{label} (y)"} <= got
    gd_size = data["racers"][2]["state"]
    assert names[2] == {"step size (x)", "step size (y)"} and gd_size[0]["y"] == [
        0.001,
        0.001,
    ]  # constant: two ends
    assert not {"surface", "minima", "zinfo", "inspect"} & set(data)
    assert data["loss_axes"]["log"]["type"] == "log" and data["loss_axes"]["linear"]["type"] == "linear"
    assert data["can_log"]


def test_pack_sends_f_minus_fstar_where_it_differs_from_f():
    cfg, _ = validate.config({"surface": "six_hump_camel", "racers": [{"optimizer": "adam"}], "steps": 50})
    surface, _start, trajs = runs.run_all(cfg)
    assert surface.fglob < 0
    r = runs.pack(cfg, surface, trajs)["racers"][0]
    exact = np.maximum(trajs[0].loss - surface.fglob, 1e-16)  # float64 first: float32 f would cancel
    np.testing.assert_allclose(_decode(r["gap"]), exact, rtol=1e-6)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.dictionaries(
        st.sampled_from(["surface", "surface_params", "racers", "schedule", "schedule_params", "noise", "batch_size",
                         "seed", "start", "steps", "junk"]),
        st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                     lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                     max_leaves=12),
    )
)  # fmt: skip
def test_validation_never_raises_and_always_yields_a_runnable_config(raw):
    cfg, msgs = validate.config(raw)
    assert cfg.surface in ("rosenbrock",) or isinstance(cfg.surface, str)
    assert 1 <= cfg.steps <= limits.MAX_STEPS and len(cfg.racers) <= limits.MAX_RACERS
    assert all(limits.LR_RANGE[0] <= r.lr <= limits.LR_RANGE[1] for r in cfg.racers)
    for _, text in msgs.items:
        assert isinstance(text, str) and len(text) < 300


@pytest.mark.parametrize(
    "raw,control,needle",
    [
        ({"steps": "1e9"}, "input-steps", "clamped to 5000"),
        ({"steps": "abc"}, "input-steps", "must be a number"),
        ({"surface": "nope"}, "select-surface", "unknown surface"),
        ({"racers": [{"optimizer": "adam", "lr": "nan"}]}, "racer-0", "learning rate must be a number"),
        ({"racers": [{"optimizer": "adam", "hyper": {"beta1": 1}}]}, "racer-0", "beta1 must be"),
        ({"racers": [{"optimizer": "adam"}] * 20}, "select-optimizers", "at most 12"),
        ({"batch_size": -5}, "input-batch", "clamped to 1"),
        ({"start": ["x", 1]}, "input-start-x", "start x must be a number"),
    ],
)
def test_validation_messages_name_the_control(raw, control, needle):
    _, msgs = validate.config(raw)
    assert any(needle in t for t in msgs.for_control(control)), msgs.items


@pytest.mark.parametrize(
    "racers,schedule,steps,expected",
    [
        (["adam"] * 12, "constant", 5000, 5000),  # 12 x 5000 coordinate-wise steps: the budget exactly
        (["newton"] * 12, "constant", 5000, 60_000 // 36),  # Newton counts 3 units a step
        (["adam"] * 12, "plateau", 5000, 60_000 // 24),  # the plateau schedule adds one
        (["newton", "adam"], "plateau", 5000, 5000),  # (4 + 2) x 5000 fits
        (["newton"] * 12, "plateau", 5000, 60_000 // 48),
    ],
)
def test_work_per_request_is_capped_by_the_step_budget(racers, schedule, steps, expected):
    raw = {"racers": [{"optimizer": o} for o in racers], "schedule": schedule, "steps": steps}
    cfg, msgs = validate.config(raw)
    assert cfg.steps == expected
    assert validate.work_per_step(cfg) * cfg.steps <= validate.WORK_BUDGET
    notes = msgs.for_control("input-steps")
    assert (expected < steps) == any(f"ran {expected} steps" in t for t in notes), notes


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.fixture(scope="module")
def deps(client):
    return client.get("/_dash-dependencies").get_json()


def test_compute_callback_end_to_end(client, deps):
    r = client.post("/_dash-update-component", json=body(compute_dep(deps), compute_values()))
    assert r.status_code == 200
    out = r.get_json()["response"]
    store = out["store-run"]["data"]
    assert [x["label"] for x in store["racers"]] == ["Momentum", "RMSProp", "Adam"]
    assert store["steps"] == 500 and out["div-messages"]["children"] == []
    assert all(out[box]["children"] == [] for box, _ in MESSAGE_BOXES)
    assert not any(out[i]["invalid"] for i in FLAGGED_INPUTS)
    ref = simulate("rosenbrock", "adam", (-1.5, 2.0), steps=500, lr=0.05)
    assert store["racers"][2]["final_loss"] == float(ref.loss[-1])
    # first load: both surface meshes plus 3 racers x 500 steps, each with its inspect arrays
    assert len(r.data) < 300_000
    # a settings change on the same surface and racers resends paths only, not the meshes
    dep = compute_dep(deps)
    again = body(dep, compute_values(lrs={"momentum": "0.002", "rmsprop": "0.01", "adam": "0.05"}),
                 [out["store-figure-key"]["data"]])  # fmt: skip
    r2 = client.post("/_dash-update-component", json=again)
    assert r2.status_code == 200 and len(r2.data) < min(130_000, len(r.data) - 90_000)
    assert "graph-surface-3d" not in r2.get_json()["response"]


def _pattern_outputs(out: dict, type_: str, prop: str) -> list[dict]:
    """A pattern output's answers, one per component: [{"id": {...}, prop: value}]."""
    ids = [json.loads(k) for k in out if k.startswith("{")]
    return [
        {"id": i, prop: out[json.dumps(i, separators=(",", ":"))][prop]}
        for i in ids
        if i.get("type") == type_
    ]


def test_compute_reports_bad_values_next_to_a_working_run(client, deps):
    vals = compute_values(steps="1e308", lrs={"momentum": "-1", "rmsprop": "inf", "adam": "zzz"})
    r = client.post("/_dash-update-component", json=body(compute_dep(deps), vals))
    assert r.status_code == 200
    out = r.get_json()["response"]
    # each note sits under its own control, and only the bad text box turns red
    assert "steps must be in [1, 5000]" in json.dumps(out["msg-steps"]["children"])
    # each racer's learning-rate note under its own box, the box outlined
    boxes = {o["id"]["opt"]: json.dumps(o["children"]) for o in _pattern_outputs(out, "msg-lr", "children")}
    assert all(
        f"{t}: learning rate" in boxes[k]
        for k, t in (("momentum", "Momentum"), ("rmsprop", "RMSProp"), ("adam", "Adam"))
    )
    assert all(o["invalid"] for o in _pattern_outputs(out, "input-lr", "invalid"))
    assert out["msg-optimizers"]["children"] == []
    assert out["msg-surface"]["children"] == [] and out["div-messages"]["children"] == []
    assert {i for i in FLAGGED_INPUTS if out[i]["invalid"]} == {"input-steps"}
    assert out["store-run"]["data"]["steps"] == 5000
    assert all(not math.isnan(x["final_loss"]) for x in out["store-run"]["data"]["racers"])


def test_security_headers_and_body_cap(client):
    r = client.get("/")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Referrer-Policy"]
    big = client.post("/_dash-update-component", data=b"{" + b" " * 200_000 + b"}",
                      content_type="application/json")  # fmt: skip
    assert big.status_code == 413
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_the_index_loads_regenerator_runtime_first_in_place_of_dashs_polyfill(client):
    scripts = re.findall(r'<script src="([^"]+)"', client.get("/").get_data(as_text=True))
    assert not [s for s in scripts if "polyfill" in s]
    assert [s for s in scripts if "regenerator-runtime" in s] == [scripts[0]]  # once, before React
    runtime = client.get(scripts[0])
    assert runtime.status_code == 200 and b"regeneratorRuntime = runtime" in runtime.data


def test_the_layout_is_serialized_once_and_is_dashs_own_json():
    app = create_app()
    first, second = (app.server.test_client().get("/_dash-layout") for _ in range(2))
    assert first.status_code == second.status_code == 200 and first.mimetype == "application/json"
    assert first.data == second.data and json.loads(first.data)["props"]["className"] == "pg-app"
    with app.server.test_request_context():
        assert first.data == Dash.serve_layout(app).get_data()  # Dash's own response, made again


def test_a_layout_built_per_visit_is_not_cached():
    calls = []
    app = PlaygroundDash(__name__)
    app.layout = lambda: calls.append(1) or html.Div(str(len(calls)), id="n")
    c = app.server.test_client()
    served = [int(json.loads(c.get("/_dash-layout").data)["props"]["children"]) for _ in range(2)]
    assert served[1] == served[0] + 1  # built again for the second visit (Dash also calls it at start)


@pytest.mark.parametrize("copies", [0, 2])
def test_an_index_without_exactly_one_polyfill_is_an_error_not_a_guess(copies):
    tag = '<script src="/_dash-component-suites/dash/deps/polyfill@7.12.1.min.js"></script>'
    with pytest.raises(RuntimeError, match=f"found it {copies} times"):
        server.without_polyfill(tag * copies + "<script src=/react.js></script>", "/rr.js")


def test_warm_caches_covers_what_the_default_page_asks_for(client, deps):
    runs.run_racer.cache_clear()
    assert warm_caches() == 1 + len(LESSONS)
    before = runs.run_racer.cache_info()
    r = client.post("/_dash-update-component", json=body(compute_dep(deps), compute_values()))
    assert r.status_code == 200
    after = runs.run_racer.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 3  # three racers, none run again


@pytest.mark.parametrize("name", [n for n, o in OPTIMIZERS.items() if o.accumulator])
def test_the_inspect_chart_draws_each_optimizers_accumulator(name):
    tr = simulate("rosenbrock", name, (-1.5, 2.0), steps=20)
    inspect = OPTIMIZERS[name].inspect
    fig = charts.state_figure(RACERS[0], tr.state, inspect)
    names = {t["name"] for t in fig["data"]}
    assert {f"{inspect[1][1]} (x)", f"{inspect[1][1]} (y)"} <= names


def _dep(deps, output):
    return next(d for d in deps if d["output"] == output or d["output"].startswith(f"..{output}"))


def test_a_bug_in_a_callback_is_a_500_with_the_traceback_in_the_log_only(client, deps, monkeypatch, caplog):
    from playground.web.views.race import callbacks

    def broken(cfg):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(callbacks, "surface_info", broken)
    payload = body(_dep(deps, "div-surface-info.children"), compute_values())
    with caplog.at_level(logging.ERROR, logger="playground.http"):
        r = client.post("/_dash-update-component", json=payload)
    assert r.status_code == 500
    assert r.get_json() == {"error": "Internal Server Error", "reason": "the server met an unexpected error"}
    assert b"secret" not in r.data and b"Traceback" not in r.data
    (record,) = [x for x in caplog.records if x.levelno >= logging.ERROR]
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)
    assert "secret detail" in caplog.text and "Traceback" in caplog.text


def _forge(deps, where, value):
    payload = body(compute_dep(deps), compute_values())
    k = next(i for i, s in enumerate(compute_dep(deps)["inputs"]) if s["id"].startswith(where))
    payload["inputs"][k] = value(payload["inputs"][k])
    return payload


@pytest.mark.parametrize(
    "where,forge,reason",
    [
        ('{"name"', lambda e: 3.5, "is pattern-matching; expected a list of items"),
        ('{"opt"', lambda e: {"id": "x", "property": "value", "value": 1}, "pattern-matching"),
        ('{"opt"', lambda e: [{**e[0], "id": {"type": "input-lr"}}], "does not fit the pattern input-lr"),
        ('{"opt"', lambda e: [{**e[0], "value": {"a": 1}}], "input-lr.value must be a string, number"),
        ("input-steps", lambda e: {**e, "value": [500]}, "input-steps.value must be a string, number"),
        ("select-optimizers", lambda e: {**e, "value": "adam"}, "select-optimizers.value must be a list"),
        ("input-seed", lambda e: {**e, "id": "input-steps"}, "expected the id 'input-seed'"),
        ("input-seed", lambda e: {**e, "property": "children"}, "property: 'value'"),
    ],
)  # fmt: skip
def test_forged_shapes_are_refused_with_the_reason(client, deps, where, forge, reason):
    r = client.post("/_dash-update-component", json=_forge(deps, where, forge))
    assert r.status_code == 400 and reason in r.get_json()["reason"], r.get_json()


@pytest.mark.parametrize(
    "change,reason",
    [
        (lambda p: p.update(output="nope.children"), "unknown callback"),
        (lambda p: p["outputs"].pop(), "'outputs' differ"),
        (lambda p: p["inputs"].pop(), "'inputs' must list the callback's"),
        (lambda p: p.update(state={}), "'state' must list"),
        (lambda p: p.update(changedPropIds=5), "changedPropIds"),
        (lambda p: p.update(changedPropIds=['{"opt".value']), "changedPropIds"),  # Dash would json-parse it
        (lambda p: p.update(changedPropIds=["url.href"]), "changedPropIds"),  # not an input of this callback
    ],
)
def test_forged_envelopes_are_refused_with_the_reason(client, deps, change, reason):
    payload = body(compute_dep(deps), compute_values())
    change(payload)
    r = client.post("/_dash-update-component", json=payload)
    assert r.status_code == 400 and reason in r.get_json()["reason"], r.get_json()


def test_non_json_requests_are_refused(client):
    r = client.post("/_dash-update-component", data=b"{", content_type="application/json")
    assert r.status_code == 400 and "not valid JSON" in r.get_json()["reason"]
    r = client.post("/_dash-update-component", data=b"{}", content_type="text/plain")
    assert r.status_code == 415


def test_every_setting_has_its_widget_and_every_box_exists():
    from playground.web import page
    from playground.web.state import settings
    from playground.web.views.race import controls

    ids = set()

    def walk(node):
        if isinstance(node, (list, tuple)):
            for n in node:
                walk(n)
        elif hasattr(node, "to_plotly_json"):
            if getattr(node, "id", None) is not None:
                ids.add(node.id if isinstance(node.id, str) else node.id["type"])
            walk(getattr(node, "children", None))

    walk(page.layout())
    walk(controls.surface_param_inputs("rosenbrock"))
    walk(controls.schedule_param_inputs("step"))
    walk(controls.racer_card(0, "adam", "#000", 0.1, {}))
    for f in settings.FIELDS:
        assert {c if isinstance(c, str) else c["type"] for c in f.components} <= ids, f.name
    assert {box for box, _ in MESSAGE_BOXES} <= ids and set(FLAGGED_INPUTS) <= ids


def test_explaining_callbacks_show_the_settings(client, deps):
    vals = compute_values(optimizers=("adam", "newton"), steps="300", schedule="cosine")
    out = {}
    for output in (
        "div-math.children",
        "div-surface-info.children",
        "pre-torch.children",
        "store-query.data",
    ):
        r = client.post(
            "/_dash-update-component", json=body(_dep(deps, output), vals, {"url.href": "/?lesson=nag"})
        )
        assert r.status_code == 200
        out.update(r.get_json()["response"])
    math_text = json.dumps(out["div-math"]["children"])
    assert "Adam" in math_text and "Newton" in math_text and "Schedule: " in math_text
    assert "Rosenbrock" in json.dumps(out["div-surface-info"]["children"])
    assert "torch.optim.Adam([theta], lr=0.05" in out["pre-torch"]["children"]
    assert out["store-query"]["data"] == (
        "surface=rosenbrock&p.a=1&p.b=100&opt=adam,newton&lr.adam=0.05&lr.newton=0.01&schedule=cosine"
        "&s.eta_min=0&steps=300&lesson=nag"
    )


def test_a_link_fills_the_controls_and_store_url_holds_its_canonical_query(client, deps):
    href = "http://x/?surface=ravine&opt=gd,adam&lr.adam=0.02&batch=8&noise=0.5&steps=300&lesson=ravine"
    r = client.post("/_dash-update-component", json=body(_dep(deps, "select-surface.value"), [href]))
    out = r.get_json()["response"]
    assert out["select-surface"]["value"] == "ravine" and out["select-optimizers"]["value"] == ["gd", "adam"]
    assert out["input-batch"]["value"] == "8" and out["input-noise"]["value"] == "0.5"
    # the menu returns to its prompt so that choosing the same lesson again re-applies it
    assert out["input-steps"]["value"] == "300" and out["select-lesson"]["value"] == ""
    cfg = validate.config(urlstate.from_query(out["store-url"]["data"])[0])[0]
    assert cfg.racers[1].lr == 0.02 and cfg.surface == "ravine" and cfg.batch_size == 8


def test_pack_sends_the_schedule_free_iterate_beside_the_evaluated_point():
    cfg, _ = validate.config(
        {"racers": [{"optimizer": "adamw_schedulefree"}, {"optimizer": "adam"}], "steps": 50}
    )
    surface, _, trajs = runs.run_all(cfg)
    sf, adam = runs.pack(cfg, surface, trajs)["racers"]
    z = _decode(sf["iterate"]).reshape(-1, 2)
    x = _decode(sf["xy"]).reshape(-1, 2)
    assert z.shape == x.shape and np.array_equal(z[0], x[0])  # both start at the start
    np.testing.assert_array_equal(z[1:], trajs[0].state["z"].astype("<f4"))
    assert np.abs(z[1:] - x[1:]).max() > 1e-3  # a different point: worth its own marker
    assert adam["iterate"] is None


@pytest.mark.parametrize("names,labels", [
    (["newton", "newton"], None),
    (["momentum", "momentum"], ["Momentum (form pytorch)", "Momentum (form classical)"]),
])  # fmt: skip
def test_copies_of_an_optimizer_are_named_by_what_differs(names, labels):
    racers = [{"optimizer": n, "key": f"{n}~{i + 1}" if i else n} for i, n in enumerate(names)]
    if labels:
        racers[1]["hyper"] = {"form": "classical"}
    cfg, _ = validate.config({"racers": racers})
    got = [m["label"] for m in runs.racer_meta(cfg)]
    assert got == (labels or ["Newton", "Newton"])


def test_the_qr_code_is_an_svg_an_img_can_draw():
    from urllib.parse import unquote

    from playground.web import exports

    uri = exports.qr_data_uri("http://127.0.0.1:8050/?surface=beale&opt=adam")
    assert uri.startswith("data:image/svg+xml")
    svg = unquote(uri.split(",", 1)[1])
    assert "xmlns='http://www.w3.org/2000/svg'" in svg or 'xmlns="http://www.w3.org/2000/svg"' in svg


def test_a_long_runs_state_chart_is_thinned_to_what_the_chart_can_show():
    tr = simulate("rosenbrock", "adagrad", (-1.5, 2.0), steps=5000, lr=0.5, gtol=0, xtol=0)
    fig = charts.state_figure(RACERS[0], tr.state, OPTIMIZERS["adagrad"].inspect)
    series = {"step size (x)": tr.state["step_size"][:, 0], "sum of squares G (x)": tr.state["sum_sq"][:, 0]}
    for trace in fig["data"]:
        y = _arr(trace["y"])
        assert len(y) <= charts.STATE_POINTS and trace["x0"] + trace["dx"] * (len(y) - 1) <= 5000
        if trace["name"] in series:  # every k-th value of the exact series, from the first step
            full = np.abs(series[trace["name"]]).astype("<f4")
            np.testing.assert_array_equal(y, full[:: trace["dx"]])


def _card_lr(client, deps, name: str, surface: str) -> float:
    """The learning rate a racer's card shows when it is added from the dropdown."""
    dep = _dep(deps, "div-racer-controls.children")
    r = client.post("/_dash-update-component", json=body(dep, [[name], None], [[], surface]))

    def find(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") == {"opt": name, "type": "input-lr"}:
                return props["value"]
            return next((v for v in map(find, node.values()) if v is not None), None)
        if isinstance(node, list):
            return next((v for v in map(find, node) if v is not None), None)
        return None

    return float(find(r.get_json()["response"]))


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau"])
@pytest.mark.parametrize("name", ["adam", "lion", "adagrad", "momentum", "newton"])
def test_a_racer_without_an_lr_gets_the_fair_one_by_link_and_by_dropdown(client, deps, name, surface):
    cfg, msgs = validate.config(urlstate.from_query(f"?surface={surface}&opt={name}")[0])
    want = fair.fair_lr(surface, name)
    assert msgs.items == [] and cfg.racers[0].lr == want
    assert _card_lr(client, deps, name, surface) == pytest.approx(want, rel=1e-3)
    if OPTIMIZERS[name].second_order:
        assert want == OPTIMIZERS[name].lr_for_page  # the full Newton step
        return
    scores = dict(fair.sweep(surface, name))
    assert want in fair.GRID and scores[want] == min(scores.values())  # the best of the sweep
    # it moves: its final loss is well under the loss at the start
    tr = simulate(surface, name, steps=fair.STEPS, lr=want)
    assert tr.loss[int(tr.last_kept)] < 0.5 * tr.loss[0]


def _card_hypers(client, deps, name: str, surface: str) -> dict:
    """The hyperparameter boxes of a racer's card when it is added from the dropdown: name -> value."""
    dep = _dep(deps, "div-racer-controls.children")
    r = client.post("/_dash-update-component", json=body(dep, [[name], None], [[], surface]))
    out = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if isinstance(props.get("id"), dict) and props["id"].get("type") == "input-hyper":
                out[props["id"]["name"]] = props.get("value")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(r.get_json()["response"])
    return out


@pytest.mark.parametrize("name", ["lbfgs", "adam"])
def test_a_racer_added_on_the_page_shows_runs_links_and_exports_its_page_start(client, deps, name):
    """L-BFGS races one iteration per step (its page start), not torch's 20 (its default): the
    card added from the dropdown shows it, the run, the math panel and the PyTorch export use it,
    and the link leaves it out and reads it back."""
    from playground.web.torch_snippet import torch_snippet
    from playground.web.views.race.callbacks import math_panel

    opt = OPTIMIZERS[name]
    start = {k: v for k, v in opt.on_page.items() if k != "lr"}
    shown = _card_hypers(client, deps, name, "rosenbrock")
    assert shown.keys() == start.keys()
    for k, v in start.items():  # the boxes hold what the racer runs with (a number box: its text)
        assert shown[k] == ("" if v is None else v if isinstance(v, (bool, str)) else as_text(v)), k
    # what the page sends back from those boxes
    raw = {"surface": "rosenbrock", "racers": [{"optimizer": name, "key": name, "lr": 0.5, "hyper": shown}]}
    cfg, msgs = validate.config(raw)
    assert not msgs.items and dict(cfg.racers[0].hyper) == start
    query = urlstate.to_query(cfg)
    assert f"{name}." not in query  # the page start is what a link leaves out...
    assert urlstate.link_config(query).racers == cfg.racers  # ...and what it reads back
    rule = json.dumps(math_panel(cfg, runs.racer_meta(cfg))[0].to_plotly_json(), default=str)
    script = torch_snippet(cfg, [opt.title])
    if name == "lbfgs":
        assert (opt.resolve()["max_iter"], start["max_iter"]) == (20, 1)
        assert "`max_iter` = 1" in rule and "max_iter=1, max_eval=None" in script
        tr = runs.run_all(cfg)[2][0]
        assert tr.hyper["max_iter"] == 1 and tr.state["evals"][:, 0].max() == 1  # one evaluation a step
        twenty, _ = validate.config({**raw, "racers": [{**raw["racers"][0], "hyper": {"max_iter": "20"}}]})
        assert "lbfgs.max_iter=20" in urlstate.to_query(twenty)
        assert "max_iter=20" in torch_snippet(twenty, [opt.title])


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("banana", True), ("", False), ("1e400", True), ("nan", True), ("0.2", False), (None, False)],
    ids=["word", "empty-means-default", "overflow", "nan", "a-number", "missing"],
)
def test_a_box_without_a_number_keeps_the_last_good_value(typed, kept):
    last = urlstate.from_query("opt=adam&lr.adam=0.05&steps=300")[0]
    raw = {"steps": typed, "racers": [{"optimizer": "adam", "key": "adam", "lr": typed, "hyper": {}}]}
    msgs = validate.Messages()
    out = validate.keep_last_good(raw, last, msgs)
    cfg, msgs = validate.config(out, msgs)
    notes = [t for _, t in msgs.items]
    if kept:
        assert (cfg.steps, cfg.racers[0].lr) == (300, 0.05)
        assert f"steps must be a number, got {typed!r}; kept 300, the last good value" in notes
        assert any("kept 0.05, the last good value" in t for t in notes)
    else:
        assert not any("last good value" in t for t in notes)
        assert out == raw


def test_a_new_racer_has_no_last_good_value():
    last = urlstate.from_query("opt=adam&lr.adam=0.05")[0]
    raw = {"racers": [{"optimizer": "lion", "key": "lion", "lr": "fast", "hyper": {}}]}
    msgs = validate.Messages()
    cfg, msgs = validate.config(validate.keep_last_good(raw, last, msgs), msgs)
    assert cfg.racers[0].lr == OPTIMIZERS["lion"].lr_for_page  # the documented fallback, with its note
    assert any("Lion: learning rate must be a number" in t for _, t in msgs.items)


def test_a_start_is_clamped_into_the_map():
    cfg, msgs = validate.config({"surface": "rosenbrock", "start": ["9", "-0.5"]})
    (_, x1), _ = get_surface("rosenbrock").domain
    assert cfg.start == (x1, -0.5)
    assert any(c == "input-start-x" and "clamped" in t for c, t in msgs.items)


def test_a_run_still_creeping_next_to_a_minimum_says_where():
    from playground.core import outcome
    from playground.web.lessons import LESSON_BY_ID

    cfg = validate.config(urlstate.from_query("?" + LESSON_BY_ID["ravine"].query)[0])[0]
    gd, momentum = runs.view(cfg)["run"]["racers"]
    _, _, trajs = runs.run_all(cfg)
    surface = get_surface(cfg.surface)
    (x0, x1), _ = surface.domain
    for shown, tr in zip((gd, momentum), trajs):
        assert str(tr.status) == "running"  # the engine's strict test (|g| <= 1e-6) says neither
        d = float(surface.nearest_minimum_distance(tr.positions[-1]))
        assert (shown["status"] == outcome.NEAR_MINIMUM) == (d <= outcome.NEAR_SHARE * (x1 - x0))
    assert momentum["status"] == outcome.NEAR_MINIMUM and "next to the global minimum" in momentum["outcome"]
    assert gd["status"] == "running"


def _config(query: str) -> validate.Config:
    raw, notices, _ = urlstate.from_query(query)
    cfg, msgs = validate.config(raw)
    assert notices == [] and msgs.items == []
    return cfg


@pytest.mark.parametrize(
    "query",
    [
        "surface=beale&opt=gd,rmsprop,adam&lr.gd=0.001&lr.rmsprop=0.01&lr.adam=0.05&steps=1000",
        "surface=rosenbrock&opt=adam&lr.adam=0.0001&steps=20",  # barely moves: the smallest frame
        "surface=saddle&opt=momentum&lr.momentum=0.05&steps=300",  # leaves the domain
    ],
    ids=["beale", "still", "left"],
)
def test_the_paths_frame_holds_every_drawn_point_and_its_own_mesh(query):
    cfg = _config(query + "&frame=paths")
    surface, _, trajs = runs.run_all(cfg)
    view = runs.view(cfg)
    lay, mesh = view["contour"]["layout"], view["contour"]["data"][0]
    (x0, x1), (y0, y1) = lay["xaxis"]["range"], lay["yaxis"]["range"]
    (dx0, dx1), (dy0, dy1) = surface.domain
    assert dx0 <= x0 < x1 <= dx1 and dy0 <= y0 < y1 <= dy1
    assert (x1 - x0) * (y1 - y0) < (dx1 - dx0) * (dy1 - dy0)  # it zooms in
    assert view["run"]["view"] == [x0, x1, y0, y1]  # end marks are placed on its edges
    assert min(x1 - x0, y1 - y0) >= 0.5 * max(x1 - x0, y1 - y0) - 1e-12  # not a strip
    for t in trajs:
        p = t.positions[: int(t.last_kept) + 1]
        p = p[(p[:, 0] >= dx0) & (p[:, 0] <= dx1) & (p[:, 1] >= dy0) & (p[:, 1] <= dy1)]
        assert np.all((p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1))
    # the mesh covers the frame and a square around it (the plot widens one range to fill its card)
    xs, ys = (np.frombuffer(base64.b64decode(mesh[k]["bdata"]), "<f4") for k in "xy")
    assert xs[0] <= x0 + 1e-5 and xs[-1] >= x1 - 1e-5 and ys[0] <= y0 + 1e-5 and ys[-1] >= y1 - 1e-5
    assert dx0 - 1e-5 <= xs[0] and xs[-1] <= dx1 + 1e-5 and dy0 - 1e-5 <= ys[0] and ys[-1] <= dy1 + 1e-5
    assert (xs[-1] - xs[0]) * (ys[-1] - ys[0]) > 1.1 * (x1 - x0) * (y1 - y0)
    # the same run framed whole: the domain, and a different drawn landscape (the page redraws it)
    whole = runs.view(_config(query))
    assert whole["contour"]["layout"]["xaxis"]["range"] == [dx0, dx1] and whole["key"] != view["key"]
    assert urlstate.to_query(cfg).endswith("&frame=paths" + query[query.index("&steps") :])


def test_an_unknown_frame_is_named_and_the_domain_shown():
    cfg, msgs = validate.config(urlstate.from_query("surface=beale&frame=zoom")[0])
    assert cfg.frame == "domain" and msgs.for_control("select-frame") == [
        "unknown contour map frame 'zoom'; using domain"
    ]


def test_values_beyond_float32_reach_the_browser_as_infinities_without_a_warning():
    """A diverging run's positions pass float32's range before they turn inf in float64; both
    packings the browser decodes (wire.b64, wire.typed) send them as ±inf, silently (a
    fuzzed payload once logged numpy's "overflow encountered in cast")."""
    values = np.array([1e39, -1e300, 3.0, np.inf, np.nan])
    want = np.array([np.inf, -np.inf, 3.0, np.inf, np.nan], dtype="<f4")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        packed = [base64.b64decode(wire.b64(values)), base64.b64decode(wire.typed(values)["bdata"])]
    for raw in packed:
        np.testing.assert_array_equal(np.frombuffer(raw, dtype="<f4"), want)


def test_a_new_surface_formula_racer_set_or_lesson_is_a_new_scene_a_learning_rate_is_not():
    """runs.scene decides whether a new run starts from step 0 (80-pg-bridge.js, take)."""
    import dataclasses

    from playground.web import runs
    from playground.web.state.widgets import DEFAULT_CONFIG

    def custom_one(formula: str):
        return dataclasses.replace(DEFAULT_CONFIG, surface="custom", formula=formula)

    base = runs.scene(DEFAULT_CONFIG)
    faster = dataclasses.replace(
        DEFAULT_CONFIG, racers=tuple(dataclasses.replace(r, lr=r.lr * 2) for r in DEFAULT_CONFIG.racers)
    )
    assert runs.scene(faster) == base
    assert runs.scene(dataclasses.replace(DEFAULT_CONFIG, surface="himmelblau")) != base
    assert runs.scene(dataclasses.replace(DEFAULT_CONFIG, racers=DEFAULT_CONFIG.racers[:1])) != base
    assert runs.scene(DEFAULT_CONFIG, "ravine") != base
    assert runs.scene(custom_one("x^2 + y^2")) != runs.scene(custom_one("x^2 + 3 y^2"))
    # an analytic surface ignores the (unused) formula field
    assert runs.scene(dataclasses.replace(DEFAULT_CONFIG, formula="x^2")) == base
