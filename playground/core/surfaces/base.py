"""The `Surface` record and the machinery shared by every analytic loss surface.

A surface is defined once, by three component functions of ``(x, y)``:
``f`` (value), ``df`` (the two partial derivatives) and ``d2f`` (the three distinct
second derivatives ``fxx, fxy, fyy``). :class:`Surface` packs them into the public
``value`` / ``gradient`` / ``hessian`` methods that broadcast over points on the last
axis ``(..., 2)`` — the same split as SciPy's ``rosen`` / ``rosen_der`` / ``rosen_hess``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..cost import ANALYTIC, GradientCost

Array = NDArray[np.float64]
Kind = Literal["global_min", "local_min", "saddle", "max"]


class FormulaError(ValueError):
    """A formula that is refused, with a one-line reason the user can act on; ``position``
    is the 0-based index in the text the reason points at (None: the whole formula)."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes."""

    x: float
    y: float
    value: float
    kind: Kind

    @property
    def xy(self) -> tuple[float, float]:
        return (self.x, self.y)


@dataclass(frozen=True)
class Param:
    """A surface parameter with its default and the closed range it may take."""

    name: str
    default: float
    low: float
    high: float
    description: str


@dataclass(frozen=True, eq=False)  # identity hash: instances are built once per parameter set
class Surface:
    """An analytic 2-D loss surface with exact derivatives.

    ``value``, ``gradient`` and ``hessian`` take points ``(..., 2)`` and return shapes
    ``(...)``, ``(..., 2)`` and ``(..., 2, 2)``.
    """

    name: str
    title: str
    f: Callable[[Array, Array], Array] = field(repr=False)
    df: Callable[[Array, Array], tuple[Array, Array]] = field(repr=False)
    d2f: Callable[[Array, Array], tuple[Array, Array, Array]] = field(repr=False)
    domain: tuple[tuple[float, float], tuple[float, float]]
    critical_points: tuple[CriticalPoint, ...]
    start: tuple[float, float]
    latex: str
    note: str
    log_z: bool
    noise_scale: float
    params: Mapping[str, float] = field(default_factory=dict)
    # data-backed surfaces (data.py): the loss is a mean over n_samples samples, and
    # batch(indices) gives (f, df) of the mean over those samples only
    batch: Callable[[NDArray[np.intp]], tuple[Callable, Callable]] | None = field(default=None, repr=False)
    n_samples: int = 0
    # what one gradient costs in the budgets' units (core/cost.py): the catalog's analytic
    # surfaces cost 1; a mean over samples or a long formula costs more
    cost: GradientCost = ANALYTIC

    # -- evaluation ------------------------------------------------------------------
    def value(self, points: ArrayLike) -> Array:
        p = np.asarray(points, dtype=np.float64)
        return np.asarray(self.f(p[..., 0], p[..., 1]), dtype=np.float64)

    def gradient(self, points: ArrayLike) -> Array:
        return pack_gradient(self.df, points)

    def hessian(self, points: ArrayLike) -> Array:
        p = np.asarray(points, dtype=np.float64)
        hxx, hxy, hyy = self.d2f(p[..., 0], p[..., 1])
        out = np.empty((*p.shape, 2), dtype=np.float64)
        out[..., 0, 0] = hxx
        out[..., 0, 1] = hxy
        out[..., 1, 0] = hxy
        out[..., 1, 1] = hyy
        return out

    # -- facts -----------------------------------------------------------------------
    @property
    def minima(self) -> tuple[CriticalPoint, ...]:
        return tuple(c for c in self.critical_points if c.kind in ("global_min", "local_min"))

    @property
    def global_minima(self) -> tuple[CriticalPoint, ...]:
        return tuple(c for c in self.critical_points if c.kind == "global_min")

    @property
    def saddles(self) -> tuple[CriticalPoint, ...]:
        return tuple(c for c in self.critical_points if c.kind == "saddle")

    @property
    def fglob(self) -> float | None:
        """Value at the global minimum, or ``None`` when the surface is unbounded below."""
        g = self.global_minima
        return g[0].value if g else None

    def nearest_minimum_distance(self, points: ArrayLike) -> Array:
        """Distance from each point to the closest known minimum (``inf`` if none)."""
        p = np.asarray(points, dtype=np.float64)
        mins = self.minima
        if not mins:
            return np.full(p.shape[:-1], np.inf)
        m = np.array([c.xy for c in mins])
        d = p[..., None, :] - m
        return np.sqrt(np.min(np.einsum("...ij,...ij->...i", d, d), axis=-1))


def pack_gradient(df: Callable[[Array, Array], tuple[Array, Array]], points: ArrayLike) -> Array:
    """The components ``df(x, y)`` at points ``(..., 2)`` packed as ``(..., 2)``."""
    p = (
        points
        if type(points) is np.ndarray and points.dtype == np.float64
        else np.asarray(points, np.float64)
    )
    gx, gy = df(p[..., 0], p[..., 1])
    out = np.empty(p.shape, dtype=np.float64)
    out[..., 0] = gx
    out[..., 1] = gy
    return out


# -- critical points: refined by Newton's method on the exact derivatives ---------------
def solve2(hxx: Array, hxy: Array, hyy: Array, gx: Array, gy: Array) -> tuple[Array, Array]:
    """Solve ``H s = g`` for symmetric 2x2 ``H``; rows with a singular ``H`` give ``s = 0``."""
    det = hxx * hyy - hxy * hxy
    scale = np.maximum(np.abs(hxx) + np.abs(hyy) + np.abs(hxy), 1e-300)
    ok = np.abs(det) > 1e-14 * scale * scale
    safe = np.where(ok, det, 1.0)
    sx = np.where(ok, (hyy * gx - hxy * gy) / safe, 0.0)
    sy = np.where(ok, (hxx * gy - hxy * gx) / safe, 0.0)
    return sx, sy


def refine_critical_points(
    surface_fns: tuple[Callable, Callable, Callable],
    seeds: list[tuple[float, float, Kind | None]],
) -> tuple[CriticalPoint, ...]:
    """Polish approximate critical points with Newton steps and classify them.

    A seed may carry its kind (needed where the Hessian is singular, e.g. the monkey
    saddle); otherwise the signs of the Hessian's eigenvalues decide it. The lowest
    minima (to 1e-9) become ``global_min``.
    """
    f, df, d2f = surface_fns
    if not seeds:
        return ()
    p = np.array([s[:2] for s in seeds], dtype=np.float64)
    with np.errstate(all="ignore"):
        for _ in range(60):
            gx, gy = df(p[:, 0], p[:, 1])
            hxx, hxy, hyy = (np.broadcast_to(h, p[:, 0].shape) for h in d2f(p[:, 0], p[:, 1]))
            sx, sy = solve2(hxx, hxy, hyy, gx, gy)
            p = p - np.stack([sx, sy], axis=-1)
    values = np.broadcast_to(f(p[:, 0], p[:, 1]), p[:, 0].shape)
    hxx, hxy, hyy = (np.broadcast_to(h, p[:, 0].shape) for h in d2f(p[:, 0], p[:, 1]))
    mean, rad = (hxx + hyy) / 2, np.hypot((hxx - hyy) / 2, hxy)
    lo, hi = mean - rad, mean + rad
    kinds: list[str] = []
    for i, seed in enumerate(seeds):
        if seed[2] is not None:
            kinds.append(seed[2])
        elif lo[i] > 0:
            kinds.append("local_min")
        elif hi[i] < 0:
            kinds.append("max")
        else:
            kinds.append("saddle")
    min_values = [values[i] for i, k in enumerate(kinds) if k in ("local_min", "global_min")]
    best = min(min_values) if min_values else None
    points: list[CriticalPoint] = []
    seen: list[tuple[float, float]] = []
    for i, k in enumerate(kinds):
        x, y = float(p[i, 0]), float(p[i, 1])
        if any(abs(x - a) < 1e-7 and abs(y - b) < 1e-7 for a, b in seen):
            continue  # two seeds fell into the same point
        seen.append((x, y))
        if k in ("local_min", "global_min") and best is not None:
            k = "global_min" if values[i] <= best + 1e-9 * max(1.0, abs(best)) else "local_min"
        points.append(CriticalPoint(x, y, float(values[i]), k))  # type: ignore[arg-type]
    order = {"global_min": 0, "local_min": 1, "saddle": 2, "max": 3}
    return tuple(sorted(points, key=lambda c: (order[c.kind], c.value, c.x, c.y)))


@dataclass(frozen=True)
class SurfaceFamily:
    """A named surface and its parameters; ``build(**params)`` makes the `Surface`."""

    name: str
    title: str
    params: tuple[Param, ...]
    build: Callable[..., Surface] = field(repr=False)

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}
