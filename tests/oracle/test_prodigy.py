"""Prodigy against pytorch_optimizer.Prodigy (pytorch-optimizer 4.1.0) in float64.

The reference keeps its running sums for d (``d_numerator``, ``d_de_nom``) in tensors of
torch's default dtype: the module sets it to float64 so the whole reference runs in float64.
"""

import math

import numpy as np
import pytest
import pytorch_optimizer
import torch

from playground import OPTIMIZERS, simulate
from tests.support.cases import reference_path

torch.set_default_dtype(torch.float64)

STEPS = 300
PRODIGY = OPTIMIZERS["prodigy"]
# (surface, start, settings): Prodigy's large early steps make some runs chaotic (at lr 1 on
# Rosenbrock a one-ulp change of the start grows past 1e-10 within 300 steps, and so does
# any rounding difference between two implementations): these settings keep the runs stable
_GROWN = {"lr": 0.3, "bias_correction": True, "weight_decay": 0.01, "beta3": 0.99, "growth_rate": 1.05}
_SAFE = {"lr": 0.3, "safeguard_warmup": True, "fixed_decay": True, "weight_decay": 1e-3, "d0": 1e-3,
         "eps": 1e-6, "d_coef": 0.5, "growth_rate": 1.02}  # fmt: skip
CASES = [
    ("rosenbrock", (-1.2, 1.0), {"lr": 0.1}),
    ("rosenbrock", (-1.2, 1.0), _GROWN),
    ("rosenbrock", (-1.2, 1.0), _SAFE),
    ("beale", (1.0, 1.2), {}),
    ("beale", (1.0, 1.2), _GROWN),
    ("beale", (1.0, 1.2), _SAFE),
    ("himmelblau", (0.5, -0.5), {}),
    ("beale", (1.0, 1.2), {"beta2": 0.99}),  # beta3 left out: the reference's sqrt(beta2)
]


def _reference(hp, **replace):
    """The reference's constructor with the record's hyperparameters (``replace`` overrides;
    a value of ``...`` leaves that argument to the reference's default)."""
    kw = {"lr": hp["lr"], "betas": (hp["beta1"], hp["beta2"]), "beta3": hp["beta3"], "d0": hp["d0"],
          "d_coef": hp["d_coef"], "growth_rate": hp["growth_rate"], "weight_decay": hp["weight_decay"],
          "weight_decouple": True, "fixed_decay": hp["fixed_decay"], "bias_correction": hp["bias_correction"],
          "safeguard_warmup": hp["safeguard_warmup"], "eps": hp["eps"]}  # fmt: skip
    kw.update(replace)
    kw = {k: v for k, v in kw.items() if v is not ...}
    return lambda theta: pytorch_optimizer.Prodigy([theta], **kw)


@pytest.mark.parametrize("surface,start,setting", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_pytorch_optimizer_prodigy_in_float64(surface, start, setting):
    hp = PRODIGY.resolve(None, setting)
    # gtol = xtol = 0: the run never counts as converged, so every step is compared
    tr = simulate(surface, "prodigy", start, steps=STEPS, hyper=hp, gtol=0.0, xtol=0.0)
    assert tr.status == "running"
    ref, opt = reference_path(surface, start, _reference(hp), STEPS)
    np.testing.assert_allclose(tr.positions, ref, rtol=1e-10, atol=1e-14)
    assert np.abs(tr.positions[-1] - tr.positions[0]).max() > 0.1  # it went somewhere
    # the distance estimate too
    assert tr.state["d"][-1, 0] == pytest.approx(opt.param_groups[0]["d"], rel=1e-10)


def test_the_defaults_are_the_references_none_and_inf():
    """beta3 left out is the reference's None (sqrt(beta2), whatever beta2 is); growth_rate =
    1e300 acts as inf (d * 1e300 always exceeds d_max)."""
    hp = PRODIGY.resolve()
    assert hp["beta3"] is None
    beta3 = next(h for h in PRODIGY.hypers if h.name == "beta3")
    assert beta3.value(PRODIGY.resolve(None, {"beta2": 0.99})) == math.sqrt(0.99)
    ref, _ = reference_path("beale", (1.0, 1.2), _reference(hp, growth_rate=..., beta3=...), STEPS)
    tr = simulate("beale", "prodigy", (1.0, 1.2), steps=STEPS, gtol=0.0, xtol=0.0)
    np.testing.assert_allclose(tr.positions, ref, rtol=1e-10, atol=1e-14)


def test_d_only_grows_and_reaches_the_scale_of_the_distance():
    tr = simulate("quadratic_bowl", "prodigy", (1.5, -1.0), steps=300, gtol=0.0, xtol=0.0)
    d = tr.state["d"][:, 0]
    assert d[0] >= 1e-6 and (np.diff(d) >= 0).all()
    assert 0.1 < d[-1] < 10  # the start is 1.8 from the minimum
    assert np.hypot(*tr.positions[-1]) < 1e-2


def test_no_step_while_the_gradient_sums_are_zero():
    """The reference returns before moving while s is all zero: at a stationary point d stays d0."""
    hp = PRODIGY.resolve(None, {"weight_decay": 0.1})
    tr = simulate("saddle", "prodigy", (0.0, 0.0), steps=5, hyper=hp, gtol=-1.0, xtol=0.0)
    np.testing.assert_array_equal(tr.positions, 0.0)
    assert (tr.state["d"] == 1e-6).all()
