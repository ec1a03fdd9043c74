"""The analytic loss surfaces, each defined once with exact first and second derivatives.

Every entry gives ``f``, ``df`` and ``d2f`` as functions of the coordinate arrays ``x``
and ``y`` (see :mod:`surfaces._core`). Critical points are written approximately and
polished at build time by Newton's method on the exact derivatives.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .base import Param, Surface, SurfaceFamily, refine_critical_points

PI = math.pi
TAU = 2 * math.pi


def _zeros(x):
    return 0.0 if type(x) is float else np.zeros(np.shape(x))


def _const(x, c):
    return float(c) if type(x) is float else np.full(np.shape(x), float(c))


def _make(name, title, f, df, d2f, seeds, **kw) -> Surface:
    return Surface(
        name=name,
        title=title,
        f=f,
        df=df,
        d2f=d2f,
        critical_points=refine_critical_points((f, df, d2f), seeds),
        **kw,
    )


# --------------------------------------------------------------------------------------
def quadratic_bowl() -> Surface:
    return _make(
        "quadratic_bowl",
        "Quadratic bowl",
        lambda x, y: x * x + y * y,
        lambda x, y: (2 * x, 2 * y),
        lambda x, y: (_const(x, 2), _zeros(x), _const(x, 2)),
        [(0.0, 0.0, None)],
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(-1.6, 1.2),
        latex=r"f(x, y) = x^2 + y^2",
        note=(
            "Perfectly round: the gradient points straight at the minimum and every "
            "direction has the same curvature (condition number 1). Almost any method "
            "works here, and Newton's method lands on the minimum in a single step. "
            "Use it as the control experiment."
        ),
        log_z=False,
        noise_scale=1.0,
    )


def ravine(condition: float = 100.0) -> Surface:
    k = float(condition)
    return _make(
        "ravine",
        "Ravine",
        lambda x, y: 0.5 * (x * x + k * y * y),
        lambda x, y: (x, k * y),
        lambda x, y: (_const(x, 1), _zeros(x), _const(x, k)),
        [(0.0, 0.0, None)],
        domain=((-3.0, 3.0), (-1.0, 1.0)),
        start=(-2.8, 0.8),
        latex=r"f(x, y) = \tfrac{1}{2}\left(x^2 + \kappa\, y^2\right),\quad \kappa = %g" % k,
        note=(
            "A long, narrow valley: the walls are κ times steeper than the floor. A "
            "learning rate small enough to keep the steep direction stable (below 2/κ) "
            "makes progress along the floor painfully slow, so plain gradient descent "
            "zig-zags from wall to wall. Momentum averages the zig-zag away and keeps "
            "the speed along the floor."
        ),
        log_z=False,
        noise_scale=1.0,
        params={"condition": k},
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    def f(x, y):
        u, v = a - x, y - x * x
        return u * u + b * (v * v)

    def df(x, y):
        r = y - x * x
        return (-2 * (a - x) - 4 * b * x * r, 2 * b * r)

    def d2f(x, y):
        return (2 - 4 * b * y + 12 * b * x * x, -4 * b * x, _const(x, 2 * b))

    return _make(
        "rosenbrock",
        "Rosenbrock",
        f,
        df,
        d2f,
        [(a, a * a, None)],
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.5, 2.0),
        latex=r"f(x, y) = (a - x)^2 + b\,(y - x^2)^2,\quad a = %g,\ b = %g" % (a, b),
        note=(
            "The banana valley. Finding the curved valley is easy; following its flat, "
            "bending floor to the minimum at (a, a²) is hard, because across the valley "
            "the curvature is about b times larger than along it. Gradient descent "
            "crawls, momentum overshoots the bends, adaptive methods rescale the "
            "coordinates and move faster."
        ),
        log_z=True,
        noise_scale=10.0,
        params={"a": float(a), "b": float(b)},
    )


def beale() -> Surface:
    c1, c2, c3 = 1.5, 2.25, 2.625

    # powers are written as products: x ** 2 on a float calls libm pow, which can differ
    # from NumPy's x * x in the last bit, and single runs compute on floats
    def terms(x, y):
        y2 = y * y
        y3 = y2 * y
        return y2, y3, c1 - x + x * y, c2 - x + x * y2, c3 - x + x * y3

    def f(x, y):
        _, _, u1, u2, u3 = terms(x, y)
        return u1 * u1 + u2 * u2 + u3 * u3

    def df(x, y):
        y2, y3, u1, u2, u3 = terms(x, y)
        gx = 2 * (u1 * (y - 1) + u2 * (y2 - 1) + u3 * (y3 - 1))
        gy = 2 * (u1 * x + u2 * 2 * x * y + u3 * 3 * x * y2)
        return gx, gy

    def d2f(x, y):
        y2, y3, u1, u2, u3 = terms(x, y)
        a1, a2, a3 = y - 1, y2 - 1, y3 - 1  # d u_i / dx
        b1, b2, b3 = x, 2 * x * y, 3 * x * y2  # d u_i / dy
        hxx = 2 * (a1 * a1 + a2 * a2 + a3 * a3)
        hxy = 2 * (a1 * b1 + a2 * b2 + a3 * b3 + u1 + u2 * 2 * y + u3 * 3 * y2)
        hyy = 2 * (b1 * b1 + b2 * b2 + b3 * b3 + u2 * 2 * x + u3 * 6 * x * y)
        return hxx, hxy, hyy

    return _make(
        "beale",
        "Beale",
        f,
        df,
        d2f,
        [(3.0, 0.5, None), (0.0, 1.0, None), (0.1004, -2.6033, None), (-0.2, 1.5, None)],
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        start=(0.7, 1.4),
        latex=(r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"),
        note=(
            "Flat plateaus next to walls that rise like y⁶, with sharp ridges near the "
            "corners. The gradient spans many orders of magnitude, so one fixed learning "
            "rate is either too timid on the plateau or explosive at the walls. Methods "
            "that normalise the step (RMSProp, Adam) cope much better than plain SGD."
        ),
        log_z=True,
        noise_scale=5.0,
    )


def saddle() -> Surface:
    return _make(
        "saddle",
        "Saddle",
        lambda x, y: x * x - y * y,
        lambda x, y: (2 * x, -2 * y),
        lambda x, y: (_const(x, 2), _zeros(x), _const(x, -2)),
        [(0.0, 0.0, None)],
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(-1.8, 0.001),
        latex=r"f(x, y) = x^2 - y^2",
        note=(
            "A horse saddle: downhill along y, uphill along x, and a flat point in the "
            "middle where the gradient is zero. Started almost on the ridge, gradient "
            "descent slides towards the saddle and lingers there before the tiny y "
            "component grows and it escapes. The surface has no minimum: every escaping "
            "path runs off to minus infinity. Newton's method jumps straight onto the "
            "saddle, because it looks for any point with zero gradient."
        ),
        log_z=False,
        noise_scale=1.0,
    )


def monkey_saddle() -> Surface:
    return _make(
        "monkey_saddle",
        "Monkey saddle",
        lambda x, y: x * x * x - 3 * x * y * y,
        lambda x, y: (3 * x * x - 3 * y * y, -6 * x * y),
        lambda x, y: (6 * x, -6 * y, -6 * x),
        [(0.0, 0.0, "saddle")],
        domain=((-1.5, 1.5), (-1.5, 1.5)),
        start=(1.2, 0.05),
        latex=r"f(x, y) = x^3 - 3xy^2",
        note=(
            "Three valleys meet at a degenerate saddle (room for two legs and a tail). "
            "At the centre both the gradient and the Hessian vanish, so second-order "
            "information says nothing there and every method slows to a crawl nearby."
        ),
        log_z=False,
        noise_scale=1.0,
    )


def himmelblau() -> Surface:
    def f(x, y):
        u, v = x * x + y - 11, x + y * y - 7
        return u * u + v * v

    def df(x, y):
        u, w = x * x + y - 11, x + y * y - 7
        return 4 * x * u + 2 * w, 2 * u + 4 * y * w

    def d2f(x, y):
        u, w = x * x + y - 11, x + y * y - 7
        return 4 * u + 8 * x * x + 2, 4 * x + 4 * y, 2 + 4 * w + 8 * y * y

    seeds = [
        (3.0, 2.0, None),
        (-2.805118, 3.131312, None),
        (-3.779310, -3.283186, None),
        (3.584428, -1.848126, None),
        (-0.270845, -0.923039, None),
        (3.385154, 0.073852, None),
        (0.086677, 2.884255, None),
        (-3.073026, -0.081353, None),
        (-0.127961, -1.953715, None),
    ]
    return _make(
        "himmelblau",
        "Himmelblau",
        f,
        df,
        d2f,
        seeds,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-0.3, -0.9),
        latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        note=(
            "Four minima of exactly equal depth around a central hill, separated by "
            "four saddles. Which minimum an optimizer finds depends on where it starts "
            "and on how it moves: start near the hilltop and watch different methods "
            "roll into different basins."
        ),
        log_z=True,
        noise_scale=10.0,
    )


def rastrigin(A: float = 10.0) -> Surface:
    def f(x, y):
        return 2 * A + x * x - A * np.cos(TAU * x) + y * y - A * np.cos(TAU * y)

    def df(x, y):
        return 2 * x + TAU * A * np.sin(TAU * x), 2 * y + TAU * A * np.sin(TAU * y)

    def d2f(x, y):
        return 2 + TAU * TAU * A * np.cos(TAU * x), _zeros(x), 2 + TAU * TAU * A * np.cos(TAU * y)

    ticks = [i * 0.5 for i in range(-10, 11)]
    seeds = [(a, b, None) for a, b in itertools.product(ticks, ticks)]
    return _make(
        "rastrigin",
        "Rastrigin",
        f,
        df,
        d2f,
        seeds,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        start=(2.6, 2.3),
        latex=r"f(x, y) = 2A + \sum_{u \in \{x, y\}} \left(u^2 - A\cos 2\pi u\right),\quad A = %g" % A,
        note=(
            "An egg-box on top of a bowl: about a hundred local minima on a regular "
            "grid, with the global one at the origin. Pure gradient methods stop in "
            "the first dimple they meet; noise, momentum and large early learning "
            "rates can hop over the ridges."
        ),
        log_z=False,
        noise_scale=10.0,
        params={"A": float(A)},
    )


def ackley() -> Surface:
    a, b = 20.0, 0.2

    def f(x, y):
        s = np.sqrt(0.5 * (x * x + y * y))
        return -a * np.exp(-b * s) - np.exp(0.5 * (np.cos(TAU * x) + np.cos(TAU * y))) + a + math.e

    def _cone(x, y):
        # t, dtds with d(-a e^{-bs})/dx = t x and dt/dx = dtds x (ds/dx = x / 2s);
        # zero at the tip s = 0, where the cone has no derivative
        if type(x) is float and type(y) is float:  # one point: no where(), same operations
            s = math.sqrt(0.5 * (x * x + y * y))  # math.sqrt rounds as np.sqrt does
            if not s > 0:
                return 0.0, 0.0
            e1 = np.exp(-b * s)
            return a * b * e1 / (2 * s), (a * b / 2) * e1 * (-b / s - 1 / (s * s)) / (2 * s)
        s = np.sqrt(0.5 * (x * x + y * y))
        ok = s > 0
        s_safe = np.where(ok, s, 1.0)
        e1 = np.exp(-b * s)
        t = np.where(ok, a * b * e1 / (2 * s_safe), 0.0)
        dtds = np.where(ok, (a * b / 2) * e1 * (-b / s_safe - 1 / (s_safe * s_safe)) / (2 * s_safe), 0.0)
        return t, dtds

    def _bumps(x, y):
        cx, cy = np.cos(TAU * x), np.cos(TAU * y)
        return cx, cy, np.sin(TAU * x), np.sin(TAU * y), np.exp(0.5 * (cx + cy))

    def df(x, y):
        t, _ = _cone(x, y)
        _, _, sx, sy, e2 = _bumps(x, y)
        return t * x + PI * sx * e2, t * y + PI * sy * e2

    def d2f(x, y):
        t, dtds = _cone(x, y)
        cx, cy, sx, sy, e2 = _bumps(x, y)
        hxx = t + dtds * x * x + (2 * PI * PI * cx - PI * PI * sx * sx) * e2
        hyy = t + dtds * y * y + (2 * PI * PI * cy - PI * PI * sy * sy) * e2
        hxy = dtds * x * y - PI * PI * sx * sy * e2
        return hxx, hxy, hyy

    ticks = [i * 0.5 for i in range(-8, 9)]
    seeds = [(u, v, None) for u, v in itertools.product(ticks, ticks) if (u, v) != (0.0, 0.0)]
    seeds.insert(0, (0.0, 0.0, "global_min"))
    return _make(
        "ackley",
        "Ackley",
        f,
        df,
        d2f,
        seeds,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        start=(2.3, 1.6),
        latex=(
            r"f(x, y) = -20\,e^{-0.2\sqrt{\frac{1}{2}(x^2 + y^2)}}"
            r" - e^{\frac{1}{2}(\cos 2\pi x + \cos 2\pi y)} + 20 + e"
        ),
        note=(
            "A nearly flat, bumpy plain with one deep funnel in the middle. The "
            "ripples create dozens of shallow local minima that trap small steps; the "
            "funnel's tip is a kink (the gradient there is taken as zero). Good for "
            "seeing how noise and momentum help or hurt exploration."
        ),
        log_z=False,
        noise_scale=1.0,
    )


def booth() -> Surface:
    def f(x, y):
        u, v = x + 2 * y - 7, 2 * x + y - 5
        return u * u + v * v

    def df(x, y):
        u, w = x + 2 * y - 7, 2 * x + y - 5
        return 2 * u + 4 * w, 4 * u + 2 * w

    return _make(
        "booth",
        "Booth",
        f,
        df,
        lambda x, y: (_const(x, 10), _const(x, 8), _const(x, 10)),
        [(1.0, 3.0, None)],
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        start=(-8.0, -6.0),
        latex=r"f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
        note=(
            "A tilted elliptic bowl (eigenvalues 2 and 18 of the Hessian, condition "
            "number 9). Its axes are diagonal, so per-coordinate methods like AdaGrad "
            "or Adam cannot simply rescale x and y to make it round."
        ),
        log_z=True,
        noise_scale=5.0,
    )


def six_hump_camel() -> Surface:
    def f(x, y):
        x2, y2 = x * x, y * y
        return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (-4 + 4 * y2) * y2

    def df(x, y):
        x2, y2 = x * x, y * y
        return 8 * x - 8.4 * (x2 * x) + 2 * (x2 * x2 * x) + y, x - 8 * y + 16 * (y2 * y)

    def d2f(x, y):
        x2 = x * x
        return 8 - 25.2 * x2 + 10 * (x2 * x2), _const(x, 1), -8 + 48 * (y * y)

    seeds = [
        (0.0898, -0.7126, None),
        (-0.0898, 0.7126, None),
        (-1.7036, 0.7961, None),
        (1.7036, -0.7961, None),
        (-1.6071, -0.5687, None),
        (1.6071, 0.5687, None),
        (0.0, 0.0, None),
        (-1.1092, 0.7683, None),
        (1.1092, -0.7683, None),
        (-1.2302, -0.1623, None),
        (1.2302, 0.1623, None),
        (1.2961, 0.6051, None),
        (-1.2961, -0.6051, None),
        (-1.638, 0.2287, None),
        (1.638, -0.2287, None),
    ]
    return _make(
        "six_hump_camel",
        "Six-hump camel",
        f,
        df,
        d2f,
        seeds,
        domain=((-2.2, 2.2), (-1.2, 1.2)),
        start=(-1.9, 1.1),
        latex=r"f(x, y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2",
        note=(
            "Six minima: two global ones, mirror images of each other near the centre, "
            "and four shallower ones on the flanks. A start on the flank shows which "
            "optimizers settle for the nearest dip and which carry enough speed to "
            "reach a deeper one."
        ),
        log_z=False,
        noise_scale=2.0,
    )


def plateau(width: float = 0.8) -> Surface:
    w2 = float(width) ** 2

    def f(x, y):
        return 1 - np.exp(-(x * x + y * y) / (2 * w2))

    def df(x, y):
        e = np.exp(-(x * x + y * y) / (2 * w2))
        return x * e / w2, y * e / w2

    def d2f(x, y):
        e = np.exp(-(x * x + y * y) / (2 * w2))
        return e / w2 - x * x * e / w2**2, -x * y * e / w2**2, e / w2 - y * y * e / w2**2

    return _make(
        "plateau",
        "Plateau",
        f,
        df,
        d2f,
        [(0.0, 0.0, None)],
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        start=(2.5, 2.0),
        latex=r"f(x, y) = 1 - e^{-(x^2 + y^2) / (2 w^2)},\quad w = %g" % width,
        note=(
            "A single narrow well in a vast flat plain. Far from the well the gradient "
            "is almost zero, so gradient descent barely moves: this is the vanishing-"
            "gradient problem in two dimensions. Adam and RMSProp divide by the "
            "gradient's own size, so they keep walking at roughly the learning rate."
        ),
        log_z=False,
        noise_scale=0.01,
        params={"width": float(width)},
    )


FAMILIES: dict[str, SurfaceFamily] = {
    fam.name: fam
    for fam in (
        SurfaceFamily("rosenbrock", "Rosenbrock", (
            Param("a", 1.0, -1.5, 1.5, "position of the minimum (a, a²)"),
            Param("b", 100.0, 1.0, 1000.0, "steepness of the valley walls"),
        ), rosenbrock),
        SurfaceFamily("beale", "Beale", (), beale),
        SurfaceFamily("ravine", "Ravine", (
            Param("condition", 100.0, 1.0, 10000.0, "condition number κ of the Hessian"),
        ), ravine),
        SurfaceFamily("saddle", "Saddle", (), saddle),
        SurfaceFamily("monkey_saddle", "Monkey saddle", (), monkey_saddle),
        SurfaceFamily("himmelblau", "Himmelblau", (), himmelblau),
        SurfaceFamily("rastrigin", "Rastrigin", (
            Param("A", 10.0, 1.0, 20.0, "amplitude of the ripples"),
        ), rastrigin),
        SurfaceFamily("ackley", "Ackley", (), ackley),
        SurfaceFamily("booth", "Booth", (), booth),
        SurfaceFamily("six_hump_camel", "Six-hump camel", (), six_hump_camel),
        SurfaceFamily("quadratic_bowl", "Quadratic bowl", (), quadratic_bowl),
        SurfaceFamily("plateau", "Plateau", (
            Param("width", 0.8, 0.3, 2.0, "width w of the well"),
        ), plateau),
    )
}  # fmt: skip
