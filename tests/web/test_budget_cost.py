"""The page's work budget counts what one gradient of the surface costs (core/cost.py)."""

import pytest

from playground.core.cost import step_units
from playground.core.surfaces import get_surface
from playground.web.state import validate
from playground.web.views import maps


def _largest(surface: str, **extra) -> dict:
    return {"surface": surface, "racers": [{"optimizer": "adam"}] * 12, "steps": 5000, **extra}


@pytest.mark.parametrize("surface", ["linreg", "logreg", "iris", "custom"])
def test_the_steps_shrink_with_the_surface_gradient(surface):
    cfg, msgs = validate.config(_largest(surface))
    per_racer = step_units(1, get_surface(surface).cost.run)
    assert per_racer > 1
    assert cfg.steps == validate.WORK_BUDGET // (12 * per_racer) < 5000
    assert validate.work_per_step(cfg) * cfg.steps <= validate.WORK_BUDGET
    notes = " ".join(msgs.for_control("input-steps"))
    assert f"ran {cfg.steps} steps" in notes and f"a gradient of {get_surface(surface).title} counts" in notes


def test_an_analytic_surface_keeps_the_whole_budget():
    cfg, msgs = validate.config(_largest("ackley"))
    assert cfg.steps == 5000 and not msgs.for_control("input-steps")


def test_a_longer_formula_gets_fewer_steps():
    short, _ = validate.config(_largest("custom", formula="x^2 + y^2"))
    long, _ = validate.config(
        _largest("custom", formula="sin(3*x)*cos(3*y) + exp(-(x-1)^2 - (y+1)^2)*tanh(x*y)")
    )
    assert long.steps < short.steps < 5000


def test_the_plateau_schedule_pays_the_surface_gradient_too():
    cfg, _ = validate.config(_largest("iris", schedule="plateau"))
    assert cfg.steps == validate.WORK_BUDGET // (12 * step_units(2, get_surface("iris").cost.run))


def test_a_map_on_data_takes_fewer_steps_than_on_an_analytic_surface():
    from playground.web import urlstate

    def plan(surface):
        cfg, _ = validate.config({"surface": surface, "racers": [{"optimizer": "adam"}], "steps": 5000})
        return maps.plan("basin", urlstate.to_query(cfg), 0, 120)

    analytic, data = plan("rosenbrock"), plan("iris")
    cells = get_surface("iris").cost.cell
    assert data.steps == max(10, maps.MAP_WORK // (120 * 120 * step_units(1, cells))) < analytic.steps
    # a request's rows (a chunk) stay within its share, counted in the same units
    assert data.chunk * 120 * data.steps * step_units(1, cells) <= maps.CHUNK_WORK
