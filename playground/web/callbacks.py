"""Callbacks: thin wrappers that validate what the browser sent and call pure builders.

Registered with :func:`register` on a given app (no global decorators). Playback has no
server callbacks at all: Play, Step, Reset and the slider run in the browser.
"""

from __future__ import annotations

import json
import random

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from surfaces import FAMILIES, get_surface

from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES
from . import figures, layout, runs, validate

_lr_default = {name: float(o.resolve()["lr"]) for name, o in OPTIMIZERS.items()}
DEFAULT_LR = {**_lr_default, **{r["optimizer"]: r["lr"] for r in validate.DEFAULT_RACERS}}


def _by_id(ids: list, values: list, key: str) -> dict:
    out: dict = {}
    for i, v in zip(ids or [], values or []):
        if isinstance(i, dict):
            out.setdefault(i.get("opt"), {})[i.get(key)] = v
    return out


def gather(surface, surface_ids, surface_vals, optimizers, lr_ids, lr_vals, hyper_ids, hyper_vals, schedule,
           then, sched_ids, sched_vals, noise, batch, seed, sx, sy, steps) -> dict:  # fmt: skip
    """The raw configuration dict in the shape `validate.config` reads."""
    lrs = {i.get("opt"): v for i, v in zip(lr_ids or [], lr_vals or []) if isinstance(i, dict)}
    hypers = _by_id(hyper_ids, hyper_vals, "name")
    optimizers = optimizers if isinstance(optimizers, list) else []
    racers = [
        {"optimizer": o, "lr": lrs.get(o, DEFAULT_LR.get(o) if isinstance(o, str) else None),
         "hyper": hypers.get(o, {})}
        for o in optimizers
    ]  # fmt: skip
    sched_params = {
        i.get("name"): v for i, v in zip(sched_ids or [], sched_vals or []) if isinstance(i, dict)
    }
    if schedule == "warmup":
        sched_params["then"] = then
    surface_params = {
        i.get("name"): v for i, v in zip(surface_ids or [], surface_vals or []) if isinstance(i, dict)
    }
    return {
        "surface": surface,
        "surface_params": surface_params,
        "racers": racers,
        "schedule": schedule,
        "schedule_params": sched_params,
        "noise": noise,
        "batch_size": batch,
        "seed": seed,
        "start": [sx, sy],
        "steps": steps,
    }


def _messages(msgs: validate.Messages) -> list:
    if not msgs.items:
        return []
    return [dbc.Alert([html.Strong("Some values were adjusted: "),
                       html.Ul([html.Li(t) for _, t in msgs.items[:12]])],
                      color="warning", className="pg-alert", id="alert-input")]  # fmt: skip


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
            html.Div([html.Span(className="pg-swatch", style={"background": m["color"]}), html.Strong(m["label"])]),
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


def register(app: Dash) -> None:
    """Attach every callback of the playground to ``app``."""

    @app.callback(Output("div-surface-params", "children"), Input("select-surface", "value"))
    def surface_params(surface):
        name = surface if isinstance(surface, str) and surface in FAMILIES else "rosenbrock"
        return layout.surface_param_inputs(name)

    @app.callback(
        Output("div-schedule-params", "children"),
        Output("div-schedule-then", "style"),
        Input("select-schedule", "value"),
        Input("select-schedule-then", "value"),
    )
    def schedule_params(schedule, then):
        name = schedule if isinstance(schedule, str) and schedule in SCHEDULES else "constant"
        then = then if then in layout.SCHEDULE_THEN else "constant"
        shown = {"display": "flex"} if name == "warmup" else {"display": "none"}
        return layout.schedule_param_inputs(name, then), shown

    @app.callback(
        Output("div-racer-controls", "children"),
        Input("select-optimizers", "value"),
        State({"type": "input-lr", "opt": ALL}, "id"),
        State({"type": "input-lr", "opt": ALL}, "value"),
    )
    def racer_controls(optimizers, lr_ids, lr_vals):
        names = [o for o in (optimizers if isinstance(optimizers, list) else []) if o in OPTIMIZERS]
        names = list(dict.fromkeys(names))[: validate.MAX_RACERS]
        kept = {i.get("opt"): v for i, v in zip(lr_ids or [], lr_vals or []) if isinstance(i, dict)}
        cards = []
        for i, name in enumerate(names):
            msgs = validate.Messages()
            lr = validate.as_number(kept.get(name), DEFAULT_LR[name], *validate.LR_RANGE, "", msgs, "lr")
            cards.append(layout.racer_card(i, name, figures.PALETTE[i % len(figures.PALETTE)], lr, {}))
        return cards

    @app.callback(
        Output("input-start-x", "value"),
        Output("input-start-y", "value"),
        Input("select-surface", "value"),
        Input("graph-contour", "clickData"),
        Input("button-random-start", "n_clicks"),
        prevent_initial_call=True,
    )
    def start_point(surface, click, n_random):
        name = surface if isinstance(surface, str) and surface in FAMILIES else "rosenbrock"
        s = get_surface(name)
        (x0, x1), (y0, y1) = s.domain
        trigger = ctx.triggered_id
        if trigger == "graph-contour":
            try:
                pt = click["points"][0]
                x, y = float(pt["x"]), float(pt["y"])
            except (TypeError, KeyError, IndexError, ValueError):
                return no_update, no_update
            if not (x0 <= x <= x1 and y0 <= y <= y1):
                return no_update, no_update
            return f"{x:.4g}", f"{y:.4g}"
        if trigger == "button-random-start":
            rng = random.Random(n_random if isinstance(n_random, int) else 0)
            return f"{rng.uniform(x0, x1):.3g}", f"{rng.uniform(y0, y1):.3g}"
        return f"{s.start[0]:g}", f"{s.start[1]:g}"

    @app.callback(
        Output("store-run", "data"),
        Output("graph-surface-3d", "figure"),
        Output("graph-contour", "figure"),
        Output("graph-loss", "figure"),
        Output("graph-schedule", "figure"),
        Output("graph-state", "figure"),
        Output("div-math", "children"),
        Output("div-surface-info", "children"),
        Output("div-messages", "children"),
        Output("select-inspect", "options"),
        Output("store-figure-key", "data"),
        Input("select-surface", "value"),
        Input({"type": "input-surface-param", "name": ALL}, "value"),
        Input("select-optimizers", "value"),
        Input({"type": "input-lr", "opt": ALL}, "value"),
        Input({"type": "input-hyper", "opt": ALL, "name": ALL}, "value"),
        Input("select-schedule", "value"),
        Input({"type": "input-schedule-param", "name": ALL}, "value"),
        Input("input-noise", "value"),
        Input("input-batch", "value"),
        Input("input-seed", "value"),
        Input("input-start-x", "value"),
        Input("input-start-y", "value"),
        Input("input-steps", "value"),
        Input("select-inspect", "value"),
        Input("switch-log-loss", "value"),
        Input("select-schedule-then", "value"),
        State("store-figure-key", "data"),
    )
    def compute(surface, surface_vals, optimizers, lr_vals, hyper_vals, schedule, sched_vals, noise, batch, seed,
                sx, sy, steps, inspect, log_loss, then, fig_key):  # fmt: skip
        ids = ctx.inputs_list
        raw = gather(
            surface, [i["id"] for i in ids[1]], surface_vals, optimizers, [i["id"] for i in ids[3]], lr_vals,
            [i["id"] for i in ids[4]], hyper_vals, schedule, then, [i["id"] for i in ids[6]], sched_vals,
            noise, batch, seed, sx, sy, steps,
        )  # fmt: skip
        cfg, msgs = validate.config(raw)
        surface_obj, _, trajs = runs.run_all(cfg)
        meta = runs.racer_meta(cfg)
        n = len(cfg.racers)
        k = validate.as_number(inspect, 0, 0, max(n - 1, 0), "select-inspect", validate.Messages(), "", True)
        data = runs.pack(cfg, surface_obj, trajs, int(k))
        key = json.dumps([cfg.surface, cfg.surface_params, [(m["label"], m["color"]) for m in meta]])
        if key != fig_key:
            fig3d = figures.surface_3d(surface_obj, meta)
            fig2d = figures.contour_map(surface_obj, meta)
        else:  # same surface and racers: keep the drawn mesh, only the paths change
            fig3d = fig2d = no_update
        log_y = bool(log_loss) and surface_obj.fglob is not None
        loss = figures.loss_figure(meta, log_y, surface_obj.fglob)
        sched = figures.schedule_figure(meta, [t.lr for t in trajs])
        state = figures.state_figure(meta[int(k)] if n else None, trajs[int(k)].state if n else None)
        options = [{"label": m["label"], "value": str(i)} for i, m in enumerate(meta)]
        return (data, fig3d, fig2d, loss, sched, state, math_panel(cfg, meta), surface_info(cfg), _messages(msgs),
                options, key)  # fmt: skip

    # -- browser-only: learning-rate slider <-> text box, playback, phone menu -----------------
    app.clientside_callback(
        ClientsideFunction("pg", "syncLr"),
        Output({"type": "input-lr", "opt": MATCH}, "value"),
        Output({"type": "slider-lr", "opt": MATCH}, "value"),
        Input({"type": "slider-lr", "opt": MATCH}, "value"),
        Input({"type": "input-lr", "opt": MATCH}, "value"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "load"),
        Output("text-steps", "children"),
        Input("store-run", "data"),
        Input("graph-surface-3d", "figure"),
        Input("graph-contour", "figure"),
        Input("graph-loss", "figure"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "seek"),
        Output("slider-step", "className"),
        Input("slider-step", "value"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "speed"),
        Output("select-speed", "className"),
        Input("select-speed", "value"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "toggleControls"),
        Output("panel-controls", "className"),
        Input("button-controls", "n_clicks"),
        State("panel-controls", "className"),
    )
