"""Newton's method on the exact Hessian (plain, damped or saddle-free)."""

from __future__ import annotations

from collections.abc import Callable

from ..hyper import Hyper
from . import blocks as B
from .base import HP, ChainState, Optimizer, lr_hyper

ORDER = 90


def _update_pair(hp: HP) -> Callable[..., tuple[tuple, ChainState]]:
    """The chain (newton, DESCEND) on one point held as floats ``(x, y)``, its values bound:
    ``(g, s, p, lr, hess) -> (p, s)``, the same operations. The state's ``step_size`` holds the
    pair of step sizes (x, y)."""
    damping, saddle_free = hp["damping"], hp["saddle_free"]

    def step(g: tuple, s: ChainState, p: tuple, lr: float, hess: tuple) -> tuple[tuple, ChainState]:
        (gx, gy), (x, y) = g, p
        dx, dy = B.newton_xy(gx, gy, *hess, damping, saddle_free)
        size = (lr * B.newton_gain(dx, gx), lr * B.newton_gain(dy, gy))
        return (x - lr * dx, y - lr * dy), ChainState(s.t + 1, s.blocks, size)

    return step


RECORDS = (
    Optimizer(
        "newton", "Newton",
        (lr_hyper(1.0),
         Hyper("damping", 0.0, low=0.0, high=1e6, symbol=r"\delta", help="added to the Hessian's diagonal"),
         Hyper("saddle_free", False, "bool", help="use |H| (absolute eigenvalues)")),
        lambda hp: (B.newton(hp["damping"], hp["saddle_free"]), B.DESCEND),
        second_order=True, cost=3, update_pair=_update_pair,
        summary="Jumps to the minimum of the local quadratic model (exact Hessian).",
    ),
)  # fmt: skip
