"""The engine's outcome statuses say what happened: property tests over every surface and
every optimizer of the registries (no names by hand)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import OPTIMIZERS, simulate
from playground.core.optimizers.blocks import eig2
from playground.core.run import resolve_run
from playground.core.status import EIG_TOL
from playground.core.surfaces import FAMILIES, get_surface

SURFACES = tuple(FAMILIES)
XTOL = 1e-6


def _eigen(surface, p) -> tuple[float, float]:
    """The Hessian's eigenvalues at ``p``, largest first, and the tolerance that counts as 0."""
    h = surface.hessian(np.asarray(p, dtype=float))
    l1, l2, _, _ = eig2(h[0, 0], h[0, 1], h[1, 1])
    return float(l1), float(l2)


def _near_global_minimum(surface, p) -> bool:
    return any(np.hypot(p[0] - c.x, p[1] - c.y) <= XTOL for c in surface.global_minima)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    surface=st.sampled_from(SURFACES),
    optimizer=st.sampled_from(tuple(OPTIMIZERS)),
    u=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    log_lr=st.floats(-4, 0),
)
def test_a_stopped_run_is_called_a_minimum_only_where_the_hessian_has_no_negative_eigenvalue(
    surface, optimizer, u, log_lr
):
    s = get_surface(surface)
    (x0, x1), (y0, y1) = s.domain
    start = (x0 + u[0] * (x1 - x0), y0 + u[1] * (y1 - y0))
    t = simulate(s, optimizer, start, steps=150, lr=10.0**log_lr, record_state=False, xtol=XTOL)
    end = t.positions[int(t.stopped_at)]
    status = str(t.status)
    if status in ("minimum", "saddle", "critical"):
        l1, l2 = _eigen(s, end)
        tol = EIG_TOL * (1 + abs(l1))
        if status == "minimum":
            assert l2 > tol or _near_global_minimum(s, end), (l1, l2, end)
            assert int(t.minimum) >= 0
        elif status == "saddle":
            assert l2 < -tol < tol < l1, (l1, l2, end)
        else:
            assert not (l2 > tol) and not (l2 < -tol < tol < l1), (l1, l2, end)
    # whatever the status, the output names the nearest minimum and its distance
    if s.minima:
        d = [float(np.hypot(*(end - c.xy))) for c in s.minima]
        # (ties between minima at the same distance may go either way)
        assert d[int(t.minimum)] == pytest.approx(min(d)) == float(t.minimum_distance)
    else:
        assert int(t.minimum) == -1 and np.isnan(t.minimum_distance)


def _first_saddle(surface: str) -> int | None:
    kinds = [c.kind for c in get_surface(surface).critical_points]
    return kinds.index("saddle") if "saddle" in kinds else None


# every surface with a saddle (its first one: egg boxes have hundreds) x every optimizer
CASES = [(s, _first_saddle(s), name) for s in SURFACES if _first_saddle(s) is not None for name in OPTIMIZERS]


@pytest.mark.parametrize(
    ("surface", "index", "optimizer"), CASES, ids=[f"{s}-saddle{i}-{o}" for s, i, o in CASES]
)
def test_a_run_started_on_a_saddle_is_never_reported_as_a_minimum(surface, index, optimizer):
    s = get_surface(surface)
    c = s.critical_points[index]
    run = resolve_run(s, optimizer, c.xy, 50, None, None)
    t = simulate(s, optimizer, c.xy, steps=50, record_state=False)
    if run.noise > 0:  # a noisy gradient kicks it off the saddle: wherever it ends, the status is true
        assert str(t.status) != "minimum" or _eigen(s, t.positions[int(t.stopped_at)])[1] > 0
        return
    l1, l2 = _eigen(s, c.xy)
    assert str(t.status) == ("saddle" if l2 < 0 < l1 else "critical"), (str(t.status), l1, l2)
