"""Rprop against torch.optim.Rprop in float64, and its batches against single runs."""

import numpy as np
import pytest

from playground import OPTIMIZERS, simulate
from tests.support.cases import torch_class_path

STEPS = 300
SURFACES = [("rosenbrock", (-1.2, 1.0)), ("beale", (1.0, 1.2))]
SETTINGS = [
    {"lr": 1e-2},
    {"lr": 0.1, "etaminus": 0.3, "etaplus": 1.5, "step_size_min": 1e-3, "step_size_max": 0.5},
]


@pytest.mark.parametrize("setting", SETTINGS, ids=["defaults", "custom"])
@pytest.mark.parametrize("surface,start", SURFACES, ids=[s for s, _ in SURFACES])
def test_matches_torch_rprop_in_float64(surface, start, setting):
    hp = OPTIMIZERS["rprop"].resolve(None, setting)
    # gtol = xtol = 0: the run never counts as converged, so every step is compared
    tr = simulate(surface, "rprop", start, steps=STEPS, hyper=hp, gtol=0.0, xtol=0.0)
    assert tr.status == "running"
    ref = torch_class_path("rprop", surface, start, hp, STEPS)
    np.testing.assert_allclose(tr.positions, ref, rtol=1e-10, atol=1e-14)
    assert np.abs(tr.positions[-1] - tr.positions[0]).max() > 0.1  # it went somewhere


def test_step_sizes_grow_while_the_sign_holds_and_halve_when_it_flips():
    # f = x^2 + y^2 from (1, 1): the gradient keeps its sign for a while, then overshoots
    tr = simulate("quadratic_bowl", "rprop", (1.0, 1.0), steps=12, lr=0.1, gtol=0.0, xtol=0.0)
    x = tr.positions[:, 0]
    steps = -np.diff(x)
    np.testing.assert_allclose(steps[:3], [0.1, 0.12, 0.144], rtol=1e-14)
    flip = int(np.argmax(x[1:] < 0))  # the first step that crossed zero
    assert steps[flip + 1] == 0.0  # the step after a sign change is skipped
    assert tr.state["step_size"][flip + 1, 0] == pytest.approx(tr.state["step_size"][flip, 0] * 0.5)


def test_a_schedule_does_not_change_the_step_sizes():
    plain = simulate("rosenbrock", "rprop", (-1.2, 1.0), steps=100, lr=0.01)
    sched = simulate("rosenbrock", "rprop", (-1.2, 1.0), steps=100, lr=0.01, schedule="cosine")
    np.testing.assert_array_equal(plain.positions, sched.positions)


def test_etas_are_validated_like_torch():
    from playground import ConfigError

    for bad in ({"etaminus": 1.0}, {"etaminus": 0.0}, {"etaplus": 1.0}):
        with pytest.raises(ConfigError, match="rprop: eta"):
            OPTIMIZERS["rprop"].resolve(None, bad)
