"""Figures and tables of the "Real network" view: pure functions of a `Study` (no Dash state)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from dash import html

from ...network.presets import SEED_SETUP, SEED_TABLE
from ...network.study import Study
from ...optimizers import OPTIMIZERS
from ..contract import racer_colors

FRAMES = 30  # animation frames of the projected paths


def _colors(names: list[str]) -> dict[str, str]:
    return dict(zip(names, racer_colors(names)))


def _title(name: str) -> str:
    return OPTIMIZERS[name].title


def curves(st: Study, metric: str) -> go.Figure:
    """Validation loss or accuracy per epoch (epoch 0 is the untrained network)."""
    names = [r.optimizer for r in st.showdown.runs]
    colors = _colors(names)
    fig = go.Figure()
    for r in st.showdown.runs:
        ys = r.val_loss if metric == "loss" else r.val_accuracy
        fig.add_scatter(x=list(range(len(ys))), y=list(ys), name=_title(r.optimizer), mode="lines+markers",
                        line={"color": colors[r.optimizer]})  # fmt: skip
    label = "validation loss (cross-entropy)" if metric == "loss" else "validation accuracy"
    fig.update_layout(
        template="plotly_white", height=320, margin={"l": 60, "r": 10, "t": 40, "b": 40},
        title=f"{label} per epoch", xaxis_title="epoch", yaxis_title=label,
        yaxis_type="log" if metric == "loss" else "linear",
    )  # fmt: skip
    return fig


def _path_traces(st: Study, upto: float, colors: dict[str, str], three_d: bool) -> list:
    traces = []
    for r, p in zip(st.showdown.runs, st.projections):
        k = max(1, math.ceil(upto * len(p.coords)))
        # plain lists: the page reads the animated traces' lengths (typed arrays arrive as bdata)
        x, y, z = p.coords[:k, 0].tolist(), p.coords[:k, 1].tolist(), p.plane_loss[:k].tolist()
        hover = [
            f"{_title(r.optimizer)} step {s}<br>true loss {t:.4g}<br>plane loss {q:.4g}<br>off the plane {o:.3g}"
            for s, t, q, o in zip(r.path_steps, p.true_loss, p.plane_loss, p.off_plane)
        ][:k]
        style = {"line": {"color": colors[r.optimizer], "width": 4}, "name": _title(r.optimizer),
                 "text": hover, "hoverinfo": "text", "mode": "lines+markers", "marker": {"size": 3}}  # fmt: skip
        traces.append(go.Scatter3d(x=x, y=y, z=z, **style) if three_d else go.Scatter(x=x, y=y, **style))
    return traces


def slice_map(st: Study) -> go.Figure:
    """The slice as a contour map with each run's path projected onto it, animated."""
    names = [r.optimizer for r in st.showdown.runs]
    colors, s = _colors(names), st.slice
    # redraw=True in the Play button: without it Plotly's animate drops the (non-animatable) contour
    contour = go.Contour(x=s.alphas.tolist(), y=s.betas.tolist(), z=np.log10(s.loss).tolist(), colorscale="Cividis", name="slice",
                         colorbar={"title": "log₁₀ loss"}, ncontours=24, hoverinfo="skip")  # fmt: skip
    centre = go.Scatter(x=[0], y=[0], mode="markers", name=f"centre: {_title(st.center)}'s final weights",
                        marker={"symbol": "x", "size": 12, "color": "black"})  # fmt: skip
    fig = go.Figure([contour, centre, *_path_traces(st, 1.0, colors, False)])
    fig.frames = [
        go.Frame(
            data=_path_traces(st, (i + 1) / FRAMES, colors, False),
            traces=list(range(2, 2 + len(names))),
            name=str(i),
        )
        for i in range(FRAMES)
    ]
    play = {"label": "Play paths", "method": "animate",
            "args": [None, {"frame": {"duration": 80, "redraw": True}, "fromcurrent": False, "transition": {"duration": 0}}]}  # fmt: skip
    fig.update_layout(
        template="plotly_white", height=500, margin={"l": 60, "r": 10, "t": 80, "b": 40},
        title={"text": f"PROJECTION of the paths onto a 2-D slice of a 1,610-dimensional space<br>"
                       f"<sup>plane: {_plane_name(st)}</sup>", "font": {"size": 14}},
        xaxis_title="α (direction 1)", yaxis_title="β (direction 2)", legend={"orientation": "h", "y": -0.2},
        updatemenus=[{"type": "buttons", "buttons": [play], "x": 1, "y": -0.2, "xanchor": "right", "yanchor": "top"}],
    )  # fmt: skip
    return fig


def slice_surface(st: Study) -> go.Figure:
    """The slice in 3D; the paths ride at the plane's loss at their projected points."""
    names = [r.optimizer for r in st.showdown.runs]
    s = st.slice
    surf = go.Surface(
        x=s.alphas, y=s.betas, z=s.loss, colorscale="Cividis", showscale=False, opacity=0.9, name="slice"
    )
    fig = go.Figure([surf, *_path_traces(st, 1.0, _colors(names), True)])
    fig.update_layout(
        template="plotly_white", height=460, margin={"l": 0, "r": 0, "t": 40, "b": 0},
        title="The same slice in 3D (height: validation loss on the plane)",
        scene={"xaxis_title": "α", "yaxis_title": "β", "zaxis_title": "loss"},
    )  # fmt: skip
    return fig


def _plane_name(st: Study) -> str:
    if st.plane == "pca" and st.explained:
        a, b = st.explained
        return f"top-2 PCA of all paths, {100 * a:.0f}% + {100 * b:.0f}% of their variance"
    return "two filter-normalised random directions (Li et al. 2018)"


def _fmt(v: float, digits: int = 4) -> str:
    return f"{v:.{digits}f}" if math.isfinite(v) else "diverged"


def comparison_table(st: Study) -> html.Table:
    """Our rows (best validation accuracy first) beside the seed's MNIST rows."""
    runs = sorted(st.showdown.runs, key=lambda r: -r.val_accuracy[-1] if math.isfinite(r.val_loss[-1]) else 1)
    head = [
        "optimizer",
        "our val acc",
        "our val loss",
        "our time",
        "lr",
        "seed's val acc",
        "seed's val loss",
        "seed's time",
    ]
    rows = []
    for r in runs:
        seed = SEED_TABLE.get(r.optimizer)
        theirs = [f"{seed[1]:.4f}", f"{seed[2]:.4f}", seed[3]] if seed else ["—", "—", "—"]
        ours = [_fmt(r.val_accuracy[-1]), _fmt(r.val_loss[-1]), f"{r.seconds:.1f} s", f"{r.hp['lr']:g}"]
        rows.append(html.Tr([html.Td(_title(r.optimizer)), *(html.Td(c) for c in ours + theirs)]))
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                      className="pg-network-table", id="table-network-showdown")  # fmt: skip


def explanation(st: Study) -> list:
    """What to read in the two tables, in plain words, with this run's numbers."""
    sd = st.showdown
    steps = sd.runs[0].steps_per_epoch * sd.epochs
    ours = [r.optimizer for r in sorted(sd.runs, key=lambda r: -r.val_accuracy[-1])]
    common = [n for n in ours if n in SEED_TABLE]
    seed_order = [n for n in SEED_TABLE if n in common]
    same = "the same order as the seed's" if common == seed_order else "a different order from the seed's"
    return [
        html.P(
            f"Seed: {SEED_SETUP}. Ours: 8×8 digits, a smaller net of the same kind, {sd.epochs} epochs "
            f"of batch 64, preset “{sd.preset}”. The shared optimizers finish in {same}."
        ),
        html.P(
            f"Equal epochs are not equal work: an epoch here is {sd.runs[0].steps_per_epoch} steps "
            f"({steps} in all) against 938 on MNIST's 60,000 images (9,380 in all), so our numbers are "
            "those of an early stage of the seed's runs. The gaps that come from step size show up "
            "early and large: at the Keras defaults, Adadelta (lr 0.001) and Adagrad (lr 0.001 with "
            "an accumulator starting at 0.1) take tiny steps and stay last, as in the seed; plain SGD "
            "at 0.01 needs many steps, and momentum (0.9) multiplies its step by about ten."
        ),
        html.P(
            "The preset “tuned” gives every optimizer the same learning-rate sweep: most of the "
            "seed's gaps shrink, which says they were mostly about default learning rates, not "
            "about the methods."
        ),
    ]


def honesty(st: Study) -> html.Div:
    """What the plane misses: explained variance, distance off the plane, true vs plane loss."""
    head = ["optimizer", "largest distance off the plane", "path length", "true loss at start",
            "plane loss at its projection", "largest |true − plane| loss"]  # fmt: skip
    rows = []
    for r, p in zip(st.showdown.runs, st.projections):
        length = float(np.linalg.norm(np.diff(r.path, axis=0), axis=1).sum())
        cells = [f"{p.off_plane.max():.3g}", f"{length:.3g}", f"{p.true_loss[0]:.4g}", f"{p.plane_loss[0]:.4g}",
                 f"{np.nanmax(np.abs(p.true_loss - p.plane_loss)):.3g}"]  # fmt: skip
        rows.append(html.Tr([html.Td(_title(r.optimizer)), *(html.Td(c) for c in cells)]))
    note = (
        f"This is a slice of a space with 1,610 dimensions, through {_title(st.center)}'s final weights "
        f"({_plane_name(st)}). Each path is drawn where its points project onto the plane (least squares); "
        "the points themselves are mostly off it, so the map's colour under a path is the plane's loss, "
        "not the loss the run had. Hover a point for both."
    )
    return html.Div([html.P(note), html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                                              className="pg-network-table")])  # fmt: skip
