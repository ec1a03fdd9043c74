"""The custom surface: typed formulas, exact derivatives, and the same runs as the built-ins."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import simulate
from playground.core.surfaces import SurfaceError, get_surface
from playground.core.surfaces.custom import custom_surface
from playground.core.surfaces.formula import FormulaError, parse_formula
from tests.support.cases import assert_batch_equals_single

pytestmark = pytest.mark.slow  # starts fresh interpreters

ROOT = Path(__file__).resolve().parents[2]

# each built-in surface written as a user would type it, with the built-in's domain
BUILT_INS = {
    "rosenbrock": ("(1 - x)^2 + 100*(y - x^2)^2", (-2, 2, -1, 3)),
    "himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (-5, 5, -5, 5)),
    "beale": ("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", (-4.5, 4.5, -4.5, 4.5)),
    "booth": ("(x + 2*y - 7)^2 + (2*x + y - 5)^2", (-10, 10, -10, 10)),
    "six_hump_camel": ("(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2", (-2.2, 2.2, -1.2, 1.2)),
    "rastrigin": ("20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", (-5.12, 5.12, -5.12, 5.12)),
    "quadratic_bowl": ("x^2 + y^2", (-2, 2, -2, 2)),
    "saddle": ("x^2 - y^2", (-2, 2, -2, 2)),
    "monkey_saddle": ("x^3 - 3*x*y^2", (-1.5, 1.5, -1.5, 1.5)),
    "plateau": ("1 - exp(-(x^2 + y^2)/(2*0.8^2))", (-3, 3, -3, 3)),
    "ravine": ("0.5*(x^2 + 100*y^2)", (-3, 3, -1, 1)),
}
# formulas that use every function and operator, for the derivative checks
FORMULAS = [
    "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)",
    "tan(0.3*x) + exp(0.5*y) - log(x^2 + 1)",
    "sqrt(x^2 + y^2 + 1) + abs(x - 0.01*y + 5)",
    "tanh(x*y) + sinh(0.5*x) * cosh(0.3*y)",
    "x^3/3 - x*y^2 + 2^(0.5*y) - 1/(x^2 + 2)",
    "-x^2 + e^(-y^2) * pi",
    "(x^2 + y^2 + 1)^(3/2) - x**4",
]


def built_pair(name):
    text, domain = BUILT_INS[name]
    return custom_surface(text, *domain), get_surface(name)


@pytest.mark.parametrize("name", BUILT_INS)
def test_a_built_ins_formula_is_the_built_in(name):
    mine, ref = built_pair(name)
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = ref.domain
    p = np.column_stack([rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)])
    for got, want in ((mine.value(p), ref.value(p)), (mine.gradient(p), ref.gradient(p)),
                      (mine.hessian(p), ref.hessian(p))):  # fmt: skip
        scale = np.abs(want).max()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13 * scale)
    assert mine.log_z == ref.log_z  # the automatic log height picks the built-in's own choice

    def listed(s):  # equal values may come in either order
        return sorted((c.kind, round(c.x, 7), round(c.y, 7)) for c in s.critical_points)

    assert listed(mine) == listed(ref)


RACES = [("rosenbrock", "adam", 0.05, 300), ("rosenbrock", "momentum", 0.001, 300),
         ("himmelblau", "gd", 0.01, 200), ("beale", "rmsprop", 0.01, 300), ("booth", "nag", 0.01, 200),
         ("six_hump_camel", "newton", 0.5, 50), ("rastrigin", "adam", 0.05, 200),
         ("ravine", "lbfgs", 0.5, 30)]  # fmt: skip


@pytest.mark.parametrize(("name", "opt", "lr", "steps"), RACES, ids=[f"{r[0]}-{r[1]}" for r in RACES])
def test_a_built_ins_formula_runs_the_same_race(name, opt, lr, steps):
    mine, ref = built_pair(name)
    a = simulate(mine, opt, ref.start, steps=steps, lr=lr)
    b = simulate(ref, opt, ref.start, steps=steps, lr=lr)
    np.testing.assert_allclose(a.positions, b.positions, rtol=1e-9, atol=1e-12)
    assert a.status == b.status


def _fd_grad(s, p, h=1e-6):
    return np.array([(s.value(p + e) - s.value(p - e)) / (2 * h) for e in np.eye(2) * h])


@pytest.mark.parametrize("text", FORMULAS)
@settings(max_examples=30, deadline=None)
@given(u=st.floats(0.05, 0.95), v=st.floats(0.05, 0.95))
def test_gradient_and_hessian_match_finite_differences(text, u, v):
    s = custom_surface(text)
    p = np.array([-2 + 4 * u, -2 + 4 * v])
    g, H = s.gradient(p), s.hessian(p)
    h = 1e-6
    fd_h = np.stack([(s.gradient(p + e) - s.gradient(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)
    np.testing.assert_allclose(g, _fd_grad(s, p), rtol=1e-6, atol=1e-6 * max(1, np.abs(g).max()))
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(H, fd_h, rtol=1e-5, atol=1e-5 * max(1, np.abs(H).max()))


@pytest.mark.parametrize("opt", ["adam", "momentum", "newton", "lbfgs", "rprop"])
def test_batched_runs_equal_single_runs(opt):
    assert_batch_equals_single(custom_surface(FORMULAS[0]), opt, 4, 3, steps=120, lr=0.01)


@pytest.mark.parametrize(
    ("text", "same_as"),
    [("x^2 + y^2", "x**2 + y**2"), ("2^3^2", "512"), ("-x^2", "-(x**2)"), ("x^-2", "1/x**2"),
     ("e^x", "exp(x)"), ("  x  *  y ", "x*y"), ("2*pi", "6.283185307179586")],
)  # fmt: skip
def test_caret_is_the_power_with_the_usual_precedence(text, same_as):
    p = np.array([[0.7, -1.3], [1.9, 0.4]])
    a, b = custom_surface(text), custom_surface(same_as)
    np.testing.assert_allclose(a.value(p), b.value(p), rtol=1e-15)


def test_critical_points_are_found_and_classified():
    s = custom_surface("x^4 + y^4 - 2*x^2")  # minima (+-1, 0), saddle (0, 0) with a degenerate y
    assert sorted((round(c.x, 5) + 0.0, round(c.y, 5) + 0.0, c.kind) for c in s.critical_points) == [
        (-1.0, 0.0, "global_min"), (0.0, 0.0, "saddle"), (1.0, 0.0, "global_min")]  # fmt: skip
    flat = custom_surface("x^4 + y^4")  # Hessian 0 at the minimum: classified from the values around it
    assert [c.kind for c in flat.critical_points] == ["global_min"]


def test_where_f_is_flat_no_critical_point_is_listed():
    # every point of a flat region is critical: none is a minimum or saddle to name
    assert custom_surface("3").critical_points == ()
    assert custom_surface("0*x + 2").critical_points == ()  # (they listed 450 saddles)


def test_get_surface_keeps_where_a_refused_formula_stopped():
    with pytest.raises(SurfaceError) as info:
        get_surface("custom", formula="x^2 + 1/(2 - 2)")
    assert "division by zero" in str(info.value) and info.value.position == len("x^2 + 1/(")


def test_no_global_minimum_where_the_domain_goes_lower():
    s = custom_surface("x^4 - 2*x^2 + 0.1*y^3", -2, 2, -2, 2)  # y^3 runs down at y = -2
    assert s.fglob is None and not s.minima  # no point with zero gradient is a minimum here


def test_constant_and_linear_formulas_broadcast():
    for text in ("3", "x + 2*y"):
        s = custom_surface(text)
        grid = np.zeros((2, 3, 2))
        assert s.value(grid).shape == (2, 3)
        assert s.gradient(grid).shape == (2, 3, 2)
        assert s.hessian(grid).shape == (2, 3, 2, 2)


@pytest.mark.parametrize(
    ("text", "domain", "needle"),
    [("log(x)", (-3, -1, -2, 2), "finite on only 0%"), ("sqrt(-1 - x^2)", (-2, 2, -2, 2), "finite on only"),
     ("x", (1, -1, -2, 2), "x0 < x1"), ("x", (0, 1e6, 0, 1), "bounds"), ("log(-1)*x", (-2, 2, -2, 2), "not a finite number"),
     ("log(x - x - 1) + y", (-2, 2, -2, 2), "complex"), ("1/(x - x) + y", (-2, 2, -2, 2), "infinite")],
)  # fmt: skip
def test_unusable_surfaces_are_refused(text, domain, needle):
    with pytest.raises(FormulaError, match=needle):
        custom_surface(text, *domain)


def test_get_surface_reports_a_refusal_as_a_surface_error():
    with pytest.raises(SurfaceError, match=r"'\.' at position 2 is not part of a formula"):
        get_surface("custom", formula="x.real")
    with pytest.raises(SurfaceError, match="only for the 'custom' surface"):
        get_surface("rosenbrock", formula="x")
    assert get_surface("custom").title == "Custom formula"


def test_latex_is_the_vetted_expression():
    assert custom_surface("sin(x)^2 + y/2").latex == r"f(x, y) = \frac{y}{2} + \sin^{2}{\left(x \right)}"
    assert str(parse_formula("x*y + 1")) == "x*y + 1"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "playground", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)  # fmt: skip


def test_cli_custom_formula_gives_the_built_in_trajectory():
    text, domain = BUILT_INS["rosenbrock"]
    common = ["--optimizer", "adam", "--lr", "0.05", "--steps", "200", "--start", "-1.5", "2"]
    r = cli("trajectory", "--surface", "custom", "--formula", text, "--domain", *map(str, domain), *common)
    assert r.returncode == 0, r.stderr
    ref = cli("trajectory", "--surface", "rosenbrock", *common)
    mine, theirs = json.loads(r.stdout), json.loads(ref.stdout)
    assert mine["formula"] == text
    np.testing.assert_allclose(mine["points"], theirs["points"], rtol=1e-9)


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--formula", "__import__('os').system('id')"], "'_' at position 1 is not part of a formula"),
     (["--formula", "9**9**9"], "exponent"), (["--formula", "x +"], "ends too early"),
     (["--formula", "x", "--domain", "1", "0", "0", "1"], "x0 < x1")],
)  # fmt: skip
def test_cli_refusal_exits_2_with_one_line(args, needle):
    r = cli("trajectory", "--surface", "custom", *args)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and needle in r.stderr, r.stderr


def test_a_number_run_into_a_keyword_is_refused_without_a_warning():
    # Python's parser warns about "2in" before the whitelist refuses the comparison: the
    # refusal is the message, nothing is written to the server's log. In a fresh interpreter
    # with Python's default warning filters, as the server runs (pytest changes the filters)
    code = (
        "from playground.core.surfaces.custom import custom_surface\n"
        "for t in ['2in x', 'x*2if y else x', '2or y']:\n"
        "    try: custom_surface(t)\n"
        "    except Exception as e: print(type(e).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["FormulaError"] * 3 and out.stderr == "", out.stderr


def test_no_warning_either_after_the_filters_were_reset():
    # a catch_warnings block around the first import (pytest's collection is one) used to drop
    # the module's filter when it ended; each parse now puts it back
    import warnings

    with warnings.catch_warnings(record=True) as log:
        warnings.resetwarnings()
        warnings.simplefilter("always")
        for text in ["2in x", "x*2if y else x"]:
            with pytest.raises(FormulaError):
                custom_surface(text)
    assert [str(w.message) for w in log] == []
