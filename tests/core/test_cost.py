"""What one gradient of a surface costs (core/cost.py), declared by the surfaces themselves."""

import pytest

from playground.core import cost
from playground.core.surfaces import catalog, get_surface


@pytest.mark.parametrize("name", list(catalog.FAMILIES))
def test_an_analytic_gradient_is_the_unit(name):
    assert get_surface(name).cost == cost.ANALYTIC == cost.GradientCost(1.0, 1.0)


def test_a_mean_over_samples_costs_more_the_more_samples():
    logreg, iris = get_surface("logreg"), get_surface("iris")  # the same log loss, 24 and 100 samples
    assert (logreg.n_samples, iris.n_samples) == (24, 100)
    assert 1 < logreg.cost.run < iris.cost.run and 1 < logreg.cost.cell < iris.cost.cell
    assert iris.cost == cost.of_samples(100, "logistic")
    # the log loss pays exp and log per sample: dearer than the squared error over as many samples
    assert get_surface("linreg").cost.cell < logreg.cost.cell
    assert cost.of_samples(400, "squared").cell == 4 * cost.of_samples(100, "squared").cell


def test_a_formula_costs_more_the_longer_its_gradient():
    short = get_surface("custom", formula="x^2 + y^2")
    long = get_surface(
        "custom", formula="sin(3*x)*cos(3*y) + exp(-(x-1)^2 - (y+1)^2)*tanh(x*y) + log(1 + x^2*y^2)"
    )
    assert 1 < short.cost.run < long.cost.run and short.cost.cell <= long.cost.cell
    assert long.cost.cell > 1


def test_a_rotated_surface_keeps_its_cost():
    assert get_surface("iris", rotation=30).cost == get_surface("iris").cost


@pytest.mark.parametrize(
    "units,gradient,expected", [(1, 1.0, 1), (3, 1.0, 3), (1, 2.8, 3), (2, 1.5, 3), (7, 2.0, 14)]
)
def test_a_step_pays_a_gradient_per_unit_in_whole_units(units, gradient, expected):
    assert cost.step_units(units, gradient) == expected
