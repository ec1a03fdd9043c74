"""Fair tuning: every racer gets the same number of tries to find its learning rate.

Each optimizer tries `BUDGET` settings, in three rounds, each round one batched run:

1. `COARSE` learning rates on a log grid from `LOW` to `HIGH`;
2. `SECOND` more: where the optimizer has a momentum (``momentum``, or ``beta1`` for the
   Adam family), that many momentum values at the best rate so far; otherwise that many
   learning rates next to the best one;
3. `FINE` learning rates around the best, at the best momentum.

A setting's score is the median final loss over `maps.PROBES` probes (start points near
the start, or noise seeds when the gradient is noisy); a setting where any probe left the
region or blew up scores infinity. Ties go to the smaller learning rate. Nothing is random
beyond the probes' fixed seed: the same inputs give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.optimizers import OPTIMIZERS

from .maps import Setup, momentum_key, sweep

LOW, HIGH = 10**-4.5, 10**0.5
COARSE = 12
SECOND = 4
FINE = 8
BUDGET = COARSE + SECOND + FINE  # settings tried per optimizer, the same for all
MOMENTA = (0.5, 0.8, 0.95, 0.99)  # the second round's values (SECOND of them)
NEAR = (-0.3, -0.15, 0.15, 0.3)  # log10 steps of the second round without a momentum
FINE_STEP = 0.06  # log10: the fine round spans the coarse grid's spacing around the best


@dataclass
class Trial:
    lr: float
    momentum: float | None
    score: float


@dataclass
class Tuned:
    optimizer: str
    key: str | None  # the momentum hyperparameter tuned too, if any
    lr: float | None  # None: every setting failed
    momentum: float | None
    score: float
    trials: list[Trial]

    def to_dict(self) -> dict:
        def clean(v: float | None) -> float | None:
            return None if v is None or not np.isfinite(v) else float(v)

        return {
            "optimizer": self.optimizer,
            "tuned": ["lr", *([self.key] if self.key else [])],
            "lr": self.lr,
            **({self.key: self.momentum} if self.key else {}),
            "score": clean(self.score),
            "runs": len(self.trials),
            "trials": [
                {"lr": t.lr, **({self.key: t.momentum} if self.key else {}), "score": clean(t.score)}
                for t in self.trials
            ],
        }


def _round(s: Setup, lrs: list[float], momentum: float | None, key: str | None) -> list[Trial]:
    """One round: these learning rates at one momentum, as one batched run."""
    extra = {key: momentum} if key and momentum is not None else {}
    sw = sweep(s, np.array(sorted(lrs)), **extra)
    return [Trial(float(lr), momentum, float(sc)) for lr, sc in zip(sw.lrs, sw.score)]


def _best(trials: list[Trial]) -> Trial:
    return min(trials, key=lambda t: (t.score, t.lr))


def tune(s: Setup) -> Tuned:
    """The best learning rate (and momentum) of one racer within `BUDGET` settings."""
    key = momentum_key(s.optimizer)
    m0 = float(OPTIMIZERS[s.optimizer].resolve(s.lr, s.hyper)[key]) if key else None
    trials = _round(s, list(np.geomspace(LOW, HIGH, COARSE)), m0, key)
    best = _best(trials)
    if key:
        second = [t for m in MOMENTA for t in _round(s, [best.lr], m, key)]
    else:
        second = _round(s, [best.lr * 10**d for d in NEAR], m0, key)
    trials += second
    best = _best(trials)
    fine = [best.lr * 10 ** (FINE_STEP * k) for k in (-4, -3, -2, -1, 1, 2, 3, 4)]
    trials += _round(s, fine, best.momentum, key)
    best = _best(trials)
    found = np.isfinite(best.score)
    return Tuned(s.optimizer, key, best.lr if found else None, best.momentum if found else None,
                 best.score, trials)  # fmt: skip
