"""A typed formula ``f(x, y)`` read safely: vetted syntax tree -> SymPy -> a tiny interpreter.

Nothing the user types is ever executed. The text is parsed by :func:`ast.parse` (which
only builds a syntax tree), every node of that tree is checked against a short whitelist
(numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * / ** ^``, unary minus and one-argument calls
of :data:`FUNCTIONS`), and the SymPy expression is built here from the vetted nodes, never
by ``sympify``/``parse_expr`` (which call ``eval``). Numbers are evaluated by walking the
SymPy trees of ``f``, its gradient and its Hessian with NumPy ufuncs and Python's
arithmetic operators (:class:`Program`): an interpreter over a fixed instruction set, no
code generation (``lambdify`` calls ``exec``).

Limits keep the work bounded whatever is typed: the text's length and characters, the
tree's node count and depth, the size of literal and folded constants and of constant
exponents (``9**9**9`` is refused before SymPy could compute it), and the size of the
derivatives (a product of many factors has a Hessian cubic in their number).
"""

from __future__ import annotations

import ast
import math
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from .base import FormulaError  # declared without SymPy: the page catches it without importing SymPy

X, Y = sp.symbols("x y", real=True)

MAX_LENGTH = 300  # characters of formula text
MAX_NODES = 150  # syntax-tree nodes
MAX_DEPTH = 30  # nesting of the syntax tree
MAX_LITERAL = 1e9  # |number| typed in the formula
MAX_CONSTANT = 1e15  # |value| of any constant part, after folding (2^40, 10*1e9, ...)
MAX_EXPONENT = 64  # |constant exponent|
MAX_DERIVED = 4000  # nodes of the gradient or of the Hessian (SymPy expression trees)

FUNCTIONS: dict[str, tuple[Callable[[sp.Expr], sp.Expr], Callable]] = {
    "sin": (sp.sin, np.sin),
    "cos": (sp.cos, np.cos),
    "tan": (sp.tan, np.tan),
    "exp": (sp.exp, np.exp),
    "log": (sp.log, np.log),
    "sqrt": (sp.sqrt, np.sqrt),
    "abs": (sp.Abs, np.abs),
    "tanh": (sp.tanh, np.tanh),
    "sinh": (sp.sinh, np.sinh),
    "cosh": (sp.cosh, np.cosh),
}
NAMES: dict[str, tuple[sp.Expr, float]] = {"x": (X, math.nan), "y": (Y, math.nan),
                                           "pi": (sp.pi, math.pi), "e": (sp.E, math.e)}  # fmt: skip
ALLOWED = "numbers, x, y, pi, e, + - * / ^ (or **) and " + " ".join(FUNCTIONS)
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# what a refused node is called in the message
_WHAT = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension", ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string",
    ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else", ast.NamedExpr: "':='",
    ast.Tuple: "a tuple (a comma)", ast.List: "a list", ast.Dict: "a dict", ast.Set: "a set",
    ast.Starred: "'*' unpacking", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
}  # fmt: skip


# -- reading: text -> vetted syntax tree -------------------------------------------------
def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise FormulaError("the formula must be text")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters ({len(text)})")
    if not text.strip():
        raise FormulaError("the formula is empty")
    for i, ch in enumerate(text):
        if not (" " <= ch <= "~"):  # printable ASCII only: no look-alikes, no control characters
            raise FormulaError(f"character {ch!r} at position {i + 1} is not allowed (plain ASCII only)")
    return text.strip().replace(
        "^", "**"
    )  # ^ is the power, as on paper (Python's ^ would bind looser than +)


# Python warns while parsing "2in x" ("invalid decimal literal") before the whitelist refuses
# it: a line in the server's log per request, about the user's text. The refusal says enough.
# The filter is checked at each parse rather than set once at import: a `catch_warnings` block
# around the import (pytest's collection is one) would drop it again when it ends.
_SOURCE = "<formula>"
_MODULE = re.escape(_SOURCE)
_QUIET = ("ignore", None, SyntaxWarning, re.compile(_MODULE), 0)  # the entry filterwarnings adds


def _quiet_syntax_warnings() -> None:
    # added only when missing: adding it again would reset which warnings were already shown
    if _QUIET not in warnings.filters:
        warnings.filterwarnings("ignore", category=SyntaxWarning, module=_MODULE)


def _parse(text: str) -> ast.expr:
    _quiet_syntax_warnings()
    try:
        tree = ast.parse(text, filename=_SOURCE, mode="eval")
    except SyntaxError as e:
        where = f" at position {e.offset}" if e.offset else ""
        raise FormulaError(f"could not read the formula{where}: {e.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("could not read the formula") from None
    nodes = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise FormulaError(f"the formula has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula is nested more than {MAX_DEPTH} levels deep")
        stack += [(child, depth + 1) for child in ast.iter_child_nodes(node)]
    return tree.body


def _refuse(node: ast.AST, what: str) -> FormulaError:
    col = getattr(node, "col_offset", None)
    where = f" (position {col + 1})" if col is not None else ""
    return FormulaError(f"{what} is not allowed{where}; a formula may use {ALLOWED}")


# -- building: vetted tree -> SymPy, folding constants in floats to bound them -----------
@dataclass(frozen=True)
class _Built:
    expr: sp.Expr
    value: float  # the float value of a constant part, NaN where it depends on x or y

    @property
    def constant(self) -> bool:
        return not math.isnan(self.value)


def _constant(node: ast.AST, value: float, expr: sp.Expr) -> _Built:
    if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
        raise FormulaError(
            f"a constant in the formula (position {node.col_offset + 1}) is not a finite number "  # type: ignore[attr-defined]
            f"of size at most {MAX_CONSTANT:g}"
        )
    return _Built(expr, value)


def _number(node: ast.Constant) -> _Built:
    v = node.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        what = "text" if isinstance(v, (str, bytes)) else repr(v)
        raise _refuse(node, what)
    if not math.isfinite(v) or abs(v) > MAX_LITERAL:
        raise FormulaError(f"the number at position {node.col_offset + 1} is larger than {MAX_LITERAL:g}")
    return _Built(sp.Integer(v) if isinstance(v, int) else sp.Float(v), float(v))


def _fold(fn: Callable[..., Any], *values: float) -> float:
    with np.errstate(all="ignore"):
        return float(fn(*(np.float64(v) for v in values)))


def _power(node: ast.BinOp, base: _Built, exp: _Built) -> _Built:
    if exp.constant and abs(exp.value) > MAX_EXPONENT:
        raise FormulaError(
            f"the exponent at position {node.right.col_offset + 1} is larger than {MAX_EXPONENT}"
        )
    if base.constant and exp.constant:
        if base.value != 0 and abs(exp.value * math.log10(abs(base.value))) > math.log10(MAX_CONSTANT):
            raise _constant(node, math.inf, sp.nan)  # raises: too large, before SymPy computes it
        return _constant(node, _fold(np.power, base.value, exp.value), base.expr**exp.expr)
    return _Built(base.expr**exp.expr, math.nan)


_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _build(node: ast.AST) -> _Built:
    if isinstance(node, ast.Constant):
        return _number(node)
    if isinstance(node, ast.Name):
        if node.id not in NAMES:
            raise FormulaError(
                f"unknown name {node.id[:20]!r} (position {node.col_offset + 1}); use x, y, pi, e"
            )
        return _Built(*NAMES[node.id])
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _build(node.operand)
        sign = -1 if isinstance(node.op, ast.USub) else 1
        return _Built(sign * inner.expr, sign * inner.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _build(node.left), _build(node.right)
        if isinstance(node.op, ast.Pow):
            return _power(node, left, right)
        op = _ARITH[type(node.op)]
        if left.constant and right.constant:
            if isinstance(node.op, ast.Div) and right.value == 0:
                raise FormulaError(f"division by zero (position {node.col_offset + 1})")
            return _constant(node, _fold(op, left.value, right.value), op(left.expr, right.expr))
        return _Built(op(left.expr, right.expr), math.nan)
    if isinstance(node, ast.Call):
        return _call(node)
    if isinstance(node, ast.BinOp):
        raise _refuse(node, "this operator")
    raise _refuse(node, _WHAT.get(type(node), type(node).__name__))


def _call(node: ast.Call) -> _Built:
    if not isinstance(node.func, ast.Name):
        raise _refuse(node.func, _WHAT.get(type(node.func), "calling this"))
    if node.func.id not in FUNCTIONS:
        raise FormulaError(
            f"{node.func.id[:20]!r} is not a known function (position {node.col_offset + 1}); "
            f"use {', '.join(FUNCTIONS)}"
        )
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise FormulaError(f"{node.func.id} takes exactly one argument (position {node.col_offset + 1})")
    arg = _build(node.args[0])
    symbolic, numeric = FUNCTIONS[node.func.id]
    if arg.constant:
        return _constant(node, _fold(numeric, arg.value), symbolic(arg.expr))
    return _Built(symbolic(arg.expr), math.nan)


_NOT_REAL = (sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I)


def parse_formula(text: object) -> sp.Expr:
    """The SymPy expression of ``text`` in the real symbols ``X`` and ``Y``; raises `FormulaError`."""
    expr = _build(_parse(_check_text(text))).expr
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


_FN_BY_SYMPY = {symbolic: numeric for symbolic, numeric in FUNCTIONS.values()}
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
