"""The page: a control panel, the two landscape views, loss and schedule charts, the math.

Element ids are kebab-case ``<kind>-<thing>``; tests and scripts drive the page by them.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import dcc, html

from playground.core.hyper import Hyper
from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES, custom, get_surface

from . import contract, figures, formula_box, live, runs, urlstate, validate, views
from .contract import IDS, LABELS, LR_SLIDER
from .lessons import LESSONS
from .settings import FAN_SEEDS, FRAMES, MAX_RACERS, MAX_STEPS, SCHEDULE_THEN
from .validate import num

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"scale": 2},
    "showSendToCloud": False,  # no buttons that leave the machine
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "select2d", "lasso2d"],
}
SPEEDS = [
    ("slow · 10/s", 10),
    ("30 steps/s", 30),
    ("60 steps/s", 60),
    ("120 steps/s", 120),
    ("fast · 300/s", 300),
]
# what each control shows before any link: the defaults of settings.FIELDS
DEFAULT_CONFIG = validate.config({})[0]
INITIAL = urlstate.widget_values(DEFAULT_CONFIG, None)


def _label(text: str, target: str | None = None, hint: str = "") -> html.Label:
    return html.Label(text, htmlFor=target, className="pg-label", title=hint or None)


def text_field(label: str, id_: str, value: str, hint: str = "", placeholder: str | None = None) -> html.Div:
    """A labelled one-line text box; the server validates whatever is typed."""
    box = dbc.Input(id=id_, value=value, type="text", size="sm", debounce=True, placeholder=placeholder)
    return html.Div([_label(label, hint=hint), box], className="pg-field")


def select_field(label: str, id_: str, value: str, choices: dict[str, str], **div) -> html.Div:
    """A labelled drop-down of ``choices`` (value -> label); ``div``: the field's own attributes."""
    box = dbc.Select(
        id=id_, value=value, size="sm", options=[{"label": t, "value": v} for v, t in choices.items()]
    )
    return html.Div([_label(label), box], className="pg-field", **div)


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
    shown = "" if value is None else num(value) if isinstance(value, float) else str(value)
    return html.Div(
        [_label(h.name, hint=label), dbc.Input(id=id_, value=shown, type="text", size="sm", debounce=True,
                                               placeholder="auto" if value is None else None)],
        className="pg-field",
    )  # fmt: skip


def optimizer_options() -> list[dict]:
    """Every optimizer, then second and third copies (to race one optimizer against itself)."""
    out = [{"label": o.title, "value": o.name} for o in OPTIMIZERS.values()]
    for n in (2, 3):
        out += [{"label": f"{o.title} #{n}", "value": f"{o.name}~{n}"} for o in OPTIMIZERS.values()]
    return out


def racer_card(
    index: int, name: str, color: str, lr: float, hyper: dict, title: str | None = None
) -> dbc.Card:
    opt = OPTIMIZERS[name.split("~")[0]]
    fields = [hyper_input(h, hyper.get(h.name, h.default), {"type": "input-hyper", "opt": name, "name": h.name})
              for h in opt.hypers if h.name != "lr"]  # fmt: skip
    lo, hi = LR_SLIDER["min"], LR_SLIDER["max"]
    log_lr = min(max(math.log10(lr), lo), hi) if lr > 0 else lo
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.Span(className="pg-swatch", style={"background": color}),
                        html.Strong(title or opt.title),
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
                                    id={"type": IDS.lr_slider, "opt": name},
                                    min=lo,
                                    max=hi,
                                    step=LR_SLIDER["step"],
                                    value=log_lr,
                                    marks={i: f"1e{i}" for i in range(lo, hi + 1)},
                                    updatemode="mouseup",
                                    className="pg-lr-slider",
                                ),
                                dbc.Input(
                                    id={"type": "input-lr", "opt": name},
                                    value=num(lr),
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
    fam = FAMILIES[name]
    values = values or {}
    return [
        html.Div(
            [
                _label(f"{p.name}", hint=f"{p.description} [{p.low:g}, {p.high:g}]"),
                dbc.Input(
                    id={"type": "input-surface-param", "name": p.name},
                    value=num(values.get(p.name, p.default)),
                    type="text",
                    size="sm",
                    debounce=True,
                ),
            ],
            className="pg-field",
        )
        for p in fam.params
    ]


def schedule_param_inputs(name: str, then: str = "constant", values: dict | None = None) -> list:
    spec = SCHEDULES[name]
    values = values or {}
    hypers = [h for h in spec.hypers if h.name != "then"]  # "then" has its own select, always in the page
    if name == "warmup":
        hypers += list(SCHEDULES[then].hypers)
    out = [hyper_input(h, values.get(h.name, h.default), {"type": "input-schedule-param", "name": h.name})
           for h in hypers]  # fmt: skip
    return out


def message_box(id_: str) -> html.Div:
    """Where the server's notes about the controls just above appear (bad or clamped values)."""
    return html.Div(id=id_, className="pg-msgs", role="status", **{"aria-live": "polite"})


def _section(title: str, *children, open_: bool = True) -> html.Details:
    return html.Details([html.Summary(title), html.Div(list(children), className="pg-section-body")],
                        open=open_, className="pg-section")  # fmt: skip


def controls() -> html.Div:
    default = get_surface(INITIAL["surface"])
    return html.Div(
        [
            _section(
                "Landscape",
                dcc.Dropdown(
                    id="select-surface",
                    value=INITIAL["surface"],
                    clearable=False,
                    searchable=False,
                    options=[{"label": f.title, "value": f.name} for f in FAMILIES.values()],
                ),
                html.Div(
                    surface_param_inputs(INITIAL["surface"]), id="div-surface-params", className="pg-grid"
                ),
                html.Div(  # shown for the Custom formula surface only
                    [
                        text_field(
                            "formula f(x, y)", "input-formula", INITIAL["formula"], hint=formula_box.HINT
                        ),
                        formula_box.formula_extras(),
                    ],
                    id="div-formula",
                    hidden=INITIAL["surface"] != custom.NAME,
                ),
                formula_box.gallery(),
                message_box("msg-surface"),
                html.Div(
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
                ),
                select_field("contour map frame", "select-frame", INITIAL["frame"], FRAMES),
                message_box("msg-start"),
                html.Small(
                    "Tip: click anywhere on the contour map to start there "
                    f"(on a touch screen: {LABELS['tapStart']}, then tap).",
                    className="pg-muted",
                ),
            ),
            _section(
                "Optimizers",
                dcc.Dropdown(
                    id="select-optimizers",
                    multi=True,
                    value=INITIAL["optimizers"],
                    options=optimizer_options(),
                    placeholder=f"pick up to {MAX_RACERS}",
                ),
                message_box("msg-optimizers"),
                html.Div(
                    racer_cards(
                        DEFAULT_CONFIG.keys,
                        [r.lr for r in DEFAULT_CONFIG.racers],
                        [{} for _ in DEFAULT_CONFIG.racers],
                    ),
                    id="div-racer-controls",
                ),
            ),
            _section(
                "Schedule & noise",
                dbc.Select(
                    id="select-schedule",
                    value=INITIAL["schedule"],
                    size="sm",
                    options=[{"label": s.title, "value": s.name} for s in SCHEDULES.values()],
                ),
                select_field(
                    "after the warmup",
                    "select-schedule-then",
                    INITIAL["then"],
                    {n: SCHEDULES[n].title for n in SCHEDULE_THEN},
                    id="div-schedule-then",
                    style={"display": "none"},
                ),
                html.Div(
                    schedule_param_inputs(INITIAL["schedule"]), id="div-schedule-params", className="pg-grid"
                ),
                message_box("msg-schedule"),
                html.Div(
                    [
                        text_field(
                            "noise σ",
                            "input-noise",
                            INITIAL["noise"],
                            hint="per-sample gradient noise; empty = auto (SGD only); on a data surface: on or off (real mini-batches)",
                            placeholder="auto",
                        ),
                        text_field(
                            "batch size B", "input-batch", INITIAL["batch_size"], hint="noise shrinks as σ/√B"
                        ),
                        text_field("seed", "input-seed", INITIAL["seed"]),
                        text_field(
                            "fan seeds K",
                            "input-fan",
                            INITIAL["fan"],
                            hint=f"0 = off; {FAN_SEEDS} draws each noisy racer's spread over seeds",
                        ),
                    ],
                    className="pg-grid",
                ),
                message_box("msg-noise"),
            ),
            _section(
                "Run",
                html.Div(
                    [
                        text_field("steps", "input-steps", INITIAL["steps"], hint=f"1 to {MAX_STEPS}"),
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
                message_box("msg-steps"),
                dbc.Switch(id=IDS.log_loss, label="log-scale loss chart", value=True),
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
                    dbc.Button(LABELS["play"], id=IDS.play, color="primary", title="Play / pause (Space)"),
                    dbc.Button("Step", id=IDS.step, color="primary", outline=True, title="One step (→)"),
                    dbc.Button("Reset", id=IDS.reset, color="primary", outline=True, title="Back to step 0 (R)"),
                ]
            ),
            html.Div(dcc.Slider(id=IDS.scrubber, min=0, max=500, step=1, value=0, marks=None,
                                updatemode="drag", allow_direct_input=False),  # one step readout: the counter
                     className="pg-scrub"),
            html.Div([html.Span("step "), html.Span("0", id=IDS.step_text, className="pg-step"),
                      html.Span(" / "), html.Span("500", id="text-steps")], className="pg-stepbox"),
        ],
        className="pg-transport",
    )  # fmt: skip


EWMA_BETA = 0.9  # the EWMA box's β until its slider moves

GRAPH_HEIGHT = {
    "pg-g3d": "430px",
    "pg-g2d": "430px",
    "pg-gloss": "300px",
    "pg-gstate": "260px",
    "pg-gsched": "220px",
}


# plotly.js draws a WebGL scene at twice the screen's pixels by default (plotGlPixelRatio 2):
# four times the fill work, which software GL (a projector PC without a GPU, this machine)
# pays on every frame. One to one with a standard screen.
SCENE_CONFIG = {**GRAPH_CONFIG, "plotGlPixelRatio": 1}


def _graph(id_: str, cls: str, figure: dict | None = None) -> dcc.Graph:
    """A race graph: its figure, or a stand-in until `first_figures` hands its own over."""
    config = SCENE_CONFIG if id_ == IDS.surface else GRAPH_CONFIG
    return dcc.Graph(
        id=id_,
        config=config,
        className=cls,
        style={"height": GRAPH_HEIGHT[cls]},
        figure=figure or figures.PLACEHOLDER,
    )


def first_figures(first: dict) -> dict[str, dict]:
    """The default view's figures drawn after its contour map (graph id -> figure). The state
    chart has none: the inspect callback draws it from the run."""
    return {
        IDS.surface: first["surface"],
        IDS.loss_chart: first["loss"],
        IDS.schedule_chart: first["schedule"],
        IDS.ewma_chart: figures.ewma_figure(EWMA_BETA),
    }


def layout() -> html.Div:
    # the default view travels with the page itself: the plots draw without a callback first
    first = runs.view(DEFAULT_CONFIG)
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id=IDS.run, data=first["run"]),
            # the other plots' first figures wait in the page until the contour map is drawn
            # (clientside.register): Dash draws every graph of the page in one task, in page
            # order, and the map would show only after all of them (the scene's first WebGL
            # draw alone holds the page ~0.7 s in software GL)
            dcc.Store(id=IDS.first_figures, data=first_figures(first)),
            dcc.Store(id=IDS.contract, data=contract.as_dict()),  # read once by the playback scripts
            dcc.Store(id="store-figure-key", data=first["key"]),
            dcc.Store(id="store-url"),
            dcc.Store(id="store-query", data=urlstate.to_query(DEFAULT_CONFIG, None, INITIAL["view"])),
            dcc.Download(id="download-export"),
            share_modal(),
            help_box(),
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
                    header_actions(),
                ],
                className="pg-header",
            ),
            html.Div(
                [
                    html.Aside(controls(), id="panel-controls", className="pg-aside"),
                    html.Main(
                        [
                            html.Div(id="div-notice"),
                            html.Div(id="div-lesson"),
                            view_tabs(),
                            extra_views(),
                            html.Div(race_view(first), id=views.container_id(views.RACE)),
                        ],
                        className="pg-main",
                    ),
                ],
                className="pg-body",
            ),
        ],
        className="pg-app",
    )


def view_tabs() -> html.Div:
    """One tab per view (views/); hidden when the race is the only view."""
    options = [{"label": "Race", "value": views.RACE}] + [
        {"label": v.title, "value": v.id} for v in views.discover()
    ]
    return html.Div(
        dbc.RadioItems(id="tabs-view", options=options, value=INITIAL["view"], inline=True,
                       className="btn-group", inputClassName="btn-check",
                       labelClassName="btn btn-sm btn-outline-primary", labelCheckedClassName="active"),
        className="pg-view-tabs", hidden=len(options) < 2,
    )  # fmt: skip


def extra_views() -> dcc.Tabs:
    """The other views' containers; the chosen one alone is mounted.

    They sit in a ``dcc.Tabs`` without its tab bar (``tabs-view`` is the bar), because a
    ``dcc.Tabs`` mounts the chosen tab's content alone: a visit to the race does not build
    and draw the maps' and the network's plots (~0.1 s of every page load, benchmarks/browser.py),
    and their components stay in the layout, so their callbacks work while unmounted.
    """
    tabs = [dcc.Tab(html.Div(v.layout(), id=views.container_id(v.id)), value=v.id) for v in views.discover()]
    return dcc.Tabs(tabs, id=views.MOUNT_ID, value=INITIAL["view"], style={"display": "none"},
                    parent_className="pg-view-mount", content_className="pg-view-mounted")  # fmt: skip


def _scene_head() -> html.Div:
    """The 3D card's title and its auto-rotate switch (the camera turns while paused)."""
    turn = html.Button(LABELS["rotate"], id=IDS.rotate, className="pg-card-button", **{"aria-pressed": "false"},
                       title="Turn the 3D view slowly while paused (O); dragging the view stops it")  # fmt: skip
    return html.Div([html.H2("Surface"), turn], className="pg-card-head")


def _contour_head() -> html.Div:
    """The contour card's title, and the button that arms the next tap as the start (shown on
    touch screens only, where a tap otherwise just reads the value under the finger)."""
    arm = html.Button(LABELS["tapStart"], id="button-tap-start", n_clicks=0, className="pg-card-button pg-tap-start",
                      title="Touch screens: the next tap on the map sets the start")  # fmt: skip
    return html.Div([html.H2("Contour map"), arm], className="pg-card-head")


def race_view(first: dict | None = None) -> list:
    """The race: transport, the 3D surface and contour map, the table, loss and inspect charts, the math.

    ``first``: what the plots show before any callback (runs.view of the default configuration)."""
    first = first or runs.view(DEFAULT_CONFIG)
    return [
        transport(),
        html.Div(
            [
                html.Section(
                    [_scene_head(), _graph(IDS.surface, "pg-g3d")],
                    className="pg-card pg-card-3d",
                ),
                html.Section(
                    [
                        _contour_head(),
                        _graph(IDS.contour, "pg-g2d", first["contour"]),
                        dcc.Store(id="store-start-click"),
                    ],
                    className="pg-card pg-card-contour",
                ),
            ],
            className="pg-views",
        ),
        html.Section(
            [html.H2("Race"), html.Div(id=IDS.readout, className="pg-readout"), status_key()],
            className="pg-card pg-card-race",
        ),
        html.Div(
            [
                html.Section(
                    [html.H2("Loss"), _graph(IDS.loss_chart, "pg-gloss")],
                    className="pg-card pg-card-loss",
                ),
                html.Section(
                    [
                        html.H2("What the optimizer is thinking"),
                        dbc.Select(id=IDS.inspect, value="0", size="sm", options=first["inspect"]),
                        html.Small(
                            "Arrows on the contour map: red = −gradient, dotted blue = "
                            "the step taken. Chart: effective per-coordinate step size.",
                            className="pg-muted d-block my-1",
                        ),
                        _graph(IDS.state_chart, "pg-gstate"),
                    ],
                    className="pg-card",
                ),
            ],
            className="pg-views",
        ),
        html.Div(
            [
                html.Section([html.H2("The math"), html.Div(id="div-math")], className="pg-card"),
                html.Section(
                    [
                        html.H2("Learning-rate schedule"),
                        _graph(IDS.schedule_chart, "pg-gsched"),
                        html.Div(id="div-surface-info"),
                    ],
                    className="pg-card",
                ),
            ],
            className="pg-views",
        ),
        html.Div(
            [
                html.Section([html.H2("Export"), export_box()], className="pg-card"),
                html.Section(
                    [
                        html.H2("EWMA: the average inside momentum, RMSProp and Adam"),
                        ewma_box(),
                    ],
                    className="pg-card",
                ),
            ],
            className="pg-views",
        ),
    ]


def header_actions() -> html.Div:
    lessons = [{"label": le.title, "value": le.id} for le in LESSONS]
    return html.Div(
        [
            dbc.Select(id="select-lesson", size="sm", value="", placeholder="Guided lessons…",
                       className="pg-lesson-select", options=lessons),
            dbc.Button("Share", id="button-share", size="sm", color="light", outline=True),
            *live.header_pieces(),
            dbc.Button("Presenter", id=IDS.presenter, size="sm", color="light", outline=True,
                       title="Presenter mode (P)"),
            dbc.Button(LABELS["dark"], id=IDS.theme, size="sm", color="light", outline=True),
            dbc.Button("?", id="button-help", size="sm", color="light", outline=True, title="Keyboard shortcuts (?)"),
            dbc.Button(["☰", html.Span(" Controls", className="pg-wide-label")], id="button-controls",
                       className="pg-toggle", color="secondary", outline=True, size="sm", title="Controls"),
        ],
        className="pg-actions",
    )  # fmt: skip


def help_box() -> dbc.Modal:
    rows = [html.Tr([html.Td(html.Kbd(s.label)), html.Td(s.text)]) for s in contract.SHORTCUTS]
    return dbc.Modal([dbc.ModalHeader(dbc.ModalTitle("Keyboard shortcuts")),
                      dbc.ModalBody(dbc.Table(html.Tbody(rows), size="sm", className="pg-table"))],
                     id=IDS.help, is_open=False)  # fmt: skip


def share_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Share this run")),
            dbc.ModalBody(
                [
                    html.P("Anyone who opens this link sees exactly these paths.", className="pg-muted"),
                    dbc.InputGroup(
                        [
                            dbc.Input(id="input-share-url", readonly=True),
                            dbc.Button("Copy link", id="button-copy-link", color="primary"),
                        ]
                    ),
                    html.Img(id="img-qr", className="pg-qr", alt="QR code of the link"),
                ]
            ),
        ],
        id="modal-share",
        is_open=False,
        size="lg",
    )


def export_box() -> html.Div:
    return html.Div(
        [
            html.Div(
                [dbc.Button("Trajectories (CSV)", id="button-export-csv", size="sm", color="primary", outline=True),
                 dbc.Button("Trajectories (JSON)", id="button-export-json", size="sm", color="primary",
                            outline=True)],
                className="pg-export-buttons",
            ),
            html.Small("Each plot saves itself as PNG from its camera icon. Copy as PyTorch:", className="pg-muted"),
            html.Pre(id="pre-torch", className="pg-code"),
        ]
    )  # fmt: skip


def ewma_box() -> html.Div:
    return html.Div(
        [
            html.Small(
                "A noisy series, its exponentially weighted average v_t = βv_{t−1} + (1−β)x_t started at 0, and "
                "the bias-corrected average v_t / (1 − βᵗ). Early on the plain average is dragged towards its "
                "zero start; dividing by 1 − βᵗ removes exactly that, which is why Adam does it.",
                className="pg-muted",
            ),
            html.Div([html.Label("β", className="pg-label"),
                      dcc.Slider(id="slider-ewma-beta", min=0.5, max=0.99, step=0.01, value=EWMA_BETA,
                                 marks={0.5: "0.5", 0.9: "0.9", 0.99: "0.99"})]),
            dcc.Graph(id=IDS.ewma_chart, config=GRAPH_CONFIG, style={"height": "240px"}, figure=figures.PLACEHOLDER),
        ]
    )  # fmt: skip


def status_key() -> html.Div:
    """The key under the race table: every status's chip, in its tone, and the end marks."""
    tones = ("good", "warn", "bad", "neutral")  # successes first, then the rest
    ordered = sorted(contract.STATUSES.values(), key=lambda st: tones.index(st["tone"]))
    chips = [html.Span(st["key"], className=f"pg-status {st['tone']}") for st in ordered]
    ends = [
        html.Span([html.B(glyph), " ", words], className="pg-key-mark") for glyph, words in contract.END_MARKS
    ]
    points = [html.Span([html.B(m[4], className="pg-key-point"), " ", m[1]], className="pg-key-mark")
              for m in contract.CRITICAL_MARKS]  # fmt: skip
    return html.Div(
        [html.Span("Status:", className="pg-key-title"), *chips, html.Span("On the map:", className="pg-key-title"),
         *points, *ends],
        className="pg-status-key",
    )  # fmt: skip


def selection_note(refused: list[str]) -> html.Div:
    """Why the last optimizers chosen are not in the race (above the racer cards)."""
    label = {o["value"]: o["label"] for o in optimizer_options()}
    titles = [label[name] for name in refused]
    dropped = ", ".join(titles) if len(titles) <= 3 else f"{len(titles)} more"
    return html.Div(
        contract.TOO_MANY.format(dropped=dropped), className="pg-msg pg-msg-refused", role="alert"
    )
