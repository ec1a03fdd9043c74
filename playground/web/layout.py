"""The page: a control panel, the two landscape views, loss and schedule charts, the math.

Element ids are kebab-case ``<kind>-<thing>``; tests and scripts drive the page by them.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import dcc, html

from surfaces import FAMILIES, get_surface

from ..hyper import Hyper
from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES
from .validate import DEFAULT_RACERS, MAX_RACERS, MAX_STEPS

GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"scale": 2}}
SPEEDS = [
    ("slow · 10/s", 10),
    ("30 steps/s", 30),
    ("60 steps/s", 60),
    ("120 steps/s", 120),
    ("fast · 300/s", 300),
]
SCHEDULE_THEN = SCHEDULES["warmup"].hypers[2].choices


def _label(text: str, target: str | None = None, hint: str = "") -> html.Label:
    return html.Label(text, htmlFor=target, className="pg-label", title=hint or None)


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
                _label(h.name, hint=h.help),
                dbc.Select(id=id_, options=list(h.choices), value=value, size="sm"),
            ],
            className="pg-field",
        )
    shown = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    return html.Div(
        [_label(h.name, hint=label), dbc.Input(id=id_, value=shown, type="text", size="sm", debounce=True,
                                               placeholder="auto" if value is None else None)],
        className="pg-field",
    )  # fmt: skip


def racer_card(index: int, name: str, color: str, lr: float, hyper: dict) -> dbc.Card:
    opt = OPTIMIZERS[name]
    fields = [hyper_input(h, hyper.get(h.name, h.default), {"type": "input-hyper", "opt": name, "name": h.name})
              for h in opt.hypers if h.name != "lr"]  # fmt: skip
    log_lr = math.log10(min(max(lr, 1e-5), 10.0))
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.Span(className="pg-swatch", style={"background": color}),
                        html.Strong(opt.title),
                        html.Small(opt.summary, className="pg-muted d-block"),
                    ],
                    className="mb-1",
                ),
                html.Div(
                    [
                        _label("learning rate η", hint="log scale; type any value"),
                        html.Div(
                            [
                                dcc.Slider(
                                    id={"type": "slider-lr", "opt": name},
                                    min=-5,
                                    max=1,
                                    step=0.01,
                                    value=log_lr,
                                    marks={i: f"1e{i}" for i in range(-5, 2)},
                                    updatemode="mouseup",
                                    className="pg-lr-slider",
                                ),
                                dbc.Input(
                                    id={"type": "input-lr", "opt": name},
                                    value=f"{lr:g}",
                                    type="text",
                                    size="sm",
                                    debounce=True,
                                    className="pg-lr-input",
                                ),
                            ],
                            className="pg-lr",
                        ),
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


def surface_param_inputs(name: str) -> list:
    fam = FAMILIES[name]
    return [
        html.Div(
            [
                _label(f"{p.name}", hint=f"{p.description} [{p.low:g}, {p.high:g}]"),
                dbc.Input(
                    id={"type": "input-surface-param", "name": p.name},
                    value=f"{p.default:g}",
                    type="text",
                    size="sm",
                    debounce=True,
                ),
            ],
            className="pg-field",
        )
        for p in fam.params
    ]


def schedule_param_inputs(name: str, then: str = "constant") -> list:
    spec = SCHEDULES[name]
    out = []
    for h in spec.hypers:
        if h.name != "then":  # the follow-up schedule has its own select, always in the page
            out.append(hyper_input(h, h.default, {"type": "input-schedule-param", "name": h.name}))
    if name == "warmup":
        out += [hyper_input(h, h.default, {"type": "input-schedule-param", "name": h.name})
                for h in SCHEDULES[then].hypers]  # fmt: skip
    return out


def _section(title: str, *children, open_: bool = True) -> html.Details:
    return html.Details([html.Summary(title), html.Div(list(children), className="pg-section-body")],
                        open=open_, className="pg-section")  # fmt: skip


def controls() -> html.Div:
    default = get_surface("rosenbrock")
    return html.Div(
        [
            _section(
                "Landscape",
                dcc.Dropdown(
                    id="select-surface",
                    value="rosenbrock",
                    clearable=False,
                    searchable=False,
                    options=[{"label": f.title, "value": f.name} for f in FAMILIES.values()],
                ),
                html.Div(surface_param_inputs("rosenbrock"), id="div-surface-params", className="pg-grid"),
                html.Div(
                    [
                        html.Div(
                            [
                                _label("start x"),
                                dbc.Input(
                                    id="input-start-x",
                                    value=str(default.start[0]),
                                    type="text",
                                    size="sm",
                                    debounce=True,
                                ),
                            ],
                            className="pg-field",
                        ),
                        html.Div(
                            [
                                _label("start y"),
                                dbc.Input(
                                    id="input-start-y",
                                    value=str(default.start[1]),
                                    type="text",
                                    size="sm",
                                    debounce=True,
                                ),
                            ],
                            className="pg-field",
                        ),
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
                ),
                html.Small("Tip: click anywhere on the contour map to start there.", className="pg-muted"),
            ),
            _section(
                "Optimizers",
                dcc.Dropdown(
                    id="select-optimizers",
                    multi=True,
                    value=[r["optimizer"] for r in DEFAULT_RACERS],
                    options=[{"label": o.title, "value": o.name} for o in OPTIMIZERS.values()],
                    placeholder=f"pick up to {MAX_RACERS}",
                ),
                html.Div(id="div-racer-controls"),
            ),
            _section(
                "Schedule & noise",
                dbc.Select(
                    id="select-schedule",
                    value="constant",
                    size="sm",
                    options=[{"label": s.title, "value": s.name} for s in SCHEDULES.values()],
                ),
                html.Div(
                    [
                        _label("after the warmup"),
                        dbc.Select(
                            id="select-schedule-then",
                            value="constant",
                            size="sm",
                            options=[{"label": SCHEDULES[n].title, "value": n} for n in SCHEDULE_THEN],
                        ),
                    ],
                    id="div-schedule-then",
                    className="pg-field",
                    style={"display": "none"},
                ),
                html.Div(schedule_param_inputs("constant"), id="div-schedule-params", className="pg-grid"),
                html.Div(
                    [
                        html.Div(
                            [
                                _label("noise σ", hint="per-sample gradient noise; empty = auto (SGD only)"),
                                dbc.Input(
                                    id="input-noise",
                                    value="",
                                    placeholder="auto",
                                    type="text",
                                    size="sm",
                                    debounce=True,
                                ),
                            ],
                            className="pg-field",
                        ),
                        html.Div(
                            [
                                _label("batch size B", hint="noise shrinks as σ/√B"),
                                dbc.Input(id="input-batch", value="1", type="text", size="sm", debounce=True),
                            ],
                            className="pg-field",
                        ),
                        html.Div(
                            [
                                _label("seed"),
                                dbc.Input(id="input-seed", value="0", type="text", size="sm", debounce=True),
                            ],
                            className="pg-field",
                        ),
                    ],
                    className="pg-grid",
                ),
            ),
            _section(
                "Run",
                html.Div(
                    [
                        html.Div(
                            [
                                _label("steps", hint=f"1 to {MAX_STEPS}"),
                                dbc.Input(
                                    id="input-steps", value="500", type="text", size="sm", debounce=True
                                ),
                            ],
                            className="pg-field",
                        ),
                        html.Div(
                            [
                                _label("speed"),
                                dbc.Select(
                                    id="select-speed",
                                    value="60",
                                    size="sm",
                                    options=[{"label": k, "value": str(v)} for k, v in SPEEDS],
                                ),
                            ],
                            className="pg-field",
                        ),
                    ],
                    className="pg-grid",
                ),
                dbc.Switch(id="switch-log-loss", label="log-scale loss chart", value=True),
            ),
            html.Div(id="div-messages", role="status", **{"aria-live": "polite"}),
        ],
        className="pg-controls",
    )


def transport() -> html.Div:
    return html.Div(
        [
            dbc.ButtonGroup(
                [
                    dbc.Button("▶ Play", id="button-play", color="primary", title="Play / pause (Space)"),
                    dbc.Button("Step", id="button-step", color="primary", outline=True, title="One step (→)"),
                    dbc.Button("Reset", id="button-reset", color="primary", outline=True, title="Back to step 0 (R)"),
                ]
            ),
            html.Div(dcc.Slider(id="slider-step", min=0, max=500, step=1, value=0, marks=None,
                                updatemode="drag"),
                     className="pg-scrub"),
            html.Div([html.Span("step "), html.Span("0", id="text-step", className="pg-step"),
                      html.Span(" / "), html.Span("500", id="text-steps")], className="pg-stepbox"),
        ],
        className="pg-transport",
    )  # fmt: skip


GRAPH_HEIGHT = {
    "pg-g3d": "430px",
    "pg-g2d": "430px",
    "pg-gloss": "300px",
    "pg-gstate": "260px",
    "pg-gsched": "220px",
}


def _graph(id_: str, cls: str) -> dcc.Graph:
    return dcc.Graph(id=id_, config=GRAPH_CONFIG, className=cls, style={"height": GRAPH_HEIGHT[cls]})


def layout() -> html.Div:
    return html.Div(
        [
            dcc.Store(id="store-run"),
            dcc.Store(id="store-figure-key"),
            html.Header(
                [
                    html.Div(
                        [
                            html.Span("◆", className="pg-logo"),
                            html.H1("Loss-landscape playground"),
                            html.Span("optimizers racing downhill", className="pg-muted pg-tagline"),
                        ],
                        className="pg-brand",
                    ),
                    dbc.Button(
                        "☰ Controls",
                        id="button-controls",
                        className="pg-toggle",
                        color="secondary",
                        outline=True,
                        size="sm",
                    ),
                ],
                className="pg-header",
            ),
            html.Div(
                [
                    html.Aside(controls(), id="panel-controls", className="pg-aside"),
                    html.Main(
                        [
                            transport(),
                            html.Div(
                                [
                                    html.Section(
                                        [html.H2("Surface"), _graph("graph-surface-3d", "pg-g3d")],
                                        className="pg-card",
                                    ),
                                    html.Section(
                                        [html.H2("Contour map"), _graph("graph-contour", "pg-g2d")],
                                        className="pg-card",
                                    ),
                                ],
                                className="pg-views",
                            ),
                            html.Section(
                                [html.H2("Race"), html.Div(id="div-readout", className="pg-readout")],
                                className="pg-card",
                            ),
                            html.Div(
                                [
                                    html.Section(
                                        [html.H2("Loss"), _graph("graph-loss", "pg-gloss")],
                                        className="pg-card",
                                    ),
                                    html.Section(
                                        [
                                            html.H2("What the optimizer is thinking"),
                                            dbc.Select(id="select-inspect", value="0", size="sm", options=[]),
                                            html.Small(
                                                "Arrows on the contour map: red = −gradient, dotted blue = "
                                                "the step taken. Chart: effective per-coordinate step size.",
                                                className="pg-muted d-block my-1",
                                            ),
                                            _graph("graph-state", "pg-gstate"),
                                        ],
                                        className="pg-card",
                                    ),
                                ],
                                className="pg-views",
                            ),
                            html.Div(
                                [
                                    html.Section(
                                        [html.H2("The math"), html.Div(id="div-math")], className="pg-card"
                                    ),
                                    html.Section(
                                        [
                                            html.H2("Learning-rate schedule"),
                                            _graph("graph-schedule", "pg-gsched"),
                                            html.Div(id="div-surface-info"),
                                        ],
                                        className="pg-card",
                                    ),
                                ],
                                className="pg-views",
                            ),
                        ],
                        className="pg-main",
                    ),
                ],
                className="pg-body",
            ),
        ],
        className="pg-app",
    )
