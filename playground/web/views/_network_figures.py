"""Figures and tables of the "Real network" view: pure functions of a `Study` (no Dash state)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from dash import html

from playground.core.optimizers import OPTIMIZERS
from playground.network.presets import SEED_SETUP, SEED_TABLE
from playground.network.study import Study

from ..contract import MARK_INK, ROLES, path_width, racer_colors, racer_look
from ..plots import alt, landscape
from ..plots.style import height_scale, mesh_meta
from ..plots.terrain import MAP_OFFSET, Terrain, height_3d, path_heights, scene_offset
from ..plots.wire import plain

MESH_HOVER = (
    f"α=%{{x:.3f}}<br>β=%{{y:.3f}}<br>log₁₀(loss + {MAP_OFFSET:g})=%{{z:.3f}}<extra>the plane</extra>"
)
PATH_HOVER = ("<br>step %{customdata[0]}<br>(α, β) = (%{x:.3f}, %{y:.3f})<br>true loss %{customdata[1]:.4g}"
              "<br>plane loss %{customdata[2]:.4g}<br>off the plane %{customdata[3]:.3g}<extra></extra>")  # fmt: skip


def _colors(names: list[str]) -> dict[str, str]:
    return dict(zip(names, racer_colors(names)))


def _title(name: str) -> str:
    return OPTIMIZERS[name].title


def curves(st: Study, metric: str) -> go.Figure:
    """Validation loss or accuracy per epoch (epoch 0 is the untrained network)."""
    names = [r.optimizer for r in st.showdown.runs]
    colors = _colors(names)
    fig = go.Figure()
    for i, r in enumerate(st.showdown.runs):
        ys = r.val_loss if metric == "loss" else r.val_accuracy
        look = racer_look(i)
        fig.add_scatter(x=list(range(len(ys))), y=list(ys), name=_title(r.optimizer), mode="lines+markers",
                        line={"color": colors[r.optimizer], "dash": look["dash"]},
                        marker={"symbol": look["symbol"], "size": 8})  # fmt: skip
    label = "validation loss (cross-entropy)" if metric == "loss" else "validation accuracy"
    fig.update_layout(
        template="plotly_white", height=320, margin={"l": 60, "r": 10, "t": 40, "b": 40},
        title=f"{label} per epoch", xaxis_title="epoch", yaxis_title=label,
        yaxis_type="log" if metric == "loss" else "linear",
    )  # fmt: skip
    finals = [(r.val_loss if metric == "loss" else r.val_accuracy)[-1] for r in st.showdown.runs]
    fig.update_layout(meta={"alt": alt.curve_texts(label, metric == "loss", _racers(st), finals)})
    return fig


@lru_cache(maxsize=8)  # one per study (cached per settings and hashed by identity)
def terrain(st: Study) -> Terrain:
    """The slice as the race's figures draw a surface. The floor is 0, the cross-entropy's
    lower bound, so the log heights read as log₁₀ of the loss itself."""
    s = st.slice
    loss = np.where(np.isfinite(s.loss), s.loss, np.nan)
    domain = ((float(s.alphas[0]), float(s.alphas[-1])), (float(s.betas[0]), float(s.betas[-1])))
    return Terrain(s.alphas, s.betas, loss, 0.0, True, domain, axes=("α", "β"))


def _racers(st: Study) -> list[dict]:
    names = [r.optimizer for r in st.showdown.runs]
    colors = _colors(names)
    return [
        {"label": _title(n), "color": colors[n], "width": path_width("contour", i), **racer_look(i)}
        for i, n in enumerate(names)
    ]


def _path_hover(trace: dict) -> dict:
    """A path trace that shows, per checkpoint, what the projection hides (the browser puts
    [step, true loss, plane loss, distance off the plane] in its customdata)."""
    return {k: v for k, v in trace.items() if k != "hoverinfo"} | {
        "hovertemplate": trace["name"] + PATH_HOVER
    }


def _centre(st: Study, z: float | None = None) -> dict:
    """The slice's centre, the first run's final weights, as a mark (themed like the race's)."""
    trace = {"x": [0.0], "y": [0.0], "mode": "markers", "name": f"centre: {_title(st.center)}'s final weights",
             "showlegend": True, "hoverinfo": "name", "meta": {"role": ROLES.mark},
             "marker": {"symbol": "x", "size": 14, "color": MARK_INK["light"]}}  # fmt: skip
    if z is not None:  # WebGL draws its "x" as a box at a marker's size: a diamond, as its minima
        trace["marker"] = {"symbol": "diamond", "size": 7, "color": MARK_INK["light"],
                           "line": {"color": "#ffffff", "width": 1}}  # fmt: skip
    return trace | ({"type": "scatter3d", "z": [z]} if z is not None else {"type": "scatter"})


def slice_map(st: Study) -> dict:
    """The slice as the race's contour map; the browser plays the projected paths on it."""
    fig = landscape.contour_map(terrain(st), _racers(st))
    data, height = [], f"log₁₀(loss + {MAP_OFFSET:g})"
    for t in fig["data"]:
        role = (t.get("meta") or {}).get("role")
        if role == ROLES.mesh:  # a copy: the builder's traces are cached
            t = t | {"hovertemplate": MESH_HOVER, "colorbar": height_scale(height), "meta": mesh_meta(height)}
        data.append(_path_hover(t) if role == ROLES.path else t)
    fig["data"] = [*data, _centre(st)]
    fig["layout"] = alt.carried(fig["layout"], _slice_alt(st, height)["contour"])
    return fig


def _slice_alt(st: Study, height: str) -> dict[str, dict]:
    return alt.slice_texts(_plane_name(st), _title(st.center), height, _racers(st))


def slice_surface(st: Study) -> dict:
    """The slice as the race's 3D scene; the paths ride on the plane's loss at their points."""
    t = terrain(st)
    fig = landscape.surface_3d(t, _racers(st))
    # the casing under a path stays silent; the path itself says what the plane hides
    fig["data"] = [_path_hover(d) if d.get("showlegend") and d["meta"]["role"] == ROLES.path else d
                   for d in fig["data"]]  # fmt: skip
    # the centre in sight of the camera as the race's marks are, on a stem down to the slice
    xy = np.zeros((1, 2))
    z = landscape.mark_heights(t, xy, height_3d(t, st.projections[0].plane_loss[-1:]))
    centre = _centre(st, float(z[0]))
    fig["data"] += [landscape.mark_stems(t, xy, z, centre["name"]), centre]
    mesh_at = next(i for i, d in enumerate(fig["data"]) if d.get("meta", {}).get("role") == ROLES.mesh)
    # a copy: the builder's surface trace is cached
    height = f"log₁₀(loss + {scene_offset(t):g})"
    fig["data"][mesh_at] = fig["data"][mesh_at] | {
        "colorbar": fig["data"][mesh_at]["colorbar"] | height_scale(height),
        "meta": mesh_meta(height),
    }
    fig["layout"] = alt.carried(fig["layout"], _slice_alt(st, height)["surface"])
    return fig


def slice_paths(st: Study) -> dict:
    """Every run's projected path, as the browser plays it on both figures: α, β, the height
    in the 3D scene, and per checkpoint [step, true loss, plane loss, distance off the plane]."""
    t, paths = terrain(st), []
    for r, p in zip(st.showdown.runs, st.projections):
        z = path_heights(t, p.coords, p.plane_loss)
        hover = zip(r.path_steps, *(plain(v) for v in (p.true_loss, p.plane_loss, p.off_plane)))
        paths.append({"x": plain(p.coords[:, 0]), "y": plain(p.coords[:, 1]), "z": plain(z),
                      "hover": [list(h) for h in hover]})  # fmt: skip
    return {"n": max(len(p["x"]) for p in paths), "paths": paths}


def slice_note(st: Study) -> str:
    """What the slice above the two figures is, with this study's plane."""
    return (f"Plane: {_plane_name(st)}; through {_title(st.center)}'s final weights (the centre ×). "
            "Hover a path's point for its true loss, the plane's loss under it and its distance off the plane.")  # fmt: skip


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
