"""Hostile formulas: each is refused (or, if harmless, accepted) within the time limit, and
nothing is executed, imported or written while reading it.

While a formula is read, ``eval``, ``exec``, ``open``, SymPy's
``sympify``/``parse_expr``/``lambdify`` and any ``compile`` other than the syntax-tree-only
one that ``ast.parse`` makes are replaced by tripwires; the modules loaded before and after
must be the same, and the payloads' side effects (a marker file) must not exist.
"""

import ast
import builtins
import contextlib
import sys
import time
from pathlib import Path

import pytest
import sympy
import sympy.parsing.sympy_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.surfaces.custom import custom_surface
from playground.core.surfaces.formula import FormulaError

TIME_LIMIT = 3.0  # seconds per formula, refused or accepted (measured worst ~1.4 s on a busy 2-core VM)
MARKER = Path("/tmp/pg-formula-fuzz-marker")
TOUCH = f"open('{MARKER}', 'w')"

HOSTILE = {
    "attribute": "x.__class__",
    "dunder-import": "__import__('os').system('touch /tmp/pg-formula-fuzz-marker')",
    "dunder-name": "__builtins__",
    "open": TOUCH,
    "eval": "eval('1')",
    "exec": "exec('x=1')",
    "subclasses": "().__class__.__base__.__subclasses__()",
    "comprehension": "[x for x in (1, 2)]",
    "generator": "sum(x for x in range(9**9))",
    "set-comprehension": "{x for x in (1,)}",
    "lambda": "(lambda: 1)()",
    "f-string": "f'{x}'",
    "f-string-call": 'f\'{__import__("os").system("id")}\'',
    "string": "'x'",
    "bytes": "b'x'",
    "huge-exponent": "9**9**9",
    "huge-exponent-caret": "9^9^9",
    "huge-constant-product": "1e9*1e9*1e9",
    "overflow-literal": "1e999",
    "long-integer": "9" * 200,
    "deep-nesting": "(" * 250 + "x" + ")" * 250,
    "deep-unary": "-" * 280 + "x",
    "deep-calls": "sin(" * 60 + "x" + ")" * 60,
    "100kB": "x+" * 50_000 + "x",
    "100kB-spaces": " " * 100_000 + "x",
    "unicode-x": "\uff58 + y",  # fullwidth x (NFKC would make it x)
    "cyrillic-x": "\u0445 + y",
    "math-bold-x": "\U0001d431 + y",
    "zero-width": "x\u200b + y",
    "null-byte": "x\x00 + y",
    "newline-statement": "x\nimport os",
    "semicolon": "x; import os",
    "walrus": "(z := 1)",
    "keyword-arg": "sin(x=1)",
    "two-args": "log(x, 2)",
    "star-arg": "sin(*[x])",
    "comparison": "x < y",
    "boolean": "x and y",
    "ternary": "x if y else 1",
    "bitwise": "x | y",
    "modulo": "x % 2",
    "floor-div": "x // 2",
    "matmul": "x @ y",
    "shift": "x << 2",
    "tuple": "x, y",
    "dict": "{'a': x}",
    "await": "await x",
    "yield": "(yield x)",
    "complex": "1j * x",
    "bool-literal": "True + x",
    "none": "None",
    "ellipsis": "...",
    "unknown-function": "gamma(x)",
    "sympy-name": "Integral(x, x)",
    "sympy-function": "sympify('x')",
    "method-call": "x.conjugate()",
    "empty": "",
    "blank": "   ",
    "unbalanced": "sin(x",
    "division-by-zero": "x/0",
    "log-zero": "log(0) + x",
    "complex-constant": "sqrt(-1)*x",
    "power-tower": "x^y^x^y^x^y^x^y^x^y^x^y",
    "many-factors": "*".join(f"(x+{k}*y)" for k in range(1, 40)),
    "nested-exponent": "((((x^64)^64)^64)^64)^64",
}

# once refused by Python's parser, now read as mathematics (brackets of any kind group, a
# product needs no star): harmless, and still nothing is executed while reading them
READ_AS_MATHEMATICS = {"implicit-product": "2x", "call-of-call": "sin(x)(y)", "square-brackets": "x[0] + y"}

TRIPPED: list[str] = []


def _tripwire(name):
    def trip(*args, **kwargs):
        TRIPPED.append(name)
        raise AssertionError(f"{name} was called while reading a formula")

    return trip


@contextlib.contextmanager
def tripwires():
    """Tripwires around the reading of one formula only (hypothesis itself uses exec)."""
    real_compile = builtins.compile

    def compile_tree_only(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:  # ast.parse builds a tree; anything else would be code
            return _tripwire("compile")()
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    # (no tripwire on __import__: SymPy runs import statements inside its functions for modules
    # it already has; that nothing new is imported is checked on sys.modules instead)
    with pytest.MonkeyPatch.context() as mp:
        for name in ("eval", "exec", "open"):
            mp.setattr(builtins, name, _tripwire(name))
        mp.setattr(builtins, "compile", compile_tree_only)
        mp.setattr(sympy, "sympify", _tripwire("sympify"))
        mp.setattr(sympy.parsing.sympy_parser, "parse_expr", _tripwire("parse_expr"))
        mp.setattr(sympy, "lambdify", _tripwire("lambdify"))
        TRIPPED.clear()
        yield
    assert not TRIPPED, TRIPPED


def read(text: str) -> tuple[str, float]:
    """``("refused"|"accepted", seconds)``; any exception other than a refusal fails the test."""
    t0 = time.perf_counter()
    try:
        with tripwires():
            custom_surface(text)
        outcome = "accepted"
    except FormulaError as e:
        assert "\n" not in str(e) and len(str(e)) < 300  # one line the page can show
        outcome = "refused"
    return outcome, time.perf_counter() - t0


@pytest.fixture(scope="module", autouse=True)
def warm():
    custom_surface("sin(x) * y^2 + abs(x)")  # SymPy's lazy imports happen here, not under the tripwires
    MARKER.unlink(missing_ok=True)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_formula_is_refused_in_time_and_runs_nothing(name):
    modules = set(sys.modules)
    outcome, seconds = read(HOSTILE[name])
    assert outcome == "refused", f"{name} was accepted"
    assert seconds < TIME_LIMIT, f"{name} took {seconds:.2f} s"
    assert set(sys.modules) == modules  # nothing imported
    assert not MARKER.exists()


@pytest.mark.parametrize("name", READ_AS_MATHEMATICS)
def test_what_now_reads_as_mathematics_runs_nothing_either(name):
    modules = set(sys.modules)
    outcome, seconds = read(READ_AS_MATHEMATICS[name])
    assert outcome == "accepted" and seconds < TIME_LIMIT
    assert set(sys.modules) == modules
    assert not MARKER.exists()


# random texts over an alphabet of formula pieces and Python's dangerous ones
PIECES = ["x", "y", "pi", "e", "1", "2.5", "9", "0", "(", ")", "+", "-", "*", "/", "**", "^", ".", ",",
          "sin(", "exp(", "log(", "sqrt(", "abs(", "__", "import", "lambda", ":", "[", "]", "{", "}",
          "'", '"', "f'", "os", "for", " in ", " ", "=", ";", "\\", "\n", "#", "é", "\uff58", "1e308",
          "|", "²", "√", "π", "·", "−", "\\frac{", "\\sqrt[", "\\left(", "\\right)", "}", "sin ", "2e", "xy"]  # fmt: skip
COUNTS = {"random": 0}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join))
def test_random_texts_never_raise_anything_but_a_refusal(text):
    modules = set(sys.modules)
    _, seconds = read(text)
    COUNTS["random"] += 1
    assert seconds < TIME_LIMIT, f"{text!r} took {seconds:.2f} s"
    assert set(sys.modules) == modules
    assert not MARKER.exists()


@pytest.mark.parametrize("call", [lambda: eval("1"), lambda: sympy.sympify("x"), lambda: open(MARKER, "w"),  # noqa: SIM115
                                  lambda: compile("1", "<s>", "eval")])  # fmt: skip
def test_the_tripwires_do_trip(call):
    with pytest.raises(AssertionError), tripwires():
        call()
    assert not MARKER.exists()
