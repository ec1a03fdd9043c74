"""What a lesson shows beside its text: one quantity of every racer over the steps.

A lesson names the quantity its sentence is about (``Lesson.evidence``); the lesson box
draws that quantity for every racer of the run on screen, and the tests check the lesson's
claim on the very series the box draws (tests/test_lessons.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.core.engine import Trajectory
from playground.core.surfaces import Surface


def _kept(t: Trajectory) -> int:
    """How many positions a run drew (a run that left or blew up stops before its bad step)."""
    return int(t.last_kept) + 1


def _across(t: Trajectory, s: Surface, first: Trajectory) -> np.ndarray:
    # signed: a bounce from wall to wall reads as the sign flipping on every step
    return t.positions[: _kept(t), 1].copy()


def _step(t: Trajectory, s: Surface, first: Trajectory) -> np.ndarray:
    return np.linalg.norm(np.diff(t.positions[: _kept(t)], axis=0), axis=1)


def _gap(t: Trajectory, s: Surface, first: Trajectory) -> np.ndarray:
    fglob = s.fglob if s.fglob is not None else 0.0
    return np.maximum(t.loss[: _kept(t)] - fglob, 1e-300)


def _loss(t: Trajectory, s: Surface, first: Trajectory) -> np.ndarray:
    return t.loss[: _kept(t)]


def _lr(t: Trajectory, s: Surface, first: Trajectory) -> np.ndarray:
    # relative to the racer's own rate η (the schedules' largest value): racers with rates 50
    # times apart share one linear axis
    return t.lr[: _kept(t)] / np.max(t.lr)


def _distance(t: Trajectory, s: Surface, first: Trajectory) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        return s.nearest_minimum_distance(t.positions[: _kept(t)])


def _apart(t: Trajectory, s: Surface, first: Trajectory) -> np.ndarray:
    n = min(_kept(t), _kept(first))
    return np.linalg.norm(t.positions[:n] - first.positions[:n], axis=1)


@dataclass(frozen=True)
class Quantity:
    # what the chart shows (its legend's title); "{first}": the first racer's name
    label: str
    # one value per drawn step, of a racer on the surface; `first` is the first racer's run
    series: Callable[[Trajectory, Surface, Trajectory], np.ndarray]
    log: bool = False
    # measured from the first racer's run: the first racer is the reference and is not drawn (its
    # own series is 0 by definition, a flat line that would read as "this one does not move")
    relative: bool = False

    def title(self, first: str) -> str:
        """The legend's title, the reference racer named."""
        return self.label.format(first=first)


QUANTITIES: dict[str, Quantity] = {
    "across": Quantity("y, across the valley", _across),
    "step": Quantity("step length", _step, log=True),
    "gap": Quantity("f − f*", _gap, log=True),
    "loss": Quantity("loss f", _loss),
    # linear: a cosine's shape, a warmup's ramp and a restart's jump read as they are
    "lr": Quantity("η_t / η", _lr),
    "distance": Quantity("to nearest minimum", _distance, log=True),
    "apart": Quantity("off {first}'s path", _apart, relative=True),
}


def series(quantity: str, surface: Surface, trajs: list[Trajectory]) -> list[np.ndarray | None]:
    """The lesson's quantity for every racer, as the lesson box draws it (``None``: not drawn,
    the reference of a relative quantity)."""
    q = QUANTITIES[quantity]
    return [None if q.relative and i == 0 else q.series(t, surface, trajs[0]) for i, t in enumerate(trajs)]
