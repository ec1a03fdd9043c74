"""The command line names each run's outcome and nearest minimum, as the page and the exports do."""

import csv
import io
import json

import pytest

from playground import simulate
from playground.cli.main import main
from playground.core.outcome import of_run, outcome
from playground.core.surfaces import get_surface
from playground.export.records import OUTCOME_COLUMNS


def _out(capsys, *argv):
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_trajectory_json_names_the_minimum_a_creeping_run_is_next_to(capsys):
    """The issue's run: 1.3e-5 from Rosenbrock's minimum at the last step, still moving."""
    d = json.loads(_out(capsys, "trajectory", "--lr", "0.02", "--steps", "3000"))
    assert d["status"] == "running" and d["minimum"] == 0  # still moving, the nearest minimum named
    assert d["outcome"] == "next to the global minimum (1, 1) at the last step, still creeping"
    assert d["outcome_status"] == "near_minimum" and d["nearest_minimum"] == [1.0, 1.0]
    x, y = d["points"][-1]
    assert d["nearest_minimum_distance"] == pytest.approx(((x - 1) ** 2 + (y - 1) ** 2) ** 0.5, rel=1e-15)
    assert d["minimum_distance"] == d["nearest_minimum_distance"]  # the engine's and the words' agree


def test_trajectory_csv_rows_carry_the_outcome(capsys):
    rows = list(csv.DictReader(io.StringIO(_out(capsys, "trajectory", "--steps", "5", "--format", "csv"))))
    tr = simulate("rosenbrock", "adam", steps=5)
    o = of_run(get_surface("rosenbrock"), tr)
    assert len(rows) == 6 and list(rows[0])[-len(OUTCOME_COLUMNS) :] == list(OUTCOME_COLUMNS)
    assert {r["outcome"] for r in rows} == {o.words} and o.words.startswith("still moving at the last step; ")
    assert float(rows[-1]["nearest_minimum_distance"]) == o.distance


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_every_sweep_cell_has_its_outcome(capsys, fmt):
    text = _out(capsys, "sweep", "--surface", "himmelblau", "--lr", "1e-3:1:4", "--starts", "-4:4:3,-4:4:2",
                "--steps", "300", "--format", fmt)  # fmt: skip
    s = get_surface("himmelblau")
    if fmt == "json":
        cells = json.loads(text)["cells"]
        ends = [(c["start"], c["final_point"]) for c in cells]
    else:
        cells = list(csv.DictReader(io.StringIO(text)))
        ends = [((float(c["x0"]), float(c["y0"])), (float(c["x"]), float(c["y"]))) for c in cells]
    assert len(cells) == 4 * 6
    for c, (start, p) in zip(cells, ends):
        o = outcome(s, c["status"], p, int(c["stopped_at"]), float(c["final_loss"]), float(s.value(start)))
        assert c["outcome"] == o.words and float(c["nearest_minimum_distance"]) == o.distance
    assert len({c["outcome"] for c in cells}) > 1
