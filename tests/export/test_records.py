"""Runs as CSV and JSON records: exact values, and each run's outcome from core.outcome."""

import csv
import io
import json

import numpy as np
import pytest

from playground import simulate
from playground.core.outcome import of_run
from playground.core.surfaces import get_surface
from playground.export import records


def _runs():
    s = get_surface("rosenbrock")
    trajs = [
        simulate(s, "adam", steps=3000, lr=0.02, record_state=False),  # next to (1, 1), still creeping
        simulate(s, "gd", steps=50, lr=0.01, record_state=False),  # left the region
        simulate(s, "momentum", (0.5, 0.5), steps=40, lr=1e-3, record_state=False),  # still moving
    ]
    return s, ["Adam", "GD", "Momentum"], trajs


def test_csv_rows_are_exact_and_carry_their_runs_outcome():
    s, labels, trajs = _runs()
    rows = list(csv.DictReader(io.StringIO(records.runs_csv(s, labels, trajs))))
    assert tuple(rows[0]) == records.RUN_COLUMNS
    for label, tr in zip(labels, trajs):
        mine = [r for r in rows if r["optimizer"] == label]
        assert len(mine) == int(tr.last_kept) + 1  # no row past the last point reached
        xy = np.array([[float(r["x"]), float(r["y"])] for r in mine])
        np.testing.assert_array_equal(xy, tr.positions[: len(mine)])  # shortest exact text
        o = of_run(s, tr)
        for r in (mine[0], mine[-1]):
            assert r["status"] == str(tr.status) and r["outcome"] == o.words
            assert (float(r["nearest_x"]), float(r["nearest_y"])) == o.nearest_minimum
            assert float(r["nearest_minimum_distance"]) == o.distance
    assert {r["outcome"] for r in rows} >= {
        "next to the global minimum (1, 1) at the last step, still creeping"
    }


def test_json_holds_each_run_with_its_outcome_and_no_nan():
    s, labels, trajs = _runs()
    data = json.loads(records.runs_json(s, {"a": 1.0}, 3000, labels, trajs), parse_constant=pytest.fail)
    assert data["surface_params"] == {"a": 1.0} and data["steps"] == 3000
    for run, label, tr in zip(data["runs"], labels, trajs):
        assert run["label"] == label and run["points"] == tr.positions.tolist()
        assert {k: run[k] for k in of_run(s, tr).fields()} == of_run(s, tr).fields()
    assert data["runs"][0]["outcome_status"] == "near_minimum" and data["runs"][0]["minimum"] == 0


def test_a_surface_without_minima_leaves_the_nearest_empty():
    s = get_surface("saddle")
    tr = simulate(s, "gd", (0.1, 0.1), steps=20, lr=0.1, record_state=False)
    rows = list(csv.DictReader(io.StringIO(records.runs_csv(s, ["GD"], [tr]))))
    assert {(r["nearest_x"], r["nearest_y"], r["nearest_minimum_distance"]) for r in rows} == {("", "", "")}
    run = json.loads(records.runs_json(s, {}, 20, ["GD"], [tr]))["runs"][0]
    assert run["nearest_minimum"] is None and run["nearest_minimum_distance"] is None
