"""Adafactor against torch.optim.Adafactor in float64 (the point as a vector of shape (2,))."""

import numpy as np
import pytest
import torch

from playground import OPTIMIZERS, simulate
from playground.core.surfaces import get_surface
from tests.support.cases import torch_class_path

STEPS = 300
SURFACES = [("rosenbrock", (-1.2, 1.0)), ("beale", (1.0, 1.2))]
SETTINGS = [
    {"lr": 0.05},
    {"lr": 0.1, "beta2_decay": -0.6, "d": 1.2, "weight_decay": 0.005},
    {"lr": 0.02, "eps1": 1e-3, "d": 1.0, "beta2_decay": 0.0},  # eps1 floors v; v = g^2 every step
]


@pytest.mark.parametrize("setting", SETTINGS, ids=["defaults", "custom", "eps1"])
@pytest.mark.parametrize("surface,start", SURFACES, ids=[s for s, _ in SURFACES])
def test_matches_torch_adafactor_in_float64(surface, start, setting):
    hp = OPTIMIZERS["adafactor"].resolve(None, setting)
    # gtol = xtol = 0: the run never counts as converged, so every step is compared
    tr = simulate(surface, "adafactor", start, steps=STEPS, hyper=hp, gtol=0.0, xtol=0.0)
    assert tr.status == "running"
    ref = torch_class_path("adafactor", surface, start, hp, STEPS)
    np.testing.assert_allclose(tr.positions, ref, rtol=1e-10, atol=1e-14)
    assert np.abs(tr.positions[-1] - tr.positions[0]).max() > 0.1  # it went somewhere


def test_the_default_eps1_is_torchs_none_for_float64():
    hp = OPTIMIZERS["adafactor"].resolve()
    assert hp["eps1"] == torch.finfo(torch.float64).eps
    s = get_surface("beale")
    theta = torch.tensor([1.0, 1.2], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adafactor([theta], lr=0.05)  # eps=(None, 1e-3)
    for _ in range(50):
        theta.grad = torch.tensor(s.gradient(theta.detach().numpy()), dtype=torch.float64)
        opt.step()
    tr = simulate(s, "adafactor", (1.0, 1.2), steps=50, lr=0.05, gtol=0.0, xtol=0.0)
    np.testing.assert_allclose(tr.positions[-1], theta.detach().numpy(), rtol=1e-12)


def test_the_update_rms_is_clipped_at_d():
    # the first step: v = g^2, so U = g / |g| = sign(g) per coordinate: RMS(U) = 1 <= d, and
    # alpha = max(eps2, RMS(theta)) * min(lr, 1): the step is alpha in each coordinate
    tr = simulate("quadratic_bowl", "adafactor", (3.0, -4.0), steps=1, lr=0.1)
    rms = np.sqrt((9 + 16) / 2)
    np.testing.assert_allclose(tr.positions[1], [3 - 0.1 * rms, -4 + 0.1 * rms], rtol=1e-14)
