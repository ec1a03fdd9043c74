"""Rotation of any surface: exact derivatives, rotated minima, and which optimizers notice."""

import math

import numpy as np
import pytest

from playground import simulate
from playground.core.surfaces import FAMILIES, get_surface

ANGLES = [30.0, 45.0, -120.0]


def turn(p, degrees):
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    p = np.asarray(p, dtype=float)
    return np.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1]], axis=-1)


@pytest.mark.parametrize("name", [n for n in FAMILIES if n != "rastrigin"])
@pytest.mark.parametrize("degrees", ANGLES)
def test_rotated_surface_is_the_surface_at_the_unrotated_point(name, degrees):
    base, rot = get_surface(name), get_surface(name, rotation=degrees)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = base.domain
    q = np.column_stack([rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)])
    p = turn(q, degrees)
    np.testing.assert_allclose(rot.value(p), base.value(q), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(rot.gradient(p), turn(base.gradient(q), degrees), rtol=1e-9, atol=1e-9)
    # the minima are the rotated minima, with zero gradient there
    assert len(rot.minima) == len(base.minima)
    for got, want in zip(rot.minima, base.minima):
        np.testing.assert_allclose(got.xy, turn(want.xy, degrees), atol=1e-12)
    for c in rot.critical_points:
        g = rot.gradient(c.xy)
        assert np.abs(g).max() < 1e-8 * max(1.0, np.abs(rot.hessian(c.xy)).max())
        (a, b), (d, e) = rot.domain
        assert a <= c.x <= b and d <= c.y <= e


@pytest.mark.parametrize("degrees", ANGLES)
def test_rotated_hessian_matches_finite_differences(degrees):
    s = get_surface("rosenbrock", rotation=degrees)
    p, h = np.array([0.3, -0.7]), 1e-6
    fd = np.stack([(s.gradient(p + e) - s.gradient(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)
    H = s.hessian(p)
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-5 * np.abs(H).max())


RACE = dict(steps=300)
INVARIANT = [("gd", 0.015), ("momentum", 0.01), ("newton", 0.5)]
PER_COORDINATE = [("adam", 0.1), ("rmsprop", 0.02), ("adagrad", 0.5), ("rprop", 0.01), ("lion", 0.01)]


@pytest.mark.parametrize(("opt", "lr"), INVARIANT)
def test_gd_momentum_and_newton_take_the_rotated_path(opt, lr):
    base, rot = get_surface("ravine"), get_surface("ravine", rotation=45)
    a = simulate(base, opt, base.start, lr=lr, **RACE)
    b = simulate(rot, opt, rot.start, lr=lr, **RACE)
    np.testing.assert_allclose(b.positions, turn(a.positions, 45), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.loss, a.loss, rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize(("opt", "lr"), PER_COORDINATE)
def test_per_coordinate_methods_lose_their_advantage_on_the_rotated_ravine(opt, lr):
    """From the drawn data: on the axis-aligned ravine the per-coordinate method ends far
    lower than gradient descent; rotated by 45° that advantage (in orders of magnitude of the
    final loss) shrinks, while gradient descent's own loss does not change."""

    def final(name, lr_, degrees):
        s = get_surface("ravine", rotation=degrees)
        return float(simulate(s, name, s.start, lr=lr_, **RACE).loss[-1])

    gd = final("gd", 0.015, 0.0)
    assert final("gd", 0.015, 45.0) == pytest.approx(gd, rel=1e-8)
    aligned, rotated = final(opt, lr, 0.0), final(opt, lr, 45.0)
    advantage = math.log10(gd / max(aligned, 1e-300))
    advantage_rotated = math.log10(gd / max(rotated, 1e-300))
    assert advantage_rotated < advantage - 0.5, (aligned, rotated, gd)
