"""Optimizers: hand-derived steps, PyTorch parity, batching, convergence and statuses."""

import math

import numpy as np
import pytest
import torch

from playground import OPTIMIZERS, ConfigError, simulate
from playground.core.optimizers import newton_direction
from playground.core.status import STATUSES
from playground.core.surfaces import get_surface, surface_names
from tests.support.cases import assert_batch_equals_single, conventions
from tests.support.reference import KNOWN as REFERENCE_KNOWS
from tests.support.reference import run as reference_run

torch.set_default_dtype(torch.float64)

# (optimizer, hyperparameters): every convention of every record (choice and boolean
# hyperparameters, from the registry), with weight decay where it has some, plus settings
# picked by hand to reach corners of the rules
CASES = [
    (name, {**hp, "lr": OPTIMIZERS[name].lr_for_page} | extra)
    for name in OPTIMIZERS
    for hp in conventions(name)
    for extra in ([{}, {"weight_decay": 0.05}] if "weight_decay" in hp else [{}])
] + [
    ("momentum", {"lr": 0.01, "momentum": 0.8, "dampening": 0.3}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.5, "eps_inside_sqrt": True}),
    ("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "alpha": 0.9}),
    ("rmsprop", {"lr": 0.01, "eps_inside_sqrt": True, "eps": 1e-3}),
    ("adadelta", {"lr": 0.5, "rho": 0.5, "weight_decay": 0.01}),
    ("radam", {"lr": 0.05, "beta2": 0.9}),
    ("lion", {"lr": 0.01, "weight_decay": 0.1}),
]
SURFACES = [("quadratic_bowl", (1.0, -1.5)), ("rosenbrock", (-1.2, 1.0)), ("beale", (1.0, 1.2))]


def _id(case):
    name, hp = case
    defaults = OPTIMIZERS[name].resolve()
    extra = ",".join(f"{k}={v}" for k, v in hp.items() if k != "lr" and v != defaults.get(k))
    return f"{name}[{extra}]" if extra else name


case_param = pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
surface_param = pytest.mark.parametrize("surface,start", SURFACES, ids=[s for s, _ in SURFACES])


REFERENCE_CASES = [c for c in CASES if c[0] in REFERENCE_KNOWS]


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=[_id(c) for c in REFERENCE_CASES])
@surface_param
def test_first_steps_match_the_published_rule(case, surface, start):
    name, hp = case
    s = get_surface(surface)
    tr = simulate(s, name, start, steps=8, hyper=hp, noise=0.0)  # sgd: its rule, without the noise
    full = OPTIMIZERS[name].resolve(None, hp)
    with np.errstate(all="ignore"):
        ref = reference_run(name, full, start, lambda th: [float(g) for g in s.gradient(np.array(th))], 8)
    k = min(8, int(tr.last_kept))  # compare the steps the run kept
    assert k >= 1
    np.testing.assert_allclose(tr.positions[1 : k + 1], np.array(ref[:k]), rtol=1e-12, atol=1e-14)


def test_hand_derived_values_on_the_bowl():
    # f = x^2 + y^2, grad = 2 theta
    tr = simulate("quadratic_bowl", "gd", [1.0, -2.0], steps=3, lr=0.1)
    np.testing.assert_allclose(tr.positions, [[1, -2], [0.8, -1.6], [0.64, -1.28], [0.512, -1.024]])
    # pytorch momentum: v1 = g0 = 2, x1 = 1 - 0.1*2 = 0.8; v2 = 0.9*2 + 1.6 = 3.4, x2 = 0.46
    tr = simulate("quadratic_bowl", "momentum", [1.0, 0.0], steps=2, lr=0.1, hyper={"momentum": 0.9})
    np.testing.assert_allclose(tr.positions[:, 0], [1.0, 0.8, 0.46])
    # ema momentum: v1 = 0.1*2 = 0.2, x1 = 0.98
    tr = simulate("quadratic_bowl", "momentum", [1.0, 0.0], steps=1, lr=0.1, hyper={"form": "ema"})
    assert tr.positions[1, 0] == pytest.approx(0.98)
    # Adam's first step is lr * g / (|g| + eps / ...) ~ lr in each coordinate
    tr = simulate("quadratic_bowl", "adam", [1.0, -2.0], steps=1, lr=0.1)
    np.testing.assert_allclose(tr.positions[1], [0.9, -1.9], rtol=1e-7)
    # AdaGrad first step: lr * g / sqrt(g^2) = lr; second: g=2*0.9=1.8, G=4+3.24
    tr = simulate("quadratic_bowl", "adagrad", [1.0, 1.0], steps=2, lr=0.1, hyper={"eps": 0.0})
    assert tr.positions[2, 0] == pytest.approx(0.9 - 0.1 * 1.8 / math.sqrt(7.24), rel=1e-14)
    # lookahead NAG: g at theta (v=0): v1 = 0.1*2 = 0.2, x1 = 0.8; look = 0.8-0.9*0.2 = 0.62
    # v2 = 0.18 + 0.1*1.24 = 0.304, x2 = 0.496
    tr = simulate("quadratic_bowl", "nag", [1.0, 0.0], steps=2, lr=0.1, hyper={"momentum": 0.9})
    np.testing.assert_allclose(tr.positions[:, 0], [1.0, 0.8, 0.496])


def _torch_optimizer(name, hp, param):
    """The record's own torch.optim equivalent (its source), built on ``param``."""
    source = OPTIMIZERS[name].torch_class(hp)
    return eval(source, {"torch": torch, "theta": param})  # our generated source, never user text


def _torch_comparable(name, hp):
    # sgd is gd plus noise; the rest: where the record says torch.optim has the rule
    opt = OPTIMIZERS[name]
    return name != "sgd" and not opt.coupled and opt.torch_class(opt.resolve(None, hp)) is not None


TORCH_CASES = [c for c in CASES if _torch_comparable(*c)]


@pytest.mark.parametrize("case", TORCH_CASES, ids=[_id(c) for c in TORCH_CASES])
@surface_param
def test_matches_torch_optim_in_float64(case, surface, start):
    name, hp = case
    s = get_surface(surface)
    steps = 60
    if surface == "rosenbrock":  # stiff: keep plain SGD steps stable so all 60 steps compare
        hp = {**hp, "lr": hp["lr"] * 0.05}
    tr = simulate(s, name, start, steps=steps, hyper=hp)
    full = OPTIMIZERS[name].resolve(None, hp)
    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = _torch_optimizer(name, full, param)
    ours = tr.positions
    kept = int(tr.last_kept)  # positions the run kept
    assert kept >= 3
    for t in range(min(steps, kept)):
        opt.zero_grad()
        param.grad = torch.tensor(s.gradient(param.detach().numpy()))
        opt.step()
        np.testing.assert_allclose(param.detach().numpy(), ours[t + 1], rtol=1e-11, atol=1e-13)


def test_nag_lookahead_is_torch_nesterov_in_shifted_variables():
    """phi_t = theta_t - mu v_{t-1}: the lookahead NAG's phi follows SGD(nesterov=True)."""
    s = get_surface("rosenbrock")
    mu, lr, start = 0.9, 1e-3, (-1.2, 1.0)
    tr = simulate(s, "nag", start, steps=80, lr=lr, hyper={"momentum": mu})
    v = tr.state["velocity"]  # v_t after step t
    phi = tr.positions[1:] - mu * v  # phi_{t} = theta_t - mu v_t (the next look-ahead point)
    param = torch.tensor(start, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr, momentum=mu, nesterov=True)
    for t in range(80):
        param.grad = torch.tensor(s.gradient(param.detach().numpy()))
        opt.step()
        np.testing.assert_allclose(param.detach().numpy(), phi[t], rtol=1e-9, atol=1e-12)


def test_classical_momentum_differs_from_pytorch_only_when_lr_changes():
    kw = dict(steps=50, lr=0.01, hyper={"momentum": 0.9})
    a = simulate("rosenbrock", "momentum", (-1.0, 1.0), **kw)
    b = simulate(
        "rosenbrock", "momentum", (-1.0, 1.0), **{**kw, "hyper": {"momentum": 0.9, "form": "classical"}}
    )
    np.testing.assert_allclose(a.positions, b.positions, rtol=1e-12)
    sched = dict(schedule="step", schedule_params={"step_size": 10, "gamma": 0.5})
    a = simulate("quadratic_bowl", "momentum", (1.0, 1.0), **kw, **sched)
    b = simulate(
        "quadratic_bowl",
        "momentum",
        (1.0, 1.0),
        **{**kw, "hyper": {"momentum": 0.9, "form": "classical"}},
        **sched,
    )
    np.testing.assert_allclose(a.positions[:11], b.positions[:11], rtol=1e-12)
    assert np.abs(a.positions[12:] - b.positions[12:]).max() > 1e-4


NOISY = {"noise": 3.0, "batch_size": 4, "seed": 7}


@case_param
@pytest.mark.parametrize("surface", surface_names())
def test_batched_runs_equal_single_runs_exactly(case, surface):
    """A batch runs on arrays, a single run on floats (the fast path): same bits."""
    name, hp = case
    s = get_surface(surface)
    assert_batch_equals_single(s, name, 8, 3, steps=60, hyper=hp, schedule="cosine", **NOISY)


@pytest.mark.parametrize("name", ["adam", "adagrad", "rmsprop", "adadelta", "adamax"])
def test_single_run_where_python_floats_raise_matches_the_array_run(name):
    # eps = 0 at a zero gradient divides 0 by 0: Python raises, NumPy gives NaN
    hp = {"eps": 0.0} if name != "adadelta" else {"eps": 0.0, "lr": 1.0}
    starts = np.array([[0.0, 0.0], [1.0, 1.0]])
    batch = simulate("quadratic_bowl", name, starts, steps=40, hyper=hp)
    one = simulate("quadratic_bowl", name, starts[0], steps=40, hyper=hp)
    np.testing.assert_array_equal(batch.positions[:, 0], one.positions)
    assert one.status == batch.status[0]
    assert np.isfinite(one.positions).all()


# every record on the plateau schedule (each run its own lr), and Newton's Hessian variants:
# the runs of a batch that mix coordinates or learning rates still equal single runs exactly
COUPLED = [(name, {"lr": OPTIMIZERS[name].lr_for_page, "schedule": "plateau", "schedule_params": {"patience": 3, "factor": 0.5}, "noise": 1.0, "seed": 3})
           for name in OPTIMIZERS] + [
    ("newton", {"hyper": {"damping": 0.5}}),
    ("newton", {"lr": 0.5, "hyper": {"saddle_free": True}}),
]  # fmt: skip


@pytest.mark.parametrize("name,kw", COUPLED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(COUPLED)])
@pytest.mark.parametrize("surface", surface_names())
def test_batched_newton_and_plateau_schedule_equal_single_runs(name, kw, surface):
    s = get_surface(surface)
    assert_batch_equals_single(s, name, 4, 5, steps=120, **kw)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_reaches_the_bowl_minimum(name):
    """Some learning rate of a fixed log grid brings every optimizer to the bowl's minimum."""
    no_decay = {"weight_decay": 0.0} if "weight_decay" in OPTIMIZERS[name].resolve() else None
    ends = []
    for lr in (1e-3, 1e-2, 0.05, 0.1, 0.5, 1.0):
        tr = simulate("quadratic_bowl", name, (1.5, -1.0), steps=3000, lr=lr, noise=0.0, hyper=no_decay)
        ends.append((float(np.hypot(*tr.positions[-1])), lr))
        if ends[-1][0] < 1e-2 and tr.loss[-1] < tr.loss[0] * 1e-3:
            return
    pytest.fail(f"{name} never reached the minimum: {ends}")


# tuned settings that reach Rosenbrock's minimum (1, 1) from the classic start (-1.2, 1)
ROSENBROCK_TUNED = [
    ("momentum", 1e-3, {"momentum": 0.9}, 5000),
    ("nag", 1e-3, {"momentum": 0.9}, 5000),
    ("adam", 0.02, {}, 5000),
    ("rmsprop", 1e-3, {"centered": True, "momentum": 0.9}, 5000),
    ("newton", 1.0, {}, 50),
    ("lion", 1e-3, {}, 5000),
]


@pytest.mark.parametrize("name,lr,hp,steps", ROSENBROCK_TUNED, ids=[c[0] for c in ROSENBROCK_TUNED])
def test_tuned_settings_reach_the_rosenbrock_minimum(name, lr, hp, steps):
    tr = simulate("rosenbrock", name, (-1.2, 1.0), steps=steps, lr=lr, hyper=hp)
    assert np.hypot(*(tr.positions[-1] - 1.0)) < 1e-2, tr.positions[-1]


def test_newton_lands_on_bowl_minimum_in_one_step_and_on_the_saddle():
    assert simulate("quadratic_bowl", "newton", (1.3, -0.7), steps=5).positions[1] == pytest.approx([0, 0])
    tr = simulate("saddle", "newton", (1.0, 0.5), steps=5)
    assert tr.positions[1] == pytest.approx([0, 0]) and tr.status == "saddle"  # not a minimum
    tr = simulate("saddle", "newton", (1.0, 0.5), steps=5, hyper={"saddle_free": True})
    assert tr.positions[1] == pytest.approx([0, 1.0])  # |H| flips the y step: it escapes


def test_newton_survives_singular_hessians():
    d = newton_direction(np.array([[1.0, 2.0]]), np.zeros((1, 2, 2)), 0.0, False)
    np.testing.assert_array_equal(d, [[0.0, 0.0]])
    tr = simulate("monkey_saddle", "newton", (0.4, 0.0), steps=40)
    assert np.isfinite(tr.positions).all()
    tr = simulate(
        "monkey_saddle", "newton", (0.4, 0.3), steps=40, hyper={"damping": 1.0, "saddle_free": True}
    )
    assert np.isfinite(tr.positions).all() and tr.loss[-1] < tr.loss[0]


def test_divergence_is_marked_and_never_emits_nan():
    tr = simulate("rosenbrock", "gd", (-1.5, 2.0), steps=300, lr=0.1)
    assert tr.status == "left" and 0 < tr.stopped_at < 300
    assert np.isfinite(tr.positions).all() and np.isfinite(tr.loss).all() and np.isfinite(tr.grad_norm).all()
    k = int(tr.stopped_at)
    assert (tr.positions[k:] == tr.positions[k - 1]).all()
    ok = simulate("rosenbrock", "gd", (-1.5, 2.0), steps=k - 1, lr=0.1)
    np.testing.assert_array_equal(ok.positions, tr.positions[:k])


@pytest.mark.parametrize("lr", [1e3, 1e6])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_huge_learning_rates_end_cleanly(name, lr):
    tr = simulate("beale", name, (1.0, 1.0), steps=100, lr=lr)
    assert tr.status in STATUSES
    assert np.isfinite(tr.positions).all() and np.isfinite(tr.loss).all()


def test_convergence_is_detected_and_the_run_holds_still():
    tr = simulate("quadratic_bowl", "gd", (1.0, 1.0), steps=500, lr=0.25)
    assert tr.status == "minimum" and tr.stopped_at < 100 and tr.minimum == 0
    assert (tr.positions[tr.stopped_at :] == tr.positions[tr.stopped_at]).all()
    assert simulate("quadratic_bowl", "adam", (0.0, 0.0), steps=10).stopped_at == 0


def test_noise_is_seeded_and_shrinks_with_batch_size():
    a = simulate("quadratic_bowl", "sgd", (1.0, 1.0), steps=50, lr=0.05, seed=1)
    b = simulate("quadratic_bowl", "sgd", (1.0, 1.0), steps=50, lr=0.05, seed=1)
    c = simulate("quadratic_bowl", "sgd", (1.0, 1.0), steps=50, lr=0.05, seed=2)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert np.abs(a.positions - c.positions).max() > 1e-3
    gd = simulate("quadratic_bowl", "gd", (1.0, 1.0), steps=50, lr=0.05)
    small = simulate("quadratic_bowl", "gd", (1.0, 1.0), steps=50, lr=0.05, noise=1.0, batch_size=1, seed=1)
    large = simulate("quadratic_bowl", "gd", (1.0, 1.0), steps=50, lr=0.05, noise=1.0, batch_size=100, seed=1)
    # same draws scaled by 1/sqrt(B): the deviation from GD shrinks ten times
    dev_s = small.positions - gd.positions
    dev_l = large.positions - gd.positions
    np.testing.assert_allclose(dev_l, dev_s / 10, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"optimizer": "adamm"}, "unknown optimizer"),
        ({"lr": -1.0}, "lr must be"),
        ({"lr": float("nan")}, "lr must be"),
        ({"hyper": {"beta1": 1.0}}, "beta1 must be"),
        ({"hyper": {"eps": -1e-8}}, "eps must be"),
        ({"hyper": {"foo": 1}}, "unknown hyperparameter"),
        ({"hyper": {"amsgrad": "maybe"}}, "amsgrad must be true or false"),
        ({"steps": -1}, "steps must be"),
        ({"steps": 2.5}, "steps must be"),
        ({"start": [1.0, float("inf")]}, "finite"),
        ({"start": [1e9, 0.0]}, "outside"),
        ({"start": [[1.0, 2.0, 3.0]]}, "shape"),
        ({"schedule": "linear"}, "unknown schedule"),
        ({"schedule": "step", "schedule_params": {"gamma": 0}}, "gamma must be"),
        ({"noise": -1.0}, "noise must be"),
        ({"batch_size": 0}, "batch_size must be"),
        ({"seed": -3}, "seed must be"),
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(kwargs, match):
    kw = {"surface": "rosenbrock", "optimizer": "adam", "start": (0.0, 0.0), "steps": 10, **kwargs}
    with pytest.raises(ConfigError, match=match):
        simulate(**kw)
