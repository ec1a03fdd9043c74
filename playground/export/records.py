"""Runs as CSV and JSON records: every value exact (shortest round-trip text), every run with
its outcome in the words the page uses (:mod:`playground.core.outcome`).

Plain values in, text out: the page's exports (``web.exports``) and the command line call
the same writers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from playground.core.engine import Trajectory
from playground.core.outcome import Outcome, of_run
from playground.core.surfaces import Surface

# an outcome in CSV: the words and the nearest minimum, one column per coordinate
OUTCOME_COLUMNS = ("outcome", "nearest_x", "nearest_y", "nearest_minimum_distance")
RUN_COLUMNS = ("optimizer", "step", "x", "y", "loss", "grad_norm", "lr", "status", *OUTCOME_COLUMNS)


def exact(v: Any) -> Any:
    """A CSV cell: floats as their shortest exact text, ``None`` as empty."""
    if v is None:
        return ""
    return repr(float(v)) if isinstance(v, float) else v


def outcome_cells(o: Outcome) -> list[Any]:
    """The :data:`OUTCOME_COLUMNS` of an outcome."""
    x, y = o.nearest_minimum if o.nearest_minimum is not None else (None, None)
    return [o.words, exact(x), exact(y), exact(o.distance)]


def runs_json(
    surface: Surface,
    surface_params: Mapping[str, Any],
    steps: int,
    labels: Sequence[str],
    trajs: Sequence[Trajectory],
) -> str:
    """The runs as one JSON document: each run's settings, points, losses, status and outcome."""
    out = []
    for label, tr in zip(labels, trajs):
        d = tr.to_dict()
        d["label"] = label
        d.update(of_run(surface, tr).fields())
        out.append(d)
    return json.dumps({"surface_params": dict(surface_params), "steps": steps, "runs": out})


def runs_csv(surface: Surface, labels: Sequence[str], trajs: Sequence[Trajectory]) -> str:
    """The runs as CSV, one row per step a run really reached; each row carries its run's
    status and outcome, so a row stands alone."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RUN_COLUMNS)
    for label, tr in zip(labels, trajs):
        last = int(tr.last_kept)
        ending = [str(tr.status), *outcome_cells(of_run(surface, tr))]
        for i in range(last + 1):
            lr = float(tr.lr[i]) if i < tr.lr.shape[0] else None
            x, y = tr.positions[i]
            values = (float(x), float(y), float(tr.loss[i]), float(tr.grad_norm[i]), lr)
            w.writerow([label, i, *(exact(v) for v in values), *ending])
    return buf.getvalue()
