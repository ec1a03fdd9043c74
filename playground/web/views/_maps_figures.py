"""Figures of the outcome maps: pure builders, arrays in and figures (or row values) out.

A map is drawn once as a skeleton (axes, colour scale, marks, every cell empty) and filled
piece by piece: ``*_rows`` give the values of a block of rows, which the view patches in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from playground.batch.cells import Cells
from playground.batch.maps import Sweep
from playground.batch.tune import Tuned
from playground.core import outcome as O
from playground.core.surfaces import Surface

from ..contract import (
    BASIN_HUES,
    DIVERGED_INK,
    MAP_INK,
    MAP_SCALE,
    MAP_SHADE,
    MARK_INK,
    SPEED_SCALE,
    STATUSES,
)
from ..plots import alt
from ..plots.style import axis_style, base_layout, legend_style, racer_line

SQUARE = "min(640px, 78vh)"  # a basin map or phase diagram: fits a projector's screen

# the legend (up to two rows) sits above the plot, and above it room for Plotly's mode bar
# (~25 px), which would otherwise cover the legend's right end while the pointer is on the map
MARGIN = {"l": 10, "r": 10, "t": 92, "b": 10}
# A basin map's key beside it (the mode bar's room alone above it, the map against its key),
# which the page takes where that leaves the map larger than the key above it
# (assets/88-pg-maps.js): in lecture mode's wide card at 1280×720 its nine entries, one a line
# above the map at 18 px, left the map 192 px of the graph's 520 (#29).
KEY_BESIDE = {
    "legend": {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
    "margin": {"t": 30},
    "xaxis": {"constraintoward": "right"},
    "yaxis": {"constraintoward": "top"},
}


# A sweep's box is never lower than this (in the page's text size, which lecture mode raises with
# the screen's height): room above the plot for the legend's rows, below it for the axis, and
# beside it a colour bar long enough, under its two-line title, to hold its ticks' labels apart.
# A single racer's sweep was 260 px high; in lecture mode at 1280×720 its colour bar came 15 px
# long under its title with three labels on top of each other (#29).
SWEEP_LEAST = "23em"
SWEEP_TICKS = 4  # the colour bar's labels at most: a log₁₀ gap over any range, every 5 or 10


def graph_style(kind: str, rows: int) -> dict:
    """The map's box: square maps fit the screen's height, a sweep grows with its racers."""
    return {"height": SQUARE if kind != "sweep" else f"max({max(260, 110 + 46 * rows)}px, {SWEEP_LEAST})"}


# The bands a map colours its cells by after the minima: which outcomes each holds (core.outcome's
# statuses, as a single run's outcome names them) and the ink it is drawn in (contract.MAP_INK).
# Its name in the legend is its outcomes' key words (contract.STATUSES), its cells' hover the
# run's own outcome words. A band's ink stays whole: only a basin's hue pales with the steps its
# runs took (MAP_SHADE). Pale, the stopped bands' inks came as light as the grey and the hues:
# the stopped-next-to-a-minimum green 3.2 ΔE from the grey with deuteranopia, the saddles'
# purple 7.5 with tritanopia (tests/web/test_colour_vision.py).
BANDS = (
    (("saddle", "critical"), "stopped"),
    ((O.STOPPED_NEAR,), "rested_near"),
    ((O.STOPPED,), "rested"),
    (("left", O.LEFT_DOWNHILL, "blew_up"), "failed"),
    (("running", O.NEAR_MINIMUM), "running"),
)


def band_name(outcomes: Sequence[str]) -> str:
    """A band's legend words: the key words of its outcomes, e.g. "stopped next to a minimum"."""
    return " / ".join(dict.fromkeys(STATUSES[s]["key"] for s in outcomes))


def key_text(name: str) -> str:
    """A band's name as its key entry shows it: a line for each outcome's key words, so the key
    beside a basin map is as narrow as its longest outcome, not its longest band."""
    return name.replace(" / ", " /<br>")


def _band_of(shown: Sequence[str], base: int) -> np.ndarray:
    """Each cell's band (``base`` + its index in `BANDS`) from its outcome's status (a minimum:
    ``base``, for the caller to draw its own way)."""
    index = {"minimum": base, **{s: base + k for k, (band, _) in enumerate(BANDS) for s in band}}
    return np.array([index[s] for s in shown], dtype=np.int64)


HOVER = "%{text}<br>step %{customdata[0]}<br>final loss %{customdata[1]:.3g}<extra></extra>"


def _mix(hex_color: str, share: float, toward: int = 255) -> str:
    """``hex_color`` moved toward white (or ``toward=0``: black) by ``share``."""
    rgb = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    return "rgb({},{},{})".format(*(round(c + (toward - c) * share) for c in rgb))


def hue(k: int) -> str:
    return BASIN_HUES[k % len(BASIN_HUES)]


def minimum_name(m) -> str:
    return f"minimum ({m.x:.3g}, {m.y:.3g})"


def basin_categories(minima: Sequence) -> list[tuple[str, str, bool]]:
    """``(name, colour, shaded)`` of the basin map's bands: each minimum, then the rest."""
    mins = [(minimum_name(m), hue(k), True) for k, m in enumerate(minima)]
    return [*mins, *((band_name(band), MAP_INK[ink], False) for band, ink in BANDS)]


def band_scale(cats: Sequence[tuple[str, str, bool]]) -> list[list]:
    """A colour scale of one band per category over [0, 1]: from the full colour (few steps)
    to its pale end (all steps) where the category is shaded."""
    k, out = len(cats), []
    for i, (_, color, shaded) in enumerate(cats):
        out.append([i / k, color])
        out.append(
            [(i + 1) / k if i == k - 1 else (i + 1) / k - 1e-9, _mix(color, MAP_SHADE) if shaded else color]
        )
    return out


def _basin_code(shown: list[str], nearest: np.ndarray, n_minima: int) -> np.ndarray:
    """Each cell's band: the minimum it reached (its outcome's nearest one), else its outcome's."""
    code = _band_of(shown, n_minima)
    reached = (np.array(shown) == "minimum") & (nearest >= 0)
    code[reached] = nearest[reached]
    return code


def _custom(c: Cells, at: np.ndarray) -> np.ndarray:
    """Hover data: the step each run's outcome names (where it stopped by itself: its rest step)
    and its final loss."""
    loss = np.array([float(f"{v:.3g}") if np.isfinite(v) else None for v in c.final_loss], dtype=object)
    return np.stack([at.astype(np.int64).astype(object), loss], -1)


def basin_rows(c: Cells, surface: Surface, nx: int) -> dict[str, list]:
    """z, text (each run's outcome words, as a single run's) and customdata of the rows ``c``
    holds (``nx`` cells a row)."""
    ends = c.outcomes(surface)
    nearest = np.array([-1 if o.nearest is None else o.nearest for o in ends], dtype=np.int64)
    n_minima = len(surface.minima)
    k = n_minima + len(BANDS)
    at = np.array([o.at for o in ends], dtype=np.float64)
    shade = np.round(0.999 * at / max(c.steps, 1), 3)
    z = np.round((_basin_code([o.status for o in ends], nearest, n_minima) + shade) / k, 5)
    return {
        "z": z.reshape(-1, nx).tolist(),
        "text": np.array([o.words for o in ends], dtype=object).reshape(-1, nx).tolist(),
        "customdata": _custom(c, at).reshape(-1, nx, 2).tolist(),
    }


def _blank(ny: int, nx: int) -> list:
    return [[None] * nx for _ in range(ny)]


def basin_skeleton(surface: Surface, nx: int, ny: int) -> dict:
    (x0, x1), (y0, y1) = surface.domain
    xs = (x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx).tolist()
    ys = (y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny).tolist()
    cats = basin_categories(surface.minima)
    heat = {
        "type": "heatmap", "x": xs, "y": ys, "z": _blank(ny, nx), "text": _blank(ny, nx),
        "customdata": _blank(ny, nx), "zmin": 0, "zmax": 1, "colorscale": band_scale(cats), "showscale": False,
        "hovertemplate": "start (%{x:.3g}, %{y:.3g})<br>" + HOVER, "name": "outcome",
    }  # fmt: skip
    # the stars sit on their own basin: a darker shade of its hue, so they show on it; the legend
    # shows each basin's own colour
    marks = [
        {"type": "scatter", "x": [m.x], "y": [m.y], "mode": "markers", "name": name, "showlegend": False,
         "marker": {"symbol": "star" if m in surface.global_minima else "circle", "size": 18,
                    "color": _mix(color, 0.45, toward=0), "line": {"width": 2, "color": MARK_INK["light"]}},
         "hovertemplate": f"{name}<extra></extra>"}
        for (name, color, _), m in zip(cats, surface.minima)
    ]  # fmt: skip
    keys = [_key_trace(key_text(name), color) for name, color, _ in cats]
    layout = base_layout(
        showlegend=True, legend=legend_style(1.02), margin=MARGIN, meta={"keyBeside": KEY_BESIDE},
        xaxis=axis_style("start x", range=[x0, x1], constrain="domain", showgrid=False),
        yaxis=axis_style("start y", range=[y0, y1], scaleanchor="x", constrain="domain", showgrid=False),
    )  # fmt: skip
    return {"data": [heat, *marks, *keys], "layout": layout}


def _key_trace(name: str, color: str, line: dict | None = None) -> dict:
    """A legend entry for a colour that has no trace of its own (outlined: black shows on a dark page)."""
    marker = {
        "symbol": "square",
        "size": 13,
        "color": color,
        "line": line or {"width": 1, "color": MAP_INK["running"]},
    }
    return {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": name, "marker": marker,
            "hoverinfo": "skip"}  # fmt: skip


def _edges(centres: np.ndarray) -> list[float]:
    """The axis range that shows every cell of evenly spaced ``centres`` whole."""
    half = (centres[1] - centres[0]) / 2 if len(centres) > 1 else 0.5
    return [float(centres[0] - half), float(centres[-1] + half)]


def _decades(lrs: np.ndarray) -> dict:
    lo, hi = np.floor(np.log10(lrs.min())), np.ceil(np.log10(lrs.max()))
    ticks = np.arange(lo, hi + 1)
    return {"tickvals": ticks.tolist(), "ticktext": [f"1e{int(t)}" for t in ticks]}


def sweep_skeleton(lrs: np.ndarray, labels: Sequence[str]) -> dict:
    """Rows: the racers; columns: log10 of the learning rate. Empty cells are drawn in the
    plot's background, the "failed" ink: a rate where a probe failed stays dark."""
    heat = {
        "type": "heatmap", "x": np.log10(lrs).tolist(), "y": list(labels), "z": _blank(len(labels), len(lrs)),
        "customdata": _blank(len(labels), len(lrs)), "colorscale": MAP_SCALE, "reversescale": True,
        "colorbar": {"title": {"text": "log₁₀(median final loss − f*)<br>bright = lower"}, "thickness": 12,
                     "nticks": SWEEP_TICKS},
        "hovertemplate": "%{y}, lr %{customdata[0]:.3g}<br>median final loss %{customdata[1]:.4g}"
                         "<br>%{customdata[2]}<extra></extra>", "name": "score",
    }  # fmt: skip
    best = {"type": "scatter", "x": [], "y": [], "mode": "markers", "name": "best learning rate",
            "marker": {"symbol": "star", "size": 16, "color": MAP_INK["frame"], "line": {"width": 1.5, "color": MAP_INK["failed"]}},
            "hovertemplate": "%{y}: best lr %{customdata:.3g}<extra></extra>", "customdata": []}  # fmt: skip
    rested = [_rested_marks(status) for status in RESTED]
    keys = [_key_trace("a probe left or blew up", MAP_INK["failed"]),
            _key_trace("stable range", "rgba(0,0,0,0)", {"width": 2, "color": MAP_INK["running"]})]  # fmt: skip
    layout = base_layout(
        showlegend=True, legend=legend_style(1.02),
        plot_bgcolor=MAP_INK["failed"], margin=MARGIN,
        xaxis=axis_style("learning rate (log scale)", range=_edges(np.log10(lrs)), showgrid=False, **_decades(lrs)),
        yaxis=axis_style("", autorange="reversed", showgrid=False), shapes=[],
    )  # fmt: skip
    return {"data": [heat, best, *rested, *keys], "layout": layout}


# A sweep's cell stopped by its own rule (L-BFGS's tolerances, a learning rate of 0) when most
# of its probes did (the median probe too, whose final loss is its score): marked in the ink
# of its band on the basin map (`BANDS`), a symbol each, named as that band is.
RESTED = {O.STOPPED_NEAR: ("diamond", "diamond"), O.STOPPED: ("x", "cross")}  # Plotly's symbol, its word
RESTED_TRACE = 2  # the sweep's first mark trace of `RESTED`, after the heat map and the best rates


def _band_ink(status: str) -> str:
    return next(MAP_INK[ink] for band, ink in BANDS if status in band)


def _rested_marks(status: str) -> dict:
    marker = {"symbol": RESTED[status][0], "size": 11, "color": _band_ink(status),
              "line": {"width": 1.5, "color": MAP_INK["frame"]}}  # fmt: skip
    return {"type": "scatter", "x": [], "y": [], "text": [], "mode": "markers", "name": band_name((status,)),
            "marker": marker, "hovertemplate": "%{y}, lr %{customdata:.3g}<br>%{text}<extra></extra>",
            "customdata": []}  # fmt: skip


def hover_lines(words: str) -> str:
    """A run's outcome words in a hover's lines: broken before its reason (Plotly does not wrap
    a hover, and a line as long as L-BFGS's words ran past the graph's edges)."""
    return words.replace(": ", ":<br>", 1)


def _rested(ends: Sequence) -> tuple[str | None, str]:
    """A cell's probes' outcomes (core.outcome): the status of the cell's rest (`RESTED`) when
    most probes stopped by their own rule, else None; and the hover's words for it."""
    stopped = [o for o in ends if o.status in RESTED]
    if not stopped:
        return None, ""
    words = f"{len(stopped)} of {len(ends)} probes stopped by their own rule,<br>the first {hover_lines(stopped[0].words)}"
    if 2 * len(stopped) <= len(ends):
        return None, words
    near = sum(o.status == O.STOPPED_NEAR for o in stopped)
    return (O.STOPPED_NEAR if 2 * near >= len(stopped) else O.STOPPED), words


def sweep_row(sw: Sweep, floor: float, surface: Surface) -> dict:
    """One racer's row: z (log10 of the score's gap to ``floor``), hover data, best, stable
    range, and its cells that stopped by their own rule (``rested``: lr, status, words)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(np.isfinite(sw.score), np.log10(np.maximum(sw.score - floor, 1e-16)), np.nan)
    k = len(sw.cells.status) // len(sw.lrs)
    ends = sw.cells.outcomes(surface)
    rests = [_rested(ends[i * k : (i + 1) * k]) for i in range(len(sw.lrs))]
    failed = [f"{n} of {k} probes failed" if n else "all probes ran" for n in sw.failed.tolist()]
    custom = [
        [float(lr), float(s) if np.isfinite(s) else None, "<br>".join(filter(None, (f, words)))]
        for lr, s, f, (_, words) in zip(sw.lrs, sw.score, failed, rests)
    ]
    rested = [(float(lr), status, words) for lr, (status, words) in zip(sw.lrs, rests) if status]
    return {"z": [None if not np.isfinite(v) else round(float(v), 4) for v in z], "customdata": custom,
            "best": None if sw.best is None else float(sw.lrs[sw.best]), "stable": sw.stable,
            "rested": rested}  # fmt: skip


def stable_shape(row: int, stable: tuple[float, float], step: float) -> dict:
    lo, hi = np.log10(stable[0]) - step / 2, np.log10(stable[1]) + step / 2
    return {"type": "rect", "xref": "x", "yref": "y", "x0": lo, "x1": hi, "y0": row - 0.45, "y1": row + 0.45,
            "line": {"width": 2, "color": MAP_INK["frame"]}, "fillcolor": "rgba(0,0,0,0)"}  # fmt: skip


def phase_skeleton(lrs: np.ndarray, momenta: np.ndarray, key: str,
                   boundary: tuple[np.ndarray, np.ndarray, np.ndarray, str] | None) -> dict:  # fmt: skip
    x = np.log10(lrs).tolist()
    bands = [(band_name(band), MAP_INK[ink], False) for band, ink in BANDS]
    base = {"type": "heatmap", "x": x, "y": momenta.tolist(), "z": _blank(len(momenta), len(lrs)), "zmin": 0,
            "zmax": 1, "showscale": False, "hoverinfo": "skip", "name": "outcome",
            "colorscale": band_scale(bands)}  # fmt: skip
    speed = {"type": "heatmap", "x": x, "y": momenta.tolist(), "z": _blank(len(momenta), len(lrs)),
             "customdata": _blank(len(momenta), len(lrs)), "colorscale": SPEED_SCALE, "reversescale": True,
             "name": "steps", "colorbar": {"title": {"text": "log₁₀ steps to converge<br>bright = faster"}, "thickness": 12},
             "hovertemplate": f"lr %{{customdata[0]:.3g}}, {key} %{{y:.3g}}<br>%{{customdata[1]}}<extra></extra>"}  # fmt: skip
    data = [base, speed, *(_key_trace(name, color) for name, color, _ in bands)]
    if boundary is not None:
        bx, by, rho, words = boundary
        data.append({"type": "contour", "x": np.log10(bx).tolist(), "y": by.tolist(), "z": rho.tolist(),
                     "contours": {"start": 1, "end": 1, "coloring": "lines"}, "showscale": False,
                     "line": {"width": 3, "color": DIVERGED_INK, "dash": "dash"}, "hoverinfo": "skip",
                     "colorscale": [[0, DIVERGED_INK], [1, DIVERGED_INK]],
                     "name": f"ρ = 1: {words}'s analytic edge of stability", "showlegend": True})  # fmt: skip
    layout = base_layout(
        showlegend=True, legend=legend_style(1.02), margin=MARGIN,
        xaxis=axis_style("learning rate (log scale)", range=_edges(np.log10(lrs)), showgrid=False, **_decades(lrs)),
        yaxis=axis_style(key, range=_edges(momenta), showgrid=False),
    )  # fmt: skip
    return {"data": data, "layout": layout}


def phase_rows(c: Cells, surface: Surface, n_lrs: int) -> dict[str, list]:
    """Both layers of a block of momentum rows: the outcome's band (`BANDS`) and, where it
    converged, the speed; the hover says each run's outcome in a single run's words."""
    ends = c.outcomes(surface)
    converged = np.array([o.status == "minimum" for o in ends], dtype=bool)
    base = (_band_of([o.status for o in ends], 0) + 0.5) / len(BANDS)
    speed = np.where(converged, np.log10(np.maximum(c.stopped_at, 1)), np.nan)
    custom = [[float(lr), o.words] for lr, o in zip(c.lr, ends)]
    return {
        "base": [[round(float(v), 5) for v in row] for row in base.reshape(-1, n_lrs)],
        "speed": [
            [None if not np.isfinite(v) else round(float(v), 4) for v in row]
            for row in speed.reshape(-1, n_lrs)
        ],
        "customdata": [custom[i : i + n_lrs] for i in range(0, len(custom), n_lrs)],
    }


def tune_figure(results: Sequence[Tuned], racers: Sequence[dict]) -> dict:
    """Every try of every racer (runs.racer_meta): score against learning rate (log-log), joined
    in the racer's line dash, the momentum round's tries as diamonds, the best one starred."""
    data = []
    for r, racer in zip(results, racers):
        name, color = racer["label"], racer["color"]
        tries = sorted((t for t in r.trials if np.isfinite(t.score)), key=lambda t: t.lr)
        symbols = ["diamond" if r.key and t.momentum != tries[0].momentum else "circle" for t in tries]
        words = [f"{r.key} {t.momentum:g}" if r.key else "" for t in tries]
        data.append({"type": "scatter", "x": [t.lr for t in tries], "y": [t.score for t in tries], "text": words,
                     "mode": "lines+markers", "name": name, "marker": {"color": color, "size": 9, "symbol": symbols},
                     "line": racer_line(racer, 1.5),
                     "hovertemplate": name + ": lr %{x:.3g} %{text}<br>score %{y:.4g}<extra></extra>"})  # fmt: skip
        if r.lr is not None:
            data.append({"type": "scatter", "x": [r.lr], "y": [r.score], "mode": "markers", "showlegend": False,
                         "marker": {"symbol": "star", "size": 18, "color": color,
                                    "line": {"width": 1.5, "color": MAP_INK["failed"]}},
                         "hovertemplate": name + " tuned: lr %{x:.3g}, score %{y:.4g}<extra></extra>"})  # fmt: skip
    decades = {"type": "log", "nticks": 8, "exponentformat": "e", "showexponent": "all"}
    # the y title stays shorter than the chart is high (a longer one ran under the button below);
    # the legend's title says what the marks mean
    legend = {**legend_style(1.02), "title": {"text": "● rate · ◆ momentum round · ★ best:"}}
    layout = base_layout(showlegend=True, legend=legend, margin=MARGIN, xaxis=axis_style("learning rate", **decades),
                     yaxis=axis_style("score (median final loss)", **decades))  # fmt: skip
    best = [
        (r.lr, r.score, f"{r.key} {r.momentum:g}" if r.key and r.momentum is not None else "")
        for r in results
    ]
    return {"data": data, "layout": alt.carried(layout, alt.tune_texts(racers, best))}


def waiting(text: str = "Choose a map and press Draw map") -> dict:
    """The map before the first Draw, or in place of one that cannot be drawn (``text``: why)."""
    note = {"text": text, "showarrow": False, "font": {"size": 16}, "x": 0.5, "y": 0.5,
            "xref": "paper", "yref": "paper"}  # fmt: skip
    layout = base_layout(xaxis={"visible": False}, yaxis={"visible": False}, annotations=[note])
    return {"data": [], "layout": alt.carried(layout, alt.waiting_texts(text))}
