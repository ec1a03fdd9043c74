"""Rprop: a step size per coordinate that grows while the gradient keeps its sign.

Follows ``torch.optim.Rprop`` operation by operation (its single-tensor path): the sign of
the product ``g_t g_{t-1}`` picks the factor, the step sizes are clamped, and after a sign
change the gradient is zeroed for this step (no move, and no sign to compare next time).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..hyper import Hyper
from ..ops import maximum, minimum, sign, where
from . import blocks as B
from .base import HP, Block, Optimizer

ORDER = 25


class RpropState(NamedTuple):
    prev: Any  # the gradient of the last step (zero where the sign changed)
    delta: Any  # the step size of each coordinate


class RpropHyper(NamedTuple):
    etaminus: float
    etaplus: float
    step_size_min: float
    step_size_max: float


def _rprop_init(params: Any, lr: Any) -> RpropState:
    return RpropState(np.zeros_like(params), np.full_like(params, lr))


def _rprop_update(u, s, h):
    # torch: sign = grad.mul(prev).sign(); +1 -> etaplus, -1 -> etaminus, 0 -> 1 (NaN stays)
    etaminus, etaplus, step_size_min, step_size_max = h
    prod = sign(u * s.prev)
    factor = where(prod > 0, etaplus, where(prod < 0, etaminus, where(prod == 0, 1.0, prod)))
    # step_size.mul_(sign).clamp_(min, max)
    delta = minimum(maximum(s.delta * factor, step_size_min), step_size_max)
    # after a sign change the gradient counts as zero: no step now, no comparison next step
    g = where(factor == etaminus, 0.0, u)
    return sign(g) * delta, RpropState(g, delta), delta


def _rprop_latex(u: str) -> tuple[list[str], str]:
    return [
        rf"s_t &= \operatorname{{sign}}\!\left({u}\, g_{{t-1}}\right),\quad \Delta_0 = \eta",
        r"\Delta_t &= \operatorname{clip}\!\left(\Delta_{t-1}\cdot"
        r"\begin{cases}\eta_+ & s_t > 0\\ \eta_- & s_t < 0\\ 1 & s_t = 0\end{cases},"
        r"\ \Delta_{\min},\ \Delta_{\max}\right)",
        rf"{u} &\leftarrow 0 \ \text{{where }} s_t < 0 \quad (\text{{kept as }} g_{{t-1}} \text{{ for the next step}})",
    ], rf"\operatorname{{sign}}({u})\odot\Delta_t"


def _rprop_torch(h: RpropHyper) -> list[str]:
    etaminus, etaplus = B.lit(h.etaminus), B.lit(h.etaplus)
    return [
        "factor = torch.sign(upd * prev)",
        f"factor = torch.where(factor > 0, {etaplus}, torch.where(factor < 0, {etaminus}, "
        "torch.where(factor == 0, 1.0, factor)))",
        f"delta = (delta * factor).clamp({B.lit(h.step_size_min)}, {B.lit(h.step_size_max)})",
        f"upd = torch.where(factor == {etaminus}, 0.0, upd)",
        "prev = upd",
        "upd = torch.sign(upd) * delta",
    ]


def scale_by_rprop(etaminus: float, etaplus: float, step_size_min: float, step_size_max: float) -> Block:
    """Rprop's steps: one size per coordinate, from the base learning rate, grown or shrunk by
    the sign of ``g_t g_{t-1}``."""
    h = RpropHyper(etaminus, etaplus, step_size_min, step_size_max)
    return Block(
        "scale_by_rprop",
        _rprop_update,
        _rprop_latex,
        lambda: _rprop_torch(h),
        h,
        init=_rprop_init,
        # lr: the script's base learning rate (a schedule does not change Rprop's steps)
        torch_init=lambda: ["prev = torch.zeros_like(theta)", "delta = torch.full_like(theta, lr)"],
    )


def _chain(hp: HP) -> tuple[Block, ...]:
    return (scale_by_rprop(hp["etaminus"], hp["etaplus"], hp["step_size_min"], hp["step_size_max"]), B.APPLY)


def _rprop_class(hp: HP) -> str:
    return (
        f"torch.optim.Rprop([theta], lr={B.lit(hp['lr'])}, "
        f"etas=({B.lit(hp['etaminus'])}, {B.lit(hp['etaplus'])}), "
        f"step_sizes=({B.lit(hp['step_size_min'])}, {B.lit(hp['step_size_max'])}))"
    )


RECORDS = (
    Optimizer(
        "rprop", "Rprop",
        (Hyper("lr", 1e-2, low=0.0, high=1e6, symbol=r"\eta", help="initial step size of every coordinate",
               log=True),
         Hyper("etaminus", 0.5, low=0.0, high=1.0, low_open=True, high_open=True, symbol=r"\eta_-",
               help="step-size factor after a sign change"),
         Hyper("etaplus", 1.2, low=1.0, high=1e3, low_open=True, symbol=r"\eta_+",
               help="step-size factor while the sign holds"),
         Hyper("step_size_min", 1e-6, low=0.0, high=1e6, symbol=r"\Delta_{\min}", help="smallest step size",
               log=True),
         Hyper("step_size_max", 50.0, low=0.0, high=1e6, symbol=r"\Delta_{\max}", help="largest step size",
               log=True)),
        _chain,
        page_start={"lr": 1e-2}, torch_class=_rprop_class,
        summary="Resilient backprop: ignores the gradient's size, only its sign. Each coordinate has "
                "its own step size, multiplied by 1.2 while the sign holds and halved when it flips "
                "(that step is skipped). The learning rate is only the starting step size: a "
                "schedule does not change it, as in torch.optim.Rprop.",
    ),
)  # fmt: skip
