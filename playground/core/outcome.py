"""What a run's outcome is called: one function for the page's table, the CLI and the exports.

The engine decides a run's status (:mod:`.status`); this module words it, and names the
surface's minimum nearest the run's last point and its distance whatever the status, so a
run that stopped 1.2e-5 from Rosenbrock's minimum while still creeping reads "next to the
global minimum (1, 1) at the last step, still creeping" everywhere, with its distance.

Four outcomes refine the engine's statuses: a run that left the region with a lower loss
than it started with went downhill (:data:`LEFT_DOWNHILL`, a success the plotted region was
too small to hold); a run still moving at the last step but already within
:data:`NEAR_SHARE` of the domain's width of a minimum sits next to it (:data:`NEAR_MINIMUM`:
the gradient test is strict, 1e-6, and a steep valley keeps the gradient above it at a loss
of 1e-10); and a run whose point no longer changed from some step to the end stopped there
by a rule of its own (:data:`STOPPED`, or :data:`STOPPED_NEAR` next to a minimum): L-BFGS's
tolerances, a learning rate of 0, steps below the coordinates' float precision. The last
two need the path (:func:`of_run`, :func:`rest_step`); a backend that keeps no path cannot
tell them from a run still moving.

Every surface that shows a run's outcome takes its words from here: the page's results
table (sent whole by the server, never filled in by the browser), its key (:data:`WORDING`'s
``key``), the CLI and the exports. The page's word for a run the playback has not brought to
its outcome yet is :data:`PENDING`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .optimizers import OPTIMIZERS
from .status import STATUSES, STOPPED_BEFORE, nearest_minimum
from .surfaces import Surface

LEFT_DOWNHILL = "left_downhill"
NEAR_MINIMUM = "near_minimum"
STOPPED = "stopped"
STOPPED_NEAR = "stopped_near"
NEAR_SHARE = 1e-3


@dataclass(frozen=True)
class Wording:
    """How an outcome reads: ``text`` with ``{at}`` (the step it stopped at), ``{last}`` (the
    last step drawn: a run that left or blew up), ``{which}`` (the minimum, e.g. "global
    minimum (1, 1)"), ``{where}`` (the point it stopped at, e.g. "(1, 0.99999)") and
    ``{why}`` (what stopped a run that stopped by itself); its ``tone`` (good, warn, bad,
    neutral) and its ``key`` (the legend's short words)."""

    text: str
    tone: str
    key: str


WORDING: dict[str, Wording] = {
    "minimum": Wording("reached the {which} at step {at}", "good", "minimum"),
    "saddle": Wording(
        "stopped on a saddle point at step {at} at {where}: not a minimum", "warn", "saddle: not a minimum"
    ),
    "critical": Wording(
        "stopped where the gradient vanishes at step {at} at {where}: not a minimum",
        "warn",
        "flat spot: not a minimum",
    ),
    "left": Wording("left the region after step {last}", "bad", "left the region"),
    LEFT_DOWNHILL: Wording("left the region going downhill after step {last}", "good", "left going downhill"),
    "blew_up": Wording("blew up after step {last}", "bad", "blew up"),
    "running": Wording("still moving at the last step", "neutral", "still moving"),
    NEAR_MINIMUM: Wording(
        "next to the {which} at the last step, still creeping", "good", "next to a minimum"
    ),
    STOPPED: Wording("stopped at step {at} at {where}: {why}", "warn", "stopped by itself: not at a minimum"),
    STOPPED_NEAR: Wording(
        "stopped at step {at} at {where}, next to the {which}: {why}", "good", "stopped next to a minimum"
    ),
}
# every outcome, the engine's statuses first
OUTCOMES = (*STATUSES, LEFT_DOWNHILL, NEAR_MINIMUM, STOPPED, STOPPED_NEAR)
# the page's word for a run whose outcome the playback has not reached yet
PENDING = Wording("moving", "neutral", "moving (not there yet)")
# what stopped a run that stopped by itself, when its optimizer declares no rule of its own
# (`Optimizer.stops`)
ZERO_LR = "its learning rate is 0"
TOO_SMALL = "its steps no longer change the point (below the coordinates' float precision)"


@dataclass(frozen=True)
class Outcome:
    """A run's outcome: ``status`` (one of :data:`OUTCOMES`), its ``words`` and ``tone``, the
    step ``at`` which the run reaches it (a playback shows :data:`PENDING` before it), and the
    surface's minimum nearest the run's last point (index into ``surface.minima``, ``(x, y)``,
    "global minimum (1, 1)") with its ``distance``; ``None`` where the surface knows no
    minimum or the point is not finite."""

    status: str
    words: str
    tone: str
    at: int
    nearest: int | None
    nearest_minimum: tuple[float, float] | None
    nearest_name: str | None
    distance: float | None

    def fields(self) -> dict[str, Any]:
        """JSON-ready: ``outcome`` (the words), ``outcome_status``, ``outcome_step``,
        ``nearest_minimum`` [x, y] and ``nearest_minimum_distance`` (null where there is none)."""
        return {
            "outcome": self.words,
            "outcome_status": self.status,
            "outcome_step": self.at,
            "nearest_minimum": None if self.nearest_minimum is None else list(self.nearest_minimum),
            "nearest_minimum_distance": self.distance,
        }


def minimum_name(surface: Surface, index: int) -> str:
    """Words for one of the surface's minima, e.g. "global minimum (3, 2)"."""
    c = surface.minima[index]
    kind = "global minimum" if c.kind == "global_min" else "local minimum"
    return f"{kind} ({c.x:.4g}, {c.y:.4g})"


def point_words(point: Any) -> str:
    """A point as the outcomes write it: five significant digits, "(1, 0.99999)"."""
    x, y = (float(v) for v in point)
    return f"({x:.5g}, {y:.5g})"


def _shown_status(status: str, near_enough: bool, start_loss: float, final_loss: float, rest: int) -> str:
    """The engine's status, refined where a run left downhill, stopped by itself (``rest``:
    the step its point stopped changing, -1 for none) or creeps next to a minimum."""
    if status == "left" and math.isfinite(final_loss) and final_loss < start_loss:
        return LEFT_DOWNHILL
    if status == "running" and rest >= 0:
        return STOPPED_NEAR if near_enough else STOPPED
    if status == "running" and near_enough:
        return NEAR_MINIMUM
    return status


def outcomes(surface: Surface, status: Any, points: Any, stopped_at: Any, final_loss: Any,
             start_loss: Any, rest: Any = -1, why: str | Sequence[str] = "") -> list[Outcome]:  # fmt: skip
    """The outcomes of many runs from plain values, one per run (see :func:`outcome`; ``rest``
    and ``why`` one for all or one per run); the nearest minima are found for all at once
    (40,000 map cells on Rastrigin's 121 minima)."""
    status = [str(v) for v in np.asarray(status).reshape(-1)]
    unknown = sorted(set(status) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; one of {', '.join(STATUSES)}")
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    index, dist = nearest_minimum(surface, points)
    (x0, x1), _ = surface.domain
    near_enough = dist <= NEAR_SHARE * (x1 - x0)
    minima = surface.minima  # a property that filters the critical points: read it once
    names = [(minimum_name(surface, k), c.xy) for k, c in enumerate(minima)]
    stops = np.asarray(stopped_at).reshape(-1).tolist()
    finals = np.asarray(final_loss, dtype=np.float64).reshape(-1).tolist()
    starts = np.broadcast_to(np.asarray(start_loss, dtype=np.float64), (len(status),)).tolist()
    rests = np.broadcast_to(np.asarray(rest, dtype=np.int64), (len(status),)).tolist()
    whys = [why] * len(status) if isinstance(why, str) else list(why)
    out = []
    for i, k in enumerate(index.tolist()):
        shown = _shown_status(status[i], bool(near_enough[i]), starts[i], finals[i], rests[i])
        at = rests[i] if shown in (STOPPED, STOPPED_NEAR) else int(stops[i])
        out.append(_worded(status[i], shown, at, points[i], whys[i], k, float(dist[i]), names))
    return out


def _worded(status: str, shown: str, stopped_at: int, point: np.ndarray, why: str, k: int, dist: float,
            names: list[tuple[str, tuple[float, float]]]) -> Outcome:  # fmt: skip
    """The outcome's words: the page's for its status; where they name no minimum, they end
    with the nearest one (``names[k]``: its words and point) and its distance."""
    wording = WORDING[shown]
    name, xy = names[k] if k >= 0 else (None, None)
    last = stopped_at - 1 if status in STOPPED_BEFORE else stopped_at
    where = point_words(point) if np.isfinite(point).all() else "a point that is not finite"
    words = wording.text.format(at=stopped_at, last=last, which=name or "minimum", where=where, why=why)
    if name is not None and "{which}" not in wording.text:
        words += f"; {dist:.3g} from the {name}"
    if k < 0:
        return Outcome(shown, words, wording.tone, stopped_at, None, None, None, None)
    return Outcome(shown, words, wording.tone, stopped_at, k, xy, name, dist)


def outcome(surface: Surface, status: str, point: Any, stopped_at: int, final_loss: float,
            start_loss: float, rest: int = -1, why: str = "") -> Outcome:  # fmt: skip
    """The outcome of a run from plain values: the engine's ``status``, the last ``point`` it
    really reached and its loss ``final_loss``, the step it ``stopped_at`` (for a run that left
    or blew up, the bad step) and the loss at its start; for a run still moving by the
    engine's tests, ``rest`` is the step from which its point no longer changed (-1: it
    moved to the end) and ``why`` what stopped it (:func:`rest_reason`).

    The words are the page's for the status; where they do not name a minimum already, they
    end with the nearest one and its distance ("still moving at the last step; 0.42 from the
    global minimum (1, 1)").
    """
    return outcomes(surface, [status], [point], [stopped_at], [final_loss], [start_loss], [rest], why)[0]


def rest_step(positions: np.ndarray, last: int) -> int:
    """The step from which a path's point no longer changed up to step ``last`` (exactly: the
    same floats), or -1 where it still moved in its last step (or never took one)."""
    p = np.asarray(positions)[: last + 1]
    if last < 1 or not np.array_equal(p[last], p[last - 1]):
        return -1
    moved = np.flatnonzero(np.any(p[1:] != p[:-1], axis=-1))
    return int(moved[-1]) + 1 if moved.size else 0


def rest_reason(surface: Surface, tr: Any, rest: int, run: int | None = None) -> str:
    """Why a run's point stopped changing from step ``rest`` on (see :func:`rest_reasons`)."""
    point = tr.positions[rest] if run is None else tr.positions[rest, run]
    lrs = np.asarray(tr.lr) if run is None else np.asarray(tr.lr)[:, run]
    zero_lr = bool(lrs[rest:].size and not np.any(lrs[rest:]))
    return rest_reasons(surface, tr.optimizer, tr.hyper, [point], [zero_lr])[0]


def rest_reasons(surface: Surface, optimizer: str, hyper: Mapping[str, Any], points: Any,
                 zero_lr: Any) -> list[str]:  # fmt: skip
    """Why runs' points stopped changing, one per run: ``points`` ``(N, 2)`` where each rests,
    ``zero_lr`` whether its learning rate was 0 at every step from its rest on. Its
    optimizer's own rule first (`Optimizer.stops`, L-BFGS's tolerances, at the point's
    gradient), else a learning rate of 0, else steps too small to change a float. A path kept
    (:func:`rest_reason`) and a batch that keeps none (the outcome maps) both ask here."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    record = OPTIMIZERS.get(optimizer)
    if record is not None and record.stops is not None:
        with np.errstate(all="ignore"):
            g = surface.gradient(points)
        return [record.stops(hyper, (a, b)) for a, b in np.asarray(g, dtype=np.float64).tolist()]
    zero = np.broadcast_to(np.asarray(zero_lr, dtype=bool), (len(points),))
    return [ZERO_LR if z else TOO_SMALL for z in zero.tolist()]


def of_run(surface: Surface, tr: Any, run: int | None = None) -> Outcome:
    """The outcome of a `Trajectory` (``run``: which run of a batch; ``None`` for a single run)."""
    pick = (lambda a: np.asarray(a)) if run is None else (lambda a: np.asarray(a)[..., run])
    status, stopped_at, last = str(pick(tr.status)), int(pick(tr.stopped_at)), int(pick(tr.last_kept))
    positions = tr.positions if run is None else tr.positions[:, run]
    loss = pick(tr.loss)
    rest = rest_step(positions, last) if status == "running" else -1
    why = rest_reason(surface, tr, rest, run) if rest >= 0 else ""
    return outcome(surface, status, positions[last], stopped_at, float(loss[last]), float(loss[0]), rest, why)


def describe(surface: Surface, tr: Any, run: int | None = None) -> str:
    """The words of a `Trajectory`'s outcome (see :func:`outcome`)."""
    return of_run(surface, tr, run).words
