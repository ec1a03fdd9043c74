"""The plots' text alternatives: an accessible name and description for each race graph,
built from the same data as the figures (the surface, what the heights are, the racers with
their colours' stand-ins: line dash and marker), so a screen reader hears what the picture
shows. The browser sets them on the graphs (role "figure") when a run arrives
(assets/60-pg-readout.js)."""

from __future__ import annotations

from collections.abc import Sequence

from ..contract import IDS


def racer_list(racers: Sequence[dict]) -> str:
    """ "Momentum (solid line, circle), RMSProp (dashed line, square) and Adam (...)"."""
    named = [f"{r['label']} ({r['line_words']} line, {r['symbol']})" for r in racers]
    if not named:
        return "no optimizer"
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


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
