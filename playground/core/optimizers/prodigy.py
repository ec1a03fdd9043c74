r"""Prodigy: Adam whose learning rate is an estimate ``d`` of the distance to the solution.

Follows ``pytorch_optimizer.Prodigy`` (pytorch-optimizer 4.1.0, its per-parameter path)
on the point as one parameter of shape ``(2,)``. ``d`` is estimated from the whole point
(a dot product and an L1 norm over both coordinates): the record is ``coupled`` and its
blocks work on rows of ``(N, 2)`` arrays, with ``d`` and its sums as ``(N, 1)`` columns.

``beta3=None`` is the reference's default, derived as ``sqrt(beta2)``. Differences from the
reference's constructor, none in the arithmetic:

* ``growth_rate=inf`` is ``1e300`` here (hyperparameters are finite): ``d * 1e300`` is
  larger than any ``d_max`` (or overflows to inf), so ``min(d_max, d * growth_rate)`` is
  ``d_max`` exactly as with inf.
* ``weight_decouple`` is always True. With False the reference adds the decay to
  ``p.grad`` only after the moments have used the gradient, so it changes nothing.
* ``eps=None`` (an ``atan2`` update) is not offered.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..hyper import Hyper, derived_hyper
from ..ops import row_sum
from . import blocks as B
from .base import HP, Block, Optimizer, beta_hyper, eps_hyper, lr_hyper, wd_hyper

ORDER = 38
NO_LIMIT = 1e300  # growth_rate: acts as the reference's inf (see the module docstring)


class ProdigyState(NamedTuple):
    p0: Any  # the start point
    m: Any  # exp_avg (carries a factor d)
    v: Any  # exp_avg_sq (carries d^2)
    s: Any  # the weighted sum of gradients in the denominator of d
    d: Any  # the distance estimate, (N, 1)
    d_max: Any  # the largest estimate so far, (N, 1)
    d_num: Any  # the numerator of d, (N, 1)


class ProdigyStep(NamedTuple):
    """What the Prodigy block hands on: the step, ``d_lr`` for the decay, and whether the
    step happens at all (the reference returns early while ``s`` is all zero)."""

    step: Any
    d_lr: Any
    moving: Any


class ProdigyHyper(NamedTuple):
    beta1: float
    beta2: float
    beta3: float
    d0: float
    d_coef: float
    growth_rate: float
    eps: float
    bias_correction: bool
    safeguard_warmup: bool


def _prodigy_update(u, s, h, p, lr, t):
    b1, b2, b3, d0, d_coef, growth_rate, eps, bias_correction, safeguard_warmup = h
    if bias_correction:
        bc = (1.0 - math.pow(b1, t)) / math.sqrt(1.0 - math.pow(b2, t))
    else:
        bc = 1.0
    d = s.d
    d_lr = d * lr / bc
    dot = row_sum(u * (s.p0 - p))  # torch.dot(grad, p0 - p)
    d_num = s.d_num * b3 + ((d / d0) * d_lr) * dot
    m = s.m * b1 + (d * (1.0 - b1)) * u
    v = s.v * b2 + ((d * d * (1.0 - b2)) * u) * u  # addcmul_(grad, grad, value=d^2 (1 - beta2))
    sw = s.s * b3 + ((d / d0) * (d if safeguard_warmup else d_lr)) * u
    den = row_sum(np.abs(sw))
    moving = den != 0
    d_hat = (d_coef * d_num) / den  # 0 / 0 where not moving: unused (errstate: the engine's)
    # Python's max(a, b) / min(a, b) as the reference writes them: b only if strictly larger / smaller
    d_new = np.where(d == d0, np.where(d_hat > d, d_hat, d), d)
    d_max = np.where(d_hat > s.d_max, d_hat, s.d_max)
    grown = d_new * growth_rate
    d_new = np.where(grown < d_max, grown, d_max)
    d_new, d_max = np.where(moving, d_new, d), np.where(moving, d_max, s.d_max)
    denom = np.sqrt(v) + d_new * eps
    step = np.where(moving, d_lr * (m / denom), 0.0)  # p.addcdiv_(exp_avg, de_nom, value=-d_lr)
    state = ProdigyState(s.p0, m, v, sw, d_new, d_max, d_num)
    return ProdigyStep(step, d_lr, moving), state, p, np.where(moving, d_lr / denom, 0.0)


def _prodigy_latex(u: str, h: ProdigyHyper) -> tuple[list[str], str]:
    bc = r" \,/\, \frac{1 - \beta_1^t}{\sqrt{1 - \beta_2^t}}" if h.bias_correction else ""
    s_lr = "d_t" if h.safeguard_warmup else r"\hat\eta_t"
    return [
        rf"\hat\eta_t &= d_t\,\eta{bc}",
        rf"r_t &= \beta_3 r_{{t-1}} + \tfrac{{d_t}}{{d_0}}\hat\eta_t\,\langle {u}, \theta_0 - \theta_t\rangle",
        rf"m_t &= \beta_1 m_{{t-1}} + d_t(1 - \beta_1)\, {u},\quad v_t = \beta_2 v_{{t-1}} + d_t^2(1 - \beta_2)\, {u}^2",
        rf"s_t &= \beta_3 s_{{t-1}} + \tfrac{{d_t}}{{d_0}}{s_lr}\, {u},\quad \hat d_t = c_d\, r_t / \lVert s_t\rVert_1",
        r"d_{t+1} &= \min\!\left(\max(d_0, \hat d_1, \ldots, \hat d_t),\ \rho\, d_t\right)",
    ], r"\hat\eta_t\,\frac{m_t}{\sqrt{v_t} + d_{t+1}\epsilon}"


def _prodigy_torch_init(d0: float) -> list[str]:
    return [
        "import math",
        "p0 = theta.clone()",
        "m = torch.zeros_like(theta)",
        "v = torch.zeros_like(theta)",
        "s = torch.zeros_like(theta)",
        f"d = d_max = {B.lit(d0)}",
        "d_num = torch.zeros(1)",
    ]


def _prodigy_torch(h: ProdigyHyper) -> list[str]:
    b1, b2, b3, d0 = B.lit(h.beta1), B.lit(h.beta2), B.lit(h.beta3), B.lit(h.d0)
    bc = f"(1.0 - math.pow({b1}, t)) / math.sqrt(1.0 - math.pow({b2}, t))" if h.bias_correction else "1.0"
    return [
        f"d_lr = d * lr / ({bc})",
        f"d_num = d_num * {b3} + (d / {d0}) * d_lr * torch.dot(upd, p0 - theta)",
        f"m = m * {b1} + d * (1.0 - {b1}) * upd",
        f"v = v * {b2} + d * d * (1.0 - {b2}) * upd * upd",
        f"s = s * {b3} + (d / {d0}) * {'d' if h.safeguard_warmup else 'd_lr'} * upd",
        "moving = bool(s.abs().sum() != 0)  # while s is all zero the step is skipped",
        "if moving:",
        f"    d_hat = ({B.lit(h.d_coef)} * d_num / s.abs().sum()).item()",
        f"    d = max(d, d_hat) if d == {d0} else d",
        "    d_max = max(d_max, d_hat)",
        f"    d = min(d_max, d * {B.lit(h.growth_rate)})",
        f"upd = d_lr * (m / (v.sqrt() + d * {B.lit(h.eps)})) if moving else torch.zeros_like(theta)",
    ]


def scale_by_prodigy(
    beta1: float,
    beta2: float,
    beta3: float,
    d0: float,
    d_coef: float,
    growth_rate: float,
    eps: float,
    bias_correction: bool,
    safeguard_warmup: bool,
) -> Block:
    """Prodigy's Adam step with the learning rate ``d`` estimates, handed on as a `ProdigyStep`."""
    h = ProdigyHyper(beta1, beta2, beta3, d0, d_coef, growth_rate, eps, bias_correction, safeguard_warmup)

    def init(params: Any, lr: Any) -> ProdigyState:
        col = np.zeros((*params.shape[:-1], 1))
        zeros = np.zeros_like(params)
        return ProdigyState(params.copy(), zeros, zeros, zeros, col + h.d0, col + h.d0, col)

    return Block(
        "scale_by_prodigy",
        _prodigy_update,
        lambda u: _prodigy_latex(u, h),
        lambda: _prodigy_torch(h),
        h,
        ("p", "lr", "t"),
        init=init,
        torch_init=lambda: _prodigy_torch_init(h.d0),
    )


class ProdigyDecay(NamedTuple):
    weight_decay: float
    fixed_decay: bool


def _decay_update(u, s, h, p):
    wd, fixed = h
    rate = 1.0 if fixed else u.d_lr
    return u, s, np.where(u.moving, p * (1.0 - wd * rate), p), None


def prodigy_decay(weight_decay: float, fixed_decay: bool) -> Block:
    """Decoupled weight decay at Prodigy's rate ``d_lr`` (or 1: ``fixed_decay``), on moving steps."""
    return Block(
        "prodigy_decay",
        _decay_update,
        lambda u: (
            [r"\theta_t &\leftarrow (1 - \lambda)\,\theta_t" if fixed_decay
             else r"\theta_t &\leftarrow (1 - \hat\eta_t\lambda)\,\theta_t"],
            u,
        ),
        lambda: [
            "if moving:",
            f"    theta = theta * (1.0 - {B.lit(weight_decay)} * {'1.0' if fixed_decay else 'd_lr'})",
        ],
        ProdigyDecay(weight_decay, fixed_decay),
        ("p",),
        active=bool(weight_decay),
    )  # fmt: skip


def _apply_update(u, s, h, p):
    return u.step, s, p - u.step, None


PRODIGY_APPLY = Block(
    "prodigy_apply",
    _apply_update,
    lambda u: ([rf"\theta_{{t+1}} &= \theta_t - {u}"], u),
    lambda: ["theta = theta - upd"],
    needs=("p",),
)


def _chain(hp: HP) -> tuple[Block, ...]:
    given = {k: hp[k] for k in ProdigyHyper._fields if k != "beta3"}
    return (
        scale_by_prodigy(beta3=BETA3.value(hp), **given),
        prodigy_decay(hp["weight_decay"], hp["fixed_decay"]),
        PRODIGY_APPLY,
    )


# pytorch_optimizer.Prodigy: ``beta3 = group['beta3'] if group['beta3'] is not None else math.sqrt(beta2)``
BETA3 = derived_hyper(
    "beta3",
    "sqrt(beta2)",
    lambda hp: math.sqrt(hp["beta2"]),
    "decay of the sums behind d",
    low=0.0,
    high=1.0,
    symbol=r"\beta_3",
)
RECORDS = (
    Optimizer(
        "prodigy", "Prodigy",
        (lr_hyper(1.0),
         beta_hyper("beta1", 0.9, r"\beta_1", "decay of the first moment"),
         beta_hyper("beta2", 0.999, r"\beta_2", "decay of the second moment"),
         BETA3,
         Hyper("d0", 1e-6, low=0.0, high=1e3, low_open=True, symbol="d_0", log=True,
               help="initial distance estimate"),
         Hyper("d_coef", 1.0, low=0.0, high=1e3, low_open=True, symbol="c_d", log=True,
               help="multiplies the estimate of d"),
         Hyper("growth_rate", NO_LIMIT, low=1.0, high=NO_LIMIT, symbol=r"\rho", log=True,
               help="largest factor d may grow by in a step (1e300: no limit, the reference's inf)"),
         eps_hyper(1e-8),
         Hyper("bias_correction", False, "bool", help="Adam's bias correction inside the learning rate"),
         Hyper("safeguard_warmup", False, "bool", help="leave the learning rate out of s (warm-up safeguard)"),
         wd_hyper("decoupled weight decay"),
         Hyper("fixed_decay", False, "bool", help="weight decay not scaled by the learning rate")),
        _chain,
        page_start={"lr": 1.0}, cost=6, accumulator="d", coupled=True,
        summary="Adam whose learning rate is d, an estimate of the distance from the start to the "
                "solution that only grows: from the correlation of past gradients with the distance "
                "travelled. Leave lr at 1.",
    ),
)  # fmt: skip
