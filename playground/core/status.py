"""The rules that decide what a run did: when it stops, and the status it ends with.

One module for every loop (a single run, a NumPy batch, the cells, the compiled loop): the
compiled loop restates these rules in numba's subset and `tests/batch` holds it equal.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .optimizers.blocks import eig2
from .surfaces import Surface

FAR = 10.0  # a run has left the region beyond this many domain widths from the domain's centre
# What a run did, decided from its whole path (engine, table, markers, exports and CLI use
# these words): it reached a minimum; its gradient vanished where the Hessian has a
# negative eigenvalue (saddle) or is degenerate or negative definite (critical point); it
# left the region; a value stopped being finite (blew up); or it was still moving when
# the steps ran out (running).
STATUSES = ("minimum", "saddle", "critical", "left", "blew_up", "running")
STOPPED_BEFORE = ("left", "blew_up")  # stopped_at is the bad step; the path ends just before it
# an eigenvalue this close to 0 (absolute, plus relative to the largest) counts as 0
EIG_TOL = 1e-8


def far_box(surface: Surface) -> tuple[float, float, float, float]:
    """``(cx, cy, rx, ry)``: a run has left the region when ``|x - cx| > rx`` or ``|y - cy| > ry``."""
    (x0, x1), (y0, y1) = surface.domain
    return (x0 + x1) / 2, (y0 + y1) / 2, FAR * (x1 - x0), FAR * (y1 - y0)


def inside_far(surface: Surface, p: np.ndarray) -> np.ndarray:
    cx, cy, rx, ry = far_box(surface)
    with np.errstate(invalid="ignore"):
        return (np.abs(p[..., 0] - cx) <= rx) & (np.abs(p[..., 1] - cy) <= ry)


def grad_norm(g: np.ndarray) -> np.ndarray:
    gx, gy = g[..., 0], g[..., 1]
    return np.sqrt(gx * gx + gy * gy)


def is_converged(surface: Surface, gnorm: np.ndarray, p: np.ndarray, gtol: float, xtol: float):
    out = gnorm <= gtol
    for c in surface.global_minima:  # local minima are caught by the gradient test
        with np.errstate(invalid="ignore"):
            dx, dy = p[..., 0] - c.x, p[..., 1] - c.y
            out |= dx * dx + dy * dy <= xtol * xtol
    return out


def all_stopped(surf: Surface, p: np.ndarray, gtol: float, xtol: float) -> bool:
    g = surf.gradient(p)
    gn = grad_norm(g)
    bad = ~(np.isfinite(p).all(-1) & np.isfinite(gn) & inside_far(surf, p))
    return bool((bad | is_converged(surf, gn, p, gtol, xtol)).all())


def critical_kind(surf: Surface, p: np.ndarray, xtol: float) -> np.ndarray:
    """Where the gradient vanished: ``minimum`` where the Hessian is positive definite (or
    within ``xtol`` of a global minimum), ``saddle`` where it has eigenvalues of both signs,
    ``critical`` otherwise (degenerate, as on a flat plateau, or a maximum)."""
    with np.errstate(all="ignore"):
        h = surf.hessian(p)
        l1, l2, _, _ = eig2(h[..., 0, 0], h[..., 0, 1], h[..., 1, 1])  # l1 >= l2
    tol = EIG_TOL * (1 + np.abs(l1))
    kind = np.where(l2 > tol, "minimum", np.where((l2 < -tol) & (l1 > tol), "saddle", "critical"))
    for c in surf.global_minima:
        dx, dy = p[..., 0] - c.x, p[..., 1] - c.y
        kind = np.where(dx * dx + dy * dy <= xtol * xtol, "minimum", kind)
    return kind


def nearest_minimum(surf: Surface, p: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Index (into ``surf.minima``) and distance of the minimum nearest each point ``p[..., :]``,
    whatever the run's status: every run's output names it. -1 and NaN on a surface without
    minima and for a point that is not finite."""
    p = np.asarray(p, dtype=np.float64)
    minima = surf.minima  # a property that filters the critical points: read it once
    if not minima:
        return np.full(p.shape[:-1], -1), np.full(p.shape[:-1], np.nan)
    best, index = np.full(p.shape[:-1], np.inf), np.zeros(p.shape[:-1], dtype=np.intp)
    with np.errstate(invalid="ignore", over="ignore"):
        for k, c in enumerate(minima):  # one minimum at a time: no (runs x minima) array
            dx, dy = p[..., 0] - c.x, p[..., 1] - c.y
            d2 = dx * dx + dy * dy
            closer = d2 < best  # the first of equally near minima, as argmin
            best, index = np.where(closer, d2, best), np.where(closer, k, index)
        dist = np.sqrt(best)
    known = np.isfinite(p).all(-1) & np.isfinite(dist)
    return np.where(known, index, -1), np.where(known, dist, np.nan)
