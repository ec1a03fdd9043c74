"""A 2-D slice of the network's loss landscape, and the runs' paths projected onto it.

The network has 1,610 weights; a slice is the plane ``θ* + α·d₁ + β·d₂`` through the final
weights θ* of one run, and the loss drawn is the validation loss on that plane only. Two
choices of ``d₁, d₂``:

* ``pca``: the top two principal components of every shown run's checkpoints together
  (minus θ*), so all paths live in one picture; the explained variance says how much of
  the paths' spread the plane holds.
* ``random``: two Gaussian directions, filter-normalised as in Li et al. 2018 ("Visualizing
  the Loss Landscape of Neural Nets", ``net_plotter.py``): each filter (a slice along the
  first axis of a weight tensor) is rescaled to the norm of the same filter of θ*, bias
  directions are zero. The second is made orthogonal to the first filter by filter before
  the rescaling, so the rescaling keeps them orthogonal (rescaling after a global
  Gram–Schmidt would break it).

A point θ is placed on the plane by least squares (exact for any two independent
directions, not only orthonormal ones); what the plane misses is its distance off the
plane, reported beside the true loss at θ and the plane's loss at the projected point.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import model as M
from .data import load

GRID = 41
RANDOM_SPAN = 1.0  # α, β in [-1, 1]: the directions already have the weights' filter norms


CHUNK = 41  # weight vectors per vectorised evaluation (~70 MB of intermediates)


def losses(flats: np.ndarray) -> np.ndarray:
    """The validation loss of each flat weight vector of ``flats (K, 1610)``."""
    d = load()
    out = np.empty(flats.shape[0])
    with np.errstate(all="ignore"):
        for a in range(0, flats.shape[0], CHUNK):
            out[a : a + CHUNK] = M.batch_losses(flats[a : a + CHUNK], d.x_val, d.y_val)
    return out


def filter_normalize(direction: M.Params, weights: M.Params) -> M.Params:
    """Each filter of ``direction`` rescaled to the norm of the matching filter of ``weights``;
    biases (1-D parameters) zeroed."""
    out = {}
    for k, d in direction.items():
        if d.ndim <= 1:
            out[k] = np.zeros_like(d)
            continue
        axes = tuple(range(1, d.ndim))
        norm_w = np.sqrt((weights[k] ** 2).sum(axis=axes, keepdims=True))
        scale = norm_w / (np.sqrt((d**2).sum(axis=axes, keepdims=True)) + 1e-10)
        out[k] = d * scale
    return out


def random_plane(center: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two orthogonal filter-normalised Gaussian directions around the flat weights ``center``."""
    rng = np.random.default_rng([seed, 2])
    w = M.unflatten(center)
    d1 = {k: rng.standard_normal(v.shape) for k, v in w.items()}
    d2 = {k: rng.standard_normal(v.shape) for k, v in w.items()}
    for k, a in d1.items():
        if a.ndim > 1:  # per filter: remove d2's component along d1
            axes = tuple(range(1, a.ndim))
            coef = (a * d2[k]).sum(axis=axes, keepdims=True) / (a * a).sum(axis=axes, keepdims=True)
            d2[k] = d2[k] - coef * a
    return M.flatten(filter_normalize(d1, w)), M.flatten(filter_normalize(d2, w))


def pca_plane(center: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """The top two principal directions of ``points - center`` (unit vectors) and the share of
    the variance each explains."""
    diffs = points - center
    centred = diffs - diffs.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    var = s**2
    total = var.sum() if var.sum() > 0 else 1.0
    return vt[0], vt[1], (float(var[0] / total), float(var[1] / total))


class Projection(NamedTuple):
    coords: np.ndarray  # (k, 2) α, β of each point
    off_plane: np.ndarray  # (k,) distance from each point to the plane
    true_loss: np.ndarray  # (k,) validation loss at the point itself
    plane_loss: np.ndarray  # (k,) validation loss at its projection on the plane


def project(center: np.ndarray, d1: np.ndarray, d2: np.ndarray, points: np.ndarray) -> Projection:
    """Least-squares coordinates of ``points`` on the plane, with what the plane misses."""
    basis = np.stack([d1, d2], axis=1)  # (P, 2)
    diffs = points - center
    coords, *_ = np.linalg.lstsq(basis, diffs.T, rcond=None)
    coords = coords.T
    on_plane = center + coords @ basis.T
    off = np.linalg.norm(points - on_plane, axis=1)
    return Projection(coords, off, losses(points), losses(on_plane))


class Slice(NamedTuple):
    alphas: np.ndarray  # (GRID,)
    betas: np.ndarray  # (GRID,)
    loss: np.ndarray  # (GRID, GRID): loss[j, i] at (alphas[i], betas[j])


def slice_grid(
    center: np.ndarray, d1: np.ndarray, d2: np.ndarray, span: tuple[float, float, float, float], n: int = GRID
) -> Slice:
    """The validation loss on an ``n × n`` grid of the plane over ``span = (a0, a1, b0, b1)``."""
    a0, a1, b0, b1 = span
    alphas, betas = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
    aa, bb = np.meshgrid(alphas, betas)  # loss[j, i] at (alphas[i], betas[j])
    flats = center + aa.reshape(-1, 1) * d1 + bb.reshape(-1, 1) * d2
    return Slice(alphas, betas, losses(flats).reshape(n, n))


def span_around(coords: np.ndarray, margin: float = 0.15) -> tuple[float, float, float, float]:
    """A square-ish window holding every projected point and the centre, with a margin."""
    lo = np.minimum(coords.min(axis=0), 0.0)
    hi = np.maximum(coords.max(axis=0), 0.0)
    pad = np.maximum((hi - lo) * margin, 1e-3)
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])
