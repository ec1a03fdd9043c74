"""One "Real network" study: a showdown plus its landscape slice and projected paths.

Everything the view shows is computed here, from validated settings, and cached per settings
(`study`): a second visitor asking for the same table gets it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import landscape as L
from .showdown import Showdown, run_showdown

PLANES = ("pca", "random")
BATCH_SIZE, SEED = 64, 0


@dataclass(frozen=True, eq=False)  # identity hash: `study` builds one per settings, figures cache on it
class Study:
    showdown: Showdown
    plane: str
    center: str  # the optimizer whose final weights are the slice's centre
    explained: tuple[float, float] | None  # PCA plane: the variance share of each direction
    slice: L.Slice
    projections: tuple[L.Projection, ...]  # one per run, in the showdown's order


@lru_cache(maxsize=8)  # one study holds ~5 MB of checkpoints
def study(names: tuple[str, ...], epochs: int, preset: str, plane: str) -> Study:
    """Train ``names`` and slice the landscape around the first one's final weights."""
    sd = run_showdown(names, epochs=epochs, batch_size=BATCH_SIZE, seed=SEED, preset=preset)
    center = sd.runs[0].final
    if plane == "pca":
        d1, d2, explained = L.pca_plane(center, np.concatenate([r.path for r in sd.runs]))
    else:
        (d1, d2), explained = L.random_plane(center, SEED), None
    projections = tuple(L.project(center, d1, d2, r.path) for r in sd.runs)
    coords = np.concatenate([p.coords for p in projections])
    if plane == "random":  # Li et al.'s window, widened if a path lands outside it
        coords = np.concatenate([coords, [[-L.RANDOM_SPAN, -L.RANDOM_SPAN], [L.RANDOM_SPAN, L.RANDOM_SPAN]]])
    grid = L.slice_grid(center, d1, d2, L.span_around(coords))
    return Study(sd, plane, sd.runs[0].optimizer, explained, grid, projections)
