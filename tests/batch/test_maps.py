"""Outcome maps and tuning: every cell equals the single run, the phase boundary is the
analytic spectral radius, tuning is deterministic and equal-budget."""

import json
import subprocess
import sys

import numpy as np
import pytest

from playground import OPTIMIZERS, ConfigError, simulate
from playground.batch.cells import log_grid, run_cells, start_grid
from playground.batch.maps import (
    Setup,
    analytic_boundary,
    basin,
    iteration_matrix,
    phase,
    probes,
    quadratic_eigenvalues,
    spectral_radius,
    sweep,
)
from playground.batch.tune import BUDGET, tune
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import get_surface
from tests.support.browser import ROOT

pytestmark = pytest.mark.slow  # runs the command line in subprocesses

SURFACES = ("rosenbrock", "himmelblau", "saddle", "beale")


def _random_cells(surface: str, optimizer: str, n: int, seed: int = 0):
    s = get_surface(surface)
    (x0, x1), (y0, y1) = s.domain
    rng = np.random.default_rng(seed)
    starts = rng.uniform([x0, y0], [x1, y1], size=(n, 2))
    lrs = OPTIMIZERS[optimizer].lr_for_page * np.geomspace(0.1, 30, n)  # slow ... blowing up
    return starts, lrs


def assert_cell_is_single_run(c, i, **kw):
    tr = simulate(c.surface, c.optimizer, c.start[i], steps=c.steps, lr=float(c.lr[i]),
                  hyper={k: v for k, v in c.hyper.items() if k != "lr"}, record_state=False, **kw)  # fmt: skip
    got = (c.status[i], int(c.stopped_at[i]), int(c.minimum[i]))
    assert got == (str(tr.status), int(tr.stopped_at), int(tr.minimum)), i
    assert np.array_equal(c.final_point[i], tr.positions[-1]), i
    assert np.array_equal(c.final_loss[i], tr.loss[-1], equal_nan=True), i


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_cell_equals_the_single_run(optimizer, surface):
    starts, lrs = _random_cells(surface, optimizer, 8)
    c = run_cells(surface, optimizer, starts, lr=lrs, steps=120)
    for i in range(len(lrs)):
        assert_cell_is_single_run(c, i)


@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_cells_follow_every_schedule(schedule):
    starts, lrs = _random_cells("rosenbrock", "adam", 6, seed=1)
    c = run_cells("rosenbrock", "adam", starts, lr=lrs, steps=150, schedule=schedule)
    for i in range(len(lrs)):
        assert_cell_is_single_run(c, i, schedule=schedule)


def test_noise_seeds_per_cell_equal_single_runs():
    starts = np.repeat([[-1.5, 2.0]], 6, 0)
    c = run_cells("rosenbrock", "sgd", starts, lr=1e-3, seeds=[0, 1, 2, 0, 5, 7], steps=80)
    for i, seed in enumerate([0, 1, 2, 0, 5, 7]):
        assert_cell_is_single_run(c, i, seed=seed)
    assert np.array_equal(c.final_point[0], c.final_point[3])
    assert not np.array_equal(c.final_point[0], c.final_point[1])


@pytest.mark.parametrize("surface", ["linreg", "logreg", "iris"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [1, 5, 100_000])  # 100,000: every sample, the exact gradient
def test_mini_batch_cells_equal_single_runs(surface, optimizer, batch_size):
    """On a data-backed surface a noisy racer draws real mini-batches, per seed, as in the race."""
    starts, lrs = _random_cells(surface, optimizer, 6, seed=2)
    seeds = [0, 1, 0, 3, 1, 2]
    c = run_cells(surface, optimizer, starts, lr=lrs, seeds=seeds, steps=90, noise=1.0, batch_size=batch_size)
    for i, seed in enumerate(seeds):
        assert_cell_is_single_run(c, i, seed=seed, noise=1.0, batch_size=batch_size)
    full = run_cells(surface, optimizer, starts, lr=lrs, steps=90, noise=0.0)
    same = np.array_equal(full.final_point, c.final_point, equal_nan=True)
    assert same == (batch_size >= get_surface(surface).n_samples)  # mini-batches move the runs


def test_a_basin_map_settles_cells_at_different_steps_and_each_equals_its_run():
    s = Setup(get_surface("himmelblau"), "momentum", 0.01, {"momentum": 0.9}, steps=400)
    c = basin(s, 24, 20)
    assert len(np.unique(c.stopped_at)) > 20  # runs were dropped from the batch at many steps
    assert set(np.unique(c.minimum)) >= {0, 1, 2, 3}  # Himmelblau's four basins
    for i in np.random.default_rng(0).choice(len(c.status), 40, replace=False):
        assert_cell_is_single_run(c, i)


def test_a_map_in_pieces_equals_the_whole():
    s = Setup(get_surface("beale"), "adam", 0.05, steps=150)
    whole = basin(s, 10, 9)
    parts = [basin(s, 10, 9, (a, min(a + 4, 9))) for a in range(0, 9, 4)]
    for k in ("status", "stopped_at", "final_point", "final_loss", "minimum"):
        joined = np.concatenate([getattr(p, k) for p in parts])
        assert np.array_equal(joined, getattr(whole, k), equal_nan=k.startswith("final")), k


def test_start_grid_is_the_cell_centres_row_by_row():
    g = start_grid(((0, 4), (-1, 1)), 4, 2)
    assert g.tolist() == [[0.5, -0.5], [1.5, -0.5], [2.5, -0.5], [3.5, -0.5],
                          [0.5, 0.5], [1.5, 0.5], [2.5, 0.5], [3.5, 0.5]]  # fmt: skip


@pytest.mark.parametrize(
    "call,words",
    [
        (lambda: run_cells("rosenbrock", "adam", np.zeros((0, 2))), "between 1 and"),
        (lambda: run_cells("rosenbrock", "adam", [[0, 0]], lr=-1.0), "lr"),
        (lambda: run_cells("rosenbrock", "adam", [[0, 0], [1, 1]], lr=[0.1, 0.2, 0.3]), "one per start"),
        (lambda: run_cells("rosenbrock", "nope", [[0, 0]]), "nope"),
        (lambda: log_grid(1.0, 0.1, 3), "LO <= HI"),
    ],
    ids=["no-cells", "negative-lr", "lr-shape", "unknown-optimizer", "reversed-range"],
)
def test_bad_map_input_is_refused_with_its_reason(call, words):
    with pytest.raises(ConfigError, match=words):
        call()


# -- sweep and phase --------------------------------------------------------------------------


def test_sweep_scores_are_the_median_over_probes_and_failures_score_inf():
    s = Setup(get_surface("rosenbrock"), "gd", 1e-3, steps=200)
    sw = sweep(s, log_grid(1e-4, 1e-1, 7))
    starts, _ = probes(s)
    assert len(starts) == 5 and np.array_equal(starts[0], s.origin)
    losses = sw.cells.final_loss.reshape(7, 5)
    for i in range(7):
        if sw.failed[i] == 0:
            assert sw.score[i] == np.median(losses[i])
        else:
            assert sw.score[i] == np.inf
    assert sw.failed[-1] == 5 and sw.failed[0] == 0  # lr 0.1 blows GD up on Rosenbrock
    lo, hi = sw.stable
    assert lo <= sw.lrs[sw.best] <= hi and hi < 0.1


def test_noisy_sweeps_vary_the_seed_not_the_start():
    s = Setup(get_surface("rosenbrock"), "sgd", 1e-3, steps=50, seed=3)
    starts, seeds = probes(s)
    assert (starts == s.origin).all() and seeds.tolist() == [3, 4, 5, 6, 7]


@pytest.mark.parametrize("optimizer", ["momentum", "nag"])
def test_heavy_ball_and_nesterov_boundaries_by_hand(optimizer):
    lam, beta = 2.0, 0.5
    # beta = 0: both are gradient descent, |1 - lr * lam|
    for lr in (0.1, 0.6, 1.2):
        assert spectral_radius(optimizer, np.array([lam]), lr, 0.0) == pytest.approx(abs(1 - lr * lam))
    if optimizer == "momentum":  # the edge lr * lam = 2 (1 + beta): an eigenvalue -1
        assert spectral_radius(optimizer, np.array([lam]), 2 * (1 + beta) / lam, beta) == pytest.approx(1.0)
    m = iteration_matrix(optimizer, lam, 0.1, beta)
    assert m.shape == (2, 2)


@pytest.mark.parametrize("surface", ["quadratic_bowl", "ravine"])
@pytest.mark.parametrize("optimizer", ["momentum", "nag"])
def test_phase_diagram_matches_the_analytic_spectral_radius(optimizer, surface):
    s = Setup(get_surface(surface), optimizer, 0.01, steps=3000)
    eig, _ = analytic_boundary(s)
    assert np.array_equal(eig, quadratic_eigenvalues(s.surface))
    lrs, momenta = log_grid(1e-3, 10, 30), np.linspace(0.0, 0.95, 12)
    ph = phase(s, lrs, momenta)
    rho = spectral_radius(optimizer, eig, lrs[None, :], momenta[:, None])
    status = ph.grid(ph.cells.status)
    assert (status[rho < 0.98] == "minimum").all()
    assert np.isin(status[rho > 1.02], ["left", "blew_up"]).all()
    assert (rho < 0.98).sum() > 20 and (rho > 1.02).sum() > 20


def test_no_boundary_where_the_analysis_does_not_hold():
    assert analytic_boundary(Setup(get_surface("rosenbrock"), "momentum", 0.01)) is None
    assert analytic_boundary(Setup(get_surface("saddle"), "momentum", 0.01)) is None  # no stable region
    assert analytic_boundary(Setup(get_surface("ravine"), "adam", 0.01)) is None
    assert analytic_boundary(Setup(get_surface("ravine"), "momentum", 0.01, {"dampening": 0.5})) is None


# -- tuning -----------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam", "rmsprop", "adagrad"])
def test_tuning_gives_every_optimizer_the_same_budget_and_is_deterministic(optimizer):
    s = Setup(get_surface("rosenbrock"), optimizer, OPTIMIZERS[optimizer].lr_for_page, steps=200)
    first, again = tune(s), tune(s)
    assert len(first.trials) == BUDGET
    assert first.to_dict() == again.to_dict()
    default = sweep(s, np.array([s.lr])).score[0]
    assert first.score <= default  # the tuned setting is at least as good as the page's
    assert first.score == min(t.score for t in first.trials)


# -- command line -----------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playground", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_cli_sweep_cells_equal_cli_trajectories():
    out = _cli("sweep", "--surface", "himmelblau", "--optimizer", "momentum", "--lr", "0.003:0.03:3",
               "--starts=-4:4:2,-4:4:2", "--steps", "300")  # fmt: skip
    assert out.returncode == 0, out.stderr
    cells = json.loads(out.stdout)["cells"]
    assert len(cells) == 12
    for cell in cells[::5]:
        x, y = cell["start"]
        tr = _cli("trajectory", "--surface", "himmelblau", "--optimizer", "momentum", "--lr", repr(cell["lr"]),
                  "--start", repr(x), repr(y), "--steps", "300")  # fmt: skip
        t = json.loads(tr.stdout)
        assert cell["status"] == t["status"] and cell["stopped_at"] == t["stopped_at"]
        assert cell["final_point"] == t["points"][-1] and cell["final_loss"] == t["loss"][-1]
        assert cell["minimum"] == (t["minimum"] if t["minimum"] >= 0 else None)


def test_cli_sweep_prints_the_same_cells_from_either_loop():
    args = ("sweep", "--surface", "himmelblau", "--optimizer", "momentum", "--lr", "0.001:0.1:8",
            "--starts=-5:5:12,-5:5:12", "--steps", "400", "--format", "csv")  # fmt: skip
    numpy, compiled = _cli(*args, "--loop", "numpy"), _cli(*args, "--loop", "compiled")
    assert numpy.returncode == compiled.returncode == 0, (numpy.stderr, compiled.stderr)
    assert compiled.stdout == numpy.stdout and numpy.stdout.count("\n") == 8 * 144 + 1
    assert "minimum" in numpy.stdout and ("left" in numpy.stdout or "blew_up" in numpy.stdout)


def test_cli_tune_prints_equal_budgets():
    out = _cli("tune", "--optimizers", "gd,adam", "--steps", "100")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["rows"]
    assert [r["runs"] for r in rows] == [BUDGET, BUDGET]
    assert rows[1]["tuned"] == ["lr", "beta1"] and rows[0]["tuned"] == ["lr"]


@pytest.mark.parametrize(
    "args",
    [["sweep", "--lr", "abc"], ["sweep", "--lr", "1:0.1:3"], ["sweep", "--starts", "1:2"],
     ["sweep", "--seeds", "0"], ["sweep", "--lr", "1e-4:1:1000", "--starts=0:1:10,0:1:10"],
     ["tune", "--optimizers", "adam,nope"], ["sweep", "--loop", "fast"]],
    ids=["lr-text", "lr-reversed", "starts-shape", "no-seeds", "too-many-cells", "unknown-optimizer", "loop"],
)  # fmt: skip
def test_cli_refuses_bad_input_with_one_line(args):
    out = _cli(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1
