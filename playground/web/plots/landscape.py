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
    mesh_meta,
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
    drawn_height,
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
Z_PAD = (0.02, 0.08)  # the scene's z axis reaches this share of the heights' span below and above
# of the 3D figure's width: the rest is the colour bar's (the browser moves the line to the bar
# once drawn, 70-pg-keys.js shareWithBar: its labels take more in lecture mode)
SCENE_WIDTH = 0.82
# path lifts (terrain.path_lift) a 3D mark sits above its point, and its lines of sight above
# the surface (mark_heights): its glyph's lower half clears the slope in front of it
MARK_LIFT = 4
# from high up: the valleys the paths run along stay in sight behind their walls
CAMERA = {"eye": {"x": -0.68, "y": -0.94, "z": 1.45}, "center": {"x": 0, "y": 0, "z": -0.12}}


def _z_ticks(lo: float, hi: float) -> list[float]:
    """Round heights for the scene's grid lines across its walls (steps of 1, 2 or 5 times a
    power of ten, at most Z_TICKS of them: more crowded the foreshortened walls), none near the
    floor. (They were the z axis' labels too, which the colour bar now gives.)"""
    span = (hi - lo) or 1.0
    decade, top = int(np.floor(np.log10(span))), hi + Z_PAD[1] * span
    for step in (m * 10.0**e for e in range(decade - 1, decade + 2) for m in (1, 2, 5)):
        ticks = [t for t in np.arange(np.ceil(lo / step) * step, top, step) if t > lo + 0.12 * span]
        if len(ticks) <= Z_TICKS:
            break
    return [float(round(t, 10)) for t in ticks]


@lru_cache(maxsize=32)
def _surface_trace(surface: Land) -> dict:
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
        "meta": mesh_meta(height_title(surface)),
    }  # fmt: skip
    return trace


def _critical_3d(surface: Land) -> list[dict]:
    """The contour map's critical-point marks, in the scene, in sight of its camera
    (`mark_heights`): the key's glyph written as text facing the camera, in the marks' ink, on a
    stem down to the surface (a star lifted out of its pit still points at its minimum)."""
    out, pts = [], terrain(surface, MESH_3D).marks
    for kind, name, _, glyph in CRITICAL_MARKS:
        sel = [c for c in pts if c.kind == kind]
        if not sel:
            continue
        xy = np.array([[c.x, c.y] for c in sel], dtype=float)
        z = mark_heights(surface, xy, height_3d(surface, np.array([c.value for c in sel], dtype=float)))
        # from the surface to the glyph's lower edge (through a thin × it showed as a fourth arm)
        out.append(mark_stems(surface, xy, z + glyph_drop(surface)[2], name))
        out.append({
            "type": "scatter3d", "mode": "text", "name": name, "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
            "z": [float(v) for v in z], "text": [glyph] * len(sel), "hoverinfo": "skip", "showlegend": False,
            "meta": {"role": ROLES.mark}, "textposition": "middle center",  # the glyph on its point (above it, hidden)
            "textfont": {"size": 22 if kind == "global_min" else 18, "color": MARK_INK["light"]},
        })  # fmt: skip
    return out


def mark_stems(surface: Land, xy: np.ndarray, top: np.ndarray, name: str) -> dict:
    """The stems of the scene's marks at points ``xy``: a line from the drawn surface under each
    up to its height in ``top`` (a mark lifted by `mark_heights` still points at its point),
    inked as the marks."""
    xy, top = np.asarray(xy, dtype=float), np.asarray(top, dtype=float)
    ground = np.fmin(drawn_height(surface, xy), top)
    gap = [None] * len(xy)  # a stem a mark, apart
    return {
        "type": "scatter3d", "mode": "lines", "name": name, "x": _interleave(xy[:, 0], xy[:, 0], gap),
        "y": _interleave(xy[:, 1], xy[:, 1], gap), "z": _interleave(ground, top, gap), "hoverinfo": "skip",
        "showlegend": False, "meta": {"role": ROLES.stem}, "line": {"color": MARK_INK["light"], "width": 2},
    }  # fmt: skip


def _interleave(a: np.ndarray, b: np.ndarray, gap: list) -> list:
    """``a[0], b[0], gap[0], a[1], ...``: segments a→b in one trace, apart."""
    return [None if v is None else float(v) for trio in zip(a, b, gap) for v in trio]


def scene_box(surface: Land) -> tuple[np.ndarray, dict[str, float]]:
    """The 3D scene's axis ranges (rows x, y, z) and its box's aspect ratio, as surface_3d
    lays them out."""
    t = terrain(surface, MESH_3D)
    (x0, x1), (y0, y1) = t.domain
    lo, hi = scene_heights(surface)
    zr = (hi - lo) or 1.0
    ranges = np.array([[x0, x1], [y0, y1], [lo - Z_PAD[0] * zr, hi + Z_PAD[1] * zr]], dtype=float)
    return ranges, _box_aspect(x1 - x0, y1 - y0)


SIGHT_SAMPLES = 400  # points on a mark's line of sight tested against the drawn surface
# half a mark's glyph on screen, in the camera's units (the box's longest side is 1): a 22-px
# glyph in a 430-px canvas; its lower edge must be in sight too, not its centre alone
GLYPH_HALF = 0.05


def _normalised(surface: Land) -> tuple[np.ndarray, np.ndarray]:
    """From the data's coordinates to the camera's (the box's middle at 0, its sides its
    aspect): the middle and the scale of each axis."""
    ranges, aspect = scene_box(surface)
    return ranges.mean(axis=1), np.array([aspect[a] for a in "xyz"]) / (ranges[:, 1] - ranges[:, 0])


def eye_point(surface: Land) -> np.ndarray:
    """The figure's camera eye in the data's coordinates: Plotly places the eye at the box's
    middle plus ``eye`` times each axis' span over its aspect (measured in the browser,
    30-pg-plotly.js scene3d().eye: (-6.8, -9.4, 10.07) on Himmelblau)."""
    mid, scale = _normalised(surface)
    return mid + np.array([CAMERA["eye"][a] for a in "xyz"]) / scale


def glyph_drop(surface: Land) -> np.ndarray:
    """From a mark's anchor to its glyph's lower edge, in the data's coordinates: half a glyph
    down the screen (the camera's up, square to its line of sight)."""
    _, scale = _normalised(surface)
    eye = np.array([CAMERA["eye"][a] for a in "xyz"])
    look = np.array([CAMERA["center"][a] for a in "xyz"]) - eye
    look /= np.linalg.norm(look)
    up = np.array([0.0, 0.0, 1.0]) - look[2] * look
    return -GLYPH_HALF * up / np.linalg.norm(up) / scale


def _sight_floor(surface: Land, xy: np.ndarray, eye: np.ndarray, margin: float) -> np.ndarray:
    """The least height at each point whose straight line to ``eye`` passes ``margin`` above
    the drawn surface: at a share t of the way the line is at m + t (E_z - m), above
    h_t + margin where m >= (h_t + margin - t E_z) / (1 - t)."""
    t = np.linspace(0.0, 1.0, SIGHT_SAMPLES, endpoint=False)[1:]
    out = np.full(len(xy), -np.inf)
    for k, (x, y) in enumerate(xy):
        on_ray = np.stack([x + t * (eye[0] - x), y + t * (eye[1] - y)], axis=1)
        ground = drawn_height(surface, on_ray)  # NaN once the line has left the mesh
        if np.isfinite(ground).any():
            out[k] = np.nanmax((ground + margin - t * eye[2]) / (1 - t))
    return out


def mark_heights(surface: Land, xy: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Heights of the scene's marks at points ``xy`` on the surface at heights ``z``: MARK_LIFT
    path lifts above it, or higher where the drawn surface between a mark's glyph and the
    camera's eye would hide it (Himmelblau's minima lie in pits whose walls, steeper than the
    camera's line of sight, hid their stars from the default camera), so that the lines of
    sight of its anchor and of its glyph's lower edge (`glyph_drop`) clear the surface."""
    xy, margin = np.asarray(xy, dtype=float), MARK_LIFT * path_lift(surface)
    eye, drop = eye_point(surface), glyph_drop(surface)
    anchor = _sight_floor(surface, xy, eye, margin)
    edge = _sight_floor(surface, xy + drop[:2], eye, margin) - drop[2]
    return np.maximum.reduce([np.asarray(z, dtype=float) + margin, anchor, edge])


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
    data = [_surface_trace(surface), *_critical_3d(surface)]
    for i, r in enumerate(racers):
        data += _path_3d(r, i)
    t = terrain(surface, MESH_3D)
    ranges, aspect = scene_box(surface)
    bg = {"backgroundcolor": "rgba(0,0,0,0)", "gridcolor": SCENE_INK["light"]["grid"], "nticks": 5,
          "color": SCENE_INK["light"]["color"]}  # fmt: skip
    scene = {
        "xaxis": {"range": ranges[0].tolist(), "title": {"text": t.axes[0]}, **bg},
        "yaxis": {"range": ranges[1].tolist(), "title": {"text": t.axes[1]}, **bg},
        # no z title nor labels: seen from high up the z axis is a short corner of the box, where
        # its title fell off the canvas (clipped to "0.01)", at every size), "height" lay on the
        # y axis' labels in lecture mode and its labels on them at the desk or off the canvas
        # (#29); the colour bar beside the scene says the heights and what they are, in the 2D
        # layer, which nothing clips. Its round heights stay as the grid's lines.
        "zaxis": {"range": ranges[2].tolist(), "title": {"text": ""}, **bg, "showticklabels": False,
                  "tickvals": _z_ticks(*scene_heights(surface))},
        "aspectmode": "manual",
        # long thin domains (the ravine) would leave a sliver in the box: the shorter side is kept
        # at least 0.6 of the longer; the contour map keeps the true aspect
        "aspectratio": aspect,
        "camera": {k: dict(v) for k, v in CAMERA.items()},
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
    # the colour bar's title on one line and close to the map: the map keeps x and y at one
    # scale, and in lecture mode's narrow card at 1280×720 its width was the map's limit (a
    # two-line title and the default gap left it 170 px of a 378-px card, #29)
    bar = {**height_scale(label, lines=1), "xpad": 4}
    out = [
        {
            "type": "contour", "x": typed(xs), "y": typed(ys), "z": typed(zt), "colorscale": SURFACE_SCALE,
            "ncontours": 28, "showscale": True, "colorbar": bar, "name": "surface", "showlegend": False, "meta": mesh_meta(label, lines=1),
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
