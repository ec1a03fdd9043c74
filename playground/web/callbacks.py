"""Callbacks: thin wrappers that validate what the browser sent and call pure builders.

Registered with :func:`register` on a given app (no global decorators). Playback has no
server callbacks at all: Play, Step, Reset and the slider run in the browser.
"""

from __future__ import annotations

import json
import random

import dash_bootstrap_components as dbc
import flask
from dash import ALL, MATCH, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from surfaces import FAMILIES, get_surface

from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES
from . import exports, figures, layout, runs, urlstate, validate
from .lessons import LESSON_BY_ID
from .torch_snippet import torch_snippet

DEFAULT_LR = {name: o.lr_for_page for name, o in OPTIMIZERS.items()}


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
        {"optimizer": urlstate.base_name(o) if isinstance(o, str) else o, "key": o,
         "lr": lrs.get(o, DEFAULT_LR.get(urlstate.base_name(o)) if isinstance(o, str) else None),
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


COMPUTE_INPUTS = [
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
]


def _config_from(values: list, specs: list) -> tuple[validate.Config, validate.Messages]:
    """Validated configuration from the values of `COMPUTE_INPUTS` (``specs``: ctx.inputs_list or states_list)."""
    ids = [s["id"] if isinstance(s, dict) else [i["id"] for i in s] for s in specs]
    (surface, surface_vals, optimizers, lr_vals, hyper_vals, schedule, sched_vals, noise, batch, seed, sx, sy,
     steps, _inspect, _log, then) = values[:16]  # fmt: skip
    raw = gather(surface, ids[1], surface_vals, optimizers, ids[3], lr_vals, ids[4], hyper_vals, schedule, then,
                 ids[6], sched_vals, noise, batch, seed, sx, sy, steps)  # fmt: skip
    return validate.config(raw)


# each control's notes appear in the box under it; a control id ending in "-" is a prefix
MESSAGE_BOXES = (
    ("msg-surface", ("select-surface", "input-surface-param")),
    ("msg-start", ("input-start", "input-start-x", "input-start-y")),
    ("msg-optimizers", ("select-optimizers", "racer-")),
    ("msg-schedule", ("select-schedule", "input-schedule-param")),
    ("msg-noise", ("input-noise", "input-batch", "input-seed")),
    ("msg-steps", ("input-steps",)),
)
# text boxes that turn red while the server had to replace what they hold
FLAGGED_INPUTS = ("input-start-x", "input-start-y", "input-noise", "input-batch", "input-seed", "input-steps")
MESSAGE_OUTPUTS = [Output(box, "children") for box, _ in MESSAGE_BOXES] + [
    Output(i, "invalid") for i in FLAGGED_INPUTS
]


def _box_of(control: str) -> str | None:
    for box, controls in MESSAGE_BOXES:
        if any(control == c or (c.endswith("-") and control.startswith(c)) for c in controls):
            return box
    return None


def _messages(msgs: validate.Messages) -> list:
    """Children of `MESSAGE_BOXES`, then ``invalid`` of `FLAGGED_INPUTS`, then the rest box."""
    placed: dict[str, list[str]] = {box: [] for box, _ in MESSAGE_BOXES}
    rest = []
    for control, text in msgs.items:
        box = _box_of(control)
        (placed[box] if box else rest).append(text)
    boxes = [[html.Div(t, className="pg-msg") for t in texts[:6]] for texts in placed.values()]
    flagged = {c for c, _ in msgs.items}
    invalid = [i in flagged for i in FLAGGED_INPUTS]
    general = [dbc.Alert([html.Strong("Some values were adjusted: "), html.Ul([html.Li(t) for t in rest[:12]])],
                         color="warning", className="pg-alert", id="alert-input")] if rest else []  # fmt: skip
    return [*boxes, *invalid, general]


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

    # A link (or a lesson) arriving in store-url re-renders the parameter boxes even when the
    # surface, schedule or optimizer list stays the same: the link's values win over the boxes.
    @app.callback(
        Output("div-surface-params", "children"), Input("select-surface", "value"), Input("store-url", "data")
    )
    def surface_params(surface, url):
        name = surface if isinstance(surface, str) and surface in FAMILIES else "rosenbrock"
        values = url.get("sp") if isinstance(url, dict) and url.get("surface") == name else None
        return layout.surface_param_inputs(name, values)

    @app.callback(
        Output("div-schedule-params", "children"),
        Output("div-schedule-then", "style"),
        Input("select-schedule", "value"),
        Input("select-schedule-then", "value"),
        Input("store-url", "data"),
    )
    def schedule_params(schedule, then, url):
        name = schedule if isinstance(schedule, str) and schedule in SCHEDULES else "constant"
        then = then if then in layout.SCHEDULE_THEN else "constant"
        shown = {"display": "flex"} if name == "warmup" else {"display": "none"}
        values = url.get("schedule_params") if isinstance(url, dict) and url.get("schedule") == name else None
        return layout.schedule_param_inputs(name, then, values), shown

    @app.callback(
        Output("div-racer-controls", "children"),
        Input("select-optimizers", "value"),
        State({"type": "input-lr", "opt": ALL}, "id"),
        State({"type": "input-lr", "opt": ALL}, "value"),
        Input("store-url", "data"),
    )
    def racer_controls(optimizers, lr_ids, lr_vals, url):
        valid = {o["value"] for o in layout.optimizer_options()}
        names = [
            o
            for o in (optimizers if isinstance(optimizers, list) else [])
            if isinstance(o, str) and o in valid
        ]
        names = list(dict.fromkeys(names))[: validate.MAX_RACERS]
        # a new link's learning rates win; otherwise the boxes keep what the user typed
        from_link = "store-url.data" in ctx.triggered_prop_ids
        kept = (
            {}
            if from_link
            else {i.get("opt"): v for i, v in zip(lr_ids or [], lr_vals or []) if isinstance(i, dict)}
        )
        url = url if isinstance(url, dict) else {}
        cards = []
        for i, name in enumerate(names):
            msgs = validate.Messages()
            raw_lr = kept.get(name, url.get("lr", {}).get(name))
            lr = validate.as_number(
                raw_lr, DEFAULT_LR[urlstate.base_name(name)], *validate.LR_RANGE, "", msgs, "lr"
            )
            hyper = url.get("hyper", {}).get(name, {})
            cards.append(layout.racer_card(i, name, figures.PALETTE[i % len(figures.PALETTE)], lr, hyper))
        return cards

    @app.callback(
        Output("input-start-x", "value"),
        Output("input-start-y", "value"),
        Input("select-surface", "value"),
        Input("graph-contour", "clickData"),
        Input("button-random-start", "n_clicks"),
        Input("store-url", "data"),
        prevent_initial_call=True,
    )
    def start_point(surface, click, n_random, url):
        name = surface if isinstance(surface, str) and surface in FAMILIES else "rosenbrock"
        s = get_surface(name)
        (x0, x1), (y0, y1) = s.domain
        trigger = ctx.triggered_id
        if (
            trigger in ("store-url", "select-surface")
            and isinstance(url, dict)
            and url.get("surface") == name
        ):
            start = url.get("start")
            if start:  # the shared link's own start point
                return validate.num(start[0]), validate.num(start[1])
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
        *MESSAGE_OUTPUTS,
        Output("div-messages", "children"),
        Output("select-inspect", "options"),
        Output("store-figure-key", "data"),
        Output("store-query", "data"),
        Output("pre-torch", "children"),
        *COMPUTE_INPUTS,
        State("store-figure-key", "data"),
        State("url", "href"),
    )
    def compute(*values):
        *values, fig_key, href = values
        cfg, msgs = _config_from(values, ctx.inputs_list)
        inspect, log_loss = values[13], values[14]
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
        inspected = OPTIMIZERS[cfg.racers[int(k)].optimizer].inspect if n else ()
        state = figures.state_figure(
            meta[int(k)] if n else None, trajs[int(k)].state if n else None, inspected
        )
        options = [{"label": m["label"], "value": str(i)} for i, m in enumerate(meta)]
        labels = [m["label"] for m in meta]
        return (data, fig3d, fig2d, loss, sched, state, math_panel(cfg, meta), surface_info(cfg), *_messages(msgs),
                options, key, urlstate.to_query(cfg, urlstate.lesson_in(href)), torch_snippet(cfg, labels))  # fmt: skip

    @app.callback(
        Output("select-surface", "value"),
        Output("select-optimizers", "value"),
        Output("select-schedule", "value"),
        Output("select-schedule-then", "value"),
        Output("input-noise", "value"),
        Output("input-batch", "value"),
        Output("input-seed", "value"),
        Output("input-steps", "value"),
        Output("store-url", "data"),
        Output("div-notice", "children"),
        Output("div-lesson", "children"),
        Output("select-lesson", "value"),
        Input("url", "href"),
    )
    def apply_url(href):
        # href, not search: the page rewrites its address with history.replaceState, which
        # dcc.Location does not see, so only a new href reliably tells it to navigate
        raw, notices, lesson_id = urlstate.from_query(urlstate.search_of(href))
        if not raw and not notices:
            return (*[no_update] * 8, None, [], [], no_update)
        cfg, msgs = validate.config(raw)
        notices += [t for _, t in msgs.items]
        notice = [dbc.Alert([html.Strong("Parts of the link were ignored (defaults used): "),
                             "; ".join(notices[:10])], color="info", dismissable=True, id="alert-url")] if notices else []  # fmt: skip
        lesson = LESSON_BY_ID.get(lesson_id) if isinstance(lesson_id, str) else None
        lesson_box = [dbc.Alert([html.Strong(lesson.title), html.P(lesson.text, className="mb-0")], color="light",
                                className="pg-lesson", id="alert-lesson")] if lesson else []  # fmt: skip
        store = {
            "surface": cfg.surface,
            "sp": cfg.surface_params,
            "lr": {k: r.lr for k, r in zip(cfg.keys, cfg.racers)},
            "hyper": {k: dict(r.hyper) for k, r in zip(cfg.keys, cfg.racers)},
            "schedule": cfg.schedule,
            "schedule_params": {k: v for k, v in cfg.schedule_params.items() if k != "then"},
            "start": list(cfg.start) if cfg.start else None,
        }
        then = cfg.schedule_params.get("then", "constant")
        noise = "" if cfg.noise is None else validate.num(cfg.noise)
        return (cfg.surface, cfg.keys, cfg.schedule, then, noise, str(cfg.batch_size), str(cfg.seed), str(cfg.steps),
                store, notice, lesson_box, lesson.id if lesson else "")  # fmt: skip

    @app.callback(
        Output("url", "href"),
        Input("select-lesson", "value"),
        State("url", "href"),
        prevent_initial_call=True,
    )
    def choose_lesson(lesson_id, href):
        lesson = LESSON_BY_ID.get(lesson_id) if isinstance(lesson_id, str) else None
        if lesson is None or urlstate.lesson_in(href) == lesson.id:
            return no_update  # the link already shows this lesson (maybe with the user's changes)
        return f"?{lesson.query}&lesson={lesson.id}"

    @app.callback(
        Output("modal-share", "is_open"),
        Output("input-share-url", "value"),
        Output("img-qr", "src"),
        Input("button-share", "n_clicks"),
        State("store-query", "data"),
        prevent_initial_call=True,
    )
    def open_share(n, query):
        query = query if isinstance(query, str) and len(query) <= urlstate.MAX_QUERY else ""
        link = flask.request.host_url + ("?" + query if query else "")
        return True, link, exports.qr_data_uri(link)

    @app.callback(
        Output("download-export", "data"),
        Input("button-export-csv", "n_clicks"),
        Input("button-export-json", "n_clicks"),
        *[State(d.component_id, d.component_property) for d in COMPUTE_INPUTS],
        prevent_initial_call=True,
    )
    def export(_csv, _json, *values):
        cfg, _ = _config_from(values, ctx.states_list)
        _, _, trajs = runs.run_all(cfg)
        labels = [m["label"] for m in runs.racer_meta(cfg)]
        if ctx.triggered_id == "button-export-json":
            return dcc.send_string(exports.export_json(cfg, labels, trajs), "trajectories.json")
        return dcc.send_string(exports.export_csv(labels, trajs), "trajectories.csv")

    @app.callback(Output("graph-ewma", "figure"), Input("slider-ewma-beta", "value"))
    def ewma(beta):
        b = validate.as_number(beta, 0.9, 0.0, 0.999, "slider-ewma-beta", validate.Messages(), "beta")
        return figures.ewma_figure(float(b))

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
        ClientsideFunction("pg", "writeUrl"),
        Output("store-query", "modified_timestamp"),
        Input("store-query", "data"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "copyLink"),
        Output("button-copy-link", "children"),
        Input("button-copy-link", "n_clicks"),
        State("input-share-url", "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("pg", "toggleHelp"),
        Output("modal-help", "is_open"),
        Input("button-help", "n_clicks"),
        State("modal-help", "is_open"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("pg", "toggleControls"),
        Output("panel-controls", "className"),
        Input("button-controls", "n_clicks"),
        State("panel-controls", "className"),
    )
