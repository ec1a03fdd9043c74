"""What a run's outcome is called: one function for the page's table, the CLI and the exports.

The engine decides a run's status (:mod:`.status`); this module words it, and names the
surface's minimum nearest the run's last point and its distance whatever the status, so a
run that stopped 1.2e-5 from Rosenbrock's minimum while still creeping reads "next to the
global minimum (1, 1) at the last step, still creeping" everywhere, with its distance.

Two outcomes are the page's own refinements of the engine's statuses: a run that left the
region with a lower loss than it started with went downhill (:data:`LEFT_DOWNHILL`, a
success the plotted region was too small to hold), and a run still moving at the last step
but already within :data:`NEAR_SHARE` of the domain's width of a minimum sits next to it
(:data:`NEAR_MINIMUM`: the gradient test is strict, 1e-6, and a steep valley keeps the
gradient above it at a loss of 1e-10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .status import STATUSES, STOPPED_BEFORE, nearest_minimum
from .surfaces import Surface

LEFT_DOWNHILL = "left_downhill"
NEAR_MINIMUM = "near_minimum"
NEAR_SHARE = 1e-3


@dataclass(frozen=True)
class Wording:
    """How an outcome reads: ``text`` with ``{at}`` (the step it stopped at), ``{last}`` (the
    last step drawn: a run that left or blew up) and ``{which}`` (the minimum, e.g. "global
    minimum (1, 1)"); its ``tone`` (good, warn, bad, neutral) and its ``key`` (the legend's
    short words)."""

    text: str
    tone: str
    key: str


WORDING: dict[str, Wording] = {
    "minimum": Wording("reached the {which} at step {at}", "good", "minimum"),
    "saddle": Wording(
        "stopped on a saddle point at step {at}: not a minimum", "warn", "saddle: not a minimum"
    ),
    "critical": Wording(
        "stopped where the gradient vanishes at step {at}: not a minimum", "warn", "flat spot: not a minimum"
    ),
    "left": Wording("left the region after step {last}", "bad", "left the region"),
    LEFT_DOWNHILL: Wording("left the region going downhill after step {last}", "good", "left going downhill"),
    "blew_up": Wording("blew up after step {last}", "bad", "blew up"),
    "running": Wording("still moving at the last step", "neutral", "still moving"),
    NEAR_MINIMUM: Wording(
        "next to the {which} at the last step, still creeping", "good", "next to a minimum"
    ),
}
OUTCOMES = (*STATUSES, LEFT_DOWNHILL, NEAR_MINIMUM)  # every outcome, the engine's statuses first


@dataclass(frozen=True)
class Outcome:
    """A run's outcome: ``status`` (one of :data:`OUTCOMES`), its ``words``, and the surface's
    minimum nearest the run's last point (index into ``surface.minima``, ``(x, y)``, "global
    minimum (1, 1)") with its ``distance``; ``None`` where the surface knows no minimum or the
    point is not finite."""

    status: str
    words: str
    tone: str
    nearest: int | None
    nearest_minimum: tuple[float, float] | None
    nearest_name: str | None
    distance: float | None

    def fields(self) -> dict[str, Any]:
        """JSON-ready: ``outcome`` (the words), ``outcome_status``, ``nearest_minimum`` [x, y]
        and ``nearest_minimum_distance`` (null where there is none)."""
        return {
            "outcome": self.words,
            "outcome_status": self.status,
            "nearest_minimum": None if self.nearest_minimum is None else list(self.nearest_minimum),
            "nearest_minimum_distance": self.distance,
        }


def minimum_name(surface: Surface, index: int) -> str:
    """Words for one of the surface's minima, e.g. "global minimum (3, 2)"."""
    c = surface.minima[index]
    kind = "global minimum" if c.kind == "global_min" else "local minimum"
    return f"{kind} ({c.x:.4g}, {c.y:.4g})"


def _shown_status(status: str, near_enough: bool, start_loss: float, final_loss: float) -> str:
    """The engine's status, refined where a run left downhill or creeps next to a minimum."""
    if status == "left" and math.isfinite(final_loss) and final_loss < start_loss:
        return LEFT_DOWNHILL
    if status == "running" and near_enough:
        return NEAR_MINIMUM
    return status


def outcomes(surface: Surface, status: Any, points: Any, stopped_at: Any, final_loss: Any,
             start_loss: Any) -> list[Outcome]:  # fmt: skip
    """The outcomes of many runs from plain values, one per run (see :func:`outcome`); the
    nearest minima are found for all at once (40,000 map cells on Rastrigin's 121 minima)."""
    status = [str(v) for v in np.asarray(status).reshape(-1)]
    unknown = sorted(set(status) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; one of {', '.join(STATUSES)}")
    index, dist = nearest_minimum(surface, np.asarray(points, dtype=np.float64).reshape(-1, 2))
    (x0, x1), _ = surface.domain
    near_enough = dist <= NEAR_SHARE * (x1 - x0)
    minima = surface.minima  # a property that filters the critical points: read it once
    names = [(minimum_name(surface, k), c.xy) for k, c in enumerate(minima)]
    stops = np.asarray(stopped_at).reshape(-1).tolist()
    finals = np.asarray(final_loss, dtype=np.float64).reshape(-1).tolist()
    starts = np.broadcast_to(np.asarray(start_loss, dtype=np.float64), (len(status),)).tolist()
    out = []
    for i, k in enumerate(index.tolist()):
        shown = _shown_status(status[i], bool(near_enough[i]), starts[i], finals[i])
        out.append(_worded(status[i], shown, int(stops[i]), k, float(dist[i]), names))
    return out


def _worded(status: str, shown: str, stopped_at: int, k: int, dist: float,
            names: list[tuple[str, tuple[float, float]]]) -> Outcome:  # fmt: skip
    """The outcome's words: the page's for its status; where they name no minimum, they end
    with the nearest one (``names[k]``: its words and point) and its distance."""
    wording = WORDING[shown]
    name, xy = names[k] if k >= 0 else (None, None)
    last = stopped_at - 1 if status in STOPPED_BEFORE else stopped_at
    words = wording.text.format(at=stopped_at, last=last, which=name or "minimum")
    if name is not None and "{which}" not in wording.text:
        words += f"; {dist:.3g} from the {name}"
    if k < 0:
        return Outcome(shown, words, wording.tone, None, None, None, None)
    return Outcome(shown, words, wording.tone, k, xy, name, dist)


def outcome(surface: Surface, status: str, point: Any, stopped_at: int, final_loss: float,
            start_loss: float) -> Outcome:  # fmt: skip
    """The outcome of a run from plain values: the engine's ``status``, the last ``point`` it
    really reached and its loss ``final_loss``, the step it ``stopped_at`` (for a run that left
    or blew up, the bad step) and the loss at its start.

    The words are the page's for the status; where they do not name a minimum already, they
    end with the nearest one and its distance ("still moving at the last step; 0.42 from the
    global minimum (1, 1)").
    """
    return outcomes(surface, [status], [point], [stopped_at], [final_loss], [start_loss])[0]


def of_run(surface: Surface, tr: Any, run: int | None = None) -> Outcome:
    """The outcome of a `Trajectory` (``run``: which run of a batch; ``None`` for a single run)."""
    pick = (lambda a: np.asarray(a)) if run is None else (lambda a: np.asarray(a)[..., run])
    status, stopped_at, last = str(pick(tr.status)), int(pick(tr.stopped_at)), int(pick(tr.last_kept))
    positions = tr.positions if run is None else tr.positions[:, run]
    loss = pick(tr.loss)
    return outcome(surface, status, positions[last], stopped_at, float(loss[last]), float(loss[0]))


def describe(surface: Surface, tr: Any, run: int | None = None) -> str:
    """The words of a `Trajectory`'s outcome (see :func:`outcome`)."""
    return of_run(surface, tr, run).words
