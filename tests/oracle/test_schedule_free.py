"""Schedule-free SGD and AdamW against the ``schedulefree`` package, in float64.

The engine's positions are x (the point ``optimizer.eval()`` puts in the parameter), its
gradient point is y (the parameter in train mode) and it records z.
"""

import numpy as np
import pytest
import schedulefree
import torch

from playground import OPTIMIZERS, simulate
from playground.core.surfaces import get_surface

torch.set_default_dtype(torch.float64)

SURFACES = [("rosenbrock", (-1.5, 2.0)), ("beale", (1.0, 1.2))]
# (optimizer, package class, hyperparameters per surface): lrs that keep the runs moving
CASES = [
    ("sgd_schedulefree", "SGDScheduleFreeReference", {"rosenbrock": {"lr": 3e-3}, "beale": {"lr": 0.02}}),
    ("sgd_schedulefree", "SGDScheduleFreeReference",
     {"rosenbrock": {"lr": 2e-3, "momentum": 0.5, "weight_decay": 0.05, "warmup_steps": 30, "r": 1.0,
                     "weight_lr_power": 1.0},
      "beale": {"lr": 0.01, "weight_decay": 0.1, "warmup_steps": 10, "r": 2.0}}),
    ("sgd_schedulefree", "SGDScheduleFree", {"rosenbrock": {"lr": 3e-3, "warmup_steps": 20},
                                            "beale": {"lr": 0.02, "weight_decay": 0.01}}),
    ("adamw_schedulefree", "AdamWScheduleFreeReference",
     {"rosenbrock": {"lr": 0.05}, "beale": {"lr": 0.05}}),
    ("adamw_schedulefree", "AdamWScheduleFreeReference",
     {"rosenbrock": {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05,
                     "warmup_steps": 40, "r": 0.5, "weight_lr_power": 0.0},
      "beale": {"lr": 0.03, "weight_decay": 0.1, "warmup_steps": 10, "r": 1.0}}),
    ("adamw_schedulefree", "AdamWScheduleFree", {"rosenbrock": {"lr": 0.05, "weight_decay": 0.01},
                                                "beale": {"lr": 0.05, "warmup_steps": 25}}),
]  # fmt: skip
STEPS = 300


def _package(name, cls, hp, param):
    kw = {k: hp[k] for k in ("lr", "weight_decay", "warmup_steps", "r", "weight_lr_power")}
    if name == "sgd_schedulefree":
        kw["momentum"] = hp["momentum"]
    else:
        kw.update(betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"])
    return getattr(schedulefree, cls)([param], **kw)


def _y(name, hp, x, z):
    """The gradient point the engine used: y = beta x + (1 - beta) z (the block's formula)."""
    b = hp["momentum" if name == "sgd_schedulefree" else "beta1"]
    return x * b + (1 - b) * z


@pytest.mark.parametrize("surface,start", SURFACES, ids=[s for s, _ in SURFACES])
@pytest.mark.parametrize("name,cls,hps", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_matches_the_schedulefree_package_in_float64(name, cls, hps, surface, start, capsys):
    s = get_surface(surface)
    hp = OPTIMIZERS[name].resolve(None, hps[surface])
    tr = simulate(s, name, start, steps=STEPS, hyper=hp)
    assert tr.status == "running"  # every step compares
    assert np.abs(tr.positions[-1] - tr.positions[0]).max() > 0.1  # the run moves
    x, z = tr.positions, tr.state["z"]
    y = _y(name, hp, x[1:], z)  # y after step t: the gradient point of step t + 1
    param = torch.tensor(start, requires_grad=True)
    opt = _package(name, cls, hp, param)
    opt.train()
    for t in range(STEPS):
        param.grad = torch.tensor(s.gradient(param.detach().numpy()))
        opt.step()
        np.testing.assert_allclose(param.detach().numpy(), y[t], rtol=1e-10, atol=1e-12)
        opt.eval()
        np.testing.assert_allclose(param.detach().numpy(), x[t + 1], rtol=1e-10, atol=1e-12)
        if "Reference" in cls:
            state = opt.state[param]
            np.testing.assert_allclose(state["z"].numpy(), z[t], rtol=1e-10, atol=1e-12)
            opt.train()  # the reference copies y back: exact
        else:
            opt.train()  # the production class lerps back: a rounding, within the tolerance
    capsys.readouterr()  # the reference classes print their mode switches


@pytest.mark.parametrize("name", ["sgd_schedulefree", "adamw_schedulefree"])
def test_gradient_is_taken_at_y_and_the_first_step_from_the_start(name):
    """Step 1: y = x = z = start; z moves by lr * (scaled) g, x by c_1 = 1 all the way to z."""
    s = get_surface("quadratic_bowl")
    tr = simulate(s, name, (1.0, -2.0), steps=1, lr=0.1, hyper={"warmup_steps": 0})
    g = s.gradient(np.array([1.0, -2.0]))
    if name == "adamw_schedulefree":
        g = g / (np.sqrt(g * g * 0.001 / 0.001) + 1e-8)
    np.testing.assert_allclose(tr.state["z"][0], [1.0, -2.0] - 0.1 * g, rtol=1e-14)
    np.testing.assert_allclose(tr.positions[1], tr.state["z"][0], rtol=1e-14)


@pytest.mark.parametrize("name", ["sgd_schedulefree", "adamw_schedulefree"])
def test_z_is_recorded_and_shown(name):
    opt = OPTIMIZERS[name]
    tr = simulate("rosenbrock", name, steps=50, lr=opt.lr_for_page)
    assert tr.state["z"].shape == (50, 2)
    assert np.abs(tr.state["z"] - tr.positions[1:]).max() > 0  # z leads, x averages
    assert "z_{t+1}" in opt.latex(opt.resolve()) and opt.torch_class(opt.resolve()) is None


def _torch_lines_run(name, hp, surface, start, steps):
    """Run the record's torch lines the way an exported script does: upd is the gradient at q."""
    opt = OPTIMIZERS[name]
    s = get_surface(surface)
    blocks = opt.chain(hp)
    ns = {"torch": torch, "theta": torch.tensor(start), "f": s.f}
    for b in blocks:
        exec("\n".join(b.torch_init()), ns)
    look = next(b.lookahead_torch for b in blocks if b.lookahead_torch)
    out = []
    for t in range(1, steps + 1):
        ns["t"], ns["lr"] = t, float(hp["lr"])
        ns["q"] = eval(look, ns)
        ns["upd"] = torch.tensor(s.gradient(ns["q"].numpy()))
        for b in blocks:
            exec("\n".join(b.torch_step()), ns)
        out.append(ns["theta"].numpy().copy())
    return np.array(out)


@pytest.mark.parametrize("name,cls,hps", CASES[:2] + CASES[3:5], ids=["sgd", "sgd-hp", "adamw", "adamw-hp"])
def test_torch_lines_reproduce_the_engine(name, cls, hps):
    hp = OPTIMIZERS[name].resolve(None, hps["rosenbrock"])
    tr = simulate("rosenbrock", name, (-1.5, 2.0), steps=200, hyper=hp)
    got = _torch_lines_run(name, hp, "rosenbrock", (-1.5, 2.0), 200)
    np.testing.assert_allclose(got, tr.positions[1:], rtol=1e-9, atol=1e-12)
