"""Callbacks: thin wrappers that validate what the browser sent and call pure builders.

Registered with :func:`register` on a given app (no global decorators), each through
`guard.callback`, which checks the JSON shape of every input before the callback runs.
Their inputs come from the settings schema (settings.py). Only `engine` runs the
optimizers; the explaining panels (math, surface, PyTorch, link) are separate callbacks
with only the settings they show. Playback has no server callbacks at all: Play, Step,
Reset and the slider run in the browser.
"""

from __future__ import annotations

import random
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import MATCH, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES, custom, get_surface

from . import exports, figures, guard, layout, lesson_box, runs, settings, urlstate, validate, views
from .contract import IDS
from .formula_box import register as register_formula_box  # its own module: re-attach after web/ moves
from .lessons import LESSON_BY_ID
from .shapes import COUNT, NUMBER, TEXT, list_of, record
from .torch_snippet import torch_snippet

# the settings each callback reads (names of settings.FIELDS)
ENGINE = settings.RUN  # the inspect selection and the log scale redraw in the browser
MATH = ("optimizers", "lr", "hyper", "schedule", "then", "schedule_params")
SURFACE = ("surface", "surface_params", "formula")
TORCH = settings.RUN  # the script reruns the racers exactly, noise included
# shapes of the inputs that are not settings (settings declare their own)
CLICK = record({"points": list_of(record({"x": NUMBER, "y": NUMBER}))})
FIGURE_KEY = {"store-figure-key.data": TEXT}


def _racers(values: dict[str, Any]) -> list[dict]:
    lrs = {i["opt"]: v for i, v in values.get("lr", [])}
    hypers: dict = {}
    for i, v in values.get("hyper", []):
        hypers.setdefault(i["opt"], {})[i["name"]] = v
    optimizers = values.get("optimizers") or []  # a cleared multi-select sends null
    return [
        {"optimizer": urlstate.base_name(o) if isinstance(o, str) else o, "key": o,
         "lr": lrs.get(o) if isinstance(o, str) else None,  # none yet: validation gives the fair one
         "hyper": hypers.get(o, {})}
        for o in optimizers
    ]  # fmt: skip


def gather(values: dict[str, Any]) -> dict:
    """The raw configuration dict `validate.config` reads, from `settings.read` values."""
    raw: dict[str, Any] = {}
    for f in settings.fields(values):
        if f.within:  # travels inside another setting; validate reads it where it applies
            raw.setdefault(f.within, {})[f.name] = values[f.name]
        elif f.kind == "params":
            raw.setdefault(f.name, {}).update({i["name"]: v for i, v in values[f.name]})
        elif f.kind == "point":
            raw[f.name] = list(values[f.name])
        elif f.kind in ("name", "number", "int", "text"):
            raw[f.name] = values[f.name]
    if "optimizers" in values:
        raw["racers"] = _racers(values)
    return raw


def config_of(names: tuple[str, ...], specs: list) -> tuple[validate.Config, validate.Messages]:
    """Validated configuration from the named settings (``specs``: ctx.inputs_list or states_list)."""
    return validate.config(gather(settings.read(names, specs)))


def run_config(
    names: tuple[str, ...], specs: list, last_query: object
) -> tuple[validate.Config, validate.Messages]:
    """As `config_of`, where a number box holding no number keeps the last good run's value
    (``last_query``: store-query, the canonical query of the run on screen)."""
    last = urlstate.from_query(last_query)[0] if isinstance(last_query, str) else {}
    msgs = validate.Messages()
    return validate.config(validate.keep_last_good(gather(settings.read(names, specs)), last, msgs), msgs)


# each control's notes appear in the box under it; a control id ending in "-" is a prefix
MESSAGE_BOXES = settings.message_boxes()
# text boxes that turn red while the server had to replace what they hold
FLAGGED_INPUTS = settings.flagged_inputs()
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


def _link(url: object, name: str, attr: str) -> validate.Config | None:
    """The configuration in store-url (a canonical query) if its ``attr`` is ``name``."""
    cfg = urlstate.link_config(url)
    return cfg if cfg is not None and getattr(cfg, attr) == name else None


def _register_builders(app: Dash) -> None:
    """Controls that the server builds: parameter boxes, racer cards, the start point."""

    # A link (or a lesson) arriving in store-url re-renders the parameter boxes even when the
    # surface, schedule or optimizer list stays the same: the link's values win over the boxes.
    @guard.callback(app, Output("div-surface-params", "children"), Input("select-surface", "value"),
                    Input("store-url", "data"), shapes={"store-url.data": TEXT}, prevent_initial_call=True)  # fmt: skip
    def surface_params(surface, url):
        name = surface if isinstance(surface, str) and surface in FAMILIES else "rosenbrock"
        link = _link(url, name, "surface")
        return layout.surface_param_inputs(name, link.surface_params if link else None)

    @guard.callback(
        app,
        Output("div-schedule-params", "children"),
        Output("div-schedule-then", "style"),
        *settings.inputs(["schedule", "then"]),
        Input("store-url", "data"),
        shapes={"store-url.data": TEXT},
        prevent_initial_call=True,
    )
    def schedule_params(schedule, then, url):
        name = schedule if isinstance(schedule, str) and schedule in SCHEDULES else "constant"
        then = then if then in settings.SCHEDULE_THEN else "constant"
        shown = {"display": "flex"} if name == "warmup" else {"display": "none"}
        link = _link(url, name, "schedule")
        values = {k: v for k, v in link.schedule_params.items() if k != "then"} if link else None
        return layout.schedule_param_inputs(name, then, values), shown

    # the list itself is cut back to what can race (an output on its own input: Dash runs it
    # once more with the cut list, which changes nothing)
    @guard.callback(app, Output("div-racer-controls", "children"), Output("select-optimizers", "value"),
                    *settings.inputs(["optimizers"]), Input("store-url", "data"), *settings.states(["lr"]),
                    *settings.states(["surface"]), shapes={"store-url.data": TEXT},
                    prevent_initial_call=True)  # fmt: skip
    def racer_controls(optimizers, url, _lr_vals, surface):
        names, refused = _selection(optimizers)
        cards = _racer_cards(names, url, surface if surface in FAMILIES else "rosenbrock")
        if not refused:
            return cards, no_update
        return [layout.selection_note(refused), *cards], names

    # the layout hides it for the first surface: no callback before the plots
    @guard.callback(
        app, Output("div-formula", "hidden"), Input("select-surface", "value"), prevent_initial_call=True
    )
    def formula_box(surface):
        return surface != custom.NAME

    @guard.callback(
        app,
        Output("input-start-x", "value"),
        Output("input-start-y", "value"),
        Input("select-surface", "value"),
        Input("store-start-click", "data"),
        Input("button-random-start", "n_clicks"),
        Input("store-url", "data"),
        shapes={
            "store-start-click.data": CLICK,
            "button-random-start.n_clicks": COUNT,
            "store-url.data": TEXT,
        },
        prevent_initial_call=True,
    )
    def start_point(surface, click, n_random, url):
        name = surface if isinstance(surface, str) and surface in FAMILIES else "rosenbrock"
        return _start_point(name, click, n_random, _link(url, name, "surface"))


def _selection(optimizers: object) -> tuple[list[str], list[str]]:
    """The known optimizers of a selection, once each: (those that race, those refused)."""
    valid = {o["value"] for o in layout.optimizer_options()}
    names = [o for o in (optimizers or []) if isinstance(o, str) and o in valid]  # type: ignore[union-attr]
    names = list(dict.fromkeys(names))
    return names[: validate.MAX_RACERS], names[validate.MAX_RACERS :]


def _racer_cards(names: list[str], url: object, surface: str) -> list:
    # a new link's learning rates win; otherwise the boxes keep what the user typed
    from_link = "store-url.data" in ctx.triggered_prop_ids
    kept = {} if from_link else {i["opt"]: v for i, v in settings.read(["lr"], ctx.states_list)["lr"]}
    link = urlstate.link_config(url)
    linked = dict(zip(link.keys, link.racers)) if link else {}
    lrs, hypers = [], []
    for name in names:
        raw_lr = kept.get(name, linked[name].lr if name in linked else None)
        lrs.append(validate.racer_lr(raw_lr, surface, urlstate.base_name(name), "", validate.Messages()))
        hypers.append(dict(linked[name].hyper) if name in linked else {})
    # a link's racers are titled as in its plots (copies told apart by their settings)
    others = list(linked.values())
    titles = [runs.label(linked[n], others) if n in linked else None for n in names]
    return layout.racer_cards(names, lrs, hypers, titles)


def _start_point(name: str, click: dict | None, n_random: int | None, link: validate.Config | None) -> tuple:
    # the link's own surface, with its parameters: a rotated surface's start turns with it
    s = runs.surface_of(link) if link is not None else get_surface(name)
    (x0, x1), (y0, y1) = s.domain
    trigger = ctx.triggered_id
    if trigger in ("store-url", "select-surface") and link is not None and link.start:
        return validate.num(link.start[0]), validate.num(link.start[1])  # the shared link's own start
    if trigger == "store-start-click":  # a click on the contour map, passed on by the browser (startClick)
        points = (click or {}).get("points") or [None]
        pt = points[0] or {}
        x, y = pt.get("x"), pt.get("y")
        if x is None or y is None or not (x0 <= x <= x1 and y0 <= y <= y1):
            return no_update, no_update
        return f"{x:.4g}", f"{y:.4g}"
    if trigger == "button-random-start":
        rng = random.Random(n_random or 0)
        return f"{rng.uniform(x0, x1):.3g}", f"{rng.uniform(y0, y1):.3g}"
    # exact: a start equal to the surface's own stays out of the link (urlstate._point)
    return validate.num(s.start[0]), validate.num(s.start[1])


def _register_engine(app: Dash) -> None:
    """The one callback that runs the optimizers, and the figures drawn from the run."""

    @guard.callback(
        app,
        Output("store-run", "data"),
        Output("graph-surface-3d", "figure"),
        Output("graph-contour", "figure"),
        Output("graph-loss", "figure"),
        Output(IDS.schedule_chart, "figure"),
        *MESSAGE_OUTPUTS,
        Output("div-messages", "children"),
        Output("select-inspect", "options"),
        Output("store-figure-key", "data"),
        *settings.inputs(ENGINE),
        State("store-figure-key", "data"),
        State("store-query", "data"),
        shapes={**FIGURE_KEY, "store-query.data": TEXT},
        prevent_initial_call=True,  # the page's first response carries the default view
    )
    def engine(*_values):
        cfg, msgs = run_config(ENGINE, ctx.inputs_list, ctx.states_list[1].get("value"))
        v = runs.view(cfg)
        fig3d, fig2d = v["surface"], v["contour"]
        if v["key"] == ctx.states_list[0].get("value"):
            fig3d = fig2d = no_update  # same surface and racers: keep the drawn mesh, only the paths change
        return (v["run"], fig3d, fig2d, v["loss"], v["schedule"], *_messages(msgs), v["inspect"], v["key"])


def _register_explain(app: Dash) -> None:
    """Panels that only explain the settings: no run, only the settings they show."""

    @guard.callback(app, Output("div-math", "children"), *settings.inputs(MATH))
    def math_rules(*_values):
        cfg, _ = config_of(MATH, ctx.inputs_list)
        return math_panel(cfg, runs.racer_meta(cfg))

    @guard.callback(app, Output("div-surface-info", "children"), *settings.inputs(SURFACE))
    def surface_text(*_values):
        return surface_info(config_of(SURFACE, ctx.inputs_list)[0])

    @guard.callback(app, Output("pre-torch", "children"), *settings.inputs(TORCH))
    def torch_code(*_values):
        cfg, _ = config_of(TORCH, ctx.inputs_list)
        return torch_snippet(cfg, [m["label"] for m in runs.racer_meta(cfg)])

    @guard.callback(app, Output("store-query", "data"), *settings.inputs(settings.RUN), *settings.inputs(["view"]),
                    State("url", "href"), State("store-query", "data"), shapes={"url.href": TEXT, "store-query.data": TEXT},
                    prevent_initial_call=True)  # fmt: skip
    def query(*values):
        cfg, _ = run_config(settings.RUN, ctx.inputs_list[: -len(settings.inputs(["view"]))], values[-1])
        return urlstate.to_query(cfg, urlstate.lesson_in(values[-2]), values[-3])


LINK_OUTPUTS = [Output(c, f.prop) for f in settings.fields(settings.FROM_LINK) for c in f.components]


def _register_link(app: Dash) -> None:
    """Opening a link (or a lesson) fills the controls."""

    @guard.callback(app, *LINK_OUTPUTS, Output("store-url", "data"), Output("div-notice", "children"),
                    Input("url", "href"), shapes={"url.href": TEXT})  # fmt: skip
    def apply_url(href):
        # href, not search: the page rewrites its address with history.replaceState, which
        # dcc.Location does not see, so only a new href reliably tells it to navigate
        raw, notices, _ = urlstate.from_query(urlstate.search_of(href))
        view = urlstate.view_in(href)
        if not raw and not notices:  # the page as first served: nothing to rerun; the view if one is asked
            shown_view = [
                view if f.kind == "page" and view != f.default else no_update
                for f in settings.fields(settings.FROM_LINK)
            ]
            return (*shown_view, no_update, no_update)
        cfg, msgs = validate.config(raw)
        notices += [t for _, t in msgs.items]
        notice = [dbc.Alert([html.Strong("Parts of the link were ignored (defaults used): "),
                             "; ".join(notices[:10])], color="info", dismissable=True, id="alert-url")] if notices else []  # fmt: skip
        # the lesson menu goes back to its prompt: choosing the same lesson again re-applies it
        shown = urlstate.widget_values(cfg, None, view)
        return (*shown.values(), urlstate.to_query(cfg), notice)

    @guard.callback(app, Output("url", "href"), *settings.inputs(["lesson"]), State("url", "href"),
                    shapes={"url.href": TEXT}, prevent_initial_call=True)  # fmt: skip
    def choose_lesson(lesson_id, _href):
        lesson = LESSON_BY_ID.get(lesson_id) if isinstance(lesson_id, str) else None
        return no_update if lesson is None else lesson_box.lesson_link(lesson)

    @guard.callback(app, Output("div-lesson", "children"), *settings.inputs(settings.RUN), State("url", "href"),
                    shapes={"url.href": TEXT})  # fmt: skip
    def lesson_text(*values):
        cfg, _ = config_of(settings.RUN, ctx.inputs_list)
        return lesson_box.box(cfg, LESSON_BY_ID.get(urlstate.lesson_in(values[-1]) or ""))


def _register_exports(app: Dash) -> None:
    @guard.callback(
        app,
        Output("modal-share", "is_open"),
        Output("input-share-url", "value"),
        Output("img-qr", "src"),
        Input("button-share", "n_clicks"),
        State("store-query", "data"),
        shapes={"button-share.n_clicks": COUNT, "store-query.data": TEXT},
        prevent_initial_call=True,
    )
    def open_share(n, query):
        query = query if isinstance(query, str) and len(query) <= urlstate.MAX_QUERY else ""
        link = flask.request.host_url + ("?" + query if query else "")
        return True, link, exports.qr_data_uri(link)

    @guard.callback(
        app,
        Output("download-export", "data"),
        Input("button-export-csv", "n_clicks"),
        Input("button-export-json", "n_clicks"),
        *settings.states(settings.RUN),
        shapes={"button-export-csv.n_clicks": COUNT, "button-export-json.n_clicks": COUNT},
        prevent_initial_call=True,
    )
    def export(*_values):
        cfg, _ = config_of(settings.RUN, ctx.states_list)
        _, _, trajs = runs.run_all(cfg)
        labels = [m["label"] for m in runs.racer_meta(cfg)]
        if ctx.triggered_id == "button-export-json":
            return dcc.send_string(exports.export_json(cfg, labels, trajs), "trajectories.json")
        return dcc.send_string(exports.export_csv(cfg, labels, trajs), "trajectories.csv")

    @guard.callback(app, Output(IDS.ewma_chart, "figure"), Input("slider-ewma-beta", "value"),
                    shapes={"slider-ewma-beta.value": NUMBER}, prevent_initial_call=True)  # fmt: skip
    def ewma(beta):
        b = validate.as_number(
            beta, layout.EWMA_BETA, 0.0, 0.999, "slider-ewma-beta", validate.Messages(), "beta"
        )
        return figures.ewma_figure(float(b))  # type: ignore[arg-type]


def register(app: Dash) -> None:
    """Attach every callback of the playground to ``app``."""
    _register_builders(app)
    _register_engine(app)
    _register_explain(app)
    _register_link(app)
    _register_exports(app)
    _register_clientside(app)
    register_formula_box(app)


def _register_clientside(app: Dash) -> None:
    """Browser-only: learning-rate slider <-> text box, playback, phone menu."""
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
        ClientsideFunction("pg", "startClick"),
        Output("store-start-click", "data"),
        Output("button-tap-start", "children"),
        Input("graph-contour", "clickData"),
        Input("button-tap-start", "n_clicks"),
        prevent_initial_call=True,
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
        ClientsideFunction("pg", "showView"),
        # the race is hidden while another view is mounted (only the chosen one is)
        Output(views.container_id(views.RACE), "hidden"),
        Output(views.MOUNT_ID, "value"),
        Input("tabs-view", "value"),
        State(IDS.contract, "data"),
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
