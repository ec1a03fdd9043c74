"""The 2-D charts beside the landscape: loss (with seed fans and mini-batch losses), learning-rate
schedule, the inspected racer's state, the EWMA demonstration and a lesson's evidence."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..contract import FONT as FONT_RULE
from ..contract import RACER_DASHES, ROLES
from ..fans import Fan
from . import alt
from .style import LEGEND, axis_style, base_layout, empty_trace, legend_style, racer_line, role_meta
from .wire import plain, thinned, typed

BATCH_POINTS = 1000  # points of a mini-batch loss drawn (thinned evenly beyond)


def loss_yaxis(log_y: bool) -> dict:
    """The loss chart's y axis; the browser switches between the two without the server."""
    return axis_style(
        "f − f* (log)" if log_y else "loss f", type="log" if log_y else "linear", exponentformat="power"
    )


def loss_figure(
    racers: Sequence[dict],
    log_y: bool,
    fglob: float | None,
    fans: Sequence[Fan | None] = (),
    batch: Sequence[np.ndarray | None] = (),
    epochs: tuple[int, int] | None = None,
) -> dict:
    """The loss of every racer over the steps; ``epochs``: (the steps one pass over the data
    takes, the run's steps) when racers draw mini-batches: an axis of epochs on top."""
    data = [
        empty_trace("scatter", mode="lines", line=racer_line(r, 2.5), name=r["label"],
               meta=role_meta(ROLES.loss, i), customdata=[], showlegend=True,
               hovertemplate=r["label"] + "<br>step %{x}<br>loss %{customdata[1]:.6g}"
               "<br>(%{customdata[3]:.4f}, %{customdata[4]:.4f})<br>lr %{customdata[2]:.3g}<extra></extra>")
        for i, r in enumerate(racers)
    ]  # fmt: skip
    # the bands under the curves, the mini-batch losses beside them
    data = [*fan_bands(racers, fans, log_y, fglob), *batch_losses(racers, batch, log_y, fglob), *data]
    layout = base_layout(
        xaxis=axis_style("step", rangemode="tozero"),
        yaxis=loss_yaxis(log_y),
        margin={"l": 60, "r": 10, "t": 4, "b": 40},
        hovermode="closest",
        showlegend=True,
        legend=LEGEND,
        meta={"log": bool(log_y), "fglob": fglob},
    )
    if epochs:
        data.append(
            empty_trace("scatter", xaxis="x2", hoverinfo="skip", meta={"role": ROLES.epochs})
        )  # an axis is drawn for its traces
        layout["xaxis2"] = epoch_axis(*epochs)
        # the legend goes to the figure's top edge, the epoch axis between it and the plot
        layout["legend"] = {**LEGEND, "yref": "container", "y": 1.0, "yanchor": "top"}
        layout["margin"]["t"] = 78
    return {"data": data, "layout": layout}


def epoch_axis(epoch: int, steps: int) -> dict:
    """A step axis on top that counts epochs (``epoch`` steps each), at most ~10 labels."""
    every = max(1, math.ceil(steps / epoch / 10))
    ticks = list(range(0, steps + 1, epoch * every))
    return {"overlaying": "x", "matches": "x", "side": "top", "tickmode": "array", "tickvals": ticks,
            "ticktext": [str(t // epoch) for t in ticks], "showgrid": False, "zeroline": False,
            "title": {"text": f"epoch ({epoch} steps each)", "standoff": 2}}  # fmt: skip


def _both_scales(fan: Fan, fglob: float | None, steps: np.ndarray) -> dict[str, np.ndarray | None]:
    """The fan's loss quantiles (3, len(steps)) as the two loss axes plot them: f, and f − f*."""
    with np.errstate(invalid="ignore"):
        gap = None if fglob is None else fan.band(np.maximum(fan.loss - fglob, 1e-16))[:, steps]
    return {"linear": fan.band(fan.loss)[:, steps], "log": gap}


def batch_losses(
    racers: Sequence[dict], series: Sequence[np.ndarray | None], log_y: bool, fglob: float | None
) -> list[dict]:
    """The loss of the mini-batch each step drew (runs.batch_loss_all), dotted beside the
    full-batch loss; both scales in ``meta.y`` as for a fan. On the log scale a batch whose loss
    is below f* has no point."""
    data = []
    for i, (r, v) in enumerate(zip(racers, series)):
        if v is None or not v.size:
            continue
        steps = thinned(v.size, BATCH_POINTS)
        with np.errstate(invalid="ignore"):
            gap = None if fglob is None else np.where(v > fglob, v - fglob, np.nan)
        ys = {"linear": plain(v[steps]), "log": None if gap is None else plain(gap[steps])}
        name = r["label"] + ": mini-batch loss"
        data.append({"type": "scatter", "mode": "lines", "x": steps.tolist(), "y": ys["log" if log_y and gap is not None else "linear"],
                     "name": name, "line": {"color": r["color"], "width": 1, "dash": "dot"}, "opacity": 0.8,
                     "showlegend": False, "hovertemplate": name + "<br>step %{x}<br>%{y:.4g}<extra></extra>",
                     "meta": {**role_meta(ROLES.batch, i), "y": ys}})  # fmt: skip
    return data


def fan_bands(
    racers: Sequence[dict], fans: Sequence[Fan | None], log_y: bool, fglob: float | None
) -> list[dict]:
    """A seed fan on the loss chart: the 10–90 % band over the seeds and the median line. Each
    trace carries its values on both axes in ``meta.y``; the browser picks the one its log-scale
    switch shows (45-pg-traces.js, fanScale)."""
    data = []
    for i, (r, fan) in enumerate(zip(racers, fans)):
        if fan is None:
            continue
        steps = thinned(fan.loss.shape[1])
        q = _both_scales(fan, fglob, steps)
        band = {k: None if v is None else np.concatenate([v[2], v[0][::-1]]) for k, v in q.items()}
        mid = {k: None if v is None else v[1] for k, v in q.items()}
        shown = "log" if log_y and fglob is not None else "linear"
        name = f"{r['label']}: {len(fan.seeds)} seeds"
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": np.concatenate([steps, steps[::-1]]).tolist(),
                "y": plain(band[shown]),
                "fill": "toself",
                "fillcolor": r["color"],
                "opacity": 0.2,
                "line": {"width": 0},
                "name": name + ", 10–90 %",
                "hoverinfo": "skip",
                "showlegend": False,
                "meta": {**role_meta(ROLES.fan, i), "y": {k: plain(v) for k, v in band.items()}},
            }
        )
        data.append({"type": "scatter", "mode": "lines", "x": steps.tolist(), "y": plain(mid[shown]),
                     "line": {"color": r["color"], "width": 2, "dash": "dash"}, "name": name + ", median",
                     "showlegend": False, "hovertemplate": name + ", median<br>step %{x}<br>%{y:.4g}<extra></extra>",
                     "meta": {**role_meta(ROLES.fan, i), "y": {k: plain(v) for k, v in mid.items()}}})  # fmt: skip
    return data


def schedule_figure(racers: Sequence[dict], lrs: Sequence[np.ndarray]) -> dict:
    data = []
    for r, lr in zip(racers, lrs):
        lr = np.asarray(lr, dtype=np.float64)
        x = np.arange(len(lr), dtype=np.int32)
        if lr.size > 2 and np.ptp(lr) == 0:  # constant: two points draw the same line
            x, lr = x[[0, -1]], lr[[0, -1]]
        data.append({"type": "scatter", "x": typed(x, "i4"), "y": typed(lr), "mode": "lines", "name": r["label"],
                     "line": racer_line(r, 2),
                     "hovertemplate": r["label"] + " step %{x}: lr %{y:.4g}<extra></extra>"})  # fmt: skip
    layout = base_layout(
        xaxis=axis_style("step"),
        yaxis=axis_style("learning rate", type="log", exponentformat="power"),
        margin={"l": 60, "r": 10, "t": 10, "b": 40},
    )
    return {"data": data, "layout": layout}


# the state chart's line per coordinate: (axis, Plotly's dash)
STATE_COORDINATES = (("x", "solid"), ("y", "dash"))
STATE_POINTS = 250  # points per state-chart line: two pixels each at the chart's width


def _per_step(values: np.ndarray) -> dict:
    """x and y of a series over steps 1..n; a constant one as its two ends (the page holds
    every racer's state chart, and most step sizes without an accumulator are constant); a
    long one every k-th step, at most `STATE_POINTS` (exact values are in the exports)."""
    y = np.abs(values)
    if y.size > 2 and np.ptp(y) == 0:
        return {"x": [1, int(y.size)], "y": [float(y[0])] * 2}
    stride = -(-y.size // STATE_POINTS)
    return {"x0": 1, "dx": stride, "y": typed(y[::stride])}  # step numbers from 1, not sent


def _state_lines(values: np.ndarray, name: str, color: str, width: float, **kw) -> list[dict]:
    return [
        {"type": "scatter", **_per_step(values[:, j]), "mode": "lines", "name": f"{name} ({axis})",
         "line": {"color": color, "dash": dash, "width": width}, **kw}
        for j, (axis, dash) in enumerate(STATE_COORDINATES)
    ]  # fmt: skip


def state_figure(
    racer: dict | None, state: dict[str, np.ndarray] | None, inspect: Sequence[tuple[str, str]] = ()
) -> dict:
    """Effective per-coordinate step size and the accumulator behind it (``inspect[1:]``, from
    the optimizer's record) of one racer."""
    data, right = [], ""
    if racer is not None and state and "step_size" in state:
        data += _state_lines(state["step_size"], "step size", racer["color"], 2.5)
        shown = [(key, label) for key, label in inspect[1:] if key in state][:1]
        for key, label in shown:
            data += _state_lines(state[key], label, "#546e7a", 1.5, yaxis="y2")
            right = label  # the right axis is named for what it draws ("function evaluations")
    layout = base_layout(
        xaxis=axis_style("step"),
        yaxis=axis_style("effective step size", type="log", exponentformat="power"),
        yaxis2={"title": {"text": right}, "type": "log", "overlaying": "y", "side": "right",
                "showgrid": False, "exponentformat": "power", "visible": bool(right)},
        showlegend=True,
        legend=legend_style(1.02),
        margin={"l": 60, "r": 60, "t": 30, "b": 40},
    )  # fmt: skip
    words = dict(RACER_DASHES)
    text = alt.state_texts(racer, bool(data), right, [(a, words[d]) for a, d in STATE_COORDINATES])
    return {"data": data, "layout": alt.carried(layout, text)}


def ewma_series(beta: float, n: int = 60, seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A noisy signal, its EWMA started at zero, and the bias-corrected EWMA."""
    t = np.arange(1, n + 1)
    x = 5 + np.sin(t / 8) + np.random.default_rng(seed).normal(0, 0.8, n)
    v = np.empty(n)
    acc = 0.0
    for i, xi in enumerate(x):
        acc = beta * acc + (1 - beta) * xi
        v[i] = acc
    return x, v, v / (1 - beta**t)


def ewma_figure(beta: float) -> dict:
    x, v, vhat = ewma_series(beta)
    t = typed(np.arange(1, len(x) + 1, dtype=np.int32), "i4")
    data = [
        {"type": "scatter", "x": t, "y": typed(x), "mode": "markers", "name": "noisy series x_t",
         "marker": {"color": "#90a4ae", "size": 5}},
        {"type": "scatter", "x": t, "y": typed(v), "mode": "lines", "name": "EWMA v_t (starts at 0)",
         "line": {"color": "#D55E00", "width": 2.5, "dash": "dash"}},  # not told apart by colour alone
        {"type": "scatter", "x": t, "y": typed(vhat), "mode": "lines", "name": "bias-corrected v_t / (1 − βᵗ)",
         "line": {"color": "#1477B8", "width": 2.5}},
    ]  # fmt: skip
    layout = base_layout(
        xaxis=axis_style("t"),
        yaxis=axis_style("value"),
        showlegend=True,
        legend=legend_style(1.02),
        margin={"l": 45, "r": 10, "t": 30, "b": 40},
    )
    names = [f"{d['name']} ({'dots' if d['mode'] == 'markers' else _line_words(d['line'])})" for d in data]
    return {"data": data, "layout": alt.carried(layout, alt.ewma_texts(beta, len(x), names))}


def _line_words(line: dict) -> str:
    return dict(RACER_DASHES)[line.get("dash", "solid")] + " line"


def _log_range(series: Sequence[np.ndarray], top: float) -> list[float]:
    """A log axis fitted to the data (a falling step length reads as falling), at most eight
    decades deep."""
    positive = [float(np.nanmin(s[s > 0])) for s in series if np.any(s > 0)]
    low = max(min(positive, default=top * 1e-8), top * 1e-8)
    return [math.log10(low) - 0.2, math.log10(top) + 0.3]


def evidence_figure(
    racers: Sequence[dict],
    series: Sequence[np.ndarray | None],
    label: str,
    log_y: bool,
    references: Sequence[tuple[dict, np.ndarray]] = (),
) -> dict:
    """A lesson's evidence: one quantity of every racer over the steps (evidence.py), drawn
    beside the lesson's text. Later racers are drawn thinner on top, so equal curves stay visible.
    ``references`` (a racer's label and colour, its series) are drawn dashed: the comparison the
    lesson's text makes with other settings. A racer whose series is ``None`` is not drawn (the
    reference path a relative quantity is measured from)."""
    n = len(racers)
    shown = [s for s in (*series, *(s for _, s in references)) if s is not None]
    top = max((float(np.nanmax(np.abs(s), initial=0.0)) for s in shown if s.size), default=1.0) or 1.0

    def line(r: dict, s: np.ndarray, **style) -> dict:
        y = np.where(np.isfinite(s), s, np.nan)
        if log_y:  # eight decades below the largest value (and zero) sit on the axis' floor
            y = np.where(y >= 0, np.maximum(y, top * 1e-8), np.nan)
        return {"type": "scatter", "x": typed(np.arange(y.size), "i4"), "y": typed(y, "f8"), "mode": "lines",
                "name": r["label"], "hovertemplate": r["label"] + "<br>step %{x}<br>%{y:.4g}<extra></extra>",
                **style}  # fmt: skip

    data = [line(r, s, line=racer_line(r, 1.5 + 1.5 * (n - i)))
            for i, (r, s) in enumerate(zip(racers, series)) if s is not None]  # fmt: skip
    for r, s in references:
        data.append(line(r, s, line={"color": r["color"], "width": 1.5, "dash": "dash"},
                         opacity=0.75, meta={"role": ROLES.reference}))  # fmt: skip
    layout = base_layout(
        # the quantity is named in the legend's title, on one line with the racers, not in axis
        # titles: a rotated one is longer than the lesson strip is high and one under the steps
        # leaves no room for the plot (presenter mode at 720p clipped the one, overlapped the other)
        xaxis=axis_style(""),
        yaxis=axis_style(
            "",
            type="log" if log_y else "linear",
            exponentformat="power",
            **({"range": _log_range(shown, top)} if log_y else {}),
        ),
        margin={"l": 40, "r": 10, "t": 24, "b": 20},
        showlegend=True,
        # a size smaller than the plots': two racers' names fit on one line of the lesson box.
        # The title on a line of its own above the entries: beside them (Plotly's default for a
        # horizontal legend) it was left out of the wrapping, and the row ran off the chart's
        # right edge (at 1280 px the second racer's name was cut to "Mo")
        legend={
            **legend_style(1.0),
            "font": {"size": FONT_RULE["size"] - 2},
            "title": {"text": f"{label}, by step:", "side": "top"},
        },
        # the quantity alone: lecture mode titles the chart with it (70-pg-keys.js), the steps
        # being the axis under it; the whole legend title ran off the narrow lesson column
        meta={"quantity": label},
    )
    drawn = [(r, s) for r, s in zip(racers, series) if s is not None]
    text = alt.evidence_texts(label, log_y, [r for r, _ in drawn], [_last(s) for _, s in drawn],
                              [r for r, _ in references])  # fmt: skip
    return {"data": data, "layout": alt.carried(layout, text)}


def _last(s: np.ndarray) -> float | None:
    """A series' last finite value (None: none)."""
    finite = s[np.isfinite(s)]
    return float(finite[-1]) if finite.size else None


LESSON_PLOT = 130  # px: the lesson chart's plot area and its step axis, under the legend
LEGEND_LINE = 19  # px: a line of the legend at its size (FONT_RULE["size"] - 2, with its gap)


def evidence_height(figure: dict) -> int:
    """The lesson chart's height: its plot under a legend of the title's line and a line for
    every entry (the narrowest lesson box, at 1280 px, fits one "Gradient descent, φ = 0" a
    line), so the legend lies above the curves, never on them (the rotation lesson's six
    entries covered its plot in a 170-px box)."""
    entries = sum(1 for t in figure["data"] if t.get("showlegend", True))
    return LESSON_PLOT + LEGEND_LINE * (1 + entries) + 24
