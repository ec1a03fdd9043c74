"""The race's main column: transport, the 3D surface and contour map, the race table, the loss
and inspect charts, the math, the schedule, exports and the EWMA demonstration."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from ... import contract, runs
from ...contract import IDS, LABELS
from ...later import mounted_later
from ...plots import charts
from ...plots.style import (
    FIRST_MAP_MARGIN,
    GRAPH_CONFIG,
    GRAPH_HEIGHT,
    PLACEHOLDER,
    SCENE_CONFIG,
    first_paint,
)
from ...state.widgets import DEFAULT_CONFIG
from . import explain


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
            html.Label("playback step", htmlFor=IDS.scrubber, className="visually-hidden"),
            html.Div(dcc.Slider(id=IDS.scrubber, min=0, max=DEFAULT_CONFIG.steps, step=1, value=0, marks=None,
                                updatemode="drag", allow_direct_input=False),  # one step readout: the counter
                     className="pg-scrub"),
            html.Div([html.Span("step "), html.Span("0", id=IDS.step_text, className="pg-step"),
                      html.Span(" / "), html.Span(str(DEFAULT_CONFIG.steps), id="text-steps")], className="pg-stepbox"),
        ],
        className="pg-transport",
    )  # fmt: skip


EWMA_BETA = 0.9  # the EWMA box's β until its slider moves


def _graph(id_: str, cls: str, figure: dict | None = None) -> dcc.Graph:
    """A race graph: its figure, or a stand-in until `first_figures` hands its own over."""
    config = SCENE_CONFIG if id_ == IDS.surface else GRAPH_CONFIG
    return dcc.Graph(
        id=id_,
        config=config,
        className=cls,
        style={"height": GRAPH_HEIGHT[cls]},
        figure=figure or PLACEHOLDER,
    )


def _later_graph(id_: str, cls: str, mount_id: str) -> dcc.Tabs:
    """A race graph mounted once the contour map is drawn (beside the map, the scene's card
    keeps the row's height meanwhile; the charts are below the fold)."""
    return mounted_later(_graph(id_, cls), mount_id)


def first_figures(first: dict) -> dict[str, dict]:
    """The default view's figures drawn after its contour map (graph id -> figure). The state
    chart has none: the inspect callback draws it from the run."""
    return {
        IDS.surface: first["surface"],
        IDS.loss_chart: first["loss"],
        IDS.schedule_chart: first["schedule"],
        IDS.ewma_chart: charts.ewma_figure(EWMA_BETA),
    }


def stores(first: dict) -> list:
    """The race's stores: the run the browser plays, the first figures, the drawn figures' key,
    and the download an export sends."""
    return [
        dcc.Store(id=IDS.run, data=first["run"]),
        # the other plots' first figures wait in the page until the contour map is drawn
        # (clientside.py, firstFigures): Dash draws every graph of the page in one task, in page
        # order, and the map would show only after all of them (the scene's first WebGL
        # draw alone holds the page ~0.7 s in software GL)
        dcc.Store(id=IDS.first_figures, data=first_figures(first)),
        dcc.Store(id="store-figure-key", data=first["key"]),
        dcc.Download(id="download-export"),
    ]


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


def layout(first: dict | None = None) -> list:
    """The race: transport, the 3D surface and contour map, the table, loss and inspect charts, the math.

    ``first``: what the plots show before any callback (runs.view of the default configuration).
    Each row is a ``pg-views`` pair of cards (one column on a phone)."""
    first = first or runs.view(DEFAULT_CONFIG)
    return [
        transport(),
        _row(_scene_card(), _contour_card(first)),
        _race_card(),
        _row(_loss_card(), _inspect_card(first)),
        # below the fold: mounted once the contour map is drawn (web/later.py)
        mounted_later(
            [
                _row(_math_card(), _schedule_card()),
                _row(
                    _card("Export", export_box()),
                    _card("EWMA: the average inside momentum, RMSProp and Adam", ewma_box()),
                ),
            ],
            IDS.later_race,
        ),
    ]


def _row(*cards: html.Section) -> html.Div:
    return html.Div(list(cards), className="pg-views")


def _card(title: str, *children, extra: str = "") -> html.Section:
    """A titled card; ``extra``: its own class beside ``pg-card``."""
    return html.Section([html.H2(title), *children], className=f"pg-card {extra}".strip())


def _scene_card() -> html.Section:
    return html.Section(
        [_scene_head(), _later_graph(IDS.surface, "pg-g3d", IDS.later_scene)], className="pg-card pg-card-3d"
    )


def _contour_card(first: dict) -> html.Section:
    return html.Section(
        [
            _contour_head(),
            _graph(IDS.contour, "pg-g2d", first_paint(first["contour"], FIRST_MAP_MARGIN)),
            dcc.Store(id="store-start-click"),
        ],
        className="pg-card pg-card-contour",
    )


def _race_card() -> html.Section:
    """The race table (filled by the player, 60-pg-readout.js) and its key."""
    # the outcomes, said as the playback reaches them (60-pg-readout.js): read, not shown (the
    # table shows them); polite: a screen reader says them after what it is reading
    outcome = html.Div(id=IDS.outcome, className="visually-hidden", role="status",
                       **{"aria-live": "polite", "aria-atomic": "false"})  # fmt: skip
    return _card(
        "Race",
        html.Div(
            id=IDS.readout,
            className="pg-readout",
            tabIndex="0",
            role="region",
            **{"aria-label": "results table (scrolls sideways)"},
        ),
        outcome,
        status_key(),
        extra="pg-card-race",
    )


def _loss_card() -> html.Section:
    return _card("Loss", _later_graph(IDS.loss_chart, "pg-gloss", IDS.later_loss), extra="pg-card-loss")


def _inspect_card(first: dict) -> html.Section:
    """The inspected racer's choice, what its arrows mean, and its state chart."""
    return _card(
        "What the optimizer is thinking",
        html.Label("inspected racer", htmlFor=IDS.inspect, className="visually-hidden"),
        dbc.Select(id=IDS.inspect, value="0", size="sm", options=first["inspect"]),
        html.Small(
            "Arrows on the contour map: red = −gradient, dotted blue = "
            "the step taken. Chart: effective per-coordinate step size.",
            className="pg-muted d-block my-1",
        ),
        _later_graph(IDS.state_chart, "pg-gstate", IDS.later_state),
    )


def _math_card() -> html.Section:
    return _card(
        "The math",
        html.Div(explain.math_panel(DEFAULT_CONFIG, runs.racer_meta(DEFAULT_CONFIG)), id="div-math"),
    )


def _schedule_card() -> html.Section:
    return _card(
        "Learning-rate schedule",
        _graph(IDS.schedule_chart, "pg-gsched"),
        html.Div(explain.surface_info(DEFAULT_CONFIG), id="div-surface-info"),
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
            html.Div(
                [html.Small("Each plot saves itself as PNG from its camera icon. Copy as PyTorch:", className="pg-muted"),
                 # the code box is a scrolling region: a button copies it whole (Ctrl+A would take the page)
                 html.Button("Copy PyTorch code", id="button-copy-torch", n_clicks=0, type="button",
                             className="btn btn-sm btn-outline-secondary pg-copy")],
                className="pg-copy-row",
            ),
            # a scrolling box: reachable by Tab (to scroll it by keys) and named
            html.Pre(id="pre-torch", className="pg-code", tabIndex=0, role="region", **{"aria-label": "PyTorch code"}),
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
            html.Div([html.Label("β", htmlFor="slider-ewma-beta", className="pg-label"),
                      dcc.Slider(id="slider-ewma-beta", min=0.5, max=0.99, step=0.01, value=EWMA_BETA,
                                 marks={0.5: "0.5", 0.9: "0.9", 0.99: "0.99"})]),
            dcc.Graph(id=IDS.ewma_chart, config=GRAPH_CONFIG, style={"height": "240px"}, figure=PLACEHOLDER),
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
    points = [html.Span([html.B(glyph, className="pg-key-point"), " ", words], className="pg-key-mark")
              for _, words, _, glyph in contract.CRITICAL_MARKS]  # fmt: skip
    return html.Div(
        [html.Span("Status:", className="pg-key-title"), *chips, html.Span("On the map:", className="pg-key-title"),
         *points, *ends],
        className="pg-status-key",
    )  # fmt: skip
