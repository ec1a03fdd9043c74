"""The race's control panel: the landscape, the optimizers and their cards, schedule and noise,
the run. Each setting's widget carries the id of its field in the settings schema (state/settings.py);
the server rebuilds the parameter boxes and racer cards (callbacks.py)."""

from __future__ import annotations

import json
import math

import dash_bootstrap_components as dbc
from dash import dcc, html

from playground.core.hyper import Hyper
from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES, custom, get_surface

from ... import contract
from ...contract import IDS, LABELS, LR_SLIDER
from ...state.limits import FAN_SEEDS, MAX_RACERS, MAX_STEPS
from ...state.settings import DEFAULT_SCHEDULE, FRAMES, SCHEDULE_THEN
from ...state.values import num
from ...state.widgets import DEFAULT_CONFIG, INITIAL
from . import formula_box

DEFAULT_SPEED = 60  # steps per second until the speed is chosen (the player's own: 10-pg-contract.js)
SPEEDS = [
    ("slow · 10/s", 10),
    ("30 steps/s", 30),
    (f"{DEFAULT_SPEED} steps/s", DEFAULT_SPEED),
    ("120 steps/s", 120),
    ("fast · 300/s", 300),
]


def dom_id(id_: str | dict) -> str:
    """A component's id as Dash writes it into the page (a pattern id: its JSON, keys sorted)."""
    return id_ if isinstance(id_, str) else json.dumps(id_, sort_keys=True, separators=(",", ":"))


def _label(text: str, target: str | dict, hint: str = "") -> html.Label:
    """The visible name of the control ``target``: it is also its accessible name."""
    return html.Label(text, htmlFor=dom_id(target), className="pg-label", title=hint or None)


def text_field(label: str, id_: str, value: str, hint: str = "", placeholder: str | None = None) -> html.Div:
    """A labelled one-line text box; the server validates whatever is typed."""
    box = dbc.Input(id=id_, value=value, type="text", size="sm", debounce=True, placeholder=placeholder)
    return html.Div([_label(label, id_, hint=hint), box], className="pg-field")


def select_field(label: str, id_: str, value: str, choices: dict[str, str], **div) -> html.Div:
    """A labelled drop-down of ``choices`` (value -> label); ``div``: the field's own attributes."""
    box = dbc.Select(
        id=id_, value=value, size="sm", options=[{"label": t, "value": v} for v, t in choices.items()]
    )
    return html.Div([_label(label, id_), box], className="pg-field", **div)


def hyper_input(h: Hyper, value, id_: dict) -> html.Div:
    """One hyperparameter control: switch for booleans, select for choices, text otherwise."""
    label = h.name + (f"  ({h.help})" if h.help else "")
    if h.kind == "bool":
        return html.Div(
            dbc.Switch(id=id_, label=h.name, value=bool(value)), className="pg-field", title=h.help
        )
    if h.kind == "choice":
        return html.Div(
            [
                _label(h.name, id_, hint=h.help),
                dbc.Select(id=id_, options=list(h.choices), value=value, size="sm"),
            ],
            className="pg-field",
        )
    shown = "" if value is None else num(value) if isinstance(value, float) else str(value)
    return html.Div(
        [_label(h.name, id_, hint=label), dbc.Input(id=id_, value=shown, type="text", size="sm", debounce=True,
                                               placeholder="auto" if value is None else None)],
        className="pg-field",
    )  # fmt: skip


def optimizer_options() -> list[dict]:
    """Every optimizer, then second and third copies (to race one optimizer against itself)."""
    out = [{"label": o.title, "value": o.name} for o in OPTIMIZERS.values()]
    for n in (2, 3):
        out += [{"label": f"{o.title} #{n}", "value": f"{o.name}~{n}"} for o in OPTIMIZERS.values()]
    return out


def racer_swatch(color: str, glyph: str) -> html.Span:
    """A racer's mark beside its name: its slot's symbol (contract.racer_look) in its colour,
    the shape its head has in the plots; hidden from screen readers, which read the name."""
    return html.Span(glyph, className="pg-swatch", style={"color": color}, **{"aria-hidden": "true"})


# decades between the learning-rate slider's labelled marks: a label for every decade crowded
# seven "1e-5"-wide labels into the panel's ~190 px slider (3 px apart at 1280 px, overlapping
# at 320 px); every other one, as powers of ten, leaves 25 px or more between them
LR_MARK_EVERY = 2
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def lr_marks(lo: int, hi: int) -> dict[int, str]:
    """The slider's labelled decades (log10 of the rate -> "10⁻³"): every `LR_MARK_EVERY`-th
    down from the top one (the range's both ends, -5 to 1, are labelled)."""
    return {
        d: "10" + str(d).translate(_SUPERSCRIPT) for d in range(lo, hi + 1) if (hi - d) % LR_MARK_EVERY == 0
    }


def racer_card(
    index: int, name: str, color: str, lr: float, hyper: dict, title: str | None = None
) -> dbc.Card:
    opt = OPTIMIZERS[name.split("~")[0]]
    start = opt.on_page  # a racer just added shows the values it will run with
    fields = [hyper_input(h, hyper.get(h.name, start[h.name]), {"type": "input-hyper", "opt": name, "name": h.name})
              for h in opt.hypers if h.name != "lr"]  # fmt: skip
    lo, hi = LR_SLIDER["min"], LR_SLIDER["max"]
    log_lr = min(max(math.log10(lr), lo), hi) if lr > 0 else lo
    lr_dial, lr_box = {"type": IDS.lr_slider, "opt": name}, {"type": "input-lr", "opt": name}
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        racer_swatch(color, contract.racer_look(index)["glyph"]),
                        html.Strong(title or opt.title),
                        html.Small(opt.summary, className="pg-muted d-block"),
                    ],
                    className="mb-1",
                ),
                html.Div(
                    [
                        _label("learning rate η", lr_box, hint="log scale; type any value"),
                        html.Div(
                            [
                                html.Label(
                                    "learning rate η, log scale",
                                    htmlFor=dom_id(lr_dial),
                                    className="visually-hidden",
                                ),
                                dcc.Slider(
                                    id=lr_dial,
                                    min=lo,
                                    max=hi,
                                    step=LR_SLIDER["step"],
                                    value=log_lr,
                                    marks=lr_marks(lo, hi),
                                    updatemode="mouseup",
                                    className="pg-lr-slider",
                                ),
                                dbc.Input(
                                    id=lr_box,
                                    value=num(lr),
                                    type="text",
                                    size="sm",
                                    debounce=True,
                                    className="pg-lr-input",
                                ),
                            ],
                            className="pg-lr",
                        ),
                        message_box({"type": LR_BOX, "opt": name}),
                    ],
                    className="pg-field",
                ),
                html.Details([html.Summary("more settings"), html.Div(fields, className="pg-grid")])
                if fields
                else None,
            ]
        ),
        className="pg-racer",
        style={"borderLeftColor": color},
    )


def racer_cards(
    keys: list[str], lrs: list[float], hypers: list[dict], titles: list[str | None] | None = None
) -> list:
    """One card per racer, in its own colour (contract.racer_colors), titled like its racer in
    the plots where ``titles`` gives it ("Newton (saddle free)")."""
    if not keys:  # what to do, where the cards would be (the race table says it too)
        return [html.Div(contract.EMPTY_RACE, className="pg-msg")]
    colors = contract.racer_colors(keys)
    titles = titles or [None] * len(keys)
    return [racer_card(i, *args) for i, args in enumerate(zip(keys, colors, lrs, hypers, titles))]


def surface_param_inputs(name: str, values: dict | None = None) -> list:
    values = values or {}
    return [_surface_param(p, values.get(p.name, p.default)) for p in FAMILIES[name].params]


def _surface_param(p, value) -> html.Div:
    """One surface parameter's labelled box."""
    box = {"type": "input-surface-param", "name": p.name}
    return html.Div(
        [
            _label(p.name, box, hint=f"{p.description} [{p.low:g}, {p.high:g}]"),
            dbc.Input(id=box, value=num(value), type="text", size="sm", debounce=True),
        ],
        className="pg-field",
    )


def schedule_param_inputs(name: str, then: str = DEFAULT_SCHEDULE, values: dict | None = None) -> list:
    spec = SCHEDULES[name]
    values = values or {}
    hypers = [h for h in spec.hypers if h.name != "then"]  # "then" has its own select, always in the page
    if name == "warmup":
        hypers += list(SCHEDULES[then].hypers)
    out = [hyper_input(h, values.get(h.name, h.default), {"type": "input-schedule-param", "name": h.name})
           for h in hypers]  # fmt: skip
    return out


LR_BOX = "msg-lr"  # the pattern type of each racer's learning-rate message box


def message_box(id_: str | dict) -> html.Div:
    """Where the server's notes about the controls just above appear (bad or clamped values)."""
    return html.Div(id=id_, className="pg-msgs", role="status", **{"aria-live": "polite"})


def _section(title: str, *children, open_: bool = True) -> html.Details:
    return html.Details([html.Summary(title), html.Div(list(children), className="pg-section-body")],
                        open=open_, className="pg-section")  # fmt: skip


def controls() -> html.Div:
    """The control panel: one section per part of a run, then the box for notes on no control."""
    return html.Div(
        [
            _landscape(),
            _optimizers(),
            _schedule_and_noise(),
            _run(),
            html.Div(id="div-messages", role="status", **{"aria-live": "polite"}),
        ],
        className="pg-controls",
    )


def _landscape() -> html.Details:
    """The surface, its parameters (or formula), and where the racers start."""
    surfaces = [{"label": f.title, "value": f.name} for f in FAMILIES.values()]
    return _section(
        "Landscape",
        html.Label("surface", htmlFor="select-surface", className="visually-hidden"),
        dcc.Dropdown(
            id="select-surface", value=INITIAL["surface"], clearable=False, searchable=False, options=surfaces
        ),
        html.Div(surface_param_inputs(INITIAL["surface"]), id="div-surface-params", className="pg-grid"),
        html.Div(  # shown for the Custom formula surface only
            [
                text_field("formula f(x, y)", "input-formula", INITIAL["formula"], hint=formula_box.HINT),
                formula_box.formula_extras(INITIAL["formula"], shown=INITIAL["surface"] == custom.NAME),
            ],
            id="div-formula",
            hidden=INITIAL["surface"] != custom.NAME,
        ),
        formula_box.gallery(),
        message_box("msg-surface"),
        _start_boxes(),
        select_field("contour map frame", "select-frame", INITIAL["frame"], FRAMES),
        message_box("msg-start"),
        html.Small(
            "Tip: click anywhere on the contour map to start there "
            f"(on a touch screen: {LABELS['tapStart']}, then tap).",
            className="pg-muted",
        ),
    )


def _start_boxes() -> html.Div:
    """The start point's two boxes (the first surface's start) and the random-start button."""
    default = get_surface(INITIAL["surface"])
    return html.Div(
        [
            text_field("start x", "input-start-x", str(default.start[0])),
            text_field("start y", "input-start-y", str(default.start[1])),
            dbc.Button(
                "Random",
                id="button-random-start",
                size="sm",
                color="secondary",
                outline=True,
                className="pg-random",
            ),
        ],
        className="pg-grid pg-start",
    )


def _optimizers() -> html.Details:
    """The racers: the multi-select, then one card per racer (learning rate and settings)."""
    first = racer_cards(
        DEFAULT_CONFIG.keys, [r.lr for r in DEFAULT_CONFIG.racers], [{} for _ in DEFAULT_CONFIG.racers]
    )
    return _section(
        "Optimizers",
        html.Label("optimizers", htmlFor="select-optimizers", className="visually-hidden"),
        dcc.Dropdown(
            id="select-optimizers",
            multi=True,
            value=INITIAL["optimizers"],
            options=optimizer_options(),
            placeholder=f"pick up to {MAX_RACERS}",
        ),
        message_box("msg-optimizers"),
        html.Div(first, id="div-racer-controls"),
    )


def _schedule_and_noise() -> html.Details:
    """The learning-rate schedule and its parameters; gradient noise, batch, seed and fan."""
    schedules = [{"label": s.title, "value": s.name} for s in SCHEDULES.values()]
    return _section(
        "Schedule & noise",
        html.Label("schedule", htmlFor="select-schedule", className="visually-hidden"),
        dbc.Select(id="select-schedule", value=INITIAL["schedule"], size="sm", options=schedules),
        select_field(
            "after the warmup",
            "select-schedule-then",
            INITIAL["then"],
            {n: SCHEDULES[n].title for n in SCHEDULE_THEN},
            id="div-schedule-then",
            style={"display": "none"},
        ),
        html.Div(schedule_param_inputs(INITIAL["schedule"]), id="div-schedule-params", className="pg-grid"),
        message_box("msg-schedule"),
        _noise_boxes(),
        message_box("msg-noise"),
    )


def _noise_boxes() -> html.Div:
    return html.Div(
        [
            text_field(
                "noise σ",
                "input-noise",
                INITIAL["noise"],
                hint="per-sample gradient noise; empty = auto (SGD only); on a data surface: on or off (real mini-batches)",
                placeholder="auto",
            ),
            text_field("batch size B", "input-batch", INITIAL["batch_size"], hint="noise shrinks as σ/√B"),
            text_field("seed", "input-seed", INITIAL["seed"]),
            text_field(
                "fan seeds K",
                "input-fan",
                INITIAL["fan"],
                hint=f"0 = off; {FAN_SEEDS} draws each noisy racer's spread over seeds",
            ),
        ],
        className="pg-grid",
    )


def _run() -> html.Details:
    """How long the race runs, how fast it plays, and the loss chart's scale."""
    speed = dbc.Select(id="select-speed", value=str(DEFAULT_SPEED), size="sm",
                       options=[{"label": k, "value": str(v)} for k, v in SPEEDS])  # fmt: skip
    return _section(
        "Run",
        html.Div(
            [
                text_field("steps", "input-steps", INITIAL["steps"], hint=f"1 to {MAX_STEPS}"),
                html.Div([_label("speed", "select-speed"), speed], className="pg-field"),
            ],
            className="pg-grid",
        ),
        message_box("msg-steps"),
        dbc.Switch(id=IDS.log_loss, label="log-scale loss chart", value=True),
    )


def selection_note(refused: list[str]) -> html.Div:
    """Why the last optimizers chosen are not in the race (above the racer cards)."""
    label = {o["value"]: o["label"] for o in optimizer_options()}
    titles = [label[name] for name in refused]
    dropped = ", ".join(titles) if len(titles) <= 3 else f"{len(titles)} more"
    return html.Div(
        contract.TOO_MANY.format(dropped=dropped), className="pg-msg pg-msg-refused", role="alert"
    )
