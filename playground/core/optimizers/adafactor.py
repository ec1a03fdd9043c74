r"""Adafactor: Adam-like scaling with a relative step size and a clipped update.

Follows ``torch.optim.Adafactor`` on the point held as a vector of shape ``(2,)``. For a
vector torch keeps the full (unfactored) second moment, so the "factored" part of
Adafactor (row and column averages of a matrix) does not arise here; what remains is
the second-moment average whose decay ``1 - t^\tau`` tends to 1, the step that is relative
to the size of the parameters (``RMS(theta)``) and the clipping of the update's RMS at
``d``. The RMS of the parameters and of the update mix both coordinates: the record is
``coupled`` and its block works on rows of ``(N, 2)`` arrays.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..hyper import Hyper
from ..ops import row_norm
from . import blocks as B
from .base import HP, Block, Optimizer, lr_hyper, wd_hyper

ORDER = 35
_EPS64 = float(np.finfo(np.float64).eps)  # torch's eps1=None for float64 parameters


def _rms(a: Any) -> Any:
    """``a.norm(2) / sqrt(numel)`` of each row, as a column ``(N, 1)``."""
    return row_norm(a) / (a.shape[-1] ** 0.5)


def _larger(a: Any, floor: float) -> Any:
    """Python's ``max(floor, a)`` per row: ``a`` only where it is larger (NaN gives ``floor``)."""
    return np.where(a > floor, a, floor)


class SecondMoment(NamedTuple):
    v: Any


class AdafactorHyper(NamedTuple):
    beta2_decay: float
    eps1: float
    eps2: float
    d: float


def _adafactor_update(u, s, h, p, lr, t):
    beta2_decay, eps1, eps2, d = h
    c = t**beta2_decay  # torch: one_minus_beta2_t = step ** beta2_decay
    root = 1 / (t**0.5)
    rho = min(lr, root) if type(lr) is float else np.where(root < lr, root, lr)
    alpha = _larger(_rms(p), eps2) * rho  # from the parameters before the weight decay
    v = B.lerp(s.v, u * u, c)
    inv = 1.0 / np.sqrt(np.maximum(v, eps1 * eps1))  # clamp_(min=eps1^2).rsqrt_()
    upd = inv * u
    scale = alpha / _larger(_rms(upd) / d, 1.0)
    return scale * upd, SecondMoment(v), p, scale * inv


def _adafactor_latex(u: str) -> tuple[list[str], str]:
    return [
        rf"v_t &= (1 - t^{{\tau}})\, v_{{t-1}} + t^{{\tau}}\, {u}^2",
        r"\rho_t &= \min\!\left(\eta, \tfrac{1}{\sqrt t}\right),\quad"
        r" \alpha_t = \max\!\left(\epsilon_2, \operatorname{RMS}(\theta_t)\right)\rho_t",
        rf"U_t &= \frac{{{u}}}{{\sqrt{{\max(v_t, \epsilon_1^2)}}}}",
    ], r"\frac{\alpha_t\, U_t}{\max\!\left(1, \operatorname{RMS}(U_t) / d\right)}"


def _adafactor_torch(h: AdafactorHyper) -> list[str]:
    eps1 = B.lit(h.eps1)
    return [
        f"alpha = max({B.lit(h.eps2)}, theta.norm().item() / theta.numel() ** 0.5) * min(lr, 1 / t ** 0.5)",
        f"v = torch.lerp(v, upd * upd, t ** {B.lit(h.beta2_decay)})",
        f"upd = v.clamp(min={eps1} * {eps1}).rsqrt() * upd",
        f"upd = alpha / max(1.0, upd.norm().item() / (upd.numel() ** 0.5 * {B.lit(h.d)})) * upd",
    ]


def scale_by_adafactor(beta2_decay: float, eps1: float, eps2: float, d: float) -> Block:
    """Adafactor's scaling, relative step and clipping (on rows of ``(N, 2)`` arrays)."""
    h = AdafactorHyper(beta2_decay, eps1, eps2, d)
    return Block(
        "scale_by_adafactor",
        _adafactor_update,
        _adafactor_latex,
        lambda: _adafactor_torch(h),
        h,
        ("p", "lr", "t"),
        **B.zero_state(SecondMoment),
    )


def _chain(hp: HP) -> tuple[Block, ...]:
    scale = scale_by_adafactor(hp["beta2_decay"], hp["eps1"], hp["eps2"], hp["d"])
    return (scale, B.decoupled_decay(hp["weight_decay"]), B.APPLY)


def _adafactor_class(hp: HP) -> str:
    return (
        f"torch.optim.Adafactor([theta], lr={B.lit(hp['lr'])}, beta2_decay={B.lit(hp['beta2_decay'])}, "
        f"eps=({B.lit(hp['eps1'])}, {B.lit(hp['eps2'])}), d={B.lit(hp['d'])}, "
        f"weight_decay={B.lit(hp['weight_decay'])})"
    )


RECORDS = (
    Optimizer(
        "adafactor", "Adafactor",
        (lr_hyper(1e-2),
         Hyper("beta2_decay", -0.8, low=-10.0, high=0.0, symbol=r"\tau",
               help="the second moment's average weighs the new gradient by t^tau"),
         Hyper("eps1", _EPS64, low=0.0, high=1.0, symbol=r"\epsilon_1", log=True,
               help="floor of the root of the second moment (torch's None: float64 machine eps)"),
         Hyper("eps2", 1e-3, low=0.0, high=1.0, symbol=r"\epsilon_2", log=True,
               help="floor of the parameters' RMS in the relative step"),
         Hyper("d", 1.0, low=1.0, high=1e6, symbol="d", help="clipping threshold of the update's RMS"),
         wd_hyper("decoupled weight decay")),
        _chain,
        page_start={"lr": 0.1}, cost=4, accumulator="v", coupled=True, torch_class=_adafactor_class,
        summary="Adam's second moment without momentum, a step relative to the size of the "
                "parameters (their RMS, at least eps2) and an update whose RMS is clipped at d. "
                "The point is a vector here, so the second moment is not factored.",
    ),
)  # fmt: skip
