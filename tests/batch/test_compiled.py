"""The compiled map cells equal the NumPy cells (and so `simulate`) bit for bit, for every
convention of every rule that compiles; what cannot compile exactly stays on NumPy."""

import numpy as np
import pytest

from playground import OPTIMIZERS, simulate
from playground.batch import compiled as fused
from playground.batch.cells import run_cells
from playground.core.surfaces import get_surface
from tests.support.cases import convention_id, conventions

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not fused.ENABLED, reason="PG_COMPILED=0"),
]  # compiles numba kernels


def _compiles(name: str, hp: dict) -> bool:
    opt = OPTIMIZERS[name]
    return fused.eligible(opt, opt.rule(hp))


CASES = [(name, hp) for name in OPTIMIZERS for hp in conventions(name) if _compiles(name, hp)]
# weight decay through the gradient (the coupled block reads the gradient point q)
CASES += [
    (name, OPTIMIZERS[name].resolve(None, {"weight_decay": 0.05}))
    for name in ("sgd", "momentum", "adam", "rmsprop", "adagrad", "nadam")
]
IDS = [f"{convention_id(n, hp)}{'-wd' if hp.get('weight_decay') == 0.05 else ''}" for n, hp in CASES]


def _cells(surface: str, name: str, hp: dict, n: int, seed: int = 0, **kw):
    s = get_surface(surface)
    (x0, x1), (y0, y1) = s.domain
    rng = np.random.default_rng(seed)
    starts = rng.uniform([x0, y0], [x1, y1], size=(n, 2))
    # from slow to blowing up: every outcome occurs
    lrs = np.geomspace(1e-4, 1e3, n)
    hyper = {k: v for k, v in hp.items() if k != "lr"}
    args = (surface, name, starts)
    numpy = run_cells(*args, lr=lrs, hyper=hyper, compiled=False, **kw)
    compiled = run_cells(*args, lr=lrs, hyper=hyper, compiled=True, **kw)
    return numpy, compiled


def assert_same(a, b) -> None:
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_array_equal(a.stopped_at, b.stopped_at)
    np.testing.assert_array_equal(a.minimum, b.minimum)
    np.testing.assert_array_equal(a.final_point, b.final_point)
    np.testing.assert_array_equal(a.final_loss, b.final_loss)
    np.testing.assert_array_equal(a.rest, b.rest)
    np.testing.assert_array_equal(a.why, b.why)


@pytest.mark.parametrize(("name", "hp"), CASES, ids=IDS)
def test_compiled_cells_equal_numpy_cells(name, hp):
    numpy, compiled = _cells("rosenbrock", name, hp, 700, steps=150)
    assert_same(numpy, compiled)
    # the table of cases is not vacuous: runs converge, run on and blow up or leave
    assert {"running"} < set(numpy.status) and len(set(numpy.status)) >= 2


# a kernel compiles in seconds: a few surfaces (four minima; a saddle and no global minimum)
@pytest.mark.parametrize("surface", ["himmelblau", "saddle"])
@pytest.mark.parametrize("name", ["adam", "nag"])
def test_compiled_cells_on_other_surfaces(surface, name):
    numpy, compiled = _cells(surface, name, OPTIMIZERS[name].resolve(), 600, steps=200)
    assert_same(numpy, compiled)


@pytest.mark.parametrize("schedule", ["cosine", "step", "warmup", "cosine_restarts"])
def test_compiled_cells_follow_a_schedule(schedule):
    numpy, compiled = _cells(
        "rosenbrock", "adam", OPTIMIZERS["adam"].resolve(), 600, steps=120, schedule=schedule
    )
    assert_same(numpy, compiled)


def test_compiled_cells_with_noise_per_seed():
    s = get_surface("himmelblau")
    starts = np.random.default_rng(3).uniform(-5, 5, size=(900, 2))
    seeds = np.arange(900) % 7
    kw = {"lr": 0.01, "seeds": seeds, "steps": 150, "noise": 2.0}
    numpy = run_cells(s, "sgd", starts, compiled=False, **kw)
    compiled = run_cells(s, "sgd", starts, compiled=True, **kw)
    assert_same(numpy, compiled)
    noiseless = run_cells(s, "sgd", starts, compiled=True, lr=0.01, steps=150, noise=0.0)
    assert not np.array_equal(noiseless.final_point, compiled.final_point)


def test_a_chunk_boundary_and_a_single_cell():
    # cells on both sides of a chunk boundary, and a job of one cell
    for n in (fused.CHUNK + 3, 1):
        numpy, compiled = _cells(
            "rosenbrock", "rmsprop", OPTIMIZERS["rmsprop"].resolve(), n, seed=n, steps=90
        )
        assert_same(numpy, compiled)


@pytest.mark.parametrize(("surface", "exact"), [("rosenbrock", True), ("himmelblau", True), ("plateau", False),
                                                ("ackley", False), ("rastrigin", False)])  # fmt: skip
def test_only_surfaces_that_round_as_numpy_compile(surface, exact):
    # exp, sin, cos: NumPy's own routines and the C library's differ in the last bit at some
    # points (plateau: its value at 0.4% and its gradient at 3.6% of random points here)
    try:
        got = fused.exact_surface(get_surface(surface))
    except fused.numba_error() as e:  # a surface numba cannot type is not compiled either
        got = False
        assert "Untyped" in str(e) or "typing" in str(e).lower()
    assert got is exact


def test_what_does_not_compile_runs_on_numpy():
    coupled = [n for n, o in OPTIMIZERS.items() if o.coupled or o.second_order or o.closure]
    assert {"lbfgs", "newton", "muon"} <= set(coupled)
    for name in coupled:
        opt = OPTIMIZERS[name]
        assert not fused.eligible(opt, opt.rule(opt.resolve()))
    # a transcendental surface: the cells are NumPy's, asked for compiled or not
    s = get_surface("plateau")
    starts = np.random.default_rng(0).uniform(-2, 2, size=(50, 2))
    a = run_cells(s, "adam", starts, lr=0.05, steps=40, compiled=True)
    b = run_cells(s, "adam", starts, lr=0.05, steps=40, compiled=False)
    assert_same(a, b)
    rule = OPTIMIZERS["adam"].rule(OPTIMIZERS["adam"].resolve())
    assert fused.kernel(rule, s, False, 10**9, True) is None


def test_the_policy_follows_the_work():
    opt = OPTIMIZERS["adagrad"]
    rule, s = opt.rule(opt.resolve()), get_surface("booth")
    # a job of a web request's size never compiles (it runs on NumPy in ~0.1 s)
    assert fused.kernel(rule, s, False, 3_000_000) is None
    assert fused.kernel_key(rule, s, False) not in fused._kernels
    assert fused.kernel(rule, s, False, 10**12, wait=False) is None
    built = fused.kernel(rule, s, False, fused.COMPILE_NOW_WORK)  # big: compiles first
    assert built is not None and fused.kernel(rule, s, False, 1) is built  # then every job uses it


@pytest.mark.parametrize("name", ["momentum", "nag"])
def test_simulate_on_the_compiled_backend_equals_the_full_runs(name, monkeypatch):
    """`simulate(..., history=False)` with many starts runs the compiled loop when asked; its
    outcomes are those of the full runs (`Trajectory.outcomes`) to the bit."""
    ran = []
    monkeypatch.setattr(fused, "run", lambda *a: ran.append(1) or real_run(*a))
    (x0, x1), (y0, y1) = get_surface("himmelblau").domain
    starts = np.random.default_rng(4).uniform([x0, y0], [x1, y1], size=(600, 2))
    kw = {"steps": 300, "lr": 0.02}
    full = simulate("himmelblau", name, starts, record_state=False, **kw).outcomes()
    fast = simulate("himmelblau", name, starts, history=False, compiled=True, **kw)
    assert ran  # the compiled loop ran them
    for field in ("status", "stopped_at", "final_point", "final_loss", "minimum", "minimum_distance"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(full, field), err_msg=field)
    assert len(set(full.status)) >= 2


real_run = fused.run


def test_one_kernel_serves_every_value_of_a_hyperparameter():
    """The blocks' bound values reach the kernel at run time: a sweep over beta2 (and a flag)
    reuses the kernel and its one compiled signature, and each value gives NumPy's cells."""
    opt, s = OPTIMIZERS["adam"], get_surface("rosenbrock")
    rules = [
        opt.rule(opt.resolve(None, {"beta2": b2, "amsgrad": ams})) for b2, ams in [(0.99, False), (0.9, True)]
    ]
    assert fused.kernel_key(rules[0], s, False) == fused.kernel_key(rules[1], s, False)
    built = fused.kernel(rules[0], s, False, 1, wait=True)
    assert built is not None and fused.kernel(rules[1], s, False, 1) is built
    finals = []
    for hp in ({"beta2": 0.99}, {"beta2": 0.9, "amsgrad": True}):
        numpy, compiled = _cells("rosenbrock", "adam", opt.resolve(None, hp), 300, steps=80)
        assert_same(numpy, compiled)
        finals.append(compiled.final_point)
    assert len(built.signatures) == 1
    assert not np.array_equal(*finals)  # the values did reach the kernel


def test_compiled_cells_at_rest_equal_numpy_and_the_single_runs(monkeypatch):
    """Cells whose point stops changing (a learning rate of 0 from the start, or from step 10 on
    steps too small to change a float) next to cells that move, settle or leave, across a chunk
    boundary: the compiled loop's rest steps are NumPy's, and each outcome is the single run's."""
    from playground.core import outcome as O
    from tests.batch.test_rest import CASES, STEP_DOWN, single_and_cell

    ran = []
    monkeypatch.setattr(fused, "run", lambda *a: ran.append(1) or real_run(*a))
    s = get_surface("rosenbrock")
    n = fused.CHUNK + 40
    rng = np.random.default_rng(5)
    starts = rng.uniform([-2, -1], [2, 3], size=(n, 2))
    lrs = np.where(np.arange(n) % 3 == 0, 0.0, np.geomspace(1e-6, 1e-2, n))
    for kw in ({}, STEP_DOWN):
        numpy = run_cells(s, "gd", starts, lr=lrs, steps=80, compiled=False, **kw)
        compiled = run_cells(s, "gd", starts, lr=lrs, steps=80, compiled=True, **kw)
        assert_same(numpy, compiled)
        assert (numpy.rest >= 0).sum() >= n // 3 and (numpy.rest < 0).any()
        assert compiled.outcomes(s) == numpy.outcomes(s)
    assert ran  # the compiled loop ran them
    for case in ("still-moving", "learning-rate-0", "steps-below-float-precision", "reaches-a-minimum"):
        settings, (status, at) = CASES[case]
        single, cell = single_and_cell(settings, compiled=True)
        assert cell == single and (cell.status, cell.at) == (status, at), case
    assert {O.STOPPED} <= {o.status for o in numpy.outcomes(s)}
