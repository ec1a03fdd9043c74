"""The real network: data split, exact backprop (finite differences), determinism, exclusions."""

import numpy as np
import pytest

from playground.core.optimizers import OPTIMIZERS
from playground.network import model as M
from playground.network.data import load
from playground.network.train import eligible, excluded, excluded_reason, initial_params, plan, train


def test_split_is_fixed_disjoint_and_scaled():
    d = load()
    assert d.x_train.shape == (1438, 8, 8) and d.x_val.shape == (359, 8, 8)
    assert d.x_train.min() == 0.0 and d.x_train.max() == 1.0
    assert set(np.unique(d.y_val)) == set(range(10))
    from sklearn.datasets import load_digits

    images = load_digits().images.reshape(1797, -1) / 16.0
    rows = {r.tobytes(): i for i, r in enumerate(images)}
    train_ids = {rows[r.ravel().tobytes()] for r in d.x_train}
    val_ids = {rows[r.ravel().tobytes()] for r in d.x_val}
    # digits has a few duplicate images, so compare counts on the union, not exact partitions
    assert len(train_ids | val_ids) >= 1780 and len(train_ids & val_ids) <= 5


def test_backprop_matches_central_differences():
    rng = np.random.default_rng(2)
    d = load()
    params = {k: v + rng.normal(0, 0.05, v.shape) for k, v in initial_params(1).items()}
    # a little noise breaks the exact ties of blank pooling windows (where only one-sided
    # derivatives exist) so that central differences are meaningful
    x = d.x_train[:40] + rng.normal(0, 1e-3, (40, 8, 8))
    y = d.y_train[:40]
    mask = (rng.random((40, M.FEATURES)) < 0.75) / 0.75
    _, grads = M.loss_and_grad(params, x, y, mask)
    h = 1e-6
    for name, shape in M.SHAPES.items():
        for _ in range(6):
            i = tuple(int(rng.integers(0, s)) for s in shape)
            plus = {k: v.copy() for k, v in params.items()}
            plus[name][i] += h
            minus = {k: v.copy() for k, v in params.items()}
            minus[name][i] -= h
            fd = (M.loss_and_grad(plus, x, y, mask)[0] - M.loss_and_grad(minus, x, y, mask)[0]) / (2 * h)
            assert grads[name][i] == pytest.approx(fd, rel=1e-5, abs=1e-9), (name, i)


def test_flatten_round_trip():
    p = initial_params(4)
    back = M.unflatten(M.flatten(p))
    assert M.flatten(p).shape == (M.n_params(),) == (1610,)
    for k in M.SHAPES:
        np.testing.assert_array_equal(back[k], p[k])


def test_runs_are_deterministic_per_seed_and_differ_between_seeds():
    hp = OPTIMIZERS["adam"].resolve(lr=0.01)
    a = train("adam", hp, epochs=1, batch_size=64, seed=7)
    b = train("adam", hp, epochs=1, batch_size=64, seed=7)
    c = train("adam", hp, epochs=1, batch_size=64, seed=8)
    np.testing.assert_array_equal(a.path, b.path)
    assert a.val_loss == b.val_loss and a.path_steps == b.path_steps
    assert not np.array_equal(a.final, c.final)


def test_plan_covers_every_sample_once_per_epoch():
    n = load().y_train.shape[0]
    steps = list(plan(0, 2, 64, n))
    assert len(steps) == 2 * 23
    for epoch in (0, 1):
        idx = np.concatenate([i for e, i, _ in steps if e == epoch])
        assert sorted(idx.tolist()) == list(range(n))
    masks = np.concatenate([m for _, _, m in steps])
    assert set(np.unique(masks)) == {0.0, 1 / 0.75}


def test_exclusions_come_from_the_records_flags():
    for name, opt in OPTIMIZERS.items():
        flagged = opt.second_order or opt.closure or opt.coupled
        assert (name in excluded()) == flagged == (name not in eligible())
        assert (excluded_reason(opt) is None) == (not flagged)
    with pytest.raises(ValueError, match="cannot train"):
        train(next(iter(excluded())), {"lr": 1.0}, epochs=1, batch_size=64, seed=0)


def test_training_lowers_the_loss():
    ok = train("momentum", OPTIMIZERS["momentum"].resolve(lr=0.05), epochs=2, batch_size=64, seed=0)
    assert ok.val_loss[-1] < 0.5 * ok.val_loss[0] and ok.val_accuracy[-1] > 0.7
    assert len(ok.val_loss) == 3 and not ok.blew_up
    assert ok.path_steps[0] == 0 and ok.path_steps[-1] == 46


def test_a_non_finite_loss_stops_the_run(monkeypatch):
    real, calls = M.loss_and_grad, []

    def poisoned(*args):
        calls.append(1)
        loss, grads = real(*args)
        return (float("nan") if len(calls) == 5 else loss), grads

    monkeypatch.setattr(M, "loss_and_grad", poisoned)
    bad = train("sgd", OPTIMIZERS["sgd"].resolve(lr=0.1), epochs=2, batch_size=64, seed=0)
    assert bad.blew_up and len(calls) == 5 and bad.path_steps[-1] == 5
