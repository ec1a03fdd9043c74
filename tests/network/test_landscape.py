"""The landscape slice: centre, filter normalisation, projections, determinism."""

import numpy as np
import pytest

from playground.core.optimizers import OPTIMIZERS
from playground.network import landscape as L
from playground.network import model as M
from playground.network.data import load
from playground.network.train import train


@pytest.fixture(scope="module")
def runs():
    return [
        train(n, OPTIMIZERS[n].resolve(lr=lr), epochs=1, batch_size=64, seed=0)
        for n, lr in (("adam", 0.01), ("momentum", 0.05))
    ]


def test_batched_losses_equal_one_network_at_a_time(runs):
    d = load()
    pts = runs[0].path[::5]
    one = [M.evaluate(M.unflatten(p), d.x_val, d.y_val)[0] for p in pts]
    np.testing.assert_allclose(L.losses(pts), one, rtol=1e-12)


def test_filter_normalisation_gives_each_filter_the_weights_norm_and_zero_biases(runs):
    w = M.unflatten(runs[0].final)
    d = {k: np.random.default_rng(1).standard_normal(v.shape) for k, v in w.items()}
    out = L.filter_normalize(d, w)
    for k, v in out.items():
        if v.ndim == 1:
            assert not v.any(), k
            continue
        for f in range(v.shape[0]):
            assert np.linalg.norm(v[f]) == pytest.approx(np.linalg.norm(w[k][f]), rel=1e-9)


def test_random_directions_are_orthogonal_filter_normalised_and_seeded(runs):
    c = runs[0].final
    d1, d2 = L.random_plane(c, 0)
    assert abs(d1 @ d2) < 1e-9 * np.linalg.norm(d1) * np.linalg.norm(d2)
    for d in (d1, d2):
        p, w = M.unflatten(d), M.unflatten(c)
        assert not p["conv.bias"].any() and not p["dense.bias"].any()
        np.testing.assert_allclose(
            np.linalg.norm(p["dense.weight"], axis=1), np.linalg.norm(w["dense.weight"], axis=1)
        )
    again = L.random_plane(c, 0)
    np.testing.assert_array_equal(again[0], d1)
    assert not np.array_equal(L.random_plane(c, 1)[0], d1)


def test_slice_centre_is_the_final_weights_loss(runs):
    c = runs[0].final
    d1, d2 = L.random_plane(c, 0)
    s = L.slice_grid(c, d1, d2, (-1.0, 1.0, -1.0, 1.0), n=5)
    d = load()
    assert s.loss[2, 2] == pytest.approx(M.evaluate(M.unflatten(c), d.x_val, d.y_val)[0], rel=1e-12)
    corner = M.evaluate(M.unflatten(c + 1.0 * d1 - 0.5 * d2), d.x_val, d.y_val)[0]
    assert s.loss.shape == (5, 5) and s.loss[1, 4] == pytest.approx(
        corner, rel=1e-12
    )  # loss[j, i]: (α_i, β_j)


def test_pca_plane_projection_places_the_final_point_at_the_origin(runs):
    c = runs[0].final
    pts = np.concatenate([r.path for r in runs])
    d1, d2, ev = L.pca_plane(c, pts)
    assert abs(d1 @ d2) < 1e-12 and d1 @ d1 == pytest.approx(1.0)
    assert 0 < ev[1] <= ev[0] and ev[0] + ev[1] <= 1.0 + 1e-12
    pr = L.project(c, d1, d2, runs[0].path)
    np.testing.assert_allclose(pr.coords[-1], (0.0, 0.0), atol=1e-12)
    assert pr.off_plane[-1] < 1e-12 and pr.true_loss[-1] == pytest.approx(pr.plane_loss[-1], rel=1e-12)
    # a point in the plane has no distance off it and its true loss is the plane's loss
    inside = c + 0.3 * d1 - 0.2 * d2
    pin = L.project(c, d1, d2, inside[None])
    np.testing.assert_allclose(pin.coords[0], (0.3, -0.2), atol=1e-10)
    assert pin.off_plane[0] < 1e-10
    # the other run's path is off the plane somewhere: the plane is a slice, not the space
    assert L.project(c, d1, d2, runs[1].path).off_plane.max() > 1e-3
