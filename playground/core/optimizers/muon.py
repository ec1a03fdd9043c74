r"""Muon: momentum, then the Newton–Schulz orthogonalisation of the update matrix.

Follows ``torch.optim.Muon`` (torch 2.13, ``_single_tensor_muon``) on the point held as a
1×2 matrix (Muon only takes matrices). torch runs the Newton–Schulz iteration in
bfloat16; the playground runs the same iteration (same coefficients, normalisation and
number of steps) in float64, so it matches torch's rule with that cast left out.

What orthogonalising does to a 2-vector: a 1×2 matrix has a single singular value, its
length. Orthogonalisation replaces the singular values by 1, i.e. keeps the direction and
drops the length. Muon's quintic iteration is tuned to be fast, not exact: from length 1
(after the normalisation) five steps end near 0.70. So Muon steps about ``0.7 lr`` along
its (Nesterov) momentum whatever the gradient's size: normalised gradient descent with
momentum.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..hyper import Hyper
from ..ops import row_norm, row_sum
from . import blocks as B
from .base import HP, Block, Optimizer, beta_hyper, lr_hyper, wd_hyper

ORDER = 37
SHAPE = (1, 2)  # the point as torch.optim.Muon sees it: one row, two columns


class MuonVelocity(NamedTuple):
    velocity: Any  # torch: state["momentum_buffer"]


class MuonMomentum(NamedTuple):
    momentum: float
    nesterov: bool


def _momentum_update(u, s, h):
    mu, nesterov = h
    buf = B.lerp(s.velocity, u, 1 - mu)  # buf.lerp_(grad, 1 - momentum)
    return (B.lerp(u, buf, mu) if nesterov else buf), MuonVelocity(buf), None


def _momentum_latex(u: str, nesterov: bool) -> tuple[list[str], str]:
    lines = [rf"B_t &= \mu B_{{t-1}} + (1 - \mu)\, {u}"]
    if nesterov:
        return [*lines, rf"\tilde B_t &= (1 - \mu)\, {u} + \mu B_t"], r"\tilde B_t"
    return lines, "B_t"


def _momentum_torch(momentum: float, nesterov: bool) -> list[str]:
    mu = B.lit(momentum)
    lines = [f"velocity = torch.lerp(velocity, upd, 1 - {mu})"]
    return [*lines, f"upd = torch.lerp(upd, velocity, {mu})" if nesterov else "upd = velocity"]


def muon_momentum(momentum: float, nesterov: bool) -> Block:
    """Muon's momentum buffer (an average of the gradients), optionally its Nesterov look-ahead."""
    return Block(
        "muon_momentum",
        _momentum_update,
        lambda u: _momentum_latex(u, nesterov),
        lambda: _momentum_torch(momentum, nesterov),
        MuonMomentum(momentum, nesterov),
        **B.zero_state(MuonVelocity),
    )


def newton_schulz(u: Any, a: float, b: float, c: float, steps: int, eps: float) -> tuple[Any, Any]:
    """torch's ``_zeropower_via_newtonschulz`` on each row of ``u`` (a 1×2 matrix), in float64.

    ``X = u / max(|u|, eps)``, then ``steps`` times ``X = a X + (b A + c A^2) X`` with the
    Gram matrix ``A = X X^T`` (1×1 here: the squared length). Returns ``X`` and the factor
    ``|X| / |u|`` by which the iteration scaled the update (the step size per unit of it).
    """
    n = np.maximum(row_norm(u), eps)  # ortho_grad.norm().clamp(min=eps)
    x = u / n
    for _ in range(steps):
        gram = row_sum(x * x)  # X @ X.T
        x = a * x + (b * gram + c * (gram * gram)) * x  # addmm(X, addmm(A, A, A, beta=b, alpha=c), X, beta=a)
    return x, row_norm(x) / n  # (the engine runs under np.errstate(all="ignore"))


class NewtonSchulz(NamedTuple):
    a: float
    b: float
    c: float
    steps: int
    eps: float


def _ns_update(u, s, h):
    x, gain = newton_schulz(u, *h)
    return x, s, gain


def _ns_latex(u: str) -> tuple[list[str], str]:
    return [
        rf"X_0 &= \frac{{{u}}}{{\max(\lVert {u}\rVert_F, \epsilon)}}",
        r"X_{i+1} &= a X_i + \left(b\, X_iX_i^\top + c\,(X_iX_i^\top)^2\right) X_i,\quad i < k"
        r"\quad (X_iX_i^\top = \lVert X_i\rVert^2 \text{ for a } 1{\times}2 \text{ row})",
    ], "X_k"


def _ns_torch(h: NewtonSchulz) -> list[str]:
    a, b, c = (B.lit(v) for v in (h.a, h.b, h.c))
    return [
        f"x = upd / upd.norm().clamp(min={B.lit(h.eps)})",
        f"for _ in range({h.steps}):",
        "    gram = (x * x).sum()",
        f"    x = {a} * x + ({b} * gram + {c} * (gram * gram)) * x",
        "upd = x",
    ]


def orthogonalise(a: float, b: float, c: float, steps: int, eps: float) -> Block:
    """``steps`` Newton–Schulz steps with coefficients ``a, b, c`` on each row (`newton_schulz`)."""
    h = NewtonSchulz(a, b, c, steps, eps)
    return Block("newton_schulz", _ns_update, _ns_latex, lambda: _ns_torch(h), h)


def lr_ratio(adjust_lr_fn: str) -> float:
    """torch's ``_adjust_lr`` factor for a 1×2 parameter (A = 1 row, B = 2 columns)."""
    rows, cols = SHAPE
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * math.sqrt(max(rows, cols))
    return math.sqrt(max(1, rows / cols))  # "original": 1 for a wide matrix


class LrRatio(NamedTuple):
    ratio: float


def _descend_update(u, s, h, p, lr):
    (ratio,) = h
    adjusted = lr * ratio
    return u, s, p - adjusted * u, adjusted


def muon_descend(adjust_lr_fn: str) -> Block:
    """The step ``lr * r * update`` with torch's factor ``r`` for the matrix shape."""
    ratio = lr_ratio(adjust_lr_fn)
    r = r"0.2\sqrt{2}" if adjust_lr_fn == "match_rms_adamw" else "1"
    return Block(
        "muon_descend",
        _descend_update,
        lambda u: ([rf"\theta_{{t+1}} &= \theta_t - \eta\, r\, {u},\quad r = {r}"], u),
        lambda: [f"theta = theta - lr * {B.lit(ratio)} * upd"],
        LrRatio(ratio),
        ("p", "lr"),
    )


def _chain(hp: HP) -> tuple[Block, ...]:
    return (
        B.decoupled_decay(hp["weight_decay"]),
        muon_momentum(hp["momentum"], hp["nesterov"]),
        orthogonalise(hp["ns_a"], hp["ns_b"], hp["ns_c"], hp["ns_steps"], hp["eps"]),
        muon_descend(hp["adjust_lr_fn"]),
    )


def _muon_class(hp: HP) -> str:
    coefs = ", ".join(B.lit(hp[k]) for k in ("ns_a", "ns_b", "ns_c"))
    return (
        f"torch.optim.Muon([theta], lr={B.lit(hp['lr'])}, weight_decay={B.lit(hp['weight_decay'])}, "
        f"momentum={B.lit(hp['momentum'])}, nesterov={hp['nesterov']}, ns_coefficients=({coefs}), "
        f"eps={B.lit(hp['eps'])}, ns_steps={hp['ns_steps']}, adjust_lr_fn={hp['adjust_lr_fn']!r})"
    )


RECORDS = (
    Optimizer(
        "muon", "Muon",
        (lr_hyper(1e-3), wd_hyper("decoupled weight decay", 0.1),
         beta_hyper("momentum", 0.95, r"\mu", "momentum (an average of the gradients)"),
         Hyper("nesterov", True, "bool", help="orthogonalise the Nesterov look-ahead of the momentum"),
         Hyper("ns_a", 3.4445, low=-100.0, high=100.0, symbol="a", help="Newton–Schulz coefficient a"),
         Hyper("ns_b", -4.7750, low=-100.0, high=100.0, symbol="b", help="Newton–Schulz coefficient b"),
         Hyper("ns_c", 2.0315, low=-100.0, high=100.0, symbol="c", help="Newton–Schulz coefficient c"),
         Hyper("eps", 1e-7, low=0.0, high=1.0, symbol=r"\epsilon", log=True,
               help="floor of the norm the update is divided by"),
         Hyper("ns_steps", 5, "int", low=0, high=99, symbol="k", help="Newton–Schulz steps"),
         Hyper("adjust_lr_fn", "original", "choice", choices=("original", "match_rms_adamw"),
               help="learning-rate factor for the matrix shape: original 1, match_rms_adamw 0.2 sqrt(2)")),
        _chain,
        page_start={"lr": 0.02}, cost=7, accumulator="velocity", coupled=True, torch_class=_muon_class,
        torch_shape=SHAPE, torch_exact=False,
        summary="Momentum, then the update matrix orthogonalised by five Newton–Schulz steps. "
                "The point is a 1×2 matrix: its one singular value (its length) is mapped to about "
                "0.7, so Muon steps about 0.7·lr along its momentum whatever the gradient's size, "
                "like normalised gradient descent with momentum. torch.optim.Muon orthogonalises "
                "in bfloat16; this runs the same iteration in float64.",
    ),
)  # fmt: skip
