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
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import cost
from .base import CriticalPoint, FormulaError, Kind, Param, Surface, SurfaceFamily, solve2

if TYPE_CHECKING:
    import sympy as sp

NAME = "custom"
DEFAULT_FORMULA = "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)"
DOMAIN_LIMIT = 1000.0  # |x0|, |x1|, |y0|, |y1| at most
MIN_WIDTH = 1e-3
PROBE = 64  # probe grid per side
# sizes, not timers, bound the work, so a formula is accepted or refused the same way on any
# machine and at any load (a link always gives the same surface)
MAX_GRADIENT = 400  # nodes of each gradient entry (the Hessian grows from it)
MAX_INSTRUCTIONS = 2500  # interpreter instructions of f, gradient and Hessian together
PROBE_BUDGET = 1.0  # a safety net only: seconds the probe grid may take  # seconds the probe grid may take (value, gradient and Hessian)
MIN_FINITE = 0.5  # share of the probe grid where f and its gradient must be finite
SEED_GRID = 96  # grid per side whose local minima of |grad f| seed the critical points: 48 missed half
# of Ackley's and Lévi N.13's minima (four points per period), so a run that reached one was named after
# another, far away
MAX_CRITICAL = 1000  # Rastrigin and Ackley on [-5, 5]² have 441 each
NEWTON_STEPS = 60
KINK_SEEDS = 8  # grid minima of f, not explained by a smooth minimum, followed to a kink
KINK_STEPS = 400  # compass-search moves for each
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
    """``f``, ``df``, ``d2f`` (the catalog's convention) from exact SymPy derivatives, and the
    number of instructions of the gradient (what a step pays, see core/cost.py)."""
    import sympy as sp

    from .formula import MAX_DERIVED, Program, X, Y, tree_size

    grad = [sp.diff(expr, v) for v in (X, Y)]
    if max(tree_size(g) for g in grad) > MAX_GRADIENT:
        raise FormulaError("the formula's gradient is too large to work with; try a shorter formula")
    hess = []
    for g, v in ((0, X), (0, Y), (1, Y)):  # one entry at a time: stop as soon as it is too much
        hess.append(sp.diff(grad[g], v))
        if tree_size(hess[-1]) > MAX_DERIVED:
            raise FormulaError("the formula's Hessian is too large to work with; try a shorter formula")
    pf, pg, ph = Program([expr]), Program(grad), Program(hess)
    if len(pf.code) + len(pg.code) + len(ph.code) > MAX_INSTRUCTIONS:
        raise FormulaError("the formula's derivatives are too long to evaluate; try a shorter formula")

    def f(x, y):
        return _shaped(pf.run(x, y)[0], x)

    def df(x, y):
        gx, gy = pg.run(x, y)
        return _shaped(gx, x), _shaped(gy, x)

    def d2f(x, y):
        return tuple(_shaped(h, x) for h in ph.run(x, y))

    return (f, df, d2f), len(pg.code)


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


def _grid_lows(v: np.ndarray) -> np.ndarray:
    """Flat indices of the grid points not above any of their 8 neighbours, lowest first."""
    v = np.where(np.isfinite(v), v, np.inf)
    pad = np.pad(v, 1, constant_values=np.inf)
    n, m = v.shape
    neighbours = [pad[1 + i : 1 + i + n, 1 + j : 1 + j + m] for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j]
    low = np.flatnonzero(np.isfinite(v) & np.all([v <= nb for nb in neighbours], axis=0))
    return low[np.argsort(v.ravel()[low], kind="stable")]


def _seeds(fns, domain) -> np.ndarray:
    """Critical-point candidates: the grid's local minima of |grad f|, then those of f (a
    minimum and a saddle closer than the grid's spacing share one of |grad f|'s)."""
    gx, gy = _grid(domain, SEED_GRID)
    with np.errstate(all="ignore"):
        g = np.hypot(*fns[1](gx, gy))
        z = fns[0](gx, gy)
    idx = np.concatenate([_grid_lows(g), _grid_lows(np.where(np.isfinite(g), z, np.nan))])
    return np.column_stack([gx.ravel()[idx], gy.ravel()[idx]])  # (n, 2)


def _ring_kind(f, c: CriticalPoint, width: float) -> Kind:
    """Minimum, maximum or saddle of a degenerate critical point, from the values on a ring."""
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    r = 1e-3 * width
    with np.errstate(all="ignore"):
        ring = f(c.x + r * np.cos(t), c.y + r * np.sin(t)) - c.value
    if np.all(ring > 0):
        return "local_min"
    return "max" if np.all(ring < 0) else "saddle"


def _newton(fns, p: np.ndarray) -> np.ndarray:
    """Newton's method on the exact derivatives from every seed at once (the polish the
    catalog's surfaces get), stopping as soon as no point moves any more."""
    _, df, d2f = fns
    with np.errstate(all="ignore"):
        for _ in range(NEWTON_STEPS):
            gx, gy = df(p[:, 0], p[:, 1])
            sx, sy = solve2(*d2f(p[:, 0], p[:, 1]), gx, gy)
            p = p - np.stack([sx, sy], axis=-1)
            if not (np.abs(sx) + np.abs(sy) > 1e-13 * (1 + np.abs(p).sum(-1))).any():
                break  # quadratic convergence: a few steps unless a point is degenerate
    return p


def _compass(f, x: float, y: float, step: float, stop: float) -> tuple[float, float]:
    """A compass search down ``f`` from ``(x, y)``: it needs no gradient, so it reaches a kink."""
    with np.errstate(all="ignore"):
        v = float(f(x, y))
        for _ in range(KINK_STEPS):
            if step <= stop:
                break
            moves = ((x + step, y), (x - step, y), (x, y + step), (x, y - step))
            better = [(w, m) for m in moves if (w := float(f(*m))) < v]
            if better:
                v, (x, y) = min(better)
            else:
                step /= 2
    return x, y


def _is_kink(df, x: float, y: float, h: float) -> bool:
    """The gradient turns round across the point along both axes (a compass search that
    stalled in a smooth valley has nearly the same gradient on either side)."""
    with np.errstate(all="ignore"):
        gx = [np.array([float(v) for v in df(x + d, y)]) for d in (h, -h)]
        gy = [np.array([float(v) for v in df(x, y + d)]) for d in (h, -h)]
    return all(np.isfinite(g).all() for g in gx + gy) and gx[0][0] > 0 > gx[1][0] and gy[0][1] > 0 > gy[1][1]


def _kink_minima(fns, domain, found: list[CriticalPoint]) -> list[CriticalPoint]:
    """Minima where ``f`` has a kink (``|x|`` at 0, the tip of Ackley's cone): no gradient
    vanishes there, so Newton cannot find them. The grid's local minima of ``f`` that no
    minimum found so far explains are followed down by a compass search."""
    (x0, x1), (y0, y1) = domain
    width, spacing = max(x1 - x0, y1 - y0), max(x1 - x0, y1 - y0) / (SEED_GRID - 1)
    gx, gy = _grid(domain, SEED_GRID)
    with np.errstate(all="ignore"):
        z = fns[0](gx, gy)
    kinks: list[CriticalPoint] = []
    for i in _grid_lows(z)[:KINK_SEEDS].tolist():
        seed = (float(gx.ravel()[i]), float(gy.ravel()[i]))
        if any(c.kind == "local_min" and math.dist(seed, c.xy) < 2 * spacing for c in found):
            continue
        x, y = _compass(fns[0], *seed, spacing, 1e-12 * width)
        point = CriticalPoint(x, y, float(fns[0](x, y)), "local_min")
        if (x0 <= x <= x1 and y0 <= y <= y1 and _is_kink(fns[1], x, y, 1e-9 * width)
                and _ring_kind(fns[0], point, width) == "local_min"
                and not any(math.dist(point.xy, c.xy) < 1e-5 * width for c in found + kinks)):  # fmt: skip
            kinks.append(point)
    return kinks


def _kinds(fns, x: np.ndarray, y: np.ndarray, value: np.ndarray, width: float) -> np.ndarray:
    """Each point's kind by the Hessian's eigenvalues, or by the values on a ring around it
    where the Hessian is singular; "" where f is flat there (no isolated critical point:
    a constant formula has no minimum to name, not one per seed)."""
    with np.errstate(all="ignore"):
        hxx, hxy, hyy = fns[2](x, y)
        t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        r = 1e-3 * width
        ring = fns[0](x[:, None] + r * np.cos(t), y[:, None] + r * np.sin(t)) - value[:, None]
    scale = np.maximum(1.0, np.max(np.abs([hxx, hxy, hyy]), axis=0))
    singular = np.abs(hxx * hyy - hxy * hxy) <= 1e-10 * scale * scale
    mean, rad = (hxx + hyy) / 2, np.hypot((hxx - hyy) / 2, hxy)
    flat = np.all(np.abs(ring) <= 1e-12 * np.maximum(1.0, np.abs(value))[:, None], axis=1)
    by_ring = np.where(
        np.all(ring > 0, axis=1), "local_min", np.where(np.all(ring < 0, axis=1), "max", "saddle")
    )
    by_hessian = np.where(mean - rad > 0, "local_min", np.where(mean + rad < 0, "max", "saddle"))
    return np.where(singular & flat, "", np.where(singular, by_ring, by_hessian))


def _critical_points(fns, domain, zmin: float) -> tuple[CriticalPoint, ...]:
    """Polished, in-domain critical points; ``global_min`` only if no grid value is lower."""
    (x0, x1), (y0, y1) = domain
    width = max(x1 - x0, y1 - y0)
    f, df, d2f = fns
    px, py = _newton(fns, _seeds(fns, domain)).T.copy()
    with np.errstate(all="ignore"):  # every polished seed checked at once
        value = f(px, py)
        g = np.hypot(*df(px, py))
        h = np.max(np.abs(d2f(px, py)), axis=0)
    ok = (
        (x0 <= px)
        & (px <= x1)
        & (y0 <= py)
        & (py <= y1)
        & np.isfinite(value)
        & (g <= 1e-9 * np.maximum(1.0, h))
    )
    idx = np.flatnonzero(ok)
    kinds = _kinds(fns, px[idx], py[idx], value[idx], width)
    idx, kinds = idx[kinds != ""], kinds[kinds != ""]  # "": flat there
    near = 1e-5 * width  # Newton converges only linearly to a degenerate point: seeds stop apart
    cells: dict[tuple[int, int], list[CriticalPoint]] = {}
    points: list[CriticalPoint] = []
    for i, kind in zip(idx.tolist(), kinds.tolist()):
        x, y = float(px[i]), float(py[i])
        cx, cy = int(x // near), int(y // near)
        around = (c for dx in (-1, 0, 1) for dy in (-1, 0, 1) for c in cells.get((cx + dx, cy + dy), ()))
        if any(math.hypot(x - c.x, y - c.y) < near for c in around):
            continue
        point = CriticalPoint(x, y, float(value[i]), kind)
        cells.setdefault((cx, cy), []).append(point)
        points.append(point)
        if len(points) >= MAX_CRITICAL:
            break
    points += _kink_minima(fns, domain, points)
    best = min((c.value for c in points if c.kind == "local_min"), default=math.inf)
    if zmin >= best - 1e-9 * max(1.0, abs(best)):  # no lower value anywhere on the domain's grid
        points = [CriticalPoint(c.x, c.y, c.value, "global_min")
                  if c.kind == "local_min" and c.value <= best + 1e-9 * max(1.0, abs(best)) else c
                  for c in points]  # fmt: skip
    order = {"global_min": 0, "local_min": 1, "saddle": 2, "max": 3}
    return tuple(sorted(points, key=lambda c: (order[c.kind], c.value, c.x, c.y)))


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
    # SymPy (~0.3 s and ~35 MB to import) is loaded by the first formula, not by serving the page
    import sympy as sp

    from .formula import parse_formula

    expr = parse_formula(formula)
    fns, gradient_instructions = _functions(expr)
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
        cost=cost.of_formula(gradient_instructions),
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
