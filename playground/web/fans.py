"""Seed fans: every stochastic racer run again with K seeds (seed, seed + 1, ..., seed + K - 1),
so the page can show the spread that one noisy path hides.

Member 0 of a fan is the racer's own run (the same seed), and each member is an ordinary run
of the engine, so a fan is reproducible seed by seed. What the page draws of it: every path
faintly, the step-wise median path, the loss chart's median with a 10–90 % band, and the
spread of the final losses in the race table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.engine import Trajectory
from playground.core.surfaces import Surface

QUANTILES = (0.1, 0.5, 0.9)  # the band's edges and its median


@dataclass(frozen=True)
class Fan:
    paths: np.ndarray  # (K, steps + 1, 2): each seed's positions (held after a run stopped)
    loss: np.ndarray  # (K, steps + 1): the loss along each path
    final: np.ndarray  # (K,): each run's loss at the last point it really reached
    seeds: tuple[int, ...]

    @property
    def median_path(self) -> np.ndarray:
        """The step-wise median of the seeds' positions, coordinate by coordinate."""
        with np.errstate(invalid="ignore"):
            return np.nanmedian(self.paths, axis=0)

    def band(self, values: np.ndarray) -> np.ndarray:
        """(3, steps + 1): the 10 %, 50 % and 90 % quantiles over the seeds at each step."""
        with np.errstate(invalid="ignore"):
            return np.nanquantile(values, QUANTILES, axis=0)

    def spread(self) -> tuple[float, float, float]:
        """The 10 %, 50 % and 90 % quantiles of the final losses."""
        lo, mid, hi = np.nanquantile(self.final, QUANTILES)
        return float(lo), float(mid), float(hi)


def stochastic(surface: Surface, t: Trajectory) -> bool:
    """Whether a run depends on its seed: Gaussian noise, or real mini-batches smaller than the data."""
    if t.noise <= 0:
        return False
    return surface.batch is None or t.batch_size < surface.n_samples


def from_runs(trajs: list[Trajectory]) -> Fan:
    """The fan of the runs of one racer, one per seed (member 0: the racer's own seed)."""
    return Fan(
        paths=np.stack([t.positions for t in trajs]),
        loss=np.stack([t.loss for t in trajs]),
        final=np.array([t.loss[int(t.last_kept)] for t in trajs]),
        seeds=tuple(t.seed for t in trajs),
    )
