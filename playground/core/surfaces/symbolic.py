"""A surface's value function as a SymPy expression, traced from the one definition.

The catalog writes each ``f`` once, with NumPy. Calling it on :class:`Traced` stand-ins
for ``x`` and ``y`` (arithmetic and the NumPy functions the catalog uses dispatch to the
stand-in's methods) records the same formula symbolically, so exports never retype it.
Only the catalog's own functions are traced: no user text reaches this module.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..hidden import hidden
from .base import Surface

X, Y = sp.symbols("x y", real=True)


def _expr(v: Any) -> sp.Expr:
    if isinstance(v, Traced):
        return v.expr
    if isinstance(v, float):
        return sp.Float(v, dps=17)  # 17 digits read back as the same double
    return sp.sympify(v)  # ints from the catalog's own source


class Traced:
    """A SymPy expression that behaves like a NumPy scalar for the catalog's formulas."""

    __array_priority__ = 1000  # NumPy hands mixed arithmetic to us
    __slots__ = ("expr",)

    def __init__(self, expr: sp.Expr):
        self.expr = expr

    def __add__(self, o: Any) -> Traced:
        return Traced(self.expr + _expr(o))

    def __radd__(self, o: Any) -> Traced:
        return Traced(_expr(o) + self.expr)

    def __sub__(self, o: Any) -> Traced:
        return Traced(self.expr - _expr(o))

    def __rsub__(self, o: Any) -> Traced:
        return Traced(_expr(o) - self.expr)

    def __mul__(self, o: Any) -> Traced:
        return Traced(self.expr * _expr(o))

    def __rmul__(self, o: Any) -> Traced:
        return Traced(_expr(o) * self.expr)

    def __truediv__(self, o: Any) -> Traced:
        return Traced(self.expr / _expr(o))

    def __rtruediv__(self, o: Any) -> Traced:
        return Traced(_expr(o) / self.expr)

    def __pow__(self, o: Any) -> Traced:
        return Traced(self.expr ** _expr(o))

    def __neg__(self) -> Traced:
        return Traced(-self.expr)

    # np.sin(traced) and friends call these methods on object operands
    def sin(self) -> Traced:
        return Traced(sp.sin(self.expr))

    def cos(self) -> Traced:
        return Traced(sp.cos(self.expr))

    def exp(self) -> Traced:
        return Traced(sp.exp(self.expr))

    def sqrt(self) -> Traced:
        return Traced(sp.sqrt(self.expr))

    def log(self) -> Traced:
        return Traced(sp.log(self.expr))


def expression(surface: Surface) -> sp.Expr:
    """``f(x, y)`` of ``surface`` as a SymPy expression in the symbols ``x`` and ``y``."""
    if getattr(surface, "expr", None) is not None:  # a typed formula: its vetted expression
        return surface.expr  # type: ignore[attr-defined]
    out = surface.f(Traced(X), Traced(Y))
    return _expr(out)


def torch_source(surface: Surface) -> str:
    """``f(x, y)`` as PyTorch source (operations on tensors ``x`` and ``y``)."""
    # SymPy's torch printer imports torch whenever it is installed (1.4 s and ~150 MB), only to
    # note its version, which the printed source does not depend on: hidden, so that neither
    # serving nor "Copy as PyTorch" loads torch into a worker
    with hidden("torch"):
        from sympy.printing.pytorch import torch_code

    return torch_code(expression(surface))
