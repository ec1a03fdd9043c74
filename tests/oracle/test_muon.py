"""Muon against torch.optim.Muon in float64, on the point as a 1×2 matrix.

torch.optim.Muon casts the update to bfloat16 for its Newton–Schulz iteration
(``_zeropower_via_newtonschulz`` calls ``grad.bfloat16()``). The oracle runs torch's own
optimizer with that cast patched to a float64 copy, so every other operation is torch's;
a separate test checks that the unpatched (bfloat16) torch agrees to bfloat16 precision.
"""

import numpy as np
import pytest
import torch
from torch.optim import _muon

from playground import OPTIMIZERS, simulate
from playground.core.optimizers.muon import newton_schulz
from playground.core.surfaces import get_surface

STEPS = 300
SURFACES = [("rosenbrock", (-1.2, 1.0)), ("beale", (1.0, 1.2))]
SETTINGS = [
    {"lr": 0.01},
    {"lr": 0.02, "nesterov": False, "momentum": 0.9, "weight_decay": 0.0, "adjust_lr_fn": "match_rms_adamw"},
    {"lr": 0.005, "ns_steps": 3, "eps": 1e-3, "ns_a": 2.0, "ns_b": -1.5, "ns_c": 0.5, "weight_decay": 0.3},
]
MUON = OPTIMIZERS["muon"]


@pytest.fixture
def float64_newton_schulz(monkeypatch):
    """torch's Muon with its bfloat16 cast replaced by a float64 copy (a copy: the iteration
    divides in place, and without Nesterov its input is the momentum buffer itself)."""
    monkeypatch.setattr(torch.Tensor, "bfloat16", lambda self, *a, **k: self.clone())


def _torch_path(surface, start, hp, steps):
    s = get_surface(surface)
    assert MUON.torch_shape == (1, 2)
    theta = torch.tensor(start, dtype=torch.float64).reshape(MUON.torch_shape).requires_grad_(True)
    opt = eval(MUON.torch_class(hp), {"torch": torch, "theta": theta})
    out = [theta.detach().numpy().reshape(2).copy()]
    for _ in range(steps):
        opt.zero_grad()
        g = s.gradient(theta.detach().numpy().reshape(2))
        theta.grad = torch.tensor(g, dtype=torch.float64).reshape(MUON.torch_shape)
        opt.step()
        out.append(theta.detach().numpy().reshape(2).copy())
    return np.array(out)


@pytest.mark.parametrize("setting", SETTINGS, ids=["defaults", "plain-momentum", "custom-ns"])
@pytest.mark.parametrize("surface,start", SURFACES, ids=[s for s, _ in SURFACES])
def test_matches_torch_muon_in_float64(surface, start, setting, float64_newton_schulz):
    hp = MUON.resolve(None, setting)
    # gtol = xtol = 0: the run never counts as converged, so every step is compared
    tr = simulate(surface, "muon", start, steps=STEPS, hyper=hp, gtol=0.0, xtol=0.0)
    assert tr.status == "running"
    ref = _torch_path(surface, start, hp, STEPS)
    np.testing.assert_allclose(tr.positions, ref, rtol=1e-10, atol=1e-14)
    assert np.abs(tr.positions[-1] - tr.positions[0]).max() > 0.1  # it went somewhere


def test_newton_schulz_is_torchs_iteration(float64_newton_schulz):
    rng = np.random.default_rng(0)
    u = rng.standard_normal((200, 2)) * 10.0 ** rng.uniform(-6, 6, (200, 1))
    ours, _ = newton_schulz(u, 3.4445, -4.7750, 2.0315, 5, 1e-7)
    for row, mine in zip(u, ours):
        ref = _muon._zeropower_via_newtonschulz(torch.tensor(row[None]), (3.4445, -4.7750, 2.0315), 5, 1e-7)
        np.testing.assert_allclose(mine, ref.numpy()[0], rtol=1e-14, atol=1e-16)


def test_torchs_bfloat16_iteration_agrees_to_bfloat16_precision():
    rng = np.random.default_rng(1)
    u = rng.standard_normal((50, 2))
    ours, _ = newton_schulz(u, 3.4445, -4.7750, 2.0315, 5, 1e-7)
    for row, mine in zip(u, ours):
        ref = _muon._zeropower_via_newtonschulz(torch.tensor(row[None]), (3.4445, -4.7750, 2.0315), 5, 1e-7)
        assert ref.dtype == torch.bfloat16
        np.testing.assert_allclose(mine, ref.double().numpy()[0], atol=2e-2)


def test_orthogonalising_a_row_keeps_its_direction_and_sets_its_length():
    """A 1×2 matrix has one singular value, its length: the five quintic steps map length 1
    to about 0.70 whatever the input's length, so Muon's steps are about 0.7 lr long."""
    for scale in (1e-4, 1.0, 1e4):
        x, gain = newton_schulz(np.array([[3.0, -4.0]]) * scale, 3.4445, -4.7750, 2.0315, 5, 1e-7)
        np.testing.assert_allclose(x / np.linalg.norm(x), [[0.6, -0.8]], rtol=1e-12)
        assert np.linalg.norm(x) == pytest.approx(0.6964364094697519, rel=1e-12)
        assert gain[0, 0] == pytest.approx(0.6964364094697519 / (5 * scale), rel=1e-12)
    tr = simulate("rosenbrock", "muon", (-1.2, 1.0), steps=100, lr=0.01, hyper={"weight_decay": 0.0})
    lengths = np.hypot(*np.diff(tr.positions, axis=0).T)
    np.testing.assert_allclose(lengths, 0.01 * 0.6964364094697519, rtol=1e-9)
