"""Surfaces: exact derivatives against finite differences, and the listed critical points."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.surfaces import FAMILIES, SurfaceError, get_surface, resolve_surface_params

NAMES = list(FAMILIES)


def _point_in(surface, u, v):
    (x0, x1), (y0, y1) = surface.domain
    return np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])


unit = st.floats(0.02, 0.98)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None)
@given(u=unit, v=unit)
def test_gradient_matches_central_differences(name, u, v):
    s = get_surface(name)
    p = _point_in(s, u, v)
    if name == "ackley" and np.hypot(*p) < 1e-2:
        return  # the cone's tip is a kink
    h = 1e-6
    fd = np.array([(s.value(p + e) - s.value(p - e)) / (2 * h) for e in np.eye(2) * h])
    g = s.gradient(p)
    scale = max(1.0, np.abs(g).max(), abs(float(s.value(p))))
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=2e-6 * scale)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None)
@given(u=unit, v=unit)
def test_hessian_matches_differences_of_gradient_and_is_symmetric(name, u, v):
    s = get_surface(name)
    p = _point_in(s, u, v)
    if name == "ackley" and np.hypot(*p) < 1e-2:
        return
    h = 1e-6
    H = s.hessian(p)
    fd = np.stack([(s.gradient(p + e) - s.gradient(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)
    np.testing.assert_array_equal(H, H.T)
    scale = max(1.0, np.abs(H).max())
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("name", NAMES)
def test_evaluation_broadcasts_over_leading_axes(name):
    s = get_surface(name)
    pts = np.stack([_point_in(s, u, v) for u, v in [(0.1, 0.2), (0.3, 0.7), (0.9, 0.4)]])
    grid = np.stack([pts, pts[::-1]])  # (2, 3, 2)
    assert s.value(grid).shape == (2, 3)
    assert s.gradient(grid).shape == (2, 3, 2)
    assert s.hessian(grid).shape == (2, 3, 2, 2)
    for i in range(3):
        assert s.value(grid)[0, i] == s.value(pts[i])
        np.testing.assert_array_equal(s.gradient(grid)[1, i], s.gradient(pts[2 - i]))
        np.testing.assert_array_equal(s.hessian(grid)[0, i], s.hessian(pts[i]))


@pytest.mark.parametrize("name", NAMES)
def test_critical_points_have_zero_gradient_and_listed_values(name):
    s = get_surface(name)
    assert s.critical_points, "every surface lists its stationary points"
    for c in s.critical_points:
        g = s.gradient(c.xy)
        assert np.abs(g).max() < 1e-9 * max(1.0, np.abs(s.hessian(c.xy)).max())
        assert float(s.value(c.xy)) == pytest.approx(c.value, abs=1e-12)
        (x0, x1), (y0, y1) = s.domain
        assert x0 <= c.x <= x1 and y0 <= c.y <= y1


@pytest.mark.parametrize("name", NAMES)
def test_minima_and_saddles_are_classified_by_the_hessian(name):
    s = get_surface(name)
    for c in s.critical_points:
        lam = np.linalg.eigvalsh(s.hessian(c.xy))
        if c.kind in ("global_min", "local_min"):
            if name == "ackley" and c.xy == (0.0, 0.0):
                continue  # kink: checked by the values around it below
            assert lam.min() > 0
        elif c.kind == "saddle":
            if abs(lam).min() > 1e-12:
                assert lam.min() < 0 < lam.max()
            else:  # degenerate (monkey saddle): f goes above and below nearby
                ring = np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, 24)])
                vals = s.value(np.array(c.xy) + 1e-3 * ring) - c.value
                assert vals.min() < 0 < vals.max()
    if s.global_minima:
        lowest = min(c.value for c in s.minima)
        assert all(c.value == pytest.approx(lowest, abs=1e-9) for c in s.global_minima)
        # no point of a fine grid lies below the global minimum
        (x0, x1), (y0, y1) = s.domain
        xs, ys = np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 301))
        assert s.value(np.stack([xs, ys], -1)).min() >= s.fglob - 1e-9


def test_known_values_from_the_literature():
    assert get_surface("rosenbrock").global_minima[0].xy == (1.0, 1.0)
    assert get_surface("rosenbrock", a=0.5).global_minima[0].xy == (0.5, 0.25)
    assert get_surface("beale").global_minima[0].xy == pytest.approx((3.0, 0.5))
    assert len(get_surface("himmelblau").global_minima) == 4
    assert get_surface("six_hump_camel").fglob == pytest.approx(-1.0316284534898774, abs=1e-12)
    assert get_surface("booth").global_minima[0].xy == pytest.approx((1.0, 3.0))
    assert get_surface("saddle").fglob is None and get_surface("monkey_saddle").fglob is None
    ravine = get_surface("ravine", condition=400)
    lam = np.linalg.eigvalsh(ravine.hessian([0.3, -0.2]))
    assert lam.max() / lam.min() == pytest.approx(400)
    assert float(get_surface("rosenbrock").value([0.0, 0.0])) == 1.0
    assert float(get_surface("beale").value([0.0, 0.0])) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)


@pytest.mark.parametrize("name", NAMES)
def test_every_surface_describes_itself(name):
    s = get_surface(name)
    (x0, x1), (y0, y1) = s.domain
    assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1
    assert s.latex.startswith("f(x, y)") and len(s.note) > 80
    assert s.noise_scale > 0


def test_parameters_are_validated():
    assert resolve_surface_params("ravine", {"condition": "250"}) == {"condition": 250.0, "rotation": 0.0}
    for bad in [{"condition": 0}, {"condition": "nan"}, {"condition": "abc"}, {"kappa": 3}]:
        with pytest.raises(SurfaceError, match="ravine"):
            resolve_surface_params("ravine", bad)
    with pytest.raises(SurfaceError, match="choose one of"):
        get_surface("nope")
