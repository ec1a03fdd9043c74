"""The panels that explain the settings: each racer's update rule with its values, the
surface's formula and facts, and the PyTorch code of the race. Pure builders: the page is
served with the default settings' panels, and the callbacks rebuild them on a change."""

from __future__ import annotations

from dash import dcc, html

from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES

from ... import runs
from ...state import validate
from ...torch_snippet import torch_snippet
from . import controls


def math_panel(cfg: validate.Config, meta: list[dict]) -> list:
    """Each racer's update rule with its symbols tied to the current values."""
    items = []
    for r, m in zip(cfg.racers, meta):
        opt = OPTIMIZERS[r.optimizer]
        hp = {**dict(r.hyper), "lr": r.lr}
        symbols = ", ".join(
            f"${sym}$ = `{name}` = {hp[name]:g}"
            for sym, name in opt.symbols
            if isinstance(hp.get(name), (int, float))
        )
        items.append(html.Div([
            html.Div([controls.racer_swatch(m["color"], m["glyph"]), html.Strong(m["label"])]),
            dcc.Markdown(f"$$\n{opt.latex(hp)}\n$$\n\n{symbols}", mathjax=True, className="pg-math"),
        ], className="pg-rule"))  # fmt: skip
    spec = SCHEDULES[cfg.schedule]
    items.append(html.Div([html.Strong(f"Schedule: {spec.title}"),
                           dcc.Markdown(f"$$\n{spec.latex}\n$$", mathjax=True, className="pg-math")],
                          className="pg-rule"))  # fmt: skip
    return items


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def surface_info(cfg: validate.Config) -> list:
    s = runs.surface_of(cfg)
    fg = "unbounded below" if s.fglob is None else f"f* = {s.fglob:.10g}"
    return [
        html.H3(s.title),
        dcc.Markdown(f"$$\n{s.latex}\n$$", mathjax=True, className="pg-math"),
        html.P(s.note),
        html.Small(
            f"{fg} · {_count(len(s.minima), 'minimum', 'minima')} · {_count(len(s.saddles), 'saddle point', 'saddle points')}",
            className="pg-muted",
        ),
    ]


def torch_code(cfg: validate.Config) -> str:
    """The race as a PyTorch script."""
    return torch_snippet(cfg, [m["label"] for m in runs.racer_meta(cfg)])
