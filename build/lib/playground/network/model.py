"""A small convolutional network in NumPy, float64, with exact backprop.

Architecture, in the spirit of the seed's Keras net (Conv2D → MaxPooling → Dropout → Dense):

    8×8 image → conv 3×3, 16 filters, valid (6×6×16) → ReLU → max-pool 2×2 (3×3×16)
    → dropout 0.25 (training only) → dense 144 → 10 → softmax cross-entropy

1,610 parameters. Why a conv net and not an MLP: it is the seed's kind of network, and it is
affordable. Measured on this 2-core VM, a training step on a batch of 64 costs 1.7 ms against
0.16 ms for an MLP 64→32→10 (ten times more), yet an epoch with its metrics is ~0.09 s and the
six-optimizer, 10-epoch study with its slice ~13 s (benchmarks/network.py), well inside the
60 s budget. The parameters are named and shaped
as PyTorch's ``Conv2d(1, 16, 3)`` and ``Linear(144, 10)`` (the pooled features are flattened
filter-major, like ``torch.flatten`` of an NCHW tensor), so the torch oracle loads them as is
and each filter is a slice along the first axis (what Li et al.'s filter normalisation uses).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

FILTERS = 16
KERNEL = 3
CLASSES = 10
SIDE = 8
CONV_SIDE = SIDE - KERNEL + 1  # 6
POOL_SIDE = CONV_SIDE // 2  # 3
FEATURES = FILTERS * POOL_SIDE * POOL_SIDE  # 144
DROPOUT = 0.25
MODEL = "conv 3x3x16 + ReLU -> maxpool 2x2 -> dropout 0.25 -> dense 144x10 (1,610 parameters)"

Params = dict[str, np.ndarray]
SHAPES: dict[str, tuple[int, ...]] = {
    "conv.weight": (FILTERS, 1, KERNEL, KERNEL),
    "conv.bias": (FILTERS,),
    "dense.weight": (CLASSES, FEATURES),
    "dense.bias": (CLASSES,),
}


def init_params(rng: np.random.Generator) -> Params:
    """Glorot-uniform weights and zero biases: Keras's defaults, as the seed's net had."""
    fan_conv = (1 * KERNEL * KERNEL, FILTERS * KERNEL * KERNEL)
    fan_dense = (FEATURES, CLASSES)
    out: Params = {}
    for name, shape in SHAPES.items():
        if name.endswith("bias"):
            out[name] = np.zeros(shape)
            continue
        fan_in, fan_out = fan_conv if name.startswith("conv") else fan_dense
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        out[name] = rng.uniform(-limit, limit, size=shape)
    return out


def n_params() -> int:
    return sum(int(np.prod(s)) for s in SHAPES.values())


def flatten(params: Params) -> np.ndarray:
    """All parameters as one vector, in SHAPES' order (what the landscape slice works on)."""
    return np.concatenate([params[k].ravel() for k in SHAPES])


def unflatten(vec: np.ndarray) -> Params:
    out, at = {}, 0
    for name, shape in SHAPES.items():
        size = int(np.prod(shape))
        out[name] = vec[at : at + size].reshape(shape)
        at += size
    return out


class Cache(NamedTuple):
    patches: np.ndarray  # (N, 36, 9)
    z: np.ndarray  # conv pre-activation (N, 36, F)
    winners: np.ndarray  # (N, 3, 3, F, 4) bool: which element of each 2×2 window won
    features: np.ndarray  # pooled, flattened, after dropout (N, 144)
    mask: np.ndarray | None


def forward(params: Params, x: np.ndarray, mask: np.ndarray | None = None) -> tuple[np.ndarray, Cache]:
    """Logits ``(N, 10)`` of images ``x (N, 8, 8)``; ``mask`` is the (already scaled) dropout mask."""
    n = x.shape[0]
    patches = sliding_window_view(x, (KERNEL, KERNEL), axis=(1, 2)).reshape(n, CONV_SIDE**2, KERNEL**2)
    w = params["conv.weight"].reshape(FILTERS, KERNEL**2)
    z = patches @ w.T + params["conv.bias"]
    a = np.maximum(z, 0.0).reshape(n, POOL_SIDE, 2, POOL_SIDE, 2, FILTERS)
    windows = a.transpose(0, 1, 3, 5, 2, 4).reshape(n, POOL_SIDE, POOL_SIDE, FILTERS, 4)
    # the gradient goes to one element per window, the first maximum in row-major order (as
    # torch's max_pool2d): blank areas of a digit give windows of four equal values
    first = windows.argmax(axis=-1)
    pooled = np.take_along_axis(windows, first[..., None], axis=-1)[..., 0]  # (N, 3, 3, F)
    winners = first[..., None] == np.arange(4)
    features = pooled.transpose(0, 3, 1, 2).reshape(n, FEATURES)  # filter-major, like torch
    if mask is not None:
        features = features * mask
    logits = features @ params["dense.weight"].T + params["dense.bias"]
    return logits, Cache(patches, z, winners, features, mask)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean softmax cross-entropy of the batch."""
    return float(-log_softmax(logits)[np.arange(y.shape[0]), y].mean())


def loss_and_grad(
    params: Params, x: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, Params]:
    """The batch's mean cross-entropy and its exact gradient for every parameter."""
    n = x.shape[0]
    logits, c = forward(params, x, mask)
    logp = log_softmax(logits)
    loss = float(-logp[np.arange(n), y].mean())
    d_logits = np.exp(logp)
    d_logits[np.arange(n), y] -= 1.0
    d_logits /= n
    grads: Params = {
        "dense.weight": d_logits.T @ c.features,
        "dense.bias": d_logits.sum(axis=0),
    }
    d_feat = d_logits @ params["dense.weight"]
    if c.mask is not None:
        d_feat = d_feat * c.mask
    d_pooled = d_feat.reshape(n, FILTERS, POOL_SIDE, POOL_SIDE).transpose(0, 2, 3, 1)
    d_win = c.winners * d_pooled[..., None]  # (N, 3, 3, F, 4)
    d_a = d_win.reshape(n, POOL_SIDE, POOL_SIDE, FILTERS, 2, 2).transpose(0, 1, 4, 2, 5, 3)
    d_z = d_a.reshape(n, CONV_SIDE**2, FILTERS) * (c.z > 0)
    flat_dz = d_z.reshape(-1, FILTERS)
    grads["conv.weight"] = (flat_dz.T @ c.patches.reshape(-1, KERNEL**2)).reshape(SHAPES["conv.weight"])
    grads["conv.bias"] = d_z.sum(axis=(0, 1))
    return loss, {k: grads[k] for k in SHAPES}


def evaluate(params: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) without dropout."""
    logits, _ = forward(params, x)
    return cross_entropy(logits, y), float((logits.argmax(axis=1) == y).mean())


def batch_losses(flats: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The mean cross-entropy (no dropout) of every weight vector of ``flats (K, 1610)``.

    The same arithmetic as :func:`forward`, vectorised over the K networks: a 41×41 slice
    is 41 calls instead of 1,681 (the per-call overhead dominates at this size).
    """
    n, k = x.shape[0], flats.shape[0]
    at = np.cumsum([0] + [int(np.prod(s)) for s in SHAPES.values()])
    cw, cb, dw, db = (flats[:, at[i] : at[i + 1]] for i in range(4))
    patches = sliding_window_view(x, (KERNEL, KERNEL), axis=(1, 2)).reshape(n * CONV_SIDE**2, KERNEL**2)
    z = (patches @ cw.reshape(k * FILTERS, KERNEL**2).T).reshape(n * CONV_SIDE**2, k, FILTERS) + cb
    a = np.maximum(z, 0.0).reshape(n, POOL_SIDE, 2, POOL_SIDE, 2, k, FILTERS)
    pooled = a.max(axis=(2, 4))  # (N, 3, 3, K, F)
    features = pooled.transpose(3, 0, 4, 1, 2).reshape(k, n, FEATURES)
    logits = features @ dw.reshape(k, CLASSES, FEATURES).transpose(0, 2, 1) + db[:, None, :]
    shifted = logits - logits.max(axis=2, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    return -logp[:, np.arange(n), y].mean(axis=1)
