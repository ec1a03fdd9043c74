r"""Schedule-free SGD and AdamW (Defazio et al., 2024; the ``schedulefree`` package).

No learning-rate schedule: the method keeps three sequences. ``z`` takes plain SGD (or
Adam-scaled) steps, ``x`` is a running weighted average of the ``z``\ s, and the gradient is
taken at ``y``, a point between the two. The engine's parameters are ``x``, the point a user
evaluates (``optimizer.eval()`` in the package); the gradient point ``y`` is the block's
look-ahead and ``z`` is recorded for the page.

The arithmetic follows the package's reference implementations
(``SGDScheduleFreeReference``, ``AdamWScheduleFreeReference``: ``x``, ``y`` and ``z`` held
explicitly, the clearest form); the production classes compute the same sequences with
other roundings. AdamW's weight decay is added to the normalised gradient, as in
``AdamWScheduleFree`` (the reference subtracts it from ``z`` first: the same update).
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import numpy as np

from ..hyper import Hyper
from ..ops import copy, maximum, sqrt
from . import blocks as B
from .base import HP, Array, Block, Optimizer, beta_hyper, eps_hyper, lr_hyper, wd_hyper

ORDER = 40


class ScheduleFree(NamedTuple):
    z: Any  # the base sequence (SGD or Adam steps)
    y: Any  # where the next gradient is taken
    lr_max: Any  # the largest (warmed-up) lr so far
    weight_sum: Any  # sum of the averaging weights


def _pow(a: Any, e: float) -> Any:
    """``a ** e`` through the same libm ``pow`` for a float and for every element of an array
    (NumPy's vectorised power may round differently: a batch must equal single runs)."""
    if isinstance(a, np.ndarray):
        return np.array([x**e for x in a.ravel().tolist()]).reshape(a.shape)
    return float(a) ** e


class Averaging(NamedTuple):
    beta: float  # y = beta x + (1 - beta) z
    warmup_steps: int
    r: float
    weight_lr_power: float


def _schedule_free_update(u, s, h, p, lr, t):
    beta, warm, r, power = h
    lr_t = lr * (t / warm if t - 1 < warm else 1.0)  # the package's linear warmup
    if not isinstance(lr_t, np.ndarray):
        lr_t = float(lr_t)  # a NumPy scalar (the batch loop's lr) computes as a float
    lr_max = maximum(lr_t, s.lr_max)
    weight = (t**r) * _pow(lr_max, power)
    weight_sum = s.weight_sum + weight
    if isinstance(weight_sum, np.ndarray):
        zero = weight_sum == 0
        ckp1 = np.where(zero, 0.0, weight / np.where(zero, 1.0, weight_sum))
    else:
        ckp1 = weight / weight_sum if weight_sum != 0 else 0.0  # lr 0: the package's 0
    z = s.z - lr_t * u
    x = p * (1 - ckp1) + ckp1 * z
    y = x * beta + (1 - beta) * z
    return u, ScheduleFree(z, y, lr_max, weight_sum), x, lr_t


def _at_y(p: Any, s: ScheduleFree, h: Averaging) -> Any:
    return s.y


def _init(params: Array, lr: Any) -> ScheduleFree:
    return ScheduleFree(copy(params), copy(params), -1.0, 0.0)


def _latex(u: str, symbol: str) -> tuple[list[str], str]:
    return [
        r"\eta_t &= \eta \min\left(1, \tfrac{t}{T_w}\right),\quad"
        r" c_{t+1} = \frac{t^r \max_{i \le t} \eta_i^{\kappa}}{\sum_{j \le t} j^r \max_{i \le j}\eta_i^{\kappa}}",
        rf"z_{{t+1}} &= z_t - \eta_t\, {u}",
        r"x_{t+1} &= (1 - c_{t+1})\, x_t + c_{t+1} z_{t+1}",
        rf"y_{{t+1}} &= {symbol} x_{{t+1}} + (1 - {symbol})\, z_{{t+1}}",
    ], u


def _torch_step(h: Averaging) -> list[str]:
    warm, b = B.lit(h.warmup_steps), B.lit(h.beta)
    return [
        f"lr_t = lr * (t / {warm} if t - 1 < {warm} else 1.0)",
        "lr_max = max(lr_t, lr_max)",
        f"weight = t ** {B.lit(h.r)} * lr_max ** {B.lit(h.weight_lr_power)}",
        "weight_sum = weight_sum + weight",
        "ckp1 = weight / weight_sum if weight_sum != 0 else 0.0",
        "z = z - lr_t * upd",
        "theta = theta * (1 - ckp1) + ckp1 * z",
        f"y = theta * {b} + (1 - {b}) * z",
    ]


def schedule_free(beta: float, warmup_steps: int, r: float, weight_lr_power: float, symbol: str) -> Block:
    """The averaging block: ``z`` steps by the incoming update, ``x`` (the parameters) follows
    the weighted average of the ``z``\\ s, and the gradient point is ``y = beta x + (1-beta) z``
    (``symbol``: beta's LaTeX)."""
    h = Averaging(beta, warmup_steps, r, weight_lr_power)
    return Block(
        "schedule_free",
        _schedule_free_update,
        lambda u: _latex(u, symbol),
        lambda: _torch_step(h),
        h,
        ("p", "lr", "t"),
        init=_init,
        torch_init=lambda: ["z = theta.clone()", "y = theta.clone()", "lr_max = -1.0", "weight_sum = 0.0"],
        lookahead=_at_y,
        lookahead_latex=r"g_t &= \nabla f(y_t),\quad y_0 = x_0 = z_0",
        lookahead_torch="y",
    )


class SecondMoment(NamedTuple):
    v: Any


class RmsBc(NamedTuple):
    beta2: float
    eps: float


def _rms_bc_update(u, s, h, t):
    b2, eps = h
    v = B.ema_sq(s.v, u, b2)
    denom = sqrt(v / (1 - b2**t)) + eps
    return u / denom, SecondMoment(v), 1.0 / denom


def scale_by_rms_bc(beta2: float, eps: float) -> Block:
    """Adam's denominator without its first moment (schedule-free AdamW: the averaging is the
    momentum)."""
    b2 = B.lit(beta2)
    return Block(
        "scale_by_rms_bc",
        _rms_bc_update,
        lambda u: (
            [rf"v_t &= \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2"],
            rf"\frac{{{u}}}{{\sqrt{{v_t / (1 - \beta_2^t)}} + \epsilon}}",
        ),
        lambda: [
            f"v = v * {b2} + (1 - {b2}) * (upd * upd)",
            f"upd = upd / (torch.sqrt(v / (1 - {b2} ** t)) + {B.lit(eps)})",
        ],
        RmsBc(beta2, eps),
        ("t",),
        **B.zero_state(SecondMoment),
    )


def _sgd_chain(hp: HP) -> tuple[Block, ...]:
    average = schedule_free(hp["momentum"], hp["warmup_steps"], hp["r"], hp["weight_lr_power"], r"\beta")
    return (B.coupled_decay(hp["weight_decay"], r"\, y_t"), average)


def _adamw_chain(hp: HP) -> tuple[Block, ...]:
    # AdamW's decay joins the scaled gradient (the package's AdamWScheduleFree): shown as a new symbol
    decay = dataclasses.replace(
        B.coupled_decay(hp["weight_decay"], r"\, y_t"),
        latex=lambda u: ([rf"d_t &= {u} + \lambda y_t"], "d_t"),
    )
    average = schedule_free(hp["beta1"], hp["warmup_steps"], hp["r"], hp["weight_lr_power"], r"\beta_1")
    return (scale_by_rms_bc(hp["beta2"], hp["eps"]), decay, average)


_WARMUP = Hyper(
    "warmup_steps", 0, "int", low=0, high=1_000_000, symbol="T_w", help="linear lr warmup (steps)"
)
_R = Hyper("r", 0.0, low=0.0, high=10.0, symbol="r", help="polynomial weighting t^r of the average")
_POWER = Hyper("weight_lr_power", 2.0, low=0.0, high=10.0, symbol=r"\kappa",
               help="the average weights lr_max to this power")  # fmt: skip
_AT_Y = "L2 penalty at the gradient point y"

RECORDS = (
    Optimizer(
        "sgd_schedulefree", "Schedule-free SGD",
        (lr_hyper(1.0),
         Hyper("momentum", 0.9, low=0.0, high=1.0, low_open=True, high_open=True, symbol=r"\beta",
               help="y = beta x + (1 - beta) z: where the gradient is taken"),
         wd_hyper(_AT_Y), _WARMUP, _R, _POWER),
        _sgd_chain,
        page_start={"lr": 3e-3}, cost=1,
        summary="SGD steps on z, the parameters follow their running average: no schedule needed.",
    ),
    Optimizer(
        "adamw_schedulefree", "Schedule-free AdamW",
        (lr_hyper(0.0025),
         beta_hyper("beta1", 0.9, r"\beta_1", "y = beta1 x + (1 - beta1) z: where the gradient is taken"),
         beta_hyper("beta2", 0.999, r"\beta_2", "decay of the second moment"),
         eps_hyper(1e-8), wd_hyper(_AT_Y + ", after the scaling (decoupled)"), _WARMUP, _R, _POWER),
        _adamw_chain,
        page_start={"lr": 0.05}, cost=2, accumulator="v",
        summary="Adam-scaled steps on z, the parameters follow their running average: no schedule needed.",
    ),
)  # fmt: skip
