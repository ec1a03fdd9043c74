"""A map cell's outcome is the single run's: the same status, step and words from
`core.outcome`, a run that stopped by its own rule included (the batch keeps no path, only the
last step each cell's point changed)."""

from __future__ import annotations

import numpy as np
import pytest

from playground import simulate
from playground.batch.cells import run_cells
from playground.core import outcome as O
from playground.core.surfaces import get_surface

STEP_DOWN = {"schedule": "step", "schedule_params": {"step_size": 10, "gamma": 1e-300}}
# (surface, formula, optimizer, start, lr, steps, hyper, settings) -> the outcome's status and step,
# found by hand from the paths (tests/core/test_outcome.py reads them off the single runs)
CASES = {
    # the issue's case: L-BFGS as the page races it, from the page start: at rest from step 88
    "lbfgs-stops": (("rosenbrock", None, "lbfgs", (-1.5, 2.0), 1.0, 500, {"max_iter": 1}, {}), (O.STOPPED_NEAR, 88)),
    "reaches-a-minimum": (("himmelblau", None, "gd", (0.5, -0.5), 0.01, 300, {}, {}), ("minimum", 90)),
    "still-moving": (("rosenbrock", None, "gd", (-1.5, 2.0), 0.001, 50, {}, {}), ("running", 50)),
    "blows-up": (("custom", "sqrt(x) + y^2", "gd", (0.5, 0.5), 0.1, 60, {}, {}), ("blew_up", 6)),
    "leaves": (("rosenbrock", None, "gd", (-1.5, 2.0), 0.01, 50, {}, {}), ("left", 4)),
    "learning-rate-0": (("rosenbrock", None, "gd", (-1.5, 2.0), 0.0, 50, {}, {}), (O.STOPPED, 0)),
    "steps-below-float-precision": (("rosenbrock", None, "gd", (-1.5, 2.0), 1e-4, 50, {}, STEP_DOWN), (O.STOPPED, 10)),
}  # fmt: skip


def _surface(name: str, formula: str | None):
    return get_surface(name, formula=formula) if formula else get_surface(name)


def single_and_cell(case: tuple, compiled: bool = False) -> tuple[O.Outcome, O.Outcome]:
    name, formula, opt, start, lr, steps, hyper, kw = case
    s = _surface(name, formula)
    single = O.of_run(s, simulate(s, opt, start, steps=steps, lr=lr, hyper=hyper, **kw))
    cells = run_cells(s, opt, [start], lr=lr, steps=steps, hyper=hyper, compiled=compiled, **kw)
    return single, cells.outcomes(s)[0]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_cell_says_what_the_single_run_says(case):
    settings, (status, at) = CASES[case]
    single, cell = single_and_cell(settings)
    assert (single.status, single.at) == (status, at)  # the table is what it claims
    assert cell == single  # status, step, words, tone, nearest minimum and its distance


def test_the_stopped_lbfgs_reads_as_the_issue_says():
    _, cell = single_and_cell(CASES["lbfgs-stops"][0])
    assert cell.words == (
        "stopped at step 88 at (1, 0.99999), next to the global minimum (1, 1): "
        "its own tolerance, tolerance_change = 1e-09"
    )


@pytest.mark.parametrize(
    "schedule", [{}, STEP_DOWN, {"schedule": "plateau"}], ids=["constant", "step", "plateau"]
)
def test_cells_of_one_batch_each_rest_as_their_own_run(schedule):
    """Cells that stop at different steps (a learning rate of 0, steps too small), move to the
    end, reach a minimum or leave, in one batch: each cell's rest step and words are its run's."""
    s = get_surface("rosenbrock")
    starts = np.array([[-1.5, 2.0], [-1.5, 2.0], [0.5, 0.5], [1.0, 1.0 + 1e-9], [-1.0, -0.5], [0.2, 2.5]])
    lrs = np.array([0.0, 1e-3, 2e-3, 1e-4, 0.01, 1e-6])
    c = run_cells(s, "gd", starts, lr=lrs, steps=60, compiled=False, **schedule)
    ends = c.outcomes(s)
    for i, (start, lr) in enumerate(zip(starts, lrs)):
        tr = simulate(s, "gd", start, steps=60, lr=float(lr), **schedule)
        assert ends[i] == O.of_run(s, tr), i
        rest = O.rest_step(tr.positions, int(tr.last_kept)) if str(tr.status) == "running" else -1
        assert int(c.rest[i]) == rest, i
    assert {O.STOPPED} <= {e.status for e in ends}  # the batch holds a cell at rest
    assert {e.status for e in ends} - {O.STOPPED, O.STOPPED_NEAR}  # and others


def test_the_command_line_rows_carry_the_rest_step():
    s = get_surface("rosenbrock")
    c = run_cells(s, "gd", [[-1.5, 2.0], [-1.5, 2.0]], lr=[0.0, 1e-3], steps=20)
    assert [r["rest_step"] for r in c.rows()] == [0, None]
    assert c.why.tolist() == [O.ZERO_LR, ""]
