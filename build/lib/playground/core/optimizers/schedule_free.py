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


def _schedule_free(beta: str, symbol: str) -> Block:
    """The averaging block: ``z`` steps by the incoming update, ``x`` (the parameters) follows
    the weighted average of the ``z``\\ s, and the gradient point is ``y = beta x + (1-beta) z``."""

    def update(u, s, p, q, lr, t, hp, aux):
        warm = hp["warmup_steps"]
        lr_t = lr * (t / warm if t - 1 < warm else 1.0)  # the package's linear warmup
        if not isinstance(lr_t, np.ndarray):
            lr_t = float(lr_t)  # a NumPy scalar (the batch loop's lr) computes as a float
        lr_max = maximum(lr_t, s.lr_max)
        weight = (t ** hp["r"]) * _pow(lr_max, hp["weight_lr_power"])
        weight_sum = s.weight_sum + weight
        if isinstance(weight_sum, np.ndarray):
            zero = weight_sum == 0
            ckp1 = np.where(zero, 0.0, weight / np.where(zero, 1.0, weight_sum))
        else:
            ckp1 = weight / weight_sum if weight_sum != 0 else 0.0  # lr 0: the package's 0
        z = s.z - lr_t * u
        x = p * (1 - ckp1) + ckp1 * z
        b = hp[beta]
        y = x * b + (1 - b) * z
        return u, ScheduleFree(z, y, lr_max, weight_sum), x, lr_t

    def look(p: Any, s: ScheduleFree, hp: HP) -> Any:
        return s.y

    def init(params: Array, hp: HP) -> ScheduleFree:
        return ScheduleFree(copy(params), copy(params), -1.0, 0.0)

    def latex(hp: HP, u: str) -> tuple[list[str], str]:
        return [
            r"\eta_t &= \eta \min\left(1, \tfrac{t}{T_w}\right),\quad"
            r" c_{t+1} = \frac{t^r \max_{i \le t} \eta_i^{\kappa}}{\sum_{j \le t} j^r \max_{i \le j}\eta_i^{\kappa}}",
            rf"z_{{t+1}} &= z_t - \eta_t\, {u}",
            r"x_{t+1} &= (1 - c_{t+1})\, x_t + c_{t+1} z_{t+1}",
            rf"y_{{t+1}} &= {symbol} x_{{t+1}} + (1 - {symbol})\, z_{{t+1}}",
        ], u

    def torch_step(hp: HP) -> list[str]:
        warm, b = B.lit(hp["warmup_steps"]), B.lit(hp[beta])
        return [
            f"lr_t = lr * (t / {warm} if t - 1 < {warm} else 1.0)",
            "lr_max = max(lr_t, lr_max)",
            f"weight = t ** {B.lit(hp['r'])} * lr_max ** {B.lit(hp['weight_lr_power'])}",
            "weight_sum = weight_sum + weight",
            "ckp1 = weight / weight_sum if weight_sum != 0 else 0.0",
            "z = z - lr_t * upd",
            "theta = theta * (1 - ckp1) + ckp1 * z",
            f"y = theta * {b} + (1 - {b}) * z",
        ]

    return Block(
        "schedule_free",
        update,
        latex,
        torch_step,
        init=init,
        torch_init=lambda hp: ["z = theta.clone()", "y = theta.clone()", "lr_max = -1.0", "weight_sum = 0.0"],
        lookahead=look,
        lookahead_latex=r"g_t &= \nabla f(y_t),\quad y_0 = x_0 = z_0",
        lookahead_torch="y",
    )


class SecondMoment(NamedTuple):
    v: Any


def _rms_bc_update(u, s, p, q, lr, t, hp, aux):
    b2 = hp["beta2"]
    v = B.ema_sq(s.v, u, b2)
    denom = sqrt(v / (1 - b2**t)) + hp["eps"]
    return u / denom, SecondMoment(v), p, 1.0 / denom


# Adam's denominator without its first moment (schedule-free AdamW: the averaging is the momentum)
SCALE_BY_RMS_BC = Block(
    "scale_by_rms_bc",
    _rms_bc_update,
    lambda hp, u: (
        [rf"v_t &= \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2"],
        rf"\frac{{{u}}}{{\sqrt{{v_t / (1 - \beta_2^t)}} + \epsilon}}",
    ),
    lambda hp: [
        f"v = v * {B.lit(hp['beta2'])} + (1 - {B.lit(hp['beta2'])}) * (upd * upd)",
        f"upd = upd / (torch.sqrt(v / (1 - {B.lit(hp['beta2'])} ** t)) + {B.lit(hp['eps'])})",
    ],
    **B.zero_state(SecondMoment),
)

# AdamW's decay joins the scaled gradient (the package's AdamWScheduleFree): shown as a new symbol
_DECAY_SCALED = dataclasses.replace(
    B.coupled_decay(r"\, y_t"), latex=lambda hp, u: ([rf"d_t &= {u} + \lambda y_t"], "d_t")
)
_SGD_SF = _schedule_free("momentum", r"\beta")
_ADAMW_SF = _schedule_free("beta1", r"\beta_1")
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
        lambda hp: (B.coupled_decay(r"\, y_t"), _SGD_SF),
        demo_lr=3e-3, cost=1,
        summary="SGD steps on z, the parameters follow their running average: no schedule needed.",
    ),
    Optimizer(
        "adamw_schedulefree", "Schedule-free AdamW",
        (lr_hyper(0.0025),
         beta_hyper("beta1", 0.9, r"\beta_1", "y = beta1 x + (1 - beta1) z: where the gradient is taken"),
         beta_hyper("beta2", 0.999, r"\beta_2", "decay of the second moment"),
         eps_hyper(1e-8), wd_hyper(_AT_Y + ", after the scaling (decoupled)"), _WARMUP, _R, _POWER),
        lambda hp: (SCALE_BY_RMS_BC, _DECAY_SCALED, _ADAMW_SF),
        demo_lr=0.05, cost=2, accumulator="v",
        summary="Adam-scaled steps on z, the parameters follow their running average: no schedule needed.",
    ),
)  # fmt: skip
