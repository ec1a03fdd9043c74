"""The "custom" surface: the user's own formula ``f(x, y)`` over a domain they choose.

The formula is read by :mod:`surfaces.formula` (a vetted syntax tree, never executed);
its gradient and Hessian are exact (``sympy.diff`` of the vetted expression) and
evaluated by the same interpreter. Before the surface is accepted it is probed on a grid
of the domain: a formula that is not finite on most of the domain, or too slow to
evaluate, is refused. Critical points are found numerically: the grid's local minima of
``|∇f|`` seed Newton's method on the exact derivatives (the same polish the built-in
surfaces use), and degenerate ones are classified by the values around them.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from ._core import CriticalPoint, Kind, Param, Surface, SurfaceFamily, refine_critical_points
from .formula import MAX_DERIVED, FormulaError, Program, X, Y, parse_formula, tree_size

NAME = "custom"
DEFAULT_FORMULA = "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)"
DOMAIN_LIMIT = 1000.0  # |x0|, |x1|, |y0|, |y1| at most
MIN_WIDTH = 1e-3
PROBE = 64  # probe grid per side
PROBE_BUDGET = 0.25  # seconds the probe grid may take (value, gradient and Hessian)
MIN_FINITE = 0.5  # share of the probe grid where f and its gradient must be finite
SEED_GRID = 48  # grid per side whose local minima of |grad f| seed the critical points
MAX_CRITICAL = 450
# log height when the range (max - min) exceeds this many times the 10th percentile above the
# minimum: this threshold reproduces the built-in surfaces' own choice on all twelve
LOG_RATIO = 35.0


@dataclass(frozen=True, eq=False)
class FormulaSurface(Surface):
    """A `Surface` built from a typed formula; ``expr`` is the vetted SymPy expression."""

    formula: str = ""
    expr: Any = field(default=None, repr=False)


def _shaped(v: Any, like: Any) -> Any:
    """Constants come out of the interpreter as floats: give them the points' shape."""
    if type(like) is float or np.shape(v) == np.shape(like):
        return v
    return np.broadcast_to(np.asarray(v, dtype=np.float64), np.shape(like)).copy()


def _functions(expr: sp.Expr):
    """``f``, ``df``, ``d2f`` (the catalog's convention) from exact SymPy derivatives."""
    grad = [sp.diff(expr, v) for v in (X, Y)]
    if max(tree_size(g) for g in grad) > MAX_DERIVED:
        raise FormulaError("the formula's gradient is too large to work with; try a shorter formula")
    hess = [sp.diff(grad[0], X), sp.diff(grad[0], Y), sp.diff(grad[1], Y)]
    if max(tree_size(h) for h in hess) > MAX_DERIVED:
        raise FormulaError("the formula's Hessian is too large to work with; try a shorter formula")
    pf, pg, ph = Program([expr]), Program(grad), Program(hess)

    def f(x, y):
        return _shaped(pf.run(x, y)[0], x)

    def df(x, y):
        gx, gy = pg.run(x, y)
        return _shaped(gx, x), _shaped(gy, x)

    def d2f(x, y):
        return tuple(_shaped(h, x) for h in ph.run(x, y))

    return f, df, d2f


def _grid(domain, n: int) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = domain
    return np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))


def _probe(fns, domain) -> tuple[np.ndarray, np.ndarray]:
    """Values and gradient norms on the probe grid; refuses slow or mostly non-finite formulas."""
    f, df, d2f = fns
    gx, gy = _grid(domain, PROBE)
    t0 = time.perf_counter()
    with np.errstate(all="ignore"):
        z = f(gx, gy)
        g = np.hypot(*df(gx, gy))
        d2f(gx, gy)
    if time.perf_counter() - t0 > PROBE_BUDGET:
        raise FormulaError("the formula is too slow to evaluate; try a shorter formula")
    finite = np.isfinite(z) & np.isfinite(g)
    if finite.mean() < MIN_FINITE:
        share = f"{100 * finite.mean():.0f}%"
        raise FormulaError(f"the formula is finite on only {share} of the domain; change it or the domain")
    return np.where(finite, z, np.nan), np.where(finite, g, np.nan)


def _seeds(fns, domain) -> list[tuple[float, float, Kind | None]]:
    """Grid points where |grad f| is smaller than at all 8 neighbours (critical-point candidates)."""
    gx, gy = _grid(domain, SEED_GRID)
    with np.errstate(all="ignore"):
        g = np.hypot(*fns[1](gx, gy))
    g = np.where(np.isfinite(g), g, np.inf)
    pad = np.pad(g, 1, constant_values=np.inf)
    n = SEED_GRID
    neighbours = [pad[1 + i : 1 + i + n, 1 + j : 1 + j + n] for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j]
    low = np.isfinite(g) & np.all([g <= nb for nb in neighbours], axis=0)
    idx = np.flatnonzero(low)
    idx = idx[np.argsort(g.ravel()[idx])]
    return [(float(gx.ravel()[i]), float(gy.ravel()[i]), None) for i in idx]


def _ring_kind(f, c: CriticalPoint, width: float) -> Kind:
    """Minimum, maximum or saddle of a degenerate critical point, from the values on a ring."""
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    r = 1e-3 * width
    with np.errstate(all="ignore"):
        ring = f(c.x + r * np.cos(t), c.y + r * np.sin(t)) - c.value
    if np.all(ring > 0):
        return "local_min"
    return "max" if np.all(ring < 0) else "saddle"


def _critical_points(fns, domain, zmin: float) -> tuple[CriticalPoint, ...]:
    """Polished, in-domain critical points; ``global_min`` only if no grid value is lower."""
    (x0, x1), (y0, y1) = domain
    width = max(x1 - x0, y1 - y0)
    polished = refine_critical_points(fns, _seeds(fns, domain))
    f, df, d2f = fns
    kept: list[tuple[float, float, Kind | None]] = []
    for c in polished:
        with np.errstate(all="ignore"):
            g = np.hypot(*df(c.x, c.y))
            h = np.abs(np.array(d2f(c.x, c.y), dtype=float)).max()
        inside = x0 <= c.x <= x1 and y0 <= c.y <= y1
        if not (inside and np.isfinite(c.value) and g <= 1e-9 * max(1.0, h)):
            continue
        hxx, hxy, hyy = (float(v) for v in d2f(c.x, c.y))
        det_small = abs(hxx * hyy - hxy * hxy) <= 1e-10 * max(1.0, h) ** 2
        kept.append((c.x, c.y, _ring_kind(f, c, width) if det_small else None))
        if len(kept) >= MAX_CRITICAL:
            break
    points = refine_critical_points(fns, kept)
    best = min((c.value for c in points if c.kind == "global_min"), default=None)
    if best is not None and zmin < best - 1e-9 * max(1.0, abs(best)):
        # lower values elsewhere in the domain: the lowest minimum found is not global
        points = tuple(CriticalPoint(c.x, c.y, c.value, "local_min") if c.kind == "global_min" else c
                       for c in points)  # fmt: skip
    return points


def _start(fns, domain) -> tuple[float, float]:
    """A start in the upper-left part of the domain where f and its gradient are finite."""
    (x0, x1), (y0, y1) = domain
    for u, v in ((0.2, 0.8), (0.8, 0.8), (0.2, 0.2), (0.8, 0.2), (0.35, 0.65), (0.5, 0.5)):
        x, y = x0 + u * (x1 - x0), y0 + v * (y1 - y0)
        with np.errstate(all="ignore"):
            ok = np.isfinite(fns[0](x, y)) and np.isfinite(fns[1](x, y)).all()
        if ok:
            return (round(x, 6), round(y, 6))
    return (x0 + 0.5 * (x1 - x0), y0 + 0.5 * (y1 - y0))


def _log_height(z: np.ndarray) -> bool:
    """Log height when a few high walls would flatten everything else to one colour."""
    zmin, zmax = np.nanmin(z), np.nanmax(z)
    low = np.nanpercentile(z, 10) - zmin
    return bool(zmax - zmin > LOG_RATIO * max(low, 1e-300))


def _noise_scale(g: np.ndarray) -> float:
    """SGD's default noise: a tenth of the typical gradient norm, to one significant digit."""
    typical = float(np.nanmedian(g))
    if not typical > 0:
        return 1.0
    scale = 0.1 * typical
    return float(f"{scale:.0e}")


def check_domain(
    x0: float, x1: float, y0: float, y1: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    for v in (x0, x1, y0, y1):
        if not (math.isfinite(v) and abs(v) <= DOMAIN_LIMIT):
            raise FormulaError(
                f"the domain's bounds must be numbers in [-{DOMAIN_LIMIT:g}, {DOMAIN_LIMIT:g}]"
            )
    if not (x1 - x0 >= MIN_WIDTH and y1 - y0 >= MIN_WIDTH):
        raise FormulaError(f"the domain needs x0 < x1 and y0 < y1 (at least {MIN_WIDTH:g} apart)")
    return ((float(x0), float(x1)), (float(y0), float(y1)))


def custom_surface(
    formula: str = DEFAULT_FORMULA, x0: float = -2.0, x1: float = 2.0, y0: float = -2.0, y1: float = 2.0
) -> FormulaSurface:
    """The surface of ``formula`` over ``[x0, x1] x [y0, y1]``; raises `FormulaError`."""
    domain = check_domain(x0, x1, y0, y1)
    return _cached(formula if isinstance(formula, str) else "", domain)


@lru_cache(maxsize=64)  # bounded: SymPy and the critical-point search run once per formula and domain
def _cached(formula: str, domain) -> FormulaSurface:
    expr = parse_formula(formula)
    fns = _functions(expr)
    z, g = _probe(fns, domain)
    (x0, x1), (y0, y1) = domain
    return FormulaSurface(
        name=NAME,
        title="Custom formula",
        f=fns[0],
        df=fns[1],
        d2f=fns[2],
        domain=domain,
        critical_points=_critical_points(fns, domain, float(np.nanmin(z))),
        start=_start(fns, domain),
        latex="f(x, y) = " + sp.latex(expr),
        note=(
            "Your own formula, differentiated exactly (SymPy). Minima and saddles were found "
            "numerically on the domain shown; a run that leaves the domain may find others."
        ),
        log_z=_log_height(z),
        noise_scale=_noise_scale(g),
        params={"x0": x0, "x1": x1, "y0": y0, "y1": y1},
        formula=formula,
        expr=expr,
    )


FAMILY = SurfaceFamily(
    NAME,
    "Custom formula",
    (
        Param("x0", -2.0, -DOMAIN_LIMIT, DOMAIN_LIMIT, "left edge of the domain"),
        Param("x1", 2.0, -DOMAIN_LIMIT, DOMAIN_LIMIT, "right edge of the domain"),
        Param("y0", -2.0, -DOMAIN_LIMIT, DOMAIN_LIMIT, "bottom edge of the domain"),
        Param("y1", 2.0, -DOMAIN_LIMIT, DOMAIN_LIMIT, "top edge of the domain"),
    ),
    custom_surface,
)
