"""The landscape figures: the 3D surface and the contour map, with the racers' empty traces
the browser fills frame by frame (assets/*-pg-*.js); the race and the network view draw them.

They return plain ``{"data": [...], "layout": {...}}`` dicts with float arrays as Plotly's
typed-array specs (``{"dtype", "bdata"}``): building ``plotly.graph_objects`` figures
validates every property and cost more than the simulation itself. ``plotly.io`` and
plotly.js read these dicts as they are. Path traces are placeholders tagged with ``meta``
(roles and colours from ``contract``), so these figures are rebuilt only when the surface or
the set of racers changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..contract import (
    ARROWS,
    CRITICAL_MARKS,
    DIVERGED_INK,
    HALO_WIDTH,
    MARK_HALO,
    MARK_INK,
    ROLES,
    SCENE_INK,
    path_width,
)
from ..fans import Fan
from .style import (
    LEGEND,
    SURFACE_SCALE,
    axis_style,
    base_layout,
    empty_trace,
    height_scale,
    racer_line,
    racer_marker,
    role_meta,
)
from .terrain import (
    MESH_2D,
    MESH_3D,
    Land,
    Window,
    contour_window,
    height_3d,
    height_title,
    map_height_title,
    mesh,
    path_lift,
    sampled,
    scene_heights,
    surface_heights,
    terrain,
    z_transform,
)
from .wire import thinned, typed

CASING_3D = 6  # px wider than the racer's path (contract.path_width), in white under it
Z_TICKS = 4  # the most heights the scene labels: seen from high up its z axis is short
Z_PAD = (0.02, 0.08)
SCENE_WIDTH = 0.82  # of the 3D figure's width: the rest is the colour bar's  # the scene's z axis reaches this share of the heights' span below and above


def _z_ticks(lo: float, hi: float) -> list[float]:
    """Round heights to label (steps of 1, 2 or 5 times a power of ten, at most Z_TICKS of
    them: more overlapped on the foreshortened axis), none near the floor (its label would sit
    on the x and y axes' ones at the scene's corner)."""
    span = (hi - lo) or 1.0
    decade, top = int(np.floor(np.log10(span))), hi + Z_PAD[1] * span
    for step in (m * 10.0**e for e in range(decade - 1, decade + 2) for m in (1, 2, 5)):
        ticks = [t for t in np.arange(np.ceil(lo / step) * step, top, step) if t > lo + 0.12 * span]
        if len(ticks) <= Z_TICKS:
            break
    return [float(round(t, 10)) for t in ticks]


@lru_cache(maxsize=32)
def _surface_trace(surface: Land) -> tuple[dict, float, float]:
    xs, ys, _, _ = mesh(surface, MESH_3D)
    zt = surface_heights(surface)
    lo, hi = scene_heights(surface)
    trace = {
        "type": "surface", "x": typed(xs), "y": typed(ys), "z": typed(zt), "colorscale": SURFACE_SCALE,
        "showscale": True, "colorbar": {**height_scale(height_title(surface)), "x": 1.0, "xanchor": "right"},
        "opacity": 1, "hoverinfo": "skip", "name": "surface", "showlegend": False,
        "contours": {"z": {"show": True, "usecolormap": False, "color": "rgba(38,50,56,0.28)", "width": 1,
                           "start": lo, "end": hi, "size": (hi - lo) / 12 or 1.0}},
        "lighting": {"ambient": 0.78, "diffuse": 0.45, "specular": 0.06, "roughness": 0.8},
        "meta": {"role": ROLES.mesh},
    }  # fmt: skip
    return trace, lo, hi


def _critical_3d(surface: Land) -> list[dict]:
    """The contour map's critical-point marks, in the scene, on the surface: the key's glyph
    written as text facing the camera, in the marks' ink."""
    out, pts, lift = [], terrain(surface, MESH_3D).marks, path_lift(surface)
    for kind, name, _, glyph in CRITICAL_MARKS:
        sel = [c for c in pts if c.kind == kind]
        if not sel:
            continue
        # 4 path lifts up: the glyph's lower half clears the slope in front of it
        z = height_3d(surface, np.array([c.value for c in sel], dtype=float)) + 4 * lift
        out.append({
            "type": "scatter3d", "mode": "text", "name": name, "x": [c.x for c in sel], "y": [c.y for c in sel],
            "z": [float(v) for v in z], "text": [glyph] * len(sel), "hoverinfo": "skip", "showlegend": False,
            "meta": {"role": ROLES.mark},
            "textfont": {"size": 22 if kind == "global_min" else 18, "color": MARK_INK["light"]},
        })  # fmt: skip
    return out


def _box_aspect(wx: float, wy: float) -> dict[str, float]:
    long = max(wx, wy)
    return {"x": max(wx / long, 0.6), "y": max(wy / long, 0.6), "z": 0.55}


def _path_3d(r: dict, i: int) -> list[dict]:
    """A racer's 3D path over a white casing (visible on any height colour), and its ball."""
    path = {"mode": "lines", "hoverinfo": "skip"}
    return [
        empty_trace("scatter3d", **path, line={"color": "#ffffff", "width": path_width("scene", i) + CASING_3D},
               name=r["label"], showlegend=False, meta=role_meta(ROLES.path, i)),
        empty_trace("scatter3d", **path, line=racer_line(r, path_width("scene", i)), name=r["label"],
               showlegend=True, legendgroup=str(i), meta=role_meta(ROLES.path, i)),
        empty_trace("scatter3d", mode="markers", name=r["label"], meta=role_meta(ROLES.head, i), hoverinfo="skip",
               showlegend=False, marker=racer_marker(r, 8, line={"color": "#ffffff", "width": 2})),
    ]  # fmt: skip


def surface_3d(surface: Land, racers: Sequence[dict]) -> dict:
    trace, lo, hi = _surface_trace(surface)
    data = [trace, *_critical_3d(surface)]
    for i, r in enumerate(racers):
        data += _path_3d(r, i)
    t = terrain(surface, MESH_3D)
    (x0, x1), (y0, y1) = t.domain
    zr = (hi - lo) or 1.0
    bg = {"backgroundcolor": "rgba(0,0,0,0)", "gridcolor": SCENE_INK["light"]["grid"], "nticks": 5,
          "color": SCENE_INK["light"]["color"]}  # fmt: skip
    scene = {
        "xaxis": {"range": [x0, x1], "title": {"text": t.axes[0]}, **bg},
        "yaxis": {"range": [y0, y1], "title": {"text": t.axes[1]}, **bg},
        # no z title: seen from high up the z axis is a short corner of the box, and its title
        # fell off the canvas there (clipped to "0.01)", at every size); the colour bar beside
        # the scene says what the height is, in the 2D layer, which nothing clips. (Lecture mode
        # fits the box into its canvas, drops the z tick labels and names the axis in one word:
        # 70-pg-keys.js)
        "zaxis": {"range": [lo - Z_PAD[0] * zr, hi + Z_PAD[1] * zr], "title": {"text": ""}, **bg,
                  "tickvals": _z_ticks(lo, hi)},
        "aspectmode": "manual",
        # long thin domains (the ravine) would leave a sliver in the box: the shorter side is kept
        # at least 0.6 of the longer; the contour map keeps the true aspect
        "aspectratio": _box_aspect(x1 - x0, y1 - y0),
        # from high up: the valleys the paths run along stay in sight behind their walls
        "camera": {"eye": {"x": -0.68, "y": -0.94, "z": 1.45}, "center": {"x": 0, "y": 0, "z": -0.12}},
        # the right of the box is the height's colour bar (style.height_scale); a scene pushes no
        # margin for it, so the scene's domain leaves it the room
        "domain": {"x": [0, SCENE_WIDTH], "y": [0, 1]},
        "uirevision": "keep",
    }  # fmt: skip
    return {"data": data, "layout": base_layout(scene=scene, showlegend=True, legend=LEGEND,
                                            margin={"l": 0, "r": 0, "t": 4, "b": 0})}  # fmt: skip


@lru_cache(maxsize=32)
def _contour_traces(surface: Land, window: Window | None) -> tuple[dict, ...]:
    """The contour map's mesh and marks; ``window``: a part of a surface's domain it frames."""
    t = (
        terrain(surface, MESH_2D)
        if window is None
        else sampled(surface, MESH_2D, contour_window(surface, window))
    )
    xs, ys, z, floor = t.xs, t.ys, t.z, t.floor
    zt = z_transform(surface, z, floor).astype(np.float32)
    label = map_height_title(surface)
    out = [
        {
            "type": "contour", "x": typed(xs), "y": typed(ys), "z": typed(zt), "colorscale": SURFACE_SCALE,
            "ncontours": 28, "showscale": True, "colorbar": height_scale(label), "name": "surface", "showlegend": False, "meta": {"role": ROLES.mesh},
            "line": {"width": 0.6, "color": "rgba(38,50,56,0.3)"},
            "hovertemplate": "x=%{x:.3f}<br>y=%{y:.3f}<br>" + label + "=%{z:.4g}<extra>click to start here</extra>",
        }
    ]  # fmt: skip
    for kind, name, symbol, _ in CRITICAL_MARKS:
        sel = [c for c in terrain(surface, MESH_2D).marks if c.kind == kind]
        if sel:
            out += _marks(kind, name, symbol, sel)
    return tuple(out)


def _marks(kind: str, name: str, symbol: str, sel: list) -> list[dict]:
    """One kind of critical point on the contour map: its symbol in the marks' ink over a rim
    of the other theme's ink (contract.MARK_HALO), so it reads on its pit in either theme."""
    size, xy = 15 if kind == "global_min" else 10, {"x": [c.x for c in sel], "y": [c.y for c in sel]}
    halo = {"type": "scatter", **xy, "mode": "markers", "name": name, "showlegend": False, "hoverinfo": "skip",
            "meta": {"role": ROLES.halo},
            "marker": {"symbol": symbol, "size": size, "color": MARK_HALO["light"],
                       "line": {"width": 2 + 2 * HALO_WIDTH, "color": MARK_HALO["light"]}}}  # fmt: skip
    mark = {"type": "scatter", **xy, "mode": "markers", "name": name, "customdata": [c.value for c in sel],
            "showlegend": False, "meta": {"role": ROLES.mark},
            "marker": {"symbol": symbol, "size": size, "color": MARK_INK["light"],
                       "line": {"width": 2, "color": MARK_INK["light"]}},
            "hovertemplate": name + "<br>(%{x:.4f}, %{y:.4f})<br>f = %{customdata:.6g}<extra></extra>"}  # fmt: skip
    return [halo, mark]


def contour_map(
    surface: Land, racers: Sequence[dict], fans: Sequence[Fan | None] = (), window: Window | None = None
) -> dict:
    """The contour map of ``window`` (default: the whole domain) with the racers' empty traces
    the browser fills as it plays."""
    t = terrain(surface, MESH_2D)
    window = None if window == t.domain else window
    data = [*_contour_traces(surface, window), *fan_paths(racers, fans)]
    for i, r in enumerate(racers):
        data.append(
            empty_trace(
                "scatter",
                mode="lines",
                line=racer_line(r, r["width"]),
                name=r["label"],
                meta=role_meta(ROLES.path, i),
                showlegend=True,
                customdata=[],
                hovertemplate=r["label"] + "<br>step %{customdata[0]}<br>(%{x:.4f}, %{y:.4f})"
                "<br>loss %{customdata[1]:.6g}<br>lr %{customdata[2]:.3g}<extra></extra>",
            )
        )
        data.append(
            empty_trace(
                "scatter",
                mode="markers",
                name=r["label"],
                meta=role_meta(ROLES.head, i),
                hoverinfo="skip",
                marker=racer_marker(r, 12, line={"color": "white", "width": 2}),
            )
        )
        data.append(empty_trace("scatter", mode="markers", name=r["label"] + " diverged", meta=role_meta(ROLES.end, i),
                           hoverinfo="skip", marker={"size": 16, "symbol": "x", "color": r["color"],
                                                     "line": {"color": DIVERGED_INK, "width": 2}}))  # fmt: skip
        # schedule-free racers: the iterate z as a hollow ring (empty for every other racer)
        data.append(empty_trace("scatter", mode="markers", name=r["label"] + " iterate z", meta=role_meta(ROLES.iterate, i),
                           hoverinfo="skip", marker={"size": 12, "symbol": "circle-open", "color": r["color"],
                                                     "line": {"width": 3}}))  # fmt: skip
    # "what the optimizer is thinking": gradient and step arrows of the inspected racer
    for a in ARROWS:
        data.append(empty_trace("scatter", mode="lines+markers", name=a.name, meta=role_meta(a.role, -1), hoverinfo="skip",
                           line={"color": a.color, "width": 3, "dash": "dot" if a.dashed else "solid"},
                           marker={"symbol": "arrow", "angleref": "previous", "size": [0, 14], "color": a.color}))  # fmt: skip
    (x0, x1), (y0, y1) = window or t.domain
    layout = base_layout(
        # a new frame replaces whatever the user zoomed or panned to; the same frame keeps it
        uirevision=repr(window or t.domain),
        xaxis=axis_style(t.axes[0], range=[x0, x1], constrain="domain", gridcolor="rgba(0,0,0,0)"),
        yaxis=axis_style(
            t.axes[1],
            range=[y0, y1],
            scaleanchor="x",
            scaleratio=1,
            constrain="domain",
            gridcolor="rgba(0,0,0,0)",
        ),
        margin={"l": 45, "r": 10, "t": 4, "b": 40},
        hovermode="closest",
        dragmode="pan",
        showlegend=True,
        legend=LEGEND,
    )
    return {"data": data, "layout": layout}


def fan_paths(racers: Sequence[dict], fans: Sequence[Fan | None]) -> list[dict]:
    """A seed fan on the contour map: every seed's path faintly, the step-wise median path dashed."""
    data = []
    for i, (r, fan) in enumerate(zip(racers, fans)):
        if fan is None:
            continue
        steps = thinned(fan.paths.shape[1])
        gaps = np.full((fan.paths.shape[0], 1, 2), np.nan)  # a gap between two seeds' paths
        xy = np.concatenate([fan.paths[:, steps], gaps], axis=1).reshape(-1, 2)
        mid = fan.median_path[steps]
        name = f"{r['label']}: {len(fan.seeds)} seeds"
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": typed(xy[:, 0]),
                "y": typed(xy[:, 1]),
                "name": name,
                "line": {"color": r["color"], "width": 1},
                "opacity": 0.3,
                "hoverinfo": "skip",
                "showlegend": False,
                "meta": role_meta(ROLES.fan, i),
            }
        )
        data.append({"type": "scatter", "mode": "lines", "x": typed(mid[:, 0]), "y": typed(mid[:, 1]),
                     "name": f"{r['label']}: median of {len(fan.seeds)} seeds", "showlegend": False,
                     "line": {"color": r["color"], "width": 3.5, "dash": "dash"}, "meta": role_meta(ROLES.fan, i),
                     "hovertemplate": name + ", median path<br>(%{x:.4f}, %{y:.4f})<extra></extra>"})  # fmt: skip
    return data
