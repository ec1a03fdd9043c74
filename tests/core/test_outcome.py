"""A run's outcome in words: the nearest minimum and its distance whatever the status."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import OPTIMIZERS, simulate
from playground.core import outcome as O
from playground.core.status import STATUSES
from playground.core.surfaces import FAMILIES, get_surface


def test_a_run_creeping_next_to_rosenbrocks_minimum_is_named_with_its_distance():
    """The issue's case: still moving at the last step, 1.3e-5 from (1, 1); the engine names
    the nearest minimum and its distance (status running), and the words call it "next to"."""
    s = get_surface("rosenbrock")
    tr = simulate(s, "adam", steps=3000, lr=0.02)
    assert str(tr.status) == "running" and int(tr.minimum) == 0
    o = O.of_run(s, tr)
    end = tr.positions[-1]
    assert o.status == O.NEAR_MINIMUM and o.tone == "good"
    assert o.words == "next to the global minimum (1, 1) at the last step, still creeping"
    assert o.nearest_minimum == (1.0, 1.0) and o.distance == math.hypot(end[0] - 1.0, end[1] - 1.0)
    assert o.nearest == int(tr.minimum) and o.distance == float(tr.minimum_distance)
    assert o.distance < 1e-4
    assert O.describe(s, tr) == o.words
    assert o.fields() == {"outcome": o.words, "outcome_status": "near_minimum", "outcome_step": 3000,
                          "nearest_minimum": [1.0, 1.0], "nearest_minimum_distance": o.distance}  # fmt: skip


def test_lbfgs_that_stops_by_its_own_tolerance_says_where_when_and_why():
    """The issue's case: L-BFGS on Rosenbrock as the page races it (one iteration per step, lr 1,
    torch's tolerances) reaches (1, 0.99999) at step 88 and takes no step after (every later
    point is the same float); the engine's tests (|g| <= 1e-6, within 1e-6 of (1, 1)) call it
    still running. Its outcome says it stopped, at step 88, where, and that L-BFGS's
    tolerance_change stopped it."""
    s = get_surface("rosenbrock")
    assert OPTIMIZERS["lbfgs"].on_page["max_iter"] == 1
    tr = simulate(s, "lbfgs", steps=500, lr=1.0, hyper={"max_iter": 1})
    p = tr.positions
    assert str(tr.status) == "running" and np.array_equal(p[88:], np.broadcast_to(p[88], p[88:].shape))
    assert not np.array_equal(p[87], p[88])
    assert O.rest_step(p, 500) == 88
    o = O.of_run(s, tr)
    assert (o.status, o.at, o.tone) == (O.STOPPED_NEAR, 88, "good")
    assert o.words == (
        "stopped at step 88 at (1, 0.99999), next to the global minimum (1, 1): "
        "its own tolerance, tolerance_change = 1e-09"
    )
    assert o.fields()["outcome_step"] == 88 and O.describe(s, tr) == o.words
    # its gradient there is far above tolerance_grad: the loss test stopped it, as torch's code does
    assert np.abs(s.gradient(p[88])).max() > 1e-7


def test_a_run_that_stops_away_from_a_minimum_says_why():
    s = get_surface("rosenbrock")
    zero = O.of_run(s, simulate(s, "gd", steps=50, lr=0.0))
    assert (zero.status, zero.at, zero.tone) == (O.STOPPED, 0, "warn")
    assert (
        zero.words
        == "stopped at step 0 at (-1.5, 2): its learning rate is 0; 2.69 from the global minimum (1, 1)"
    )
    tiny = simulate(
        s, "gd", steps=50, lr=1e-4, schedule="step", schedule_params={"step_size": 10, "gamma": 1e-300}
    )
    o = O.of_run(
        s, tiny
    )  # the 11th step on, lr 1e-304: too small to change a float; the point after 10 steps stays
    assert (o.status, o.at) == (O.STOPPED, 10) and o.words.startswith("stopped at step 10 at (")
    assert O.TOO_SMALL in o.words
    moving = simulate(s, "gd", steps=50, lr=0.001)
    assert O.of_run(s, moving).status == "running" and O.rest_step(moving.positions, 50) == -1


def test_rest_step_reads_the_path_exactly():
    p = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    assert O.rest_step(p, 3) == 1 and O.rest_step(p, 1) == -1
    assert O.rest_step(np.zeros((4, 2)), 3) == 0
    assert O.rest_step(np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1e-300]]), 2) == -1


BOWL = get_surface("quadratic_bowl")  # one minimum at (0, 0), domain 4 wide: near means within 4e-3


@pytest.mark.parametrize(
    "status,point,stopped_at,final_loss,start_loss,shown,words",
    [
        ("minimum", (0.0, 1e-7), 12, 1e-14, 5.0, "minimum", "reached the global minimum (0, 0) at step 12"),
        ("running", (0.003, 0.0), 200, 9e-6, 5.0, O.NEAR_MINIMUM,
         "next to the global minimum (0, 0) at the last step, still creeping"),
        ("running", (0.3, -0.4), 200, 0.25, 5.0, "running",
         "still moving at the last step; 0.5 from the global minimum (0, 0)"),
        ("left", (30.0, 40.0), 10, 2500.0, 5.0, "left", "left the region after step 9; 50 from the global minimum (0, 0)"),
        ("blew_up", (0.0, -2.0), 7, 4.0, 5.0, "blew_up",
         "blew up after step 6; 2 from the global minimum (0, 0)"),
        ("critical", (1.0, 0.0), 3, 1.0, 5.0, "critical",
         "stopped where the gradient vanishes at step 3 at (1, 0): not a minimum; 1 from the global minimum (0, 0)"),
    ],
)  # fmt: skip
def test_every_status_names_the_nearest_minimum_in_the_pages_words(
    status, point, stopped_at, final_loss, start_loss, shown, words
):
    o = O.outcome(BOWL, status, point, stopped_at, final_loss, start_loss)
    assert (o.status, o.words) == (shown, words)
    assert o.nearest == 0 and o.nearest_minimum == (0.0, 0.0) and o.distance == math.hypot(*point)
    assert o.tone == O.WORDING[shown].tone


def test_a_run_that_left_downhill_is_a_success():
    """The page's refinement: it left the region with a lower loss than it started with."""
    s = get_surface("saddle")  # no minimum: unbounded below
    o = O.outcome(s, "left", (0.0, 40.0), 30, -1600.0, 0.5)
    assert o.status == O.LEFT_DOWNHILL and o.tone == "good"
    assert o.words == "left the region going downhill after step 29"  # no minimum to name
    assert o.nearest is None and o.nearest_minimum is None and o.distance is None
    assert o.fields()["nearest_minimum"] is None and o.fields()["nearest_minimum_distance"] is None
    assert O.outcome(s, "left", (0.0, 40.0), 30, math.inf, 0.5).status == "left"


def test_a_point_that_is_not_finite_names_no_minimum():
    o = O.outcome(BOWL, "running", (math.nan, 0.0), 5, math.nan, 5.0)
    assert o.nearest is None and o.words == "still moving at the last step"


def test_an_unknown_status_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown status 'lost'"):
        O.outcome(BOWL, "lost", (0.0, 0.0), 1, 0.0, 1.0)


def test_every_outcome_has_words_a_tone_and_a_key():
    assert set(O.WORDING) == set(O.OUTCOMES) and set(STATUSES) < set(O.OUTCOMES)
    assert {w.tone for w in O.WORDING.values()} <= {"good", "warn", "bad", "neutral"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    surface=st.sampled_from(tuple(FAMILIES)),
    optimizer=st.sampled_from(tuple(OPTIMIZERS)),
    u=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    log_lr=st.floats(-4, 0),
)
def test_any_run_names_the_minimum_nearest_its_last_point(surface, optimizer, u, log_lr):
    s = get_surface(surface)
    (x0, x1), (y0, y1) = s.domain
    start = (x0 + u[0] * (x1 - x0), y0 + u[1] * (y1 - y0))
    tr = simulate(s, optimizer, start, steps=100, lr=10.0**log_lr, record_state=False)
    o = O.of_run(s, tr)
    end = tr.positions[int(tr.last_kept)]
    assert o.status in O.OUTCOMES
    if not s.minima:
        assert o.nearest is None and o.distance is None
        return
    assert o.distance == pytest.approx(float(s.nearest_minimum_distance(end)), rel=1e-12, abs=1e-300)
    assert o.nearest_minimum == s.minima[o.nearest].xy and O.minimum_name(s, o.nearest) in o.words
    if str(tr.status) == "minimum":  # the engine's own minimum and distance
        assert o.nearest == int(tr.minimum) and o.distance == pytest.approx(float(tr.minimum_distance))
    running = str(tr.status) == "running"
    near = o.distance <= O.NEAR_SHARE * (x1 - x0)
    rest = O.rest_step(tr.positions, int(tr.last_kept)) if running else -1
    assert (o.status == O.NEAR_MINIMUM) == (running and near and rest < 0)
    assert (o.status in (O.STOPPED, O.STOPPED_NEAR)) == (rest >= 0)
    if rest >= 0:  # its point is the same from that step on, and moved just before it
        p = tr.positions
        assert (p[rest:] == p[-1]).all() and (rest == 0 or (p[rest - 1] != p[rest]).any())
        assert o.at == rest and (o.status == O.STOPPED_NEAR) == near


def test_a_run_of_a_batch_reads_as_the_run_alone():
    s = get_surface("himmelblau")
    starts = np.array([[0.5, -0.5], [-4.0, 4.0], [4.9, 4.9]])
    batch = simulate(s, "adam", starts, steps=300, lr=0.1)
    for i, p in enumerate(starts):
        assert O.of_run(s, batch, i) == O.of_run(s, simulate(s, "adam", p, steps=300, lr=0.1))
