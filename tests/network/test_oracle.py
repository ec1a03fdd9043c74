"""The real network against torch: same weights, same batches, same dropout masks; after one
epoch with each optimizer record the weights equal ``torch.optim``'s to 1e-9 relative."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.core.optimizers import OPTIMIZERS
from playground.network import model as M
from playground.network.data import load
from playground.network.presets import seed_hp
from playground.network.train import eligible, initial_params, plan, train

torch.set_default_dtype(torch.float64)

BATCH, SEED = 64, 3
# the three by name (so they can never drop out silently), then every other eligible
# record whose hyperparameters follow PyTorch's convention, at its seed-preset rate
REQUIRED = [
    ("momentum", {"lr": 0.01, "momentum": 0.9}),
    ("adam", {"lr": 0.001}),
    ("adagrad", {"lr": 0.01}),
]
CASES = (
    REQUIRED
    + [
        (n, seed_hp(n))
        for n in eligible()
        if n not in dict(REQUIRED) and OPTIMIZERS[n].torch_class(seed_hp(n))
    ]
    + [
        ("nag", {"lr": 0.01, "form": "pytorch"}),
        ("rmsprop", {"lr": 0.001, "centered": True, "momentum": 0.5}),
    ]
)


def _torch_forward(tp, x, mask):
    h = F.relu(F.conv2d(x[:, None], tp["conv.weight"], tp["conv.bias"]))
    h = F.max_pool2d(h, 2).flatten(1)
    if mask is not None:
        h = h * mask
    return F.linear(h, tp["dense.weight"], tp["dense.bias"])


def _torch_epoch(name, hp, seed):
    data = load()
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in initial_params(seed).items()}
    source = OPTIMIZERS[name].torch_class(hp)
    assert source, f"{name} has no torch.optim class for {hp}"
    opt = eval(source.replace("[theta]", "params"), {"torch": torch, "params": list(tp.values())})
    for _, idx, mask in plan(seed, 1, BATCH, data.y_train.shape[0]):
        opt.zero_grad()
        logits = _torch_forward(tp, torch.tensor(data.x_train[idx]), torch.tensor(mask))
        F.cross_entropy(logits, torch.tensor(data.y_train[idx])).backward()
        opt.step()
    return {k: v.detach().numpy() for k, v in tp.items()}


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_one_epoch_matches_torch_optim(name, hyper):
    hp = OPTIMIZERS[name].resolve(hyper=hyper)
    ours = train(name, hp, epochs=1, batch_size=BATCH, seed=SEED)
    theirs = _torch_epoch(name, hp, SEED)
    start = M.flatten(initial_params(SEED))
    got = M.unflatten(ours.final)
    assert not np.allclose(ours.final, start, rtol=1e-6, atol=0), "the weights did not move"
    for k in M.SHAPES:
        np.testing.assert_allclose(
            got[k], theirs[k], rtol=1e-9, atol=1e-12 * np.abs(theirs[k]).max(), err_msg=k
        )


def test_forward_and_gradient_match_torch():
    data = load()
    rng = np.random.default_rng(5)
    params = {k: v + rng.normal(0, 0.05, v.shape) for k, v in initial_params(0).items()}
    x, y = data.x_train[:50], data.y_train[:50]
    mask = (rng.random((50, M.FEATURES)) < 0.75) / 0.75
    loss, grads = M.loss_and_grad(params, x, y, mask)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    tloss = F.cross_entropy(_torch_forward(tp, torch.tensor(x), torch.tensor(mask)), torch.tensor(y))
    tloss.backward()
    assert loss == pytest.approx(tloss.item(), rel=1e-13)
    for k in M.SHAPES:
        np.testing.assert_allclose(grads[k], tp[k].grad.numpy(), rtol=1e-10, atol=1e-15, err_msg=k)
