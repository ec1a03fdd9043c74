"""A typed formula ``f(x, y)`` read safely: expression tree -> SymPy -> a tiny interpreter.

Nothing the user types is ever executed. The text is read by a grammar (:mod:`notation`:
mathematical notation as books and papers write it, LaTeX included) into a tree of known
nodes (numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * / ^``, signs and one-argument
:data:`FUNCTIONS`), and the SymPy expression is built here from that tree, never by
``sympify``/``parse_expr`` (which call ``eval``). Numbers are evaluated by walking the
SymPy trees of ``f``, its gradient and its Hessian with NumPy ufuncs and Python's
arithmetic operators (:class:`Program`): an interpreter over a fixed instruction set, no
code generation (``lambdify`` calls ``exec``).

Limits keep the work bounded whatever is typed: the text's length, the tree's node count
and depth, the size of literal and folded constants and of constant exponents (``9^9^9`` is
refused before SymPy could compute it), and the size of the derivatives (a product of many
factors has a Hessian cubic in their number).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from .base import FormulaError  # declared without SymPy: the page catches it without importing SymPy
from .notation import Node, read_formula

X, Y = sp.symbols("x y", real=True)

MAX_LITERAL = 1e9  # |number| typed in the formula
MAX_CONSTANT = 1e15  # |value| of any constant part, after folding (2^40, 10*1e9, ...)
MAX_EXPONENT = 64  # |constant exponent|
MAX_DERIVED = 4000  # nodes of the gradient or of the Hessian (SymPy expression trees)

# the tree's function names (notation.FUNCTIONS lists their spellings) -> SymPy and NumPy
FUNCTIONS: dict[str, tuple[Callable[[sp.Expr], sp.Expr], Callable]] = {
    "sin": (sp.sin, np.sin),
    "cos": (sp.cos, np.cos),
    "tan": (sp.tan, np.tan),
    "exp": (sp.exp, np.exp),
    "log": (sp.log, np.log),
    "log10": (lambda a: sp.log(a) / sp.log(10), np.log10),
    "sqrt": (sp.sqrt, np.sqrt),
    "abs": (sp.Abs, np.abs),
    "tanh": (sp.tanh, np.tanh),
    "sinh": (sp.sinh, np.sinh),
    "cosh": (sp.cosh, np.cosh),
    "arctan": (sp.atan, np.arctan),
}
NAMES: dict[str, tuple[sp.Expr, float]] = {"x": (X, math.nan), "y": (Y, math.nan),
                                           "pi": (sp.pi, math.pi), "e": (sp.E, math.e)}  # fmt: skip


# -- reading: text -> expression tree ------------------------------------------------------
# -- building: tree -> SymPy, folding constants in floats to bound them ----------------------
@dataclass(frozen=True)
class _Built:
    expr: sp.Expr
    value: float  # the float value of a constant part, NaN where it depends on x or y

    @property
    def constant(self) -> bool:
        return not math.isnan(self.value)


def _constant(node: Node, value: float, expr: sp.Expr) -> _Built:
    if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
        raise FormulaError(
            f"a constant in the formula (position {node.pos + 1}) is not a finite number "
            f"of size at most {MAX_CONSTANT:g}",
            node.pos,
        )
    return _Built(expr, value)


def _number(node: Node) -> _Built:
    digits = node.text.lstrip("-").isdigit()
    v = int(node.text) if digits and len(node.text) <= 20 else float(node.text)
    if not math.isfinite(v) or abs(v) > MAX_LITERAL:
        raise FormulaError(f"the number at position {node.pos + 1} is larger than {MAX_LITERAL:g}", node.pos)
    return _Built(sp.Integer(v) if isinstance(v, int) else sp.Float(v), float(v))


def _fold(fn: Callable[..., Any], *values: float) -> float:
    with np.errstate(all="ignore"):
        return float(fn(*(np.float64(v) for v in values)))


def _power(node: Node, base: _Built, exp: _Built) -> _Built:
    if exp.constant and abs(exp.value) > MAX_EXPONENT:
        at = node.args[-1].pos
        raise FormulaError(f"the exponent at position {at + 1} is larger than {MAX_EXPONENT}", at)
    if base.constant and exp.constant:
        if base.value != 0 and abs(exp.value * math.log10(abs(base.value))) > math.log10(MAX_CONSTANT):
            raise _constant(node, math.inf, sp.nan)  # raises: too large, before SymPy computes it
        return _constant(node, _fold(np.power, base.value, exp.value), base.expr**exp.expr)
    return _Built(base.expr**exp.expr, math.nan)


_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _build(node: Node) -> _Built:
    if node.op == "number":
        return _number(node)
    if node.op in NAMES:
        return _Built(*NAMES[node.op])
    if node.op == "neg":
        inner = _build(node.args[0])
        return _Built(-inner.expr, -inner.value)
    if node.op in _ARITH:
        return _arith(node, _build(node.args[0]), _build(node.args[1]))
    if node.op == "^":
        return _power(node, _build(node.args[0]), _build(node.args[1]))
    if node.op == "root":  # the n-th root: index first
        index = _build(node.args[0])
        if index.constant and index.value == 0:
            raise FormulaError(f"a root of index 0 (position {node.pos + 1})", node.pos)
        return _power(node, _build(node.args[1]), _arith(node, _Built(sp.Integer(1), 1.0), index, "/"))
    return _call(node)


def _arith(node: Node, left: _Built, right: _Built, op: str | None = None) -> _Built:
    op = op or node.op
    fn = _ARITH[op]
    if op == "/" and right.value == 0:
        at = node.args[-1].pos
        raise FormulaError(f"division by zero (position {at + 1})", at)
    if left.constant and right.constant:
        return _constant(node, _fold(fn, left.value, right.value), fn(left.expr, right.expr))
    return _Built(fn(left.expr, right.expr), math.nan)


def _call(node: Node) -> _Built:
    arg = _build(node.args[0])
    symbolic, numeric = FUNCTIONS[node.op]
    if arg.constant:
        return _constant(node, _fold(numeric, arg.value), symbolic(arg.expr))
    return _Built(symbolic(arg.expr), math.nan)


_NOT_REAL = (sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I)


def parse_formula(text: object) -> sp.Expr:
    """The SymPy expression of ``text`` in the real symbols ``X`` and ``Y``; raises `FormulaError`."""
    expr = _build(read_formula(text)).expr
    if any(expr.has(bad) for bad in _NOT_REAL):
        raise FormulaError(
            "the formula has a complex or infinite constant part (e.g. log of a negative number)"
        )
    if any(p.exp.is_number and abs(float(p.exp)) > MAX_EXPONENT**2 for p in expr.atoms(sp.Pow)):
        # SymPy folds (x^64)^64 into x^4096; deeper towers are refused
        raise FormulaError(f"the formula raises to a power larger than {MAX_EXPONENT**2}")
    if expr.free_symbols - {X, Y}:  # cannot happen: only x and y are built
        raise FormulaError("the formula may only use the variables x and y")
    return expr


# -- evaluation: an interpreter over the SymPy trees --------------------------------------
def _int_power(b: Any, n: int) -> Any:
    """``b ** n`` by repeated squaring: the same IEEE products on floats and arrays."""
    result, square, k = None, b, abs(n)
    while k:
        if k & 1:
            result = square if result is None else result * square
        k >>= 1
        if k:
            square = square * square
    out = 1.0 if result is None else result
    return 1.0 / out if n < 0 else out


def _pow_op(exp: sp.Expr) -> tuple[Callable, tuple]:
    """How to raise to the power ``exp`` when it is a number (else a general np.power)."""
    if exp.is_Integer:
        return _int_power, (int(exp),)
    if exp == sp.Rational(1, 2):
        return np.sqrt, ()
    if exp == sp.Rational(-1, 2):
        return lambda b: 1.0 / np.sqrt(b), ()
    return np.power, (float(exp),)


_FN_BY_SYMPY = {sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan, sp.exp: np.exp, sp.log: np.log,
                sp.Abs: np.abs, sp.tanh: np.tanh, sp.sinh: np.sinh, sp.cosh: np.cosh, sp.atan: np.arctan}  # fmt: skip
_FN_BY_SYMPY.update({sp.sign: np.sign, sp.DiracDelta: np.zeros_like})  # from d|u|, d²|u| (0 a.e.)


def _ordered(items: list[int], op: Callable) -> list[tuple]:
    """Left fold of an n-ary Add/Mul as binary instructions (fixed order: reproducible)."""
    return [(op, items[0], items[1])] + [(op, -1, i) for i in items[2:]]


class Program:
    """Straight-line instructions computing some SymPy expressions of ``X`` and ``Y``.

    Registers 0 and 1 hold ``x`` and ``y``; every distinct subexpression gets one register
    (SymPy's structural hashing shares common parts). ``run`` works on Python floats and on
    NumPy arrays of any shape alike (element-wise), with the same operations in the same order.
    """

    def __init__(self, exprs: list[sp.Expr]):
        self.code: list[tuple[Callable, tuple[Any, ...], tuple[int, ...]]] = []
        self._reg: dict[sp.Expr, int] = {X: 0, Y: 1}
        self.outputs = [self._emit(e) for e in exprs]

    def _push(self, fn: Callable, regs: tuple[int, ...], extra: tuple = ()) -> int:
        self.code.append((fn, extra, regs))
        return len(self.code) + 1  # registers 0, 1 are x, y

    def _emit(self, e: sp.Expr) -> int:
        if e in self._reg:
            return self._reg[e]
        self._reg[e] = r = self._emit_new(e)
        return r

    def _emit_new(self, e: sp.Expr) -> int:
        if e.is_number:
            return self._push(_const, (), (float(e),))
        if e.is_Add or e.is_Mul:
            op = operator.add if e.is_Add else operator.mul
            args = [self._emit(a) for a in e.args]
            r = self._push(op, (args[0], args[1]))
            for a in args[2:]:
                r = self._push(op, (r, a))
            return r
        if e.is_Pow:
            fn, extra = _pow_op(e.exp) if e.exp.is_number else (np.power, ())
            regs = (self._emit(e.base),) if e.exp.is_number else (self._emit(e.base), self._emit(e.exp))
            return self._push(fn, regs, extra)
        fn = _FN_BY_SYMPY.get(e.func)
        if fn is None or len(e.args) != 1:  # SymPy produced something outside the instruction set
            raise FormulaError(f"cannot evaluate {e.func.__name__} in this formula")
        return self._push(fn, (self._emit(e.args[0]),))

    def run(self, x: Any, y: Any) -> list[Any]:
        regs: list[Any] = [x, y]
        for fn, extra, args in self.code:
            regs.append(fn(*(regs[a] for a in args), *extra))
        return [regs[o] for o in self.outputs]


def _const(c: float) -> float:
    return c


def tree_size(e: sp.Expr) -> int:
    return sum(1 for _ in sp.preorder_traversal(e))
