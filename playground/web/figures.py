"""Figure builders: pure functions from arrays and surfaces to Plotly figures.

Path traces are placeholders (empty) tagged with ``meta``; the browser fills them frame by
frame (``assets/playback.js``), so a figure is rebuilt only when the surface or the set of
racers changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from surfaces import Surface

# colour-blind-safe: Okabe-Ito first, then Paul Tol's bright and muted sets
PALETTE = (
    "#E69F00", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9",
    "#AA3377", "#228833", "#4477AA", "#EE6677", "#882255", "#44AA99",
)  # fmt: skip
SURFACE_SCALE = [[0.0, "#f4f1ea"], [0.35, "#cfd8dc"], [0.7, "#90a4ae"], [1.0, "#455a64"]]
FONT = dict(family="Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13, color="#263238")
MESH_3D = 72
MESH_2D = 100


def z_transform(surface: Surface, values: np.ndarray, floor: float) -> np.ndarray:
    """Height shown in the plots: ``log10(f - floor + 1e-3 scale)`` where the surface asks for it."""
    if not surface.log_z:
        return values
    return np.log10(np.maximum(values - floor, 0.0) + 1e-3)


@lru_cache(maxsize=32)  # identical for everyone: one mesh per surface and parameter set
def mesh(surface: Surface, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    z = surface.value(np.stack([gx, gy], axis=-1))
    floor = surface.fglob if surface.fglob is not None else float(np.nanmin(z))
    return xs, ys, z, floor


def _base_layout(**kw) -> dict:
    base = dict(
        template="none",
        font=FONT,
        margin=dict(l=10, r=10, t=10, b=10),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        uirevision="keep",
    )
    base.update(kw)
    return base


def _meta(role: str, i: int) -> dict:
    return {"role": role, "racer": i}


def surface_3d(surface: Surface, racers: Sequence[dict]) -> go.Figure:
    xs, ys, z, floor = mesh(surface, MESH_3D)
    zt = z_transform(surface, z, floor).astype(np.float32)  # 7 digits are plenty for a picture
    fig = go.Figure(
        go.Surface(
            x=xs, y=ys, z=zt, colorscale=SURFACE_SCALE, showscale=False, opacity=0.92,
            hoverinfo="skip", contours=dict(z=dict(show=True, usecolormap=False, color="rgba(69,90,100,0.35)",
                                                   width=1, start=float(zt.min()), end=float(zt.max()),
                                                   size=float(zt.max() - zt.min()) / 14 or 1.0)),
            lighting=dict(ambient=0.75, diffuse=0.5, specular=0.05), name="surface",
        )
    )  # fmt: skip
    for i, r in enumerate(racers):
        fig.add_trace(
            go.Scatter3d(
                x=[],
                y=[],
                z=[],
                mode="lines",
                line=dict(color=r["color"], width=6),
                name=r["label"],
                meta=_meta("path", i),
                hoverinfo="skip",
            )
        )
        fig.add_trace(go.Scatter3d(x=[], y=[], z=[], mode="markers", name=r["label"], meta=_meta("head", i),
                                   marker=dict(size=6, color=r["color"], line=dict(color="white", width=2)),
                                   hoverinfo="skip"))  # fmt: skip
    (x0, x1), (y0, y1) = surface.domain
    zr = float(zt.max() - zt.min()) or 1.0
    ztitle = "log₁₀(f − f*)" if surface.log_z else "f"
    fig.update_layout(
        _base_layout(
            scene=dict(
                xaxis=dict(range=[x0, x1], title="x", backgroundcolor="rgba(0,0,0,0)", gridcolor="#e0e0e0"),
                yaxis=dict(range=[y0, y1], title="y", backgroundcolor="rgba(0,0,0,0)", gridcolor="#e0e0e0"),
                zaxis=dict(range=[float(zt.min()) - 0.02 * zr, float(zt.max()) + 0.08 * zr], title=ztitle,
                           backgroundcolor="rgba(0,0,0,0)", gridcolor="#e0e0e0"),
                aspectmode="manual", aspectratio=dict(x=1, y=(y1 - y0) / (x1 - x0) if x1 > x0 else 1, z=0.6),
                camera=dict(eye=dict(x=-1.35, y=-1.55, z=1.05)),
                uirevision="keep",
            )
        )
    )  # fmt: skip
    return fig


def contour_map(surface: Surface, racers: Sequence[dict]) -> go.Figure:
    xs, ys, z, floor = mesh(surface, MESH_2D)
    zt = z_transform(surface, z, floor).astype(np.float32)
    label = "log₁₀(f − f*)" if surface.log_z else "f"
    fig = go.Figure(
        go.Contour(
            x=xs, y=ys, z=zt, colorscale=SURFACE_SCALE, ncontours=28, showscale=False,
            line=dict(width=0.6, color="rgba(55,71,79,0.35)"), name="surface",
            hovertemplate="x=%{x:.3f}<br>y=%{y:.3f}<br>" + label + "=%{z:.4g}<extra>click to start here</extra>",
        )
    )  # fmt: skip
    pts = [c for c in surface.critical_points if c.kind != "max"]
    if len(pts) > 40:  # egg-box surfaces: mark only the global minima
        pts = list(surface.global_minima)
    for kind, symbol, size, name in (
        ("global_min", "star", 15, "global minimum"),
        ("local_min", "circle-open", 9, "local minimum"),
        ("saddle", "x-thin-open", 10, "saddle point"),
    ):
        sel = [c for c in pts if c.kind == kind]
        if sel:
            fig.add_trace(go.Scatter(
                x=[c.x for c in sel], y=[c.y for c in sel], mode="markers", name=name,
                marker=dict(symbol=symbol, size=size, color="#263238", line=dict(width=2, color="#263238")),
                customdata=[c.value for c in sel],
                hovertemplate=name + "<br>(%{x:.4f}, %{y:.4f})<br>f = %{customdata:.6g}<extra></extra>",
            ))  # fmt: skip
    for i, r in enumerate(racers):
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="lines",
                line=dict(color=r["color"], width=3),
                name=r["label"],
                meta=_meta("path", i),
                customdata=[],
                hovertemplate=r["label"] + "<br>step %{customdata[0]}<br>(%{x:.4f}, %{y:.4f})"
                "<br>loss %{customdata[1]:.6g}<br>lr %{customdata[2]:.3g}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="markers",
                name=r["label"],
                meta=_meta("head", i),
                marker=dict(size=12, color=r["color"], line=dict(color="white", width=2)),
                hoverinfo="skip",
            )
        )
        fig.add_trace(go.Scatter(x=[], y=[], mode="markers", name=r["label"] + " diverged", meta=_meta("end", i),
                                 marker=dict(size=16, symbol="x", color=r["color"], line=dict(color="#b71c1c", width=2)),
                                 hoverinfo="skip"))  # fmt: skip
    # "what the optimizer is thinking": gradient and velocity arrows of the inspected racer
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="lines+markers",
            name="−gradient",
            meta=_meta("grad", -1),
            line=dict(color="#b71c1c", width=3),
            marker=dict(symbol="arrow", angleref="previous", size=[0, 14], color="#b71c1c"),
            hoverinfo="skip",
        )
    )
    fig.add_trace(go.Scatter(x=[], y=[], mode="lines+markers", name="velocity", meta=_meta("vel", -1),
                             line=dict(color="#1a237e", width=3, dash="dot"), marker=dict(symbol="arrow",
                             angleref="previous", size=[0, 14], color="#1a237e"), hoverinfo="skip"))  # fmt: skip
    (x0, x1), (y0, y1) = surface.domain
    fig.update_layout(
        _base_layout(
            xaxis=dict(range=[x0, x1], title="x", zeroline=False, constrain="domain"),
            yaxis=dict(range=[y0, y1], title="y", zeroline=False, scaleanchor="x", scaleratio=1),
            margin=dict(l=45, r=10, t=10, b=40),
            hovermode="closest",
            dragmode="pan",
        )
    )
    return fig


def loss_figure(racers: Sequence[dict], log_y: bool, fglob: float | None) -> go.Figure:
    fig = go.Figure()
    for i, r in enumerate(racers):
        fig.add_trace(go.Scatter(x=[], y=[], mode="lines", line=dict(color=r["color"], width=2.5), name=r["label"],
                                 meta=_meta("loss", i), customdata=[],
                                 hovertemplate=r["label"] + "<br>step %{x}<br>loss %{customdata[1]:.6g}"
                                 "<br>(%{customdata[3]:.4f}, %{customdata[4]:.4f})<br>lr %{customdata[2]:.3g}<extra></extra>"))  # fmt: skip
    ytitle = "f − f* (log)" if log_y else "loss f"
    fig.update_layout(
        _base_layout(
            xaxis=dict(title="step", gridcolor="#eceff1", rangemode="tozero"),
            yaxis=dict(
                title=ytitle, type="log" if log_y else "linear", gridcolor="#eceff1", exponentformat="power"
            ),
            margin=dict(l=60, r=10, t=10, b=40),
            hovermode="closest",
        )
    )
    fig.update_layout(meta={"log": bool(log_y), "fglob": fglob})
    return fig


def schedule_figure(racers: Sequence[dict], lrs: Sequence[np.ndarray]) -> go.Figure:
    fig = go.Figure()
    for r, lr in zip(racers, lrs):
        lr = np.asarray(lr, dtype=np.float64)
        x = np.arange(len(lr), dtype=np.int32)
        if lr.size > 2 and np.ptp(lr) == 0:  # constant: two points draw the same line
            x, lr = x[[0, -1]], lr[[0, -1]]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=lr.astype(np.float32),
                mode="lines",
                line=dict(color=r["color"], width=2),
                name=r["label"],
                hovertemplate=r["label"] + " step %{x}: lr %{y:.4g}<extra></extra>",
            )
        )
    fig.update_layout(
        _base_layout(
            xaxis=dict(title="step", gridcolor="#eceff1"),
            yaxis=dict(title="learning rate", type="log", gridcolor="#eceff1", exponentformat="power"),
            margin=dict(l=60, r=10, t=10, b=40),
        )
    )
    return fig


def state_figure(racer: dict | None, state: dict[str, np.ndarray] | None) -> go.Figure:
    """Effective per-coordinate step size (and moments) of one racer over the steps."""
    fig = go.Figure()
    if racer is not None and state:
        size = state.get("step_size")
        steps = np.arange(1, (size.shape[0] if size is not None else 0) + 1, dtype=np.int32)
        if size is not None:
            for j, (axis, dash) in enumerate((("x", "solid"), ("y", "dash"))):
                fig.add_trace(
                    go.Scatter(
                        x=steps,
                        y=np.abs(size[:, j]).astype(np.float32),
                        mode="lines",
                        name=f"step size ({axis})",
                        line=dict(color=racer["color"], dash=dash, width=2.5),
                    )
                )
        for key, label, color in (
            ("v", "second moment v", "#546e7a"),
            ("sum_sq", "sum of squares G", "#546e7a"),
            ("sq_avg", "mean square s", "#546e7a"),
        ):
            if key in state:
                for j, (axis, dash) in enumerate((("x", "solid"), ("y", "dash"))):
                    fig.add_trace(
                        go.Scatter(
                            x=steps,
                            y=np.abs(state[key][:, j]).astype(np.float32),
                            mode="lines",
                            yaxis="y2",
                            name=f"{label} ({axis})",
                            line=dict(color=color, dash=dash, width=1.5),
                        )
                    )
                break  # fmt: skip
    fig.update_layout(
        _base_layout(
            xaxis=dict(title="step", gridcolor="#eceff1"),
            yaxis=dict(title="effective step size", type="log", gridcolor="#eceff1", exponentformat="power"),
            yaxis2=dict(title="accumulator", type="log", overlaying="y", side="right", showgrid=False,
                        exponentformat="power"),
            showlegend=True,
            legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, font=dict(size=11)),
            margin=dict(l=60, r=60, t=30, b=40),
        )
    )  # fmt: skip
    return fig
