"""The plots' text alternatives: an accessible name and description for every graph of the
page, built from the same data as the figures (the surface, what the heights are, the racers
with their colours' stand-ins: line dash and marker, the settings and results drawn), so a
screen reader hears what the picture shows. The browser sets them on the graphs (role
"figure"): the race's four from the run when it arrives (assets/60-pg-readout.js), every other
from its figure's ``layout.meta.alt`` after each draw (`carried`, assets/77-pg-plot-alt.js)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..contract import IDS


def racer_list(racers: Sequence[dict]) -> str:
    """ "Momentum (solid line, circle), RMSProp (dashed line, square) and Adam (...)"."""
    named = [f"{r['label']} ({r['line_words']} line, {r['symbol']})" for r in racers]
    return _and(named) if named else "no optimizer"


def plot_texts(surface: str, map_height: str, scene_height: str, racers: Sequence[dict]) -> dict[str, dict]:
    """Graph id -> {"label", "description"} for the race's four plots. ``surface``: the
    surface's title; ``map_height``/``scene_height``: what the contour map's and the 3D scene's
    colours and heights are (their colour bars' titles)."""
    who = racer_list(racers)
    ends = "The results table below gives each run's numbers and status."
    return {
        IDS.surface: {
            "label": f"3D view of the {surface} surface with the paths of {who}",
            "description": f"The surface's height is {scene_height} over x and y, coloured by height "
            f"(light = low). Each optimizer's path rides on it: {who}. {ends}",
        },
        IDS.contour: {
            "label": f"Contour map of the {surface} surface with the paths of {who}",
            "description": f"Seen from above, coloured by {map_height} (light = low), the minima "
            f"marked. Each optimizer's path and current point: {who}. {ends}",
        },
        IDS.loss_chart: {
            "label": f"Loss per step of {who}",
            "description": f"The loss of each optimizer against the step, one line each: {who}. {ends}",
        },
        IDS.schedule_chart: {
            "label": f"Learning rate per step of {who}",
            "description": f"The learning rate each optimizer uses at each step (log scale): {who}.",
        },
    }


def _and(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _number(v: float | None) -> str:
    return "none" if v is None or not math.isfinite(v) else f"{v:.3g}"


def texts(label: str, description: str) -> dict[str, str]:
    """A plot's accessible name and description, as a figure carries them (``meta``)."""
    return {"label": label, "description": description}


def carried(layout: dict, text: dict[str, str]) -> dict:
    """``layout`` carrying its plot's text alternative: the browser sets it on the graph after
    each draw (assets/77-pg-plot-alt.js), so the words travel with the figure they describe."""
    return {**layout, "meta": {**(layout.get("meta") or {}), "alt": text}}


def state_texts(
    racer: dict | None, shown: bool, accumulator: str, coordinates: Sequence[tuple[str, str]]
) -> dict:
    """The inspect chart of ``racer`` (runs.racer_meta; ``shown``: whether it draws anything): its
    effective step size per coordinate (``coordinates``: each axis and the words for its line's
    dash) and the accumulator on the right axis (``accumulator``: its name, "" when none)."""
    if racer is None:
        return texts(
            "Effective step size: no optimizer in the race", "Add an optimizer to see its step sizes."
        )
    if not shown:
        return texts(
            f"Effective step size of {racer['label']}: none", f"{racer['label']} records no step size."
        )
    lines = _and([f"{axis} as a {dash} line" for axis, dash in coordinates])
    right = f" On the right axis, also per coordinate: its {accumulator} (log scale)." if accumulator else ""
    return texts(
        f"Effective step size per step of {racer_list([racer])}",
        f"What {racer['label']} is thinking: the effective step size it takes along each coordinate at each "
        f"step (log scale), {lines}.{right} The contour map's arrows show the same racer.",
    )


def ewma_texts(beta: float, n: int, names: Sequence[str]) -> dict:
    """The EWMA box: ``n`` noisy values, their EWMA and its bias correction (``names``: the
    three series' legend names, marker and line words included)."""
    return texts(
        f"Exponentially weighted average with β = {beta:g} of a noisy series",
        f"Against t from 1 to {n}: {_and(names)}. The plain average starts at 0 and lags below the series for "
        f"the first steps (about 1/(1 − β) = {1 / (1 - beta):.3g}); the bias-corrected one follows the series "
        "from the start.",
    )


def evidence_texts(
    quantity: str,
    log_y: bool,
    racers: Sequence[dict],
    finals: Sequence[float | None],
    references: Sequence[dict],
) -> dict:
    """A lesson's chart: ``quantity`` of ``racers`` over the steps, each ending at ``finals``;
    ``references``: the dashed curves of the lesson's comparison (racer_meta entries)."""
    who = racer_list(racers)
    scale = " (log scale)" if log_y else ""
    ends = _and([f"{r['label']} {_number(v)}" for r, v in zip(racers, finals)])
    # "; ": a reference's label has a comma of its own ("Adam, φ = 0")
    dashed = f" Dashed, for comparison: {'; '.join(r['label'] for r in references)}." if references else ""
    return texts(
        f"Lesson chart: {quantity} per step of {who}",
        f"{quantity} of each optimizer against the step{scale}, one line each: {who}. At the last step: {ends}."
        f"{dashed} The lesson's text beside it says what to look for.",
    )


def basin_texts(surface: str, racer: str, lr: float, steps: int, size: int, outcomes: Sequence[str]) -> dict:
    """The basin map: where each of ``size``² starts ends (``outcomes``: its colour bands' names)."""
    return texts(
        f"Basin map of the {surface} surface for {racer}, learning rate {lr:.3g}",
        f"A grid of {size} × {size} start points (start x across, start y up), each coloured by where {racer} "
        f"ends after {steps} steps: {_and(outcomes)}; a basin's paler cells took more steps. The minima are marked (a star: "
        "global). Hover a cell for its outcome; click it to race that start.",
    )


def sweep_texts(surface: str, racers: Sequence[str], lrs: tuple[float, float], n: int, probes: int,
                steps: int, rested: Sequence[tuple[str, str]] = ()) -> dict:  # fmt: skip
    """The learning-rate sweep: a row per racer, ``n`` rates over ``lrs`` (log grid); ``rested``:
    the marks of rates where most probes stopped by their own rule, (symbol's word, legend name)."""
    marks = _and([f"a {sym} a rate where most of the {probes} probes read “{name}”" for sym, name in rested])
    return texts(
        f"Learning-rate sweep on the {surface} surface of {_and(racers)}",
        f"One row per optimizer ({_and(racers)}), {n} learning rates from {lrs[0]:g} to {lrs[1]:g} across (log "
        f"scale). Each cell is coloured by the median final loss over {probes} starts near the race's start "
        f"after {steps} steps (bright = lower; dark: a probe left the region or blew up). A star marks each "
        "optimizer's best rate, a box its stable range"
        + (f"; {marks}" if marks else "")
        + ". Hover a cell for "
        "its numbers; click it to race that rate.",
    )


def phase_texts(surface: str, racer: str, key: str, size: int, lrs: tuple[float, float],
                momenta: tuple[float, float], steps: int, edge: str | None) -> dict:  # fmt: skip
    """The phase diagram of ``racer``: learning rate × ``key`` (its momentum), ``size`` per axis;
    ``edge``: the analytic stability edge's legend name, when drawn."""
    line = f" A dashed line: {edge}." if edge else ""
    return texts(
        f"Phase diagram of {racer} on the {surface} surface: learning rate × {key}",
        f"{size} × {size} settings: learning rate from {lrs[0]:g} to {lrs[1]:g} across (log scale), {key} from "
        f"{momenta[0]:g} to {momenta[1]:g} up. Each cell is coloured by log₁₀ of the steps {racer} took to "
        f"converge within {steps} steps (bright = faster); diverged and still-moving cells have their own "
        f"colours in the key.{line} Hover a cell for its numbers; click it to race that setting.",
    )


def waiting_texts(why: str) -> dict:
    return texts("Outcome map: none drawn", why)


def tune_texts(racers: Sequence[dict], best: Sequence[tuple[float | None, float, str]]) -> dict:
    """Fair tuning's tries: ``best`` per racer: (tuned learning rate or None, its score, the
    momentum words, "" when the optimizer has none)."""
    who = racer_list(racers)
    found = _and([
        f"{r['label']} none stable" if lr is None else f"{r['label']} lr {lr:.3g}{' ' + m if m else ''} (score {score:.3g})"
        for r, (lr, score, m) in zip(racers, best)
    ])  # fmt: skip
    return texts(
        f"Fair tuning: score against learning rate of {who}",
        f"Every try of each optimizer, its score (median final loss) against its learning rate, both on log "
        f"scales, joined in the optimizer's line: {who}. The momentum round's tries are diamonds, the best "
        f"a star. Best: {found}. The table above gives the same numbers.",
    )


def curve_texts(quantity: str, log_y: bool, racers: Sequence[dict], finals: Sequence[float]) -> dict:
    """The real network's curve of ``quantity`` per epoch, ``finals``: each run's last value."""
    who = racer_list(racers)
    scale = " (log scale)" if log_y else ""
    ends = _and([f"{r['label']} {_number(v)}" for r, v in zip(racers, finals)])
    return texts(
        f"{quantity.capitalize()} per epoch of {who}",
        f"The {quantity} of the digits network trained by each optimizer after each epoch{scale} (epoch 0: the "
        f"untrained network), one line each: {who}. After the last epoch: {ends}. The table above gives "
        "the same numbers.",
    )


def slice_texts(plane: str, centre: str, height: str, racers: Sequence[dict]) -> dict[str, dict]:
    """The real network's slice as a 3D scene (``"surface"``) and a contour map (``"contour"``):
    ``plane``: its directions; ``centre``: whose final weights it goes through; ``height``:
    what its colours are."""
    who = racer_list(racers)
    what = (f"The loss over a 2-D plane through {centre}'s final weights (the ×; plane: {plane}), coloured by "
            f"{height} (light = low), with each optimizer's path projected onto it: {who}. The paths' points are "
            "mostly off the plane: the table under it gives how far, and the true losses.")  # fmt: skip
    return {
        "surface": texts(
            f"3D view of a 2-D slice of the network's loss with the projected paths of {who}", what
        ),
        "contour": texts(
            f"Contour map of a 2-D slice of the network's loss with the projected paths of {who}", what
        ),
    }
