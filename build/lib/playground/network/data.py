"""The digits: scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes).

They ship inside the scikit-learn wheel, so nothing is downloaded at run time. The split is
fixed (its own seed, not the run's): every run, every optimizer and every seed sees the same
training and validation images, so a difference between runs is the optimizer's and the run
seed's (initialisation, shuffling, dropout), never the split's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

SPLIT_SEED = 0
VALIDATION_FRACTION = 0.2
NAME = "sklearn digits 8x8 (1,797 images; 1,438 train / 359 validation, fixed split)"


class Digits(NamedTuple):
    x_train: np.ndarray  # (n, 8, 8) float64 in [0, 1]
    y_train: np.ndarray  # (n,) int64 labels 0..9
    x_val: np.ndarray
    y_val: np.ndarray


@lru_cache(maxsize=1)
def load() -> Digits:
    """The fixed split, pixels scaled from 0..16 to [0, 1]. Arrays are read-only (cached)."""
    from sklearn.datasets import load_digits  # imported here: only the network needs it

    bunch = load_digits()
    x = np.asarray(bunch.images, dtype=np.float64) / 16.0
    y = np.asarray(bunch.target, dtype=np.int64)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    n_val = round(len(y) * VALIDATION_FRACTION)
    val, train = order[:n_val], order[n_val:]
    out = Digits(x[train], y[train], x[val], y[val])
    for a in out:
        a.setflags(write=False)
    return out
