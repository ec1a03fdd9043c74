"""Any surface with its coordinates rotated by an angle φ: g(p) = f(Rᵀ p).

The gradient is R ∇f(Rᵀ p) and the Hessian R H(Rᵀ p) Rᵀ, so derivatives stay exact; the
critical points and the start are rotated with the surface, and the domain becomes the
box around the rotated domain. Rotation-invariant methods (gradient descent, momentum,
Newton) take the rotated path of the unrotated run; per-coordinate ones (AdaGrad, RMSProp,
Adam, sign methods) do not, because their scaling is tied to the axes.
"""

from __future__ import annotations

import dataclasses
import math

from .base import CriticalPoint, Param, Surface

ROTATION = Param("rotation", 0.0, -180.0, 180.0, "rotation φ of the coordinates, in degrees")


def _turn(c: float, s: float, x, y):
    return c * x - s * y, s * x + c * y


def rotate(surface: Surface, degrees: float) -> Surface:
    """``surface`` rotated by ``degrees`` counter-clockwise about the origin."""
    phi = math.radians(degrees)
    c, s = math.cos(phi), math.sin(phi)
    f0, df0, d2f0 = surface.f, surface.df, surface.d2f

    def back(x, y):  # Rᵀ p: where the unrotated surface is evaluated
        return c * x + s * y, -s * x + c * y

    def f(x, y):
        return f0(*back(x, y))

    def df(x, y):
        return _turn(c, s, *df0(*back(x, y)))

    def d2f(x, y):
        a, b, d = d2f0(*back(x, y))  # R [[a, b], [b, d]] Rᵀ
        hxx = c * c * a - 2 * c * s * b + s * s * d
        hxy = c * s * (a - d) + (c * c - s * s) * b
        hyy = s * s * a + 2 * c * s * b + c * c * d
        return hxx, hxy, hyy

    batch0 = surface.batch

    def batch(idx):  # a mini-batch's loss and gradient turn like the full ones
        fb, dfb = batch0(idx)  # type: ignore[misc]
        return (lambda x, y: fb(*back(x, y))), (lambda x, y: _turn(c, s, *dfb(*back(x, y))))

    (x0, x1), (y0, y1) = surface.domain
    corners = [_turn(c, s, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    points = tuple(CriticalPoint(*_turn(c, s, p.x, p.y), p.value, p.kind) for p in surface.critical_points)
    return dataclasses.replace(
        surface,
        f=f,
        df=df,
        d2f=d2f,
        batch=batch if batch0 is not None else None,
        domain=((min(xs), max(xs)), (min(ys), max(ys))),
        critical_points=points,
        start=_turn(c, s, *surface.start),
        latex=surface.latex + r",\quad \text{rotated by } \varphi = %g^\circ" % degrees,
        params={**surface.params, ROTATION.name: float(degrees)},
    )
