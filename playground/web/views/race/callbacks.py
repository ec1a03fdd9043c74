"""The race's callbacks: thin wrappers that validate what the browser sent and call pure builders.

Registered with :func:`register` on a given app (no global decorators), each through
`guard.callback`, which checks the JSON shape of every input before the callback runs.
Their inputs come from the settings schema (state/settings.py). Only `engine` runs the
optimizers; the explaining panels (math, surface, PyTorch) are separate callbacks with only
the settings they show. Playback has no server callbacks at all: Play, Step, Reset and the
slider run in the browser (clientside.py).
"""

from __future__ import annotations

import random

import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES, custom, get_surface

from ... import exports, guard, runs
from ...contract import IDS
from ...plots import charts
from ...state import settings, urlstate, validate
from ...state.limits import MAX_RACERS
from ...state.settings import DEFAULT_SCHEDULE, DEFAULT_SURFACE
from ...state.shapes import COUNT, NUMBER, TEXT, list_of, record
from ...state.values import LR_NOTE, as_number, base_name, num, racer_lr
from ...state.widgets import config_of, run_config
from . import clientside, controls, formula_box
from .explain import math_panel, surface_info, torch_code
from .layout import EWMA_BETA

# the settings each callback reads (names of settings.FIELDS)
ENGINE = settings.RUN  # the inspect selection and the log scale redraw in the browser


MATH = ("optimizers", "lr", "hyper", "schedule", "then", "schedule_params")


SURFACE = ("surface", "surface_params", "formula")


TORCH = settings.RUN  # the script reruns the racers exactly, noise included


# shapes of the inputs that are not settings (settings declare their own)
CLICK = record({"points": list_of(record({"x": NUMBER, "y": NUMBER}))})


FIGURE_KEY = {"store-figure-key.data": TEXT}


# each control's notes appear in the box under it; a control id ending in "-" is a prefix
MESSAGE_BOXES = settings.message_boxes()


# text boxes that turn red while the server had to replace what they hold
FLAGGED_INPUTS = settings.flagged_inputs()


MESSAGE_OUTPUTS = [Output(box, "children") for box, _ in MESSAGE_BOXES] + [
    Output(i, "invalid") for i in FLAGGED_INPUTS
]
# each racer's learning-rate notes under its own box, the box outlined (values.LR_NOTE)
LR_OUTPUTS = [
    Output({"type": controls.LR_BOX, "opt": ALL}, "children"),
    Output({"type": "input-lr", "opt": ALL}, "invalid"),
]


def _box_of(control: str) -> str | None:
    for box, owners in MESSAGE_BOXES:
        if any(control == c or (c.endswith("-") and control.startswith(c)) for c in owners):
            return box
    return None


def _lr_messages(msgs: validate.Messages, keys: list[str]) -> tuple[validate.Messages, list, list]:
    """The notes left for the other boxes, then each shown racer's learning-rate box and outline
    (``keys``: the racers whose boxes are on the page; a note of another goes to the rest)."""
    notes: dict[str, list[str]] = {k: [] for k in keys}
    rest = validate.Messages(marks=msgs.marks)
    for control, text in msgs.items:
        key = control.removeprefix(LR_NOTE) if control.startswith(LR_NOTE) else None
        if key in notes:
            notes[key].append(text)
        else:
            rest.add(control, text)
    boxes = [[html.Div(t, className="pg-msg") for t in notes[k][:3]] for k in keys]
    return rest, boxes, [bool(notes[k]) for k in keys]


def _messages(msgs: validate.Messages) -> list:
    """Children of `MESSAGE_BOXES`, then ``invalid`` of `FLAGGED_INPUTS`, then the rest box."""
    placed: dict[str, list] = {box: [] for box, _ in MESSAGE_BOXES}
    rest = []
    for control, text in msgs.items:
        box = _box_of(control)
        if box is None:
            rest.append(text)
        elif control in msgs.marks:  # a refused text: shown with the place where reading stopped
            placed[box].append(formula_box.marked(*msgs.marks[control], text))
        else:
            placed[box].append(html.Div(text, className="pg-msg"))
    boxes = [items[:6] for items in placed.values()]
    flagged = {c for c, _ in msgs.items}
    invalid = [i in flagged for i in FLAGGED_INPUTS]
    general = [dbc.Alert([html.Strong("Some values were adjusted: "), html.Ul([html.Li(t) for t in rest[:12]])],
                         color="warning", className="pg-alert", id="alert-input")] if rest else []  # fmt: skip
    return [*boxes, *invalid, general]


def _link(url: object, name: str, attr: str) -> validate.Config | None:
    """The configuration in store-url (a canonical query) if its ``attr`` is ``name``."""
    cfg = urlstate.link_config(url)
    return cfg if cfg is not None and getattr(cfg, attr) == name else None


def _register_builders(app: Dash) -> None:
    """The parameter boxes the server builds for the chosen surface and schedule."""

    # A link (or a lesson) arriving in store-url re-renders the parameter boxes even when the
    # surface, schedule or optimizer list stays the same: the link's values win over the boxes.
    @guard.callback(app, Output("div-surface-params", "children"), Input("select-surface", "value"),
                    Input("store-url", "data"), shapes={"store-url.data": TEXT}, prevent_initial_call=True)  # fmt: skip
    def surface_params(surface, url):
        name = surface if isinstance(surface, str) and surface in FAMILIES else DEFAULT_SURFACE
        link = _link(url, name, "surface")
        return controls.surface_param_inputs(name, link.surface_params if link else None)

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
        name = schedule if isinstance(schedule, str) and schedule in SCHEDULES else DEFAULT_SCHEDULE
        then = then if then in settings.SCHEDULE_THEN else DEFAULT_SCHEDULE
        shown = {"display": "flex"} if name == "warmup" else {"display": "none"}
        link = _link(url, name, "schedule")
        values = {k: v for k, v in link.schedule_params.items() if k != "then"} if link else None
        return controls.schedule_param_inputs(name, then, values), shown


def _register_racers_and_start(app: Dash) -> None:
    """Controls the server builds from the race's settings: the racer cards, the formula box, the start."""

    # the list itself is cut back to what can race (an output on its own input: Dash runs it
    # once more with the cut list, which changes nothing)
    @guard.callback(app, Output("div-racer-controls", "children"), Output("select-optimizers", "value"),
                    *settings.inputs(["optimizers"]), Input("store-url", "data"), *settings.states(["lr"]),
                    *settings.states(["surface"]), shapes={"store-url.data": TEXT},
                    prevent_initial_call=True)  # fmt: skip
    def racer_controls(optimizers, url, _lr_vals, surface):
        names, refused = _selection(optimizers)
        cards = _racer_cards(names, url, surface if surface in FAMILIES else DEFAULT_SURFACE)
        if not refused:
            return cards, no_update
        return [controls.selection_note(refused), *cards], names

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
        name = surface if isinstance(surface, str) and surface in FAMILIES else DEFAULT_SURFACE
        return _start_point(name, click, n_random, _link(url, name, "surface"))


def _selection(optimizers: object) -> tuple[list[str], list[str]]:
    """The known optimizers of a selection, once each: (those that race, those refused)."""
    valid = {o["value"] for o in controls.optimizer_options()}
    names = [o for o in (optimizers or []) if isinstance(o, str) and o in valid]  # type: ignore[union-attr]
    names = list(dict.fromkeys(names))
    return names[:MAX_RACERS], names[MAX_RACERS:]


def _racer_cards(names: list[str], url: object, surface: str) -> list:
    # a new link's learning rates win; otherwise the boxes keep what the user typed
    from_link = "store-url.data" in ctx.triggered_prop_ids
    kept = {} if from_link else {i["opt"]: v for i, v in settings.read(["lr"], ctx.states_list)["lr"]}
    link = urlstate.link_config(url)
    linked = dict(zip(link.keys, link.racers)) if link else {}
    lrs, hypers = [], []
    for name in names:
        raw_lr = kept.get(name, linked[name].lr if name in linked else None)
        lrs.append(racer_lr(raw_lr, surface, base_name(name), "", validate.Messages()))
        hypers.append(dict(linked[name].hyper) if name in linked else {})
    # a link's racers are titled as in its plots (copies told apart by their settings)
    others = list(linked.values())
    titles = [runs.label(linked[n], others) if n in linked else None for n in names]
    return controls.racer_cards(names, lrs, hypers, titles)


def _start_point(name: str, click: dict | None, n_random: int | None, link: validate.Config | None) -> tuple:
    # the link's own surface, with its parameters: a rotated surface's start turns with it
    s = runs.surface_of(link) if link is not None else get_surface(name)
    (x0, x1), (y0, y1) = s.domain
    trigger = ctx.triggered_id
    if trigger in ("store-url", "select-surface") and link is not None and link.start:
        return num(link.start[0]), num(link.start[1])  # the shared link's own start
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
    # exact: a start equal to the surface's own stays out of the link (kinds.Point.encode)
    return num(s.start[0]), num(s.start[1])


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
        *LR_OUTPUTS,
        *settings.inputs(ENGINE),
        State("store-figure-key", "data"),
        State("store-query", "data"),
        State("url", "href"),
        shapes={**FIGURE_KEY, "store-query.data": TEXT, "url.href": TEXT},
        prevent_initial_call=True,  # the page's first response carries the default view
    )
    def engine(*_values):
        cfg, msgs = run_config(ENGINE, ctx.inputs_list, ctx.states_list[1].get("value"))
        v = runs.view(cfg)
        run = {**v["run"], "scene": runs.scene(cfg, urlstate.lesson_in(ctx.states_list[2].get("value")))}
        fig3d, fig2d = v["surface"], v["contour"]
        if v["key"] == ctx.states_list[0].get("value"):
            fig3d = fig2d = no_update  # same surface and racers: keep the drawn mesh, only the paths change
        keys = [o["id"]["opt"] for o in ctx.outputs_list[-1]]
        msgs, lr_boxes, lr_invalid = _lr_messages(msgs, keys)
        return (run, fig3d, fig2d, v["loss"], v["schedule"], *_messages(msgs), v["inspect"], v["key"],
                lr_boxes, lr_invalid)  # fmt: skip


def _register_explain(app: Dash) -> None:
    """Panels that only explain the settings: no run, only the settings they show."""

    # the page comes with the default settings' rules and surface (layout.py): each is asked
    # for again only when a setting it shows changes
    @guard.callback(app, Output("div-math", "children"), *settings.inputs(MATH), prevent_initial_call=True)
    def math_rules(*_values):
        cfg, _ = config_of(MATH, ctx.inputs_list)
        return math_panel(cfg, runs.racer_meta(cfg))

    @guard.callback(
        app, Output("div-surface-info", "children"), *settings.inputs(SURFACE), prevent_initial_call=True
    )
    def surface_text(*_values):
        return surface_info(config_of(SURFACE, ctx.inputs_list)[0])

    # asked for by the page (not served with it): printing a surface as code loads SymPy. First
    # when its box mounts (web/later.py), after the map: settings.read takes the settings first
    @guard.callback(app, Output("pre-torch", "children"), *settings.inputs(TORCH), Input(IDS.later_race, "value"),
                    shapes={f"{IDS.later_race}.value": TEXT}, prevent_initial_call=True)  # fmt: skip
    def torch_text(*_values):
        return torch_code(config_of(TORCH, ctx.inputs_list)[0])

    # the browser copies the code it shows (the share link's copy function): no request
    app.clientside_callback(
        ClientsideFunction("pg", "copyLink"),
        Output("button-copy-torch", "children"),
        Input("button-copy-torch", "n_clicks"),
        State("pre-torch", "children"),
        prevent_initial_call=True,
    )


def _register_exports(app: Dash) -> None:
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
        b = as_number(beta, EWMA_BETA, 0.0, 0.999, "slider-ewma-beta", validate.Messages(), "beta")
        return charts.ewma_figure(float(b))  # type: ignore[arg-type]


def register(app: Dash) -> None:
    """Attach every callback of the race to ``app``, its browser-only ones included."""
    _register_builders(app)
    _register_racers_and_start(app)
    _register_engine(app)
    _register_explain(app)
    _register_exports(app)
    clientside.register(app)
    formula_box.register(app)
