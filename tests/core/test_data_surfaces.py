"""Data-backed surfaces (surfaces/data.py) and their real mini-batches (engine.batch_indices)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.engine import batch_indices, simulate
from playground.core.surfaces import get_surface
from playground.core.surfaces.data import N_SAMPLES, iris_data, linreg_data, logreg_data
from playground.web import runs, torch_snippet
from playground.web.state import urlstate, validate
from tests.support.cases import assert_batch_equals_single

DATA = [("linreg", {}), ("linreg", {"label_noise": 0.5}), ("logreg", {}), ("iris", {})]
IDS = ["linreg-interpolating", "linreg-noisy", "logreg", "iris"]


def _grad(surface, idx, p) -> np.ndarray:
    gx, gy = surface.batch(np.asarray(idx))[1](np.asarray(p[0]), np.asarray(p[1]))
    return np.array([gx, gy], dtype=float)


def test_the_iris_surface_is_the_real_flowers():
    X, lab = iris_data()
    assert X.shape == (100, 2) and sorted(set(lab)) == [-1.0, 1.0] and (lab == 1).sum() == 50
    np.testing.assert_allclose(X.mean(0), 0, atol=1e-12)
    s = get_surface("iris")
    assert s.n_samples == 100 and 0 < s.fglob < math.log(2)  # better than the zero weight, not perfect


def test_losses_are_the_mean_over_the_data_written_out_by_hand():
    x, y = linreg_data(0.5)
    w, b = 0.7, -0.2
    s = get_surface("linreg", label_noise=0.5)
    assert s.value([w, b]) == pytest.approx(
        sum(0.5 * (w * xi + b - yi) ** 2 for xi, yi in zip(x, y)) / len(x)
    )
    X, lab = logreg_data()
    s = get_surface("logreg")
    hand = sum(math.log1p(math.exp(-si * (w * u + b * v))) for (u, v), si in zip(X, lab)) / len(X)
    assert s.value([w, b]) == pytest.approx(hand, rel=1e-12)
    assert set(lab) == {-1.0, 1.0} and len(X) == N_SAMPLES


def test_only_the_noise_free_line_interpolates():
    s = get_surface("linreg")
    (m,) = s.minima
    assert (m.x, m.y, m.value) == (pytest.approx(1.5), pytest.approx(-0.5), pytest.approx(0.0, abs=1e-25))
    assert get_surface("linreg", label_noise=0.5).fglob > 0.05
    assert get_surface("logreg").fglob > 0.1  # two overlapping classes: no weight fits every point


@pytest.mark.parametrize("batch", [1, 4, 5, 7, 24])
@pytest.mark.parametrize("seed", [0, 3])
def test_every_epoch_visits_each_sample_once_in_batches_of_b(batch, seed):
    epoch = math.ceil(N_SAMPLES / batch)
    got = batch_indices(N_SAMPLES, 3 * epoch, batch, seed)
    for e in range(3):
        batches = got[e * epoch : (e + 1) * epoch]
        assert sorted(np.concatenate(batches).tolist()) == list(range(N_SAMPLES))
        assert [len(b) for b in batches[:-1]] == [batch] * (epoch - 1)
    if batch < N_SAMPLES:  # shuffled anew each epoch
        assert any(not np.array_equal(a, b) for a, b in zip(got[:epoch], got[epoch : 2 * epoch]))
    assert all(np.array_equal(a, b) for a, b in zip(got, batch_indices(N_SAMPLES, 3 * epoch, batch, seed)))


@pytest.mark.parametrize(("name", "params"), DATA, ids=IDS)
@settings(max_examples=25, deadline=None)
@given(u=st.floats(0, 1), v=st.floats(0, 1), share=st.floats(0, 1), seed=st.integers(0, 2**31))
def test_minibatch_gradients_average_to_the_full_gradient_over_an_epoch(name, params, u, v, share, seed):
    s = get_surface(name, **params)
    n, batch = s.n_samples, 1 + int(share * (s.n_samples - 1))
    (x0, x1), (y0, y1) = s.domain
    p = (x0 + u * (x1 - x0), y0 + v * (y1 - y0))
    batches = batch_indices(n, math.ceil(n / batch), batch, seed)
    mean = sum(len(b) * _grad(s, b, p) for b in batches) / n  # weighted by size: the last is short
    np.testing.assert_allclose(mean, s.gradient(p), rtol=1e-10, atol=1e-13)
    value = sum(len(b) * float(s.batch(b)[0](np.asarray(p[0]), np.asarray(p[1]))) for b in batches) / n
    assert value == pytest.approx(float(s.value(p)), rel=1e-12)  # so do the mini-batch losses
    if n % batch == 0:  # equal batches: the plain mean of the batch gradients
        np.testing.assert_allclose(np.mean([_grad(s, b, p) for b in batches], 0), s.gradient(p), atol=1e-12)


def test_the_noise_vanishes_at_the_minimum_of_the_interpolating_data_only():
    for params, vanishes in (({}, True), ({"label_noise": 0.5}, False)):
        s = get_surface("linreg", **params)
        at = s.minima[0].xy
        spread = max(np.abs(_grad(s, [i], at)).max() for i in range(N_SAMPLES))
        assert (spread < 1e-12) == vanishes, spread
        assert np.abs(s.gradient(at)).max() < 1e-12  # the full gradient vanishes on both
    s = get_surface("logreg")
    assert max(np.abs(_grad(s, [i], s.minima[0].xy)).max() for i in range(N_SAMPLES)) > 0.1


def _off(t, surface) -> float:
    """Mean distance to the minimum over the last 200 steps."""
    return float(np.linalg.norm(t.positions[-200:] - np.array(surface.minima[0].xy), axis=1).mean())


def test_sgd_settles_exactly_on_interpolating_data_and_jitters_otherwise_less_with_a_larger_batch():
    fit, noisy = get_surface("linreg"), get_surface("linreg", label_noise=0.5)
    assert str(simulate(fit, "sgd", steps=2000, lr=0.05).status) == "minimum"
    b1, b4 = (simulate(noisy, "sgd", steps=2000, lr=0.05, batch_size=b) for b in (1, 4))
    assert str(b1.status) == "running" and _off(b1, noisy) > 0.03
    assert _off(b4, noisy) < 0.5 * _off(b1, noisy)


@pytest.mark.parametrize(("name", "params"), DATA, ids=IDS)
@pytest.mark.parametrize("more", [0, 1000])
def test_a_batch_of_all_the_data_is_the_full_batch_path(name, params, more):
    s = get_surface(name, **params)
    batch = s.n_samples + more
    full = simulate(s, "sgd", steps=300, lr=0.05, noise=0.0)
    for opt_noise in (None, 2.0):  # σ's size plays no part on data: only whether there is noise
        got = simulate(s, "sgd", steps=300, lr=0.05, batch_size=batch, noise=opt_noise)
        np.testing.assert_array_equal(got.positions, full.positions)
    assert not np.array_equal(simulate(s, "sgd", steps=300, lr=0.05, batch_size=4).positions, full.positions)


@pytest.mark.parametrize(("name", "params"), DATA, ids=IDS)
def test_runs_are_reproducible_per_seed_and_differ_between_seeds(name, params):
    s = get_surface(name, **params)
    a, b, c = (simulate(s, "sgd", steps=200, lr=0.05, batch_size=2, seed=k) for k in (5, 5, 6))
    np.testing.assert_array_equal(a.positions, b.positions)
    assert np.abs(a.positions - c.positions).max() > 1e-6


@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam", "nag", "rmsprop"])
@pytest.mark.parametrize(("name", "params"), DATA, ids=IDS)
def test_batched_runs_on_real_minibatches_equal_single_runs(opt, name, params):
    s = get_surface(name, **params)
    assert_batch_equals_single(s, opt, 6, 2, steps=150, lr=0.02, noise=1.0, batch_size=3, seed=11)


def test_a_turned_data_surface_turns_the_minibatch_path_with_it():
    phi = math.radians(30.0)
    rot = np.array([[math.cos(phi), -math.sin(phi)], [math.sin(phi), math.cos(phi)]])
    plain, turned = get_surface("logreg"), get_surface("logreg", rotation=30.0)
    a = simulate(plain, "sgd", steps=300, lr=0.1, batch_size=3, seed=2)
    b = simulate(turned, "sgd", steps=300, lr=0.1, batch_size=3, seed=2)
    np.testing.assert_allclose(b.positions, a.positions @ rot.T, rtol=0, atol=1e-9)


def test_the_page_draws_each_steps_minibatch_loss_beside_the_full_loss():
    query = "?surface=linreg&p.label_noise=0.5&opt=gd,sgd&lr.gd=0.05&lr.sgd=0.05&batch=4&seed=3&steps=120"
    cfg = validate.config(urlstate.from_query(query)[0])[0]
    surface, _, (_, sgd) = runs.run_all(cfg)
    none, series = runs.batch_loss_all(cfg)
    assert none is None and series.size == 120  # gradient descent takes the full batch
    x, y = linreg_data(0.5)
    for k, idx in enumerate(batch_indices(N_SAMPLES, 120, 4, 3)):  # by hand: the batch step k drew
        w, b = sgd.positions[k]
        assert series[k] == pytest.approx(np.mean(0.5 * (w * x[idx] + b - y[idx]) ** 2), rel=1e-12)
    (trace,) = [t for t in runs.view(cfg)["loss"]["data"] if t["meta"]["role"] == "batch"]
    assert trace["meta"]["racer"] == 1 and trace["meta"]["y"]["linear"] == pytest.approx(series.tolist())
    below = series <= surface.fglob  # a batch can fit better than the whole data: no point on a log axis
    assert below.any() and all((g is None) == bool(lo) for g, lo in zip(trace["meta"]["y"]["log"], below))
    analytic = validate.config(urlstate.from_query("?opt=sgd&steps=50")[0])[0]
    assert runs.batch_loss_all(analytic) == [None]


@pytest.mark.parametrize(
    ("name", "params"), [*DATA, ("logreg", {"rotation": 30.0})], ids=[*IDS, "logreg-turned"]
)
def test_the_pytorch_export_traces_the_same_loss(name, params):
    from playground.core.surfaces.symbolic import X, Y, expression

    s = get_surface(name, **params)
    for p in [(0.3, -0.7), (2.0, 1.0), s.start]:
        assert float(expression(s).subs({X: p[0], Y: p[1]})) == pytest.approx(float(s.value(p)), rel=1e-12)
    query = f"?surface={name}&opt=sgd&steps=20" + "".join(f"&p.{k}={v}" for k, v in params.items())
    script = torch_snippet.torch_snippet(validate.config(urlstate.from_query(query)[0])[0], ["SGD"])
    assert "torch.log" in script or "torch.pow" in script


def test_map_cells_draw_the_races_mini_batches_and_equal_simulate():
    from playground.batch.cells import run_cells

    s = get_surface("linreg", label_noise=0.5)
    starts = [s.start, (0.0, 0.0)]
    for name in ("sgd", "gd"):  # SGD draws mini-batches (seed 0), GD the full batch
        cells = run_cells(s, name, starts, lr=0.05, steps=50)
        for i, start in enumerate(starts):
            np.testing.assert_array_equal(
                cells.final_point[i], simulate(s, name, start, lr=0.05, steps=50).positions[-1]
            )


def test_the_maps_view_maps_and_tunes_noisy_racers():
    from playground.web.views import maps as maps_view

    assert not isinstance(maps_view.plan("basin", "surface=linreg&opt=sgd", 0, None), str)
    table = maps_view.tune_racers(1, "surface=linreg&opt=gd,sgd")[0]
    assert not isinstance(table.children, str) and len(table.children) == 2  # header and body


@pytest.mark.parametrize("batch,per_epoch", [(1, 24), (5, 5), (24, None)], ids=["B1", "B5", "full"])
def test_the_loss_chart_counts_epochs_when_racers_draw_mini_batches(batch, per_epoch):
    cfg, _ = validate.config({"surface": "linreg", "racers": [{"optimizer": "sgd", "lr": 0.05}],
                              "batch_size": batch, "steps": 300})  # fmt: skip
    top = runs.view(cfg)["loss"]["layout"].get("xaxis2")
    if per_epoch is None:  # the whole data every step: no epochs to count
        assert top is None
        return
    ticks = top["tickvals"]
    assert ticks[0] == 0 and all(t % per_epoch == 0 for t in ticks) and ticks[-1] <= 300
    assert (
        top["ticktext"] == [str(t // per_epoch) for t in ticks]
        and f"{per_epoch} steps" in top["title"]["text"]
    )
    rosenbrock, _ = validate.config({"racers": [{"optimizer": "sgd", "lr": 0.001}]})
    assert "xaxis2" not in runs.view(rosenbrock)["loss"]["layout"]  # Gaussian noise has no epochs
