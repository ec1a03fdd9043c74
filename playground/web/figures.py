"""Figure builders: pure functions from arrays and surfaces (or terrains) to Plotly figure dicts.

They return plain ``{"data": [...], "layout": {...}}`` dicts with float arrays as Plotly's
typed-array specs (``{"dtype", "bdata"}``): building ``plotly.graph_objects`` figures
validates every property and cost more than the simulation itself. ``plotly.io`` and
plotly.js read these dicts as they are.

Path traces are placeholders (empty) tagged with ``meta`` (roles and colours from
``contract``); the browser fills them frame by frame (``assets/*-pg-*.js``), so the surface
figures are rebuilt only when the surface or the set of racers changes.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from playground.core.surfaces import CriticalPoint, Surface

from .contract import (
    ARROWS,
    CRITICAL_MARKS,
    DIVERGED_INK,
    MARK_INK,
    ROLES,
    SCENE_INK,
    SURFACE_SCALES,
    path_width,
)
from .contract import FONT as FONT_RULE
from .contract import PLACEHOLDER as PLACEHOLDER_META
from .fans import Fan

Window = tuple[tuple[float, float], tuple[float, float]]  # ((x0, x1), (y0, y1))

SURFACE_SCALE = SURFACE_SCALES["light"]  # the browser swaps in the dark theme's
FONT = {
    "family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    "size": FONT_RULE["size"],
    "color": SCENE_INK["light"]["color"],
}
GRID = SCENE_INK["light"]["grid"]  # the light theme's, as the browser styles it
MESH_3D = 72
MESH_2D = 100
MAP_OFFSET = 1e-3  # c of the contour map's log height, log10(f − f* + c)
FAN_POINTS = 300  # points per seed's path and per band edge drawn of a fan (thinned evenly beyond)
BATCH_POINTS = 1000  # points of a mini-batch loss drawn (thinned evenly beyond)
CASING_3D = 6  # px wider than the racer's path (contract.path_width), in white under it
LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
          "bgcolor": "rgba(0,0,0,0)", "itemclick": False, "itemdoubleclick": False}  # fmt: skip


# a graph until its first figure is handed over (layout.layout): an empty, axis-less chart, no
# WebGL, marked by its layout.meta so the page knows it still waits
PLACEHOLDER = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}, "meta": PLACEHOLDER_META,
                                      "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}}  # fmt: skip


def little_endian(a: np.ndarray, dtype: str = "f4") -> np.ndarray:
    """``a`` as the browser reads it: little-endian ``dtype``. A float beyond float32's range
    becomes ±inf, as a diverged run's values already are, so the cast's overflow is expected."""
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(a, dtype="<" + dtype)


def typed(a: np.ndarray, dtype: str = "f4") -> dict:
    """A Plotly typed array (base64), 2-D arrays keep their shape."""
    arr = little_endian(a, dtype)
    spec = {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}
    if arr.ndim == 2:
        spec["shape"] = f"{arr.shape[0]}, {arr.shape[1]}"
    return spec


@dataclass(frozen=True, eq=False)  # identity hash, as Surface's: the caches below key on it
class Terrain:
    """What the surface figures draw: heights on a grid over a domain, already sampled.

    An analytic `Surface` is sampled at the resolution each figure asks for (`terrain`);
    a terrain built elsewhere (the network view's slice of a real loss) is drawn at its own.
    """

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray  # z[j, i] = f(xs[i], ys[j])
    floor: float  # f*, the height the log scale counts from
    log_z: bool
    domain: tuple[tuple[float, float], tuple[float, float]]
    marks: tuple[CriticalPoint, ...] = ()  # critical points marked on both figures
    axes: tuple[str, str] = ("x", "y")


Land = Surface | Terrain  # what every function below takes: a surface, or a terrain from elsewhere


def z_transform(surface: Land, values: np.ndarray, floor: float, offset: float = MAP_OFFSET) -> np.ndarray:
    """Height shown in the plots: ``log10(f - f* + offset)`` where the surface asks for it."""
    if not surface.log_z:
        return values
    return np.log10(np.maximum(values - floor, 0.0) + offset)


@lru_cache(maxsize=32)  # identical for everyone: one mesh per surface, parameter set and region
def _sampled(surface: Surface, n: int, region: Window | None = None) -> Terrain:
    """``surface`` on an ``n``-point mesh over ``region`` (default: its domain). A region keeps
    the whole domain's floor: a zoomed map shows the same heights."""
    xs, ys, z = _grid(surface, n, region or surface.domain)
    if region is not None:
        floor = _sampled(surface, n).floor
    else:
        floor = surface.fglob if surface.fglob is not None else float(np.nanmin(z))
    return Terrain(xs, ys, z, floor, surface.log_z, surface.domain, tuple(critical_points(surface)))


def terrain(land: Land, n: int) -> Terrain:
    """``land`` on an ``n``-point mesh (a terrain has its own mesh and keeps it)."""
    return land if isinstance(land, Terrain) else _sampled(land, n)


def mesh(surface: Land, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    t = terrain(surface, n)
    return t.xs, t.ys, t.z, t.floor


def _grid(surface: Surface, n: int, window: Window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = window
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, surface.value(np.stack([gx, gy], axis=-1))


FRAME_PAD = 0.1  # of the paths' larger extent, on every side
FRAME_MIN = 0.15  # the smallest window side, as a share of the domain's (a run that barely moves)


def paths_window(surface: Surface, paths: Sequence[np.ndarray]) -> Window:
    """The part of the domain the paths cover, padded, no side shorter than half the other
    (a thin strip would read as a line), clipped to the domain. Points outside it are ignored:
    a run that left is drawn to the edge it crossed."""
    (x0, x1), (y0, y1) = surface.domain
    pts = np.concatenate([np.asarray(p, dtype=float).reshape(-1, 2) for p in paths] or [np.empty((0, 2))])
    inside = np.all(np.isfinite(pts), axis=1) & (pts[:, 0] >= x0) & (pts[:, 0] <= x1)
    pts = pts[inside & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)]
    if not len(pts):
        return surface.domain
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    width = np.array([x1 - x0, y1 - y0])
    side = np.maximum(hi - lo, FRAME_MIN * width)
    side = np.maximum(side, 0.5 * side.max()) * (1 + 2 * FRAME_PAD)
    mid = (lo + hi) / 2
    lo = np.clip(mid - side / 2, [x0, y0], [x1, y1])
    hi = np.clip(mid + side / 2, [x0, y0], [x1, y1])
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


@lru_cache(maxsize=32)
def scene_offset(surface: Land) -> float:
    """The offset c of the 3D scene's log height, log10(f − f* + c): three decades below the
    mesh's range, rounded to a power of ten. With the contour map's 10⁻³ the 72-point mesh
    sampled a narrow valley's floor at a few points only and drew it as jagged pits; this
    keeps three decades of height and smooths the last ones away, and the axis title says so."""
    _, _, z, floor = mesh(surface, MESH_3D)
    span = float(np.nanmax(z) - floor) if np.isfinite(z).any() else 1.0
    return float(10.0 ** (np.round(np.log10(max(span, 1e-9))) - 3))


def height_3d(surface: Land, values: np.ndarray) -> np.ndarray:
    """Height of f in the 3D scene (paths and surface alike)."""
    floor = mesh(surface, MESH_3D)[3]
    return z_transform(surface, values, floor, scene_offset(surface) if surface.log_z else MAP_OFFSET)


def height_title(surface: Land) -> str:
    return f"log₁₀(f − f* + {scene_offset(surface):g})" if surface.log_z else "f"


def drawn_height(surface: Land, xy: np.ndarray) -> np.ndarray:
    """Height of the drawn 3D mesh at points (bilinear between its nodes; NaN outside it).
    Between nodes the mesh cuts corners: a path at f's true height dips under it across a
    narrow valley, so the scene draws paths at the higher of the two."""
    xs, ys, _, _ = mesh(surface, MESH_3D)
    zt = _surface_heights(surface)
    fx = np.interp(xy[:, 0], xs, np.arange(xs.size), left=np.nan, right=np.nan)
    fy = np.interp(xy[:, 1], ys, np.arange(ys.size), left=np.nan, right=np.nan)
    ok = np.isfinite(fx) & np.isfinite(fy)
    out = np.full(len(xy), np.nan)
    i = np.minimum(fx[ok].astype(int), xs.size - 2)
    j = np.minimum(fy[ok].astype(int), ys.size - 2)
    tx, ty = fx[ok] - i, fy[ok] - j
    out[ok] = (zt[j, i] * (1 - tx) * (1 - ty) + zt[j, i + 1] * tx * (1 - ty)
               + zt[j + 1, i] * (1 - tx) * ty + zt[j + 1, i + 1] * tx * ty)  # fmt: skip
    return out


def path_heights(surface: Land, positions: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """Path heights in the 3D scene: the surface's own height transform, or the drawn mesh's
    where that is higher (drawn_height), lifted (path_lift) so the path lies on the surface
    instead of cutting through it."""
    with np.errstate(invalid="ignore", over="ignore"):
        true = height_3d(surface, loss)
        drawn = drawn_height(surface, positions)
        return np.fmax(true, np.where(np.isfinite(true), drawn, np.nan)) + path_lift(surface)


def path_lift(surface: Land) -> float:
    """How far above the mesh the 3D paths are drawn (2% of the scene's height), so they lie
    on the surface instead of cutting through it between mesh points."""
    lo, hi = _surface_trace(surface)[1:]
    return 0.02 * ((hi - lo) or 1.0)


def legend_style(y: float) -> dict:
    """A horizontal legend above a chart's plot area, at the figures' text size."""
    return {"orientation": "h", "y": y, "yanchor": "bottom", "x": 0, "font": {"size": FONT_RULE["size"]}}


def base_layout(**kw) -> dict:
    base = {
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "uirevision": "keep",
    }
    base.update(kw)
    return base


def axis_style(title: str, **kw) -> dict:
    # automargin: presenter mode lays the text out larger, and the margins grow to fit it; with
    # the margins fitted no label can overflow the plot, so Plotly's default check that hides
    # one that does (it measures every tick label, forcing a layout each) is switched off
    return {"title": {"text": title}, "gridcolor": GRID, "zeroline": False, "automargin": True,
            "ticklabeloverflow": "allow", **kw}  # fmt: skip


def _meta(role: str, i: int) -> dict:
    return {"role": role, "racer": i}


def _empty(kind: str, **kw) -> dict:
    trace = {"type": kind, "x": [], "y": [], "showlegend": False, **kw}
    if kind == "scatter3d":
        trace["z"] = []
    return trace


@lru_cache(maxsize=32)
def _surface_heights(surface: Land) -> np.ndarray:
    return height_3d(surface, mesh(surface, MESH_3D)[2]).astype(np.float32)  # 7 digits are plenty


Z_TICKS = 4  # the most heights the scene labels: seen from high up its z axis is short
Z_PAD = (0.02, 0.08)  # the scene's z axis reaches this share of the heights' span below and above


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
    zt = _surface_heights(surface)
    lo, hi = float(np.nanmin(zt)), float(np.nanmax(zt))
    trace = {
        "type": "surface", "x": typed(xs), "y": typed(ys), "z": typed(zt), "colorscale": SURFACE_SCALE,
        "showscale": False, "opacity": 1, "hoverinfo": "skip", "name": "surface", "showlegend": False,
        "contours": {"z": {"show": True, "usecolormap": False, "color": "rgba(38,50,56,0.28)", "width": 1,
                           "start": lo, "end": hi, "size": (hi - lo) / 12 or 1.0}},
        "lighting": {"ambient": 0.78, "diffuse": 0.45, "specular": 0.06, "roughness": 0.8},
        "meta": {"role": ROLES.mesh},
    }  # fmt: skip
    return trace, lo, hi


def critical_points(surface: Surface) -> list:
    pts = [c for c in surface.critical_points if c.kind != "max"]
    if len(pts) > 40:  # egg-box surfaces: mark only the global minima
        pts = list(surface.global_minima)
    return pts


def _critical_3d(surface: Land) -> list[dict]:
    """The contour map's critical-point marks, in the scene, on the surface."""
    out, pts, lift = [], terrain(surface, MESH_3D).marks, path_lift(surface)
    for kind, name, symbol, _, _ in CRITICAL_MARKS:
        sel = [c for c in pts if c.kind == kind]
        if not sel:
            continue
        # a mark is a glyph facing the camera: 4 path lifts up, its lower half clears the slope in
        # front of it (at 1.5 the surface cut the diamonds and squares in half)
        z = height_3d(surface, np.array([c.value for c in sel], dtype=float)) + 4 * lift
        # an open glyph is its outline: drawn in the ink (a white one vanished on the pale heights)
        casing = MARK_INK["light"] if symbol.endswith("-open") else "#ffffff"
        out.append({
            "type": "scatter3d", "mode": "markers", "name": name, "x": [c.x for c in sel], "y": [c.y for c in sel],
            "z": [float(v) for v in z], "hoverinfo": "skip", "showlegend": False, "meta": {"role": ROLES.mark},
            "marker": {"symbol": symbol, "size": 7, "color": MARK_INK["light"], "line": {"color": casing, "width": 1}},
        })  # fmt: skip
    return out


def _box_aspect(wx: float, wy: float) -> dict[str, float]:
    long = max(wx, wy)
    return {"x": max(wx / long, 0.6), "y": max(wy / long, 0.6), "z": 0.55}


def _path_3d(r: dict, i: int) -> list[dict]:
    """A racer's 3D path over a white casing (visible on any height colour), and its ball."""
    path = {"mode": "lines", "hoverinfo": "skip"}
    return [
        _empty("scatter3d", **path, line={"color": "#ffffff", "width": path_width("scene", i) + CASING_3D},
               name=r["label"], showlegend=False, meta=_meta(ROLES.path, i)),
        _empty("scatter3d", **path, line={"color": r["color"], "width": path_width("scene", i)}, name=r["label"],
               showlegend=True, legendgroup=str(i), meta=_meta(ROLES.path, i)),
        _empty("scatter3d", mode="markers", name=r["label"], meta=_meta(ROLES.head, i), hoverinfo="skip",
               showlegend=False, marker={"size": 8, "color": r["color"], "line": {"color": "#ffffff", "width": 2}}),
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
        "zaxis": {"range": [lo - Z_PAD[0] * zr, hi + Z_PAD[1] * zr], "title": {"text": height_title(surface)}, **bg,
                  "tickvals": _z_ticks(lo, hi)},
        "aspectmode": "manual",
        # long thin domains (the ravine) would leave a sliver in the box: the shorter side is kept
        # at least 0.6 of the longer; the contour map keeps the true aspect
        "aspectratio": _box_aspect(x1 - x0, y1 - y0),
        # from high up: the valleys the paths run along stay in sight behind their walls
        "camera": {"eye": {"x": -0.68, "y": -0.94, "z": 1.45}, "center": {"x": 0, "y": 0, "z": -0.12}},
        "domain": {"x": [0, 1], "y": [0, 1]},
        "uirevision": "keep",
    }  # fmt: skip
    return {"data": data, "layout": base_layout(scene=scene, showlegend=True, legend=LEGEND,
                                            margin={"l": 0, "r": 0, "t": 4, "b": 0})}  # fmt: skip


def _meshed(surface: Surface, window: Window) -> Window:
    """The part of the domain the contour mesh covers for a frame: the frame, grown to a square
    1.6 times its longer side. The map keeps x and y at one scale, so the plot widens one range
    beyond the frame to fill its card; the mesh is there too."""
    (x0, x1), (y0, y1) = window
    half = 0.8 * max(x1 - x0, y1 - y0)
    (dx0, dx1), (dy0, dy1) = surface.domain
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (max(dx0, cx - half), min(dx1, cx + half)), (max(dy0, cy - half), min(dy1, cy + half))


@lru_cache(maxsize=32)
def _contour_traces(surface: Land, window: Window | None) -> tuple[dict, ...]:
    """The contour map's mesh and marks; ``window``: a part of a surface's domain it frames."""
    t = terrain(surface, MESH_2D) if window is None else _sampled(surface, MESH_2D, _meshed(surface, window))
    xs, ys, z, floor = t.xs, t.ys, t.z, t.floor
    zt = z_transform(surface, z, floor).astype(np.float32)
    label = "log₁₀(f − f*)" if surface.log_z else "f"
    out = [
        {
            "type": "contour", "x": typed(xs), "y": typed(ys), "z": typed(zt), "colorscale": SURFACE_SCALE,
            "ncontours": 28, "showscale": False, "name": "surface", "showlegend": False, "meta": {"role": ROLES.mesh},
            "line": {"width": 0.6, "color": "rgba(38,50,56,0.3)"},
            "hovertemplate": "x=%{x:.3f}<br>y=%{y:.3f}<br>" + label + "=%{z:.4g}<extra>click to start here</extra>",
        }
    ]  # fmt: skip
    for kind, name, _, symbol, _ in CRITICAL_MARKS:
        sel = [c for c in terrain(surface, MESH_2D).marks if c.kind == kind]
        if sel:
            out.append({
                "type": "scatter", "x": [c.x for c in sel], "y": [c.y for c in sel], "mode": "markers",
                "name": name, "customdata": [c.value for c in sel], "showlegend": False, "meta": {"role": ROLES.mark},
                "marker": {"symbol": symbol, "size": 15 if kind == "global_min" else 10, "color": MARK_INK["light"],
                           "line": {"width": 2, "color": MARK_INK["light"]}},
                "hovertemplate": name + "<br>(%{x:.4f}, %{y:.4f})<br>f = %{customdata:.6g}<extra></extra>",
            })  # fmt: skip
    return tuple(out)


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
            _empty(
                "scatter",
                mode="lines",
                line={"color": r["color"], "width": r["width"]},
                name=r["label"],
                meta=_meta(ROLES.path, i),
                showlegend=True,
                customdata=[],
                hovertemplate=r["label"] + "<br>step %{customdata[0]}<br>(%{x:.4f}, %{y:.4f})"
                "<br>loss %{customdata[1]:.6g}<br>lr %{customdata[2]:.3g}<extra></extra>",
            )
        )
        data.append(
            _empty(
                "scatter",
                mode="markers",
                name=r["label"],
                meta=_meta(ROLES.head, i),
                hoverinfo="skip",
                marker={"size": 12, "color": r["color"], "line": {"color": "white", "width": 2}},
            )
        )
        data.append(_empty("scatter", mode="markers", name=r["label"] + " diverged", meta=_meta(ROLES.end, i),
                           hoverinfo="skip", marker={"size": 16, "symbol": "x", "color": r["color"],
                                                     "line": {"color": DIVERGED_INK, "width": 2}}))  # fmt: skip
        # schedule-free racers: the iterate z as a hollow ring (empty for every other racer)
        data.append(_empty("scatter", mode="markers", name=r["label"] + " iterate z", meta=_meta(ROLES.iterate, i),
                           hoverinfo="skip", marker={"size": 12, "symbol": "circle-open", "color": r["color"],
                                                     "line": {"width": 3}}))  # fmt: skip
    # "what the optimizer is thinking": gradient and step arrows of the inspected racer
    for a in ARROWS:
        data.append(_empty("scatter", mode="lines+markers", name=a.name, meta=_meta(a.role, -1), hoverinfo="skip",
                           line={"color": a.color, "width": 3, "dash": "dot" if a.dashed else "solid"},
                           marker={"symbol": "arrow", "angleref": "previous", "size": [0, 14], "color": a.color}))  # fmt: skip
    (x0, x1), (y0, y1) = window or t.domain
    layout = base_layout(
        # a new frame replaces whatever the user zoomed or panned to; the same frame keeps it
        uirevision=repr(window or t.domain),
        xaxis=axis_style(t.axes[0], range=[x0, x1], constrain="domain", gridcolor="rgba(0,0,0,0)"),
        yaxis=axis_style(t.axes[1], range=[y0, y1], scaleanchor="x", scaleratio=1, gridcolor="rgba(0,0,0,0)"),
        margin={"l": 45, "r": 10, "t": 4, "b": 40},
        hovermode="closest",
        dragmode="pan",
        showlegend=True,
        legend=LEGEND,
    )
    return {"data": data, "layout": layout}


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
        _empty("scatter", mode="lines", line={"color": r["color"], "width": 2.5}, name=r["label"],
               meta=_meta(ROLES.loss, i), customdata=[], showlegend=True,
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
            _empty("scatter", xaxis="x2", hoverinfo="skip", meta={"role": ROLES.epochs})
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


def _thinned(n: int, points: int = FAN_POINTS) -> np.ndarray:
    """At most ``points`` step indices spread evenly over ``n`` steps, the last one included."""
    return np.unique(np.linspace(0, n - 1, min(n, points)).round().astype(int))


def fan_paths(racers: Sequence[dict], fans: Sequence[Fan | None]) -> list[dict]:
    """A seed fan on the contour map: every seed's path faintly, the step-wise median path dashed."""
    data = []
    for i, (r, fan) in enumerate(zip(racers, fans)):
        if fan is None:
            continue
        steps = _thinned(fan.paths.shape[1])
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
                "meta": _meta(ROLES.fan, i),
            }
        )
        data.append({"type": "scatter", "mode": "lines", "x": typed(mid[:, 0]), "y": typed(mid[:, 1]),
                     "name": f"{r['label']}: median of {len(fan.seeds)} seeds", "showlegend": False,
                     "line": {"color": r["color"], "width": 3.5, "dash": "dash"}, "meta": _meta(ROLES.fan, i),
                     "hovertemplate": name + ", median path<br>(%{x:.4f}, %{y:.4f})<extra></extra>"})  # fmt: skip
    return data


def _both_scales(fan: Fan, fglob: float | None, steps: np.ndarray) -> dict[str, np.ndarray | None]:
    """The fan's loss quantiles (3, len(steps)) as the two loss axes plot them: f, and f − f*."""
    with np.errstate(invalid="ignore"):
        gap = None if fglob is None else fan.band(np.maximum(fan.loss - fglob, 1e-16))[:, steps]
    return {"linear": fan.band(fan.loss)[:, steps], "log": gap}


def plain(a: np.ndarray | None) -> list | None:
    """JSON-ready values (None where not finite): the browser swaps them in as they are."""
    return None if a is None else [float(v) if math.isfinite(v) else None for v in a]


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
        steps = _thinned(v.size, BATCH_POINTS)
        with np.errstate(invalid="ignore"):
            gap = None if fglob is None else np.where(v > fglob, v - fglob, np.nan)
        ys = {"linear": plain(v[steps]), "log": None if gap is None else plain(gap[steps])}
        name = r["label"] + ": mini-batch loss"
        data.append({"type": "scatter", "mode": "lines", "x": steps.tolist(), "y": ys["log" if log_y and gap is not None else "linear"],
                     "name": name, "line": {"color": r["color"], "width": 1, "dash": "dot"}, "opacity": 0.8,
                     "showlegend": False, "hovertemplate": name + "<br>step %{x}<br>%{y:.4g}<extra></extra>",
                     "meta": {**_meta(ROLES.batch, i), "y": ys}})  # fmt: skip
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
        steps = _thinned(fan.loss.shape[1])
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
                "meta": {**_meta(ROLES.fan, i), "y": {k: plain(v) for k, v in band.items()}},
            }
        )
        data.append({"type": "scatter", "mode": "lines", "x": steps.tolist(), "y": plain(mid[shown]),
                     "line": {"color": r["color"], "width": 2, "dash": "dash"}, "name": name + ", median",
                     "showlegend": False, "hovertemplate": name + ", median<br>step %{x}<br>%{y:.4g}<extra></extra>",
                     "meta": {**_meta(ROLES.fan, i), "y": {k: plain(v) for k, v in mid.items()}}})  # fmt: skip
    return data


def schedule_figure(racers: Sequence[dict], lrs: Sequence[np.ndarray]) -> dict:
    data = []
    for r, lr in zip(racers, lrs):
        lr = np.asarray(lr, dtype=np.float64)
        x = np.arange(len(lr), dtype=np.int32)
        if lr.size > 2 and np.ptp(lr) == 0:  # constant: two points draw the same line
            x, lr = x[[0, -1]], lr[[0, -1]]
        data.append({"type": "scatter", "x": typed(x, "i4"), "y": typed(lr), "mode": "lines", "name": r["label"],
                     "line": {"color": r["color"], "width": 2},
                     "hovertemplate": r["label"] + " step %{x}: lr %{y:.4g}<extra></extra>"})  # fmt: skip
    layout = base_layout(
        xaxis=axis_style("step"),
        yaxis=axis_style("learning rate", type="log", exponentformat="power"),
        margin={"l": 60, "r": 10, "t": 10, "b": 40},
    )
    return {"data": data, "layout": layout}


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
        for j, (axis, dash) in enumerate((("x", "solid"), ("y", "dash")))
    ]  # fmt: skip


def state_figure(
    racer: dict | None, state: dict[str, np.ndarray] | None, inspect: Sequence[tuple[str, str]] = ()
) -> dict:
    """Effective per-coordinate step size and the accumulator behind it (``inspect[1:]``, from
    the optimizer's record) of one racer."""
    data = []
    if racer is not None and state and "step_size" in state:
        data += _state_lines(state["step_size"], "step size", racer["color"], 2.5)
        shown = [(key, label) for key, label in inspect[1:] if key in state][:1]
        for key, label in shown:
            data += _state_lines(state[key], label, "#546e7a", 1.5, yaxis="y2")
    layout = base_layout(
        xaxis=axis_style("step"),
        yaxis=axis_style("effective step size", type="log", exponentformat="power"),
        yaxis2={"title": {"text": "accumulator"}, "type": "log", "overlaying": "y", "side": "right",
                "showgrid": False, "exponentformat": "power"},
        showlegend=True,
        legend=legend_style(1.02),
        margin={"l": 60, "r": 60, "t": 30, "b": 40},
    )  # fmt: skip
    return {"data": data, "layout": layout}


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
         "line": {"color": "#D55E00", "width": 2.5}},
        {"type": "scatter", "x": t, "y": typed(vhat), "mode": "lines", "name": "bias-corrected v_t / (1 − βᵗ)",
         "line": {"color": "#0072B2", "width": 2.5}},
    ]  # fmt: skip
    layout = base_layout(
        xaxis=axis_style("t"),
        yaxis=axis_style("value"),
        showlegend=True,
        legend=legend_style(1.02),
        margin={"l": 45, "r": 10, "t": 30, "b": 40},
    )
    return {"data": data, "layout": layout}


def _log_range(series: Sequence[np.ndarray], top: float) -> list[float]:
    """A log axis fitted to the data (a falling step length reads as falling), at most eight
    decades deep."""
    positive = [float(np.nanmin(s[s > 0])) for s in series if np.any(s > 0)]
    low = max(min(positive, default=top * 1e-8), top * 1e-8)
    return [math.log10(low) - 0.2, math.log10(top) + 0.3]


def evidence_figure(
    racers: Sequence[dict],
    series: Sequence[np.ndarray],
    label: str,
    log_y: bool,
    references: Sequence[tuple[dict, np.ndarray]] = (),
) -> dict:
    """A lesson's evidence: one quantity of every racer over the steps (evidence.py), drawn
    beside the lesson's text. Later racers are drawn thinner on top, so equal curves stay visible.
    ``references`` (a racer's label and colour, its series) are drawn dashed: the comparison the
    lesson's text makes with other settings."""
    n = len(racers)
    shown = [*series, *(s for _, s in references)]
    top = max((float(np.nanmax(np.abs(s), initial=0.0)) for s in shown if s.size), default=1.0) or 1.0

    def line(r: dict, s: np.ndarray, **style) -> dict:
        y = np.where(np.isfinite(s), s, np.nan)
        if log_y:  # eight decades below the largest value (and zero) sit on the axis' floor
            y = np.where(y >= 0, np.maximum(y, top * 1e-8), np.nan)
        return {"type": "scatter", "x": typed(np.arange(y.size), "i4"), "y": typed(y, "f8"), "mode": "lines",
                "name": r["label"], "hovertemplate": r["label"] + "<br>step %{x}<br>%{y:.4g}<extra></extra>",
                **style}  # fmt: skip

    data = [line(r, s, line={"color": r["color"], "width": 1.5 + 1.5 * (n - i)})
            for i, (r, s) in enumerate(zip(racers, series))]  # fmt: skip
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
        # a size smaller than the plots': two racers' names fit on one line of the lesson box
        legend={
            **legend_style(1.0),
            "font": {"size": FONT_RULE["size"] - 2},
            "title": {"text": f"{label}, by step:"},
        },
    )
    return {"data": data, "layout": layout}
