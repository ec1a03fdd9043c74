"""Schedules: closed forms and step-by-step parity with torch.optim.lr_scheduler."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import ConfigError, simulate
from playground.core.schedules import (
    Plateau,
    build_schedule,
    cosine,
    resolve_schedule,
    schedule_values,
    step_decay,
    warmup,
)

LR0 = 0.1
STEPS = 120


def _torch_lrs(make, steps=STEPS):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=LR0)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(out)


S = torch.optim.lr_scheduler
TORCH_TABLE = [
    ("constant", {}, lambda o: S.ConstantLR(o, factor=1.0)),
    ("step", {"step_size": 30, "gamma": 0.5}, lambda o: S.StepLR(o, 30, gamma=0.5)),
    ("exponential", {"gamma": 0.97}, lambda o: S.ExponentialLR(o, 0.97)),
    ("inverse_time", {"decay": 0.05}, lambda o: S.LambdaLR(o, lambda t: 1 / (1 + 0.05 * t))),
    ("cosine", {"t_max": 50, "eta_min": 0.001}, lambda o: S.CosineAnnealingLR(o, 50, eta_min=0.001)),
    ("cosine_restarts", {"t_0": 10, "t_mult": 2, "eta_min": 0.01},
     lambda o: S.CosineAnnealingWarmRestarts(o, 10, T_mult=2, eta_min=0.01)),
    ("cosine_restarts", {"t_0": 25}, lambda o: S.CosineAnnealingWarmRestarts(o, 25)),
    ("warmup", {"warmup_steps": 15, "start_factor": 0.1, "then": "cosine", "t_max": 60},
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=15), S.CosineAnnealingLR(o, 60)],
                              milestones=[15])),
    ("warmup", {"warmup_steps": 10, "then": "step", "step_size": 20, "gamma": 0.3},
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=1 / 3, total_iters=10), S.StepLR(o, 20, gamma=0.3)],
                              milestones=[10])),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,params,make", TORCH_TABLE, ids=[f"{t[0]}-{i}" for i, t in enumerate(TORCH_TABLE)]
)
def test_matches_torch_scheduler_step_by_step(name, params, make):
    name, resolved = resolve_schedule(name, params, STEPS)
    ours = schedule_values(name, LR0, resolved, STEPS)
    np.testing.assert_allclose(ours, _torch_lrs(make), rtol=1e-12, atol=1e-15)


@settings(max_examples=50, deadline=None)
@given(t=st.integers(0, 2000), size=st.integers(1, 100), gamma=st.floats(0.05, 1.0))
def test_step_decay_closed_form(t, size, gamma):
    assert step_decay(2.0, size, gamma)(t) == pytest.approx(2.0 * gamma ** (t // size), rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(t_max=st.integers(1, 500), eta_min=st.floats(0, 0.05))
def test_cosine_endpoints(t_max, eta_min):
    fn = cosine(0.1, t_max, eta_min)
    assert fn(0) == pytest.approx(0.1)
    assert fn(t_max) == pytest.approx(eta_min, abs=1e-15)
    assert fn(t_max / 2) == pytest.approx((0.1 + eta_min) / 2)


def test_warmup_rises_linearly_then_hands_over():
    fn = warmup(cosine(1.0, 100), 10, start_factor=0.2)
    assert [fn(t) for t in (0, 5, 10)] == pytest.approx([0.2, 0.6, 1.0])
    assert fn(110) == pytest.approx(0.0, abs=1e-15)


def test_cosine_t_max_defaults_to_the_run_length():
    _, params = resolve_schedule("cosine", {}, 400)
    assert params["t_max"] == 400
    _, params = resolve_schedule("warmup", {"then": "cosine", "warmup_steps": 50}, 400)
    assert params["t_max"] == 350


def test_plateau_matches_torch_reduce_on_plateau():
    rng = np.random.default_rng(0)
    losses = np.concatenate([np.linspace(5, 1, 30), 1 + 0.01 * rng.random(60), np.linspace(1, 0.5, 30)])
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=LR0)
    ref = S.ReduceLROnPlateau(opt, factor=0.5, patience=5, threshold=1e-3, cooldown=2, min_lr=0.004)
    ours = Plateau(LR0, factor=0.5, patience=5, threshold=1e-3, cooldown=2, min_lr=0.004)
    state = ours.init(3)
    for loss in losses:
        ref.step(float(loss))
        state = ours.update(state, np.full(3, loss))
        np.testing.assert_allclose(state.lr, opt.param_groups[0]["lr"], rtol=1e-12)
    assert state.lr[0] < LR0 / 4  # it did reduce, several times


def test_plateau_in_the_engine_is_per_run():
    starts = np.array([[-1.5, 2.0], [0.9, 0.8]])
    tr = simulate(
        "rosenbrock", "adam", starts, steps=300, lr=0.05, schedule="plateau", schedule_params={"patience": 5}
    )
    assert tr.lr.shape == (300, 2)
    assert (np.diff(tr.lr, axis=0) <= 0).all()
    assert tr.lr[-1].min() < 0.05


def test_engine_reports_the_lr_each_step_used():
    tr = simulate(
        "quadratic_bowl",
        "gd",
        (1.0, 1.0),
        steps=40,
        lr=0.1,
        schedule="step",
        schedule_params={"step_size": 10, "gamma": 0.5},
        gtol=0,
    )
    assert tr.lr[:10] == pytest.approx([0.1] * 10) and tr.lr[10] == pytest.approx(0.05)
    # x_{t+1} = x_t (1 - 2 lr_t)
    np.testing.assert_allclose(tr.positions[1:, 0], np.cumprod(1 - 2 * tr.lr), rtol=1e-12)


@pytest.mark.parametrize(
    "name,params,match",
    [
        ("cosine", {"t_max": 0}, "t_max must be"),
        ("cosine_restarts", {"t_mult": 1.5}, "t_mult must be"),
        ("warmup", {"then": "plateau"}, "then must be"),
        ("plateau", {"factor": 1.0}, "factor must be"),
        ("step", {"step": 3}, "unknown hyperparameter"),
    ],
)
def test_bad_schedule_parameters_are_refused(name, params, match):
    with pytest.raises(ConfigError, match=match):
        resolve_schedule(name, params, 100)


def test_build_schedule_gives_plain_functions():
    fn = build_schedule("exponential", 0.5, {"gamma": 0.9})
    assert callable(fn) and fn(3) == pytest.approx(0.5 * 0.9**3)
    assert math.isclose(build_schedule("constant", 0.5, {})(10**6), 0.5)
