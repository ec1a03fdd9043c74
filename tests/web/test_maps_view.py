"""The Maps view's server side: what a request may ask for, the piece-by-piece chain, and what
a clicked cell or the tuning puts in the race."""

import json
from urllib.parse import parse_qs

import numpy as np
import pytest
from dash import no_update

from playground import OPTIMIZERS
from playground.batch.cells import PYTHON_LOOP, cell_cost
from playground.batch.maps import basin
from playground.web import create_app
from playground.web.state import urlstate, validate
from playground.web.views import maps as M

RACE = urlstate.to_query(validate.config({})[0])  # the default race: momentum, RMSProp, Adam on Rosenbrock


def _ops(patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def _chain(kind: str, query: str = RACE, racer: int = 0, size=None) -> tuple[dict, list]:
    fig, job, _, _, token, _, _ = M.start_map(1, kind, racer, M.VIEW_ID, query, size)
    patches = []
    while job:
        patch, job, _ = M.advance_map(job, token)
        patches.append(patch)
    return fig, patches


@pytest.mark.parametrize(
    "args,words",
    [
        (("nope", RACE, 0, None), "Unknown map"),
        (("basin", "surface=rosenbrock&opt=", 0, None), "Add an optimizer"),
        (("phase", "opt=adagrad", 0, None), "has no momentum"),
    ],
    ids=["unknown-kind", "empty-race", "no-momentum"],
)
def test_a_map_that_cannot_be_drawn_says_why(args, words):
    p = M.plan(*args)
    assert isinstance(p, str) and words in p


def test_sizes_and_work_are_bounded_with_a_note():
    p = M.plan("basin", RACE, 0, 10_000)
    assert p.size == M.SIZES["basin"][0] and "whole number" in p.note
    big = M.plan("basin", RACE.replace("steps=500", "steps=5000"), 0, 200)
    assert big.size == 200 and big.steps * 200 * 200 <= M.MAP_WORK and "each run took" in big.note


def test_only_the_open_view_draws():
    assert M.start_map(1, "basin", 0, "race", RACE, None) == (no_update,) * 7


def test_the_chain_fills_every_row_once_with_the_whole_maps_values():
    fig, patches = _chain("basin", size=30)
    assert len(fig["data"][0]["z"]) == 30 and len(patches) >= 1
    rows = {}
    for patch in patches:
        for op in _ops(patch):
            location = op["location"]
            if location[:3] == ["data", 0, "z"]:
                rows[location[3]] = op["params"]["value"]
    assert sorted(rows) == list(range(30))
    setup = M.plan("basin", RACE, 0, 30).setups[0]
    whole = basin(setup, 30, 30)
    codes = np.floor(np.array([rows[i] for i in range(30)]) * (len(setup.surface.minima) + 3)).ravel()
    assert np.array_equal(codes == 0, whole.status == "minimum")  # Rosenbrock's one minimum, cell by cell


def test_a_newer_map_stops_the_older_chain_and_forged_jobs_get_a_message():
    _fig, job, _, _, token, _, _ = M.start_map(1, "basin", 0, M.VIEW_ID, RACE, 20)
    assert M.advance_map(job, token + 1) == (no_update,) * 3  # a newer Draw owns the map
    for bad in ({**job, "next": 10_000}, {**job, "kind": "x"}, {**job, "next": -1}, {**job, "racer": 99}):
        out = M.advance_map(bad, token)
        if bad["racer"] == 99:  # an unknown racer falls back to the first: still a valid piece
            assert out[1] is None or out[1]["next"] > 0
        else:
            assert out[0] is no_update and "not valid" in str(out[2])


def test_sweep_and_phase_fill_their_rows():
    _, patches = _chain("sweep", size=12)
    marks = [op for p in patches for op in _ops(p) if op["location"][:3] == ["data", 1, "x"]]
    assert len(marks) == 3  # one best learning rate per racer
    _fig, patches = _chain("phase", size=8)
    filled = {op["location"][3] for p in patches for op in _ops(p) if op["location"][:3] == ["data", 1, "z"]}
    assert filled == set(range(8))


def test_a_clicked_cell_races_exactly_that_run():
    job = {"kind": "basin", "query": RACE, "racer": 2, "size": 120, "next": 0, "token": 5}
    href, play = M.click_cell({"points": [{"x": 0.25, "y": -0.5}]}, job)
    q = parse_qs(href.lstrip("?"))
    assert q["opt"] == ["adam"] and q["start"] == ["0.25,-0.5"] and q["lr.adam"] == ["0.05"] and play
    job = {**job, "kind": "sweep", "size": 60}
    q = parse_qs(M.click_cell({"points": [{"x": -2.0, "y": "RMSProp"}]}, job)[0].lstrip("?"))
    assert q["opt"] == ["rmsprop"] and q["lr.rmsprop"] == ["0.01"]
    job = {**job, "kind": "phase", "racer": 0, "size": 40}
    q = parse_qs(M.click_cell({"points": [{"x": -1.0, "y": 0.5}]}, job)[0].lstrip("?"))
    assert q["opt"] == ["momentum"] and q["lr.momentum"] == ["0.1"] and q["momentum.momentum"] == ["0.5"]
    assert (
        M.click_cell({"points": [{"x": -2.0, "y": "nobody"}]}, {**job, "kind": "sweep"}) == (no_update,) * 2
    )
    assert M.click_cell(None, job) == (no_update,) * 2
    # points off the map (a forged click; 10 ** 1e300 would overflow) change nothing
    for kind, x, y in [
        ("phase", 1e300, 0.5),
        ("phase", -1.0, 5.0),
        ("sweep", -1e300, "Adam"),
        ("basin", 9.0, 0.0),
    ]:
        assert (
            M.click_cell({"points": [{"x": x, "y": y}]}, {**job, "kind": kind, "racer": 2})
            == (no_update,) * 2
        )


def test_tuning_puts_the_tuned_rates_in_the_race():
    _table, fig, query, hidden = M.tune_racers(1, RACE)
    assert not hidden and len(fig["data"]) >= 3
    cfg = urlstate.link_config(query)
    before = urlstate.link_config(RACE)
    assert [r.optimizer for r in cfg.racers] == [r.optimizer for r in before.racers]
    assert all(a.lr != b.lr for a, b in zip(cfg.racers, before.racers))
    assert M.race_tuned(1, query) == "?" + query


def test_forged_map_requests_are_refused_by_shape():
    client = create_app().server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if d["inputs"] and d["inputs"][0]["id"] == "store-maps-job")
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in dep["output"].strip(".").split("...")
    ]
    body = {"output": dep["output"], "outputs": outputs,
            "inputs": [{"id": "store-maps-job", "property": "data", "value": ["not", "a", "job"]}],
            "state": [{"id": "store-maps-token", "property": "data", "value": 1}], "changedPropIds": []}  # fmt: skip
    r = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and b"store-maps-job.data must be" in r.data


def test_a_rule_that_loops_over_runs_in_python_weighs_more_in_the_budgets():
    lbfgs = OPTIMIZERS["lbfgs"]
    cost = cell_cost(lbfgs, lbfgs.on_page)  # the page's racer: one iteration per step
    assert cost == lbfgs.step_cost(lbfgs.on_page) * PYTHON_LOOP > 1 == cell_cost(OPTIMIZERS["adam"], {})
    p = M.plan("basin", "surface=himmelblau&opt=lbfgs&steps=500", 0, 120)
    assert p.steps < 500 and p.steps * 120 * 120 * cost <= M.MAP_WORK
    assert p.chunk * 120 * p.steps * cost <= M.CHUNK_WORK


def test_a_noisy_racer_on_a_data_surface_maps_its_real_mini_batches():
    """SGD on the mini-batch lesson's line (batch 1): its basin map and sweep draw, and a map's
    cell is the race's own run from that start (same seed, same mini-batches)."""
    from playground import simulate
    from playground.web.lesson_box import canonical_query

    query = canonical_query("minibatch")
    fig, patches = _chain("basin", query, 1, 12)
    assert len(fig["data"][0]["z"]) == 12 and patches  # drawn, not refused
    s = M.plan("basin", query, 1, 12).setups[1]
    assert s.optimizer == "sgd" and s.surface.batch is not None
    c = basin(s, 12, 12)
    for i in (0, 77, 143):
        tr = simulate(s.surface, s.optimizer, c.start[i], steps=s.steps, lr=s.lr, hyper=dict(s.hyper),
                      noise=s.noise, batch_size=s.batch_size, seed=s.seed, record_state=False)  # fmt: skip
        assert (c.status[i], int(c.stopped_at[i])) == (str(tr.status), int(tr.stopped_at))
        assert np.array_equal(c.final_point[i], tr.positions[-1])
    sweep_fig, sweep_patches = _chain("sweep", query, 0, 20)
    assert sweep_patches and len(sweep_fig["data"][0]["z"]) == 2


def test_a_run_that_stopped_by_itself_is_its_own_band_in_the_single_runs_words():
    """The issue's L-BFGS (at rest from step 88 next to (1, 1)), a run with a learning rate of
    0 and one still moving: each map cell's band is its outcome's, named by that outcome's key
    words, and its hover says the single run's outcome words and step."""
    from playground import simulate
    from playground.batch.cells import run_cells
    from playground.core import outcome as O
    from playground.core.surfaces import get_surface
    from playground.web.contract import STATUSES
    from playground.web.views import _maps_figures as F

    s = get_surface("rosenbrock")
    cats = F.basin_categories(s.minima)
    runs_ = [("lbfgs", 1.0, 300, {"max_iter": 1}, O.STOPPED_NEAR), ("gd", 0.0, 30, {}, O.STOPPED),
             ("gd", 1e-3, 30, {}, "running")]  # fmt: skip
    for opt, lr, steps, hyper, status in runs_:
        c = run_cells(s, opt, [s.start], lr=lr, steps=steps, hyper=hyper)
        single = O.of_run(s, simulate(s, opt, s.start, steps=steps, lr=lr, hyper=hyper))
        assert single.status == status
        rows = F.basin_rows(c, s, 1)
        assert rows["text"] == [[single.words]] and rows["customdata"][0][0][0] == single.at
        name = cats[int(rows["z"][0][0] * len(cats))][0]
        assert STATUSES[status]["key"] in name.split(" / ")
        phase = F.phase_rows(c, s, 1)
        assert phase["customdata"] == [[[lr, single.words]]]
        band = F.BANDS[int(phase["base"][0][0] * len(F.BANDS))][0]
        assert status in band
    # every outcome but a minimum reached has a band, and only one
    banded = [o for band, _ in F.BANDS for o in band]
    assert sorted(banded) == sorted(set(O.OUTCOMES) - {"minimum"})


def test_a_sweep_marks_the_rates_whose_runs_stopped_by_their_own_rule_in_the_single_runs_words():
    """The sweep scored L-BFGS by its final loss alone: a rate where its runs stop by their own
    tolerance next to the minimum, or gradient descent's runs at a rate of 0, looked like any
    other. Now such a cell is marked (the basin map's band: its name and ink) and its hover
    says the single run's outcome words; a rate whose runs still move is not marked."""
    from playground import simulate
    from playground.batch.maps import Setup, probes, sweep
    from playground.core import outcome as O
    from playground.core.surfaces import get_surface
    from playground.web.contract import MAP_INK
    from playground.web.views import _maps_figures as F

    s = get_surface("rosenbrock")
    cases = [("lbfgs", 1.0, O.STOPPED_NEAR), ("gd", 0.0, O.STOPPED), ("gd", 1e-3, None)]
    for opt, lr, status in cases:
        setup = Setup(s, opt, lr, steps=300)
        row = F.sweep_row(sweep(setup, np.array([lr])), s.fglob or 0.0, s)
        single = O.of_run(s, simulate(s, opt, tuple(probes(setup)[0][0]), steps=300, lr=lr))
        if status is None:
            assert row["rested"] == [] and single.status == "running"
            assert "stopped" not in row["customdata"][0][2]
            continue
        assert single.status == status
        [(at, shown, words)] = row["rested"]
        assert (at, shown) == (lr, status) and words.endswith(f"the first {F.hover_lines(single.words)}")
        assert words in row["customdata"][0][2]  # the cell's hover says it too
    fig = F.sweep_skeleton(np.array([1e-3, 1e-2]), ["L-BFGS"])
    for k, status in enumerate(F.RESTED):
        marks = fig["data"][F.RESTED_TRACE + k]
        ink = next(ink for band, ink in F.BANDS if status in band)
        assert marks["name"] == F.band_name((status,)) and marks["marker"]["color"] == MAP_INK[ink]
    assert len({fig["data"][F.RESTED_TRACE + k]["marker"]["symbol"] for k in range(len(F.RESTED))}) == 2
    # the view puts a marked cell at its racer's row and rate
    _, patches = _chain("sweep", "surface=rosenbrock&opt=lbfgs&lr.lbfgs=1", 0, 6)
    placed = [op for p in patches for op in _ops(p) if op["location"][:2] == ["data", F.RESTED_TRACE]]
    assert placed and all(op["operation"] == "Append" for op in placed)
