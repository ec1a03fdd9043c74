"""L-BFGS against torch.optim.LBFGS in float64: one playground step is one ``opt.step(closure)``.

torch's closure here returns the surface's value and puts the engine's gradient (the
hand-written derivative) in ``.grad``, so both sides see the same numbers; the comparison
then checks the algorithm, every evaluation counted. Fixed-step L-BFGS on Rosenbrock can be
chaotic (a one-ulp change of the start grows to 1e-2 within 200 steps at lr 0.02): each case
asserts first that the engine's own run, nudged by one ulp, stays within 1e-10 over the
compared steps, so a mismatch is the algorithm's, not the dynamics'.
"""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from playground import OPTIMIZERS, simulate
from playground.core.optimizers.lbfgs import MAX_EVAL, max_evals
from playground.core.surfaces import get_surface, surface_names
from playground.export.pytorch import torch_script
from playground.web.state import validate
from tests.support.cases import assert_batch_equals_single

pytestmark = pytest.mark.slow  # runs exported scripts under torch

torch.set_default_dtype(torch.float64)

STEPS = 250
SW = {"line_search_fn": "strong_wolfe"}
ONE = {"max_iter": 1}  # a racer added on the page: one iteration per step (Optimizer.on_page)
# (surface, start, hyperparameters, steps it moves at least): lrs that keep the runs moving;
# a line search with room (max_eval 25, what torch's own defaults give) converges in tens of
# steps, one with max_eval 2 (a trial and one interpolation) crawls along for all of them;
# without max_eval, torch's max_iter * 5 // 4; without max_iter, torch's 20
ROOM = {**SW, "max_eval": 25}
CASES = [
    ("rosenbrock", (-1.5, 2.0), {"lr": 0.01, **ONE}, 250),
    ("rosenbrock", (-1.2, 1.0), {"lr": 0.5, **ONE}, 60),
    ("rosenbrock", (-1.5, 2.0), {"lr": 1.0, **ROOM, **ONE}, 40),
    ("rosenbrock", (-1.5, 2.0), {"lr": 1.0, **SW, "max_iter": 2}, 40),
    ("rosenbrock", (-1.5, 2.0), {"lr": 1e-3, **SW, "max_eval": 2, **ONE}, 250),
    ("rosenbrock", (-1.2, 1.0), {"lr": 0.3, **SW, "max_eval": 2, **ONE}, 80),
    ("rosenbrock", (-1.2, 1.0), {"lr": 1.0, **ROOM, "max_iter": 3}, 12),
    ("himmelblau", (0.5, -0.5), {"lr": 0.03, **ONE}, 250),
    ("himmelblau", (0.5, -0.5), {"lr": 0.02, "history_size": 5, **ONE}, 250),
    ("himmelblau", (0.5, -0.5), {"lr": 0.02, "max_iter": 3}, 250),
    ("himmelblau", (0.5, -0.5), {"lr": 3e-3, **SW, "max_eval": 2, **ONE}, 250),
    ("himmelblau", (0.5, -0.5), {"lr": 0.1, **SW, "max_iter": 2, "history_size": 4}, 5),
    ("beale", (1.0, 1.2), {"lr": 0.01, "max_iter": 4, "max_eval": 3}, 250),
    ("beale", (1.0, 1.2), {"lr": 1e-3, **SW, "max_eval": 2, **ONE}, 250),
    ("beale", (1.0, 1.2), {"lr": 1.0, **SW, **ONE}, 15),
    ("beale", (1.0, 1.2), {"lr": 1.0, **SW, "max_iter": 5, "history_size": 3}, 3),
    # torch's own defaults: twenty iterations (up to 25 evaluations with the search) per step
    ("rosenbrock", (-1.2, 1.0), {"lr": 0.5}, 4),
    ("rosenbrock", (-1.2, 1.0), {"lr": 1.0, **SW}, 2),
    ("himmelblau", (0.5, -0.5), {"lr": 0.02}, 120),
    ("beale", (1.0, 1.2), {"lr": 1.0, **SW}, 1),
]


def _id(case):
    surface, _, hp, _ = case
    return surface + "[" + ",".join(f"{k}={v}" for k, v in hp.items()) + "]"


def _torch_run(s, start, hp, steps):
    """Points and evaluations per step of torch.optim.LBFGS built from the record's source."""
    param = torch.tensor(start, requires_grad=True)
    opt = eval(OPTIMIZERS["lbfgs"].torch_class(hp), {"torch": torch, "theta": param})
    calls = [0]

    def closure():
        calls[0] += 1
        p = param.detach().numpy()
        param.grad = torch.tensor(s.gradient(p))
        return torch.tensor(float(s.value(p)))

    points, evals = [], []
    for _ in range(steps):
        calls[0] = 0
        opt.step(closure)
        points.append(param.detach().numpy().copy())
        evals.append(calls[0])
    return np.array(points), np.array(evals)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_matches_torch_lbfgs_in_float64(case):
    surface, start, given, moves = case
    s = get_surface(surface)
    hp = OPTIMIZERS["lbfgs"].resolve(None, given)
    tr = simulate(s, "lbfgs", start, steps=STEPS, hyper=hp)
    kept = int(tr.last_kept)
    nudged = simulate(s, "lbfgs", (np.nextafter(start[0], np.inf), start[1]), steps=STEPS, hyper=hp)
    rel = np.abs(nudged.positions - tr.positions) / (np.abs(tr.positions) + 1e-3)
    assert rel.max() <= 1e-10, "the case is chaotic: pick another"
    moving = int((np.abs(np.diff(tr.positions[: kept + 1], axis=0)).max(axis=1) > 1e-9).sum())
    assert moving >= moves
    points, evals = _torch_run(s, start, hp, kept)
    np.testing.assert_allclose(points, tr.positions[1 : kept + 1], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(evals, tr.state["evals"][:kept, 0])  # every evaluation counted
    np.testing.assert_array_equal(tr.state["evals"][:, 0], tr.state["evals"][:, 1])
    assert evals.max() <= max_evals(hp)


def _torch_own_path(s, start, steps, **kw):
    """Points of torch.optim.LBFGS built by its own constructor with ``kw`` (its defaults for the rest)."""
    param = torch.tensor(start, requires_grad=True)
    opt = torch.optim.LBFGS([param], **kw)

    def closure():
        p = param.detach().numpy()
        param.grad = torch.tensor(s.gradient(p))
        return torch.tensor(float(s.value(p)))

    points = []
    for _ in range(steps):
        opt.step(closure)
        points.append(param.detach().numpy().copy())
    return np.array(points), opt


@pytest.mark.parametrize("max_iter", [1, 2, 3, 4, 8, 20])
def test_max_eval_left_out_is_torchs_derived_default(max_iter):
    """torch.optim.LBFGS derives ``max_eval = max_iter * 5 // 4`` when it is None; so does the
    record, and the work budget counts the derived value."""
    opt = OPTIMIZERS["lbfgs"]
    hp = opt.resolve(None, {**SW, "max_iter": max_iter})
    assert hp["max_eval"] is None  # left out, as in torch's signature; the export says None too
    reference = torch.optim.LBFGS([torch.zeros(2, requires_grad=True)], max_iter=max_iter)
    derived = reference.param_groups[0]["max_eval"]
    assert MAX_EVAL.value(hp) == derived
    assert max_evals(hp) == max_evals({**hp, "max_eval": derived})
    assert opt.step_cost(hp) == opt.step_cost({**hp, "max_eval": derived})
    assert "max_eval=None" in opt.torch_class(hp)


def test_two_iterations_with_a_line_search_follow_torch_without_max_eval():
    """``--set max_iter=2 --set line_search_fn=strong_wolfe``: torch's own constructor, given
    no max_eval, and the engine take the same path from the first step."""
    s, start, steps = get_surface("rosenbrock"), (-1.5, 2.0), 40
    hp = {"lr": 1.0, **SW, "max_iter": 2}
    tr = simulate(s, "lbfgs", start, steps=steps, hyper=hp)
    nudged = simulate(s, "lbfgs", (np.nextafter(start[0], np.inf), start[1]), steps=steps, hyper=hp)
    assert (np.abs(nudged.positions - tr.positions) / (np.abs(tr.positions) + 1e-3)).max() <= 1e-10
    assert int(tr.last_kept) == steps
    points, _ = _torch_own_path(s, start, steps, lr=1.0, max_iter=2, line_search_fn="strong_wolfe")
    np.testing.assert_allclose(points, tr.positions[1:], rtol=1e-10, atol=1e-12)


def test_a_page_racer_steps_one_iteration_and_its_first_step_is_torchs():
    """A racer added on the page runs one iteration per step (its page start); step 1: d = -g,
    t = min(1, 1/|g|_1) lr, one evaluation (torch re-evaluates only between iterations of one
    call). At the record's defaults, torch's, one step runs up to twenty iterations."""
    opt = OPTIMIZERS["lbfgs"]
    assert opt.on_page["max_iter"] == 1 and opt.resolve()["max_iter"] == 20
    s = get_surface("quadratic_bowl")
    tr = simulate(s, "lbfgs", (1.0, -2.0), steps=2, lr=1.0, hyper=opt.page_start)
    g = np.array([2.0, -4.0])
    np.testing.assert_allclose(tr.positions[1], [1.0, -2.0] - g / 6, rtol=1e-15)
    np.testing.assert_array_equal(tr.state["evals"][:, 0], [1, 1])
    # the quadratic's curvature is learnt from one pair: at lr 1 the second step lands on the minimum
    np.testing.assert_allclose(tr.positions[2], [0.0, 0.0], atol=1e-15)
    more = simulate(s, "lbfgs", (1.0, -2.0), steps=1, lr=1.0, hyper={"max_iter": 3})
    assert more.state["evals"][0, 0] == 3 and np.abs(more.positions[1]).max() < 1e-12
    # torch's defaults: the iterations of the first call reach the minimum, then stop by tolerance
    own = simulate(s, "lbfgs", (1.0, -2.0), steps=1, lr=1.0)
    points, opt_torch = _torch_own_path(s, (1.0, -2.0), 1, lr=1.0)
    np.testing.assert_allclose(own.positions[1:], points, rtol=1e-12, atol=1e-15)
    assert own.state["evals"][0, 0] == opt_torch.state[opt_torch._params[0]]["func_evals"]


@pytest.mark.parametrize("kw", [{}, {"schedule": "cosine", "noise": 3.0, "batch_size": 4, "seed": 7},
                                {"schedule": "plateau", "schedule_params": {"patience": 3}}],
                         ids=["plain", "cosine-noise", "plateau"])  # fmt: skip
@pytest.mark.parametrize("hyper", [{"lr": 0.05}, {"lr": 1.0, **SW, "max_iter": 3, "history_size": 4}],
                         ids=["fixed", "wolfe"])  # fmt: skip
@pytest.mark.parametrize("surface", surface_names())
def test_batched_runs_equal_single_runs_exactly(surface, hyper, kw):
    """torch keeps one history per optimizer: each run of a batch has its own, and equals the single run."""
    assert_batch_equals_single(get_surface(surface), "lbfgs", 4, 3, steps=60, hyper=hyper, **kw)


def test_evaluations_never_exceed_the_bound_the_work_budget_counts():
    rng = np.random.default_rng(0)
    for i in range(40):
        hp = {"lr": float(10 ** rng.uniform(-2, 0.5)), "max_iter": int(rng.integers(1, 8)),
              "max_eval": int(rng.integers(1, 12)), "history_size": int(rng.integers(1, 20)),
              "line_search_fn": ("none", "strong_wolfe")[i % 2]}  # fmt: skip
        hp = OPTIMIZERS["lbfgs"].resolve(None, hp)
        surface = surface_names()[i % len(surface_names())]
        tr = simulate(surface, "lbfgs", steps=30, hyper=hp)
        k = int(tr.stopped_at)
        assert tr.state["evals"][:k, 0].max(initial=0) <= max_evals(hp), hp
    # the bound is tight: torch's own worst cases reach it
    for hp in [{"max_iter": 5}, {"max_iter": 5, "max_eval": 3}, {**SW, "max_eval": 1}]:
        hp = OPTIMIZERS["lbfgs"].resolve(None, {"lr": 0.01, **hp})
        tr = simulate("rosenbrock", "lbfgs", steps=1, hyper=hp)
        assert tr.state["evals"][0, 0] == max_evals(hp), hp


def test_the_work_budget_counts_the_worst_case_evaluations():
    opt = OPTIMIZERS["lbfgs"]
    plain = opt.step_cost(opt.resolve())
    searching = opt.step_cost(opt.resolve(None, SW))
    deep = opt.step_cost(opt.resolve(None, {**SW, "max_iter": 20, "max_eval": 100}))
    assert opt.cost == plain < searching < deep
    assert searching >= 2 * max_evals(opt.resolve(None, SW))
    racer = {"optimizer": "lbfgs", "lr": 1.0, "hyper": {**SW, "max_iter": 20, "max_eval": 100}}
    cfg, msgs = validate.config({"racers": [racer, {"optimizer": "adam"}], "steps": 5000})
    assert cfg.steps == validate.WORK_BUDGET // (deep + OPTIMIZERS["adam"].cost)
    assert msgs.for_control("input-steps")
    cfg, msgs = validate.config({"racers": [{"optimizer": "lbfgs"}], "steps": 5000})
    assert cfg.steps == 5000 and not msgs.items  # at its page start (one iteration) a step is cheap
    one_search = opt.step_cost({**opt.on_page, **SW})
    assert plain > one_search >= 2 * max_evals({**opt.on_page, **SW})
    cfg, msgs = validate.config({"racers": [{"optimizer": "lbfgs", "hyper": SW}] * 12, "steps": 500})
    assert cfg.steps == validate.WORK_BUDGET // (12 * one_search)  # twelve searches: cut to the budget


def test_evaluations_show_in_the_inspect_chart():
    opt = OPTIMIZERS["lbfgs"]
    assert dict(opt.inspect)["evals"] == "function evaluations"
    tr = simulate("rosenbrock", "lbfgs", steps=40, hyper={**SW, "lr": 1.0})
    assert tr.state["evals"].shape == (40, 2) and tr.state["evals"][:, 0].max() >= 2


@pytest.mark.parametrize("hyper", [ONE, {**ROOM, **ONE}, {**SW, "max_iter": 2}, {}],
                         ids=["fixed", "wolfe", "wolfe-derived", "torch-defaults"])  # fmt: skip
@pytest.mark.parametrize("path", ["class", "blocks"])
def test_the_torch_export_reproduces_the_engine(hyper, path, tmp_path, monkeypatch):
    """The exported script steps torch.optim.LBFGS with a closure (noise on the gradient each
    step starts from, as the engine adds it), or runs the block's own torch lines."""
    if path == "blocks":  # the exporter writes the chain out where the record has no class
        opt = OPTIMIZERS["lbfgs"]
        monkeypatch.setitem(OPTIMIZERS, "lbfgs", dataclasses.replace(opt, torch_class=lambda hp: None))
    s = get_surface("rosenbrock")
    # noise makes the line search and torch's twenty inner iterations chaotic within ~30 steps:
    # one fixed-step iteration only
    noisy = hyper == ONE
    runs = [
        ("plain", simulate(s, "lbfgs", (-1.2, 1.0), steps=200, hyper={"lr": 0.5, **hyper})),
        (
            "plateau",
            simulate(s, "lbfgs", (-1.2, 1.0), steps=200, hyper={"lr": 0.3, **hyper}, schedule="plateau"),
        ),
    ] + [
        (
            "noisy",
            simulate(s, "lbfgs", (-1.2, 1.0), steps=200, hyper={"lr": 0.01, **hyper}, noise=0.1, seed=3),
        )
    ] * noisy
    script = tmp_path / "lbfgs.py"
    script.write_text(torch_script(s, runs))
    assert ("torch.optim.LBFGS([theta]" in script.read_text()) == (path == "class")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    for (label, tr), out in zip(runs, json.loads(done.stdout)["runs"]):
        # the script's gradients are autograd's: a last-bit difference; compare while the engine's
        # own run, nudged by one ulp, stays within 1e-10
        nudged = simulate(s, "lbfgs", (np.nextafter(-1.2, 0), 1.0), steps=200, hyper=tr.hyper,
                          noise=tr.noise, seed=tr.seed, schedule=tr.schedule)  # fmt: skip
        off = (np.abs(nudged.positions - tr.positions) / (np.abs(tr.positions) + 1e-3)).max(axis=1) > 1e-10
        h = int(np.argmax(off)) - 1 if off.any() else 200
        assert h >= 200, (label, h)
        np.testing.assert_allclose(
            np.array(out["points"])[: h + 1], tr.positions[: h + 1], rtol=1e-9, atol=1e-12
        )
