"""The "Real network" view: the playground's optimizer records train a small conv net on the
8×8 digits, beside the seed's MNIST table, with curves per epoch and a 2-D slice of the
network's landscape with the paths projected onto it (labelled as the projection it is).
The slice is drawn by the race's own figure builders, as a 3D scene and a contour map, and
its paths are played on both in the browser (assets/89-pg-slice.js) with one Play / Pause and
one slider over the checkpoints, as a race is played: no request per frame.

Training is bounded (at most `MAX_OPTIMIZERS` optimizers and `MAX_EPOCHS` epochs, about
15 s for the seed's six at 10 epochs on a 2-core machine, measured) and cached per validated settings
(`playground.network.study.study`). Every value from the page is checked for its JSON shape
by the guard (400 otherwise) and for its content here (a note, and the nearest valid value).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

from playground.batch.fair import GRID
from playground.core.optimizers import OPTIMIZERS
from playground.network.presets import PRESETS, SEED_SIX, TUNE_EPOCHS
from playground.network.study import PLANES, study
from playground.network.train import eligible, excluded

from .. import guard
from ..contract import LABELS
from ..plots.style import GRAPH_CONFIG, GRAPH_HEIGHT, SCENE_CONFIG
from ..state.shapes import COUNT, NUMBER, TEXT, list_of
from . import View
from . import _network_figures as F

MAX_OPTIMIZERS = 8
MAX_EPOCHS = 20
# epochs trained per request, the tuned preset's sweeps included (~0.09 s an epoch here): keeps
# the slowest request near 30 s on a 2-core machine (the seed's six at 10 epochs use 60)
WORK_EPOCHS = 240
DEFAULT_EPOCHS = 10
# the slice's transport, sent to the browser with the paths (assets/89-pg-slice.js names no id)
SLICE = {"surface": "graph-network-surface", "contour": "graph-network-slice", "play": "button-network-play",
         "slider": "slider-network-step", "readout": "text-network-step"}  # fmt: skip
STORE = "store-network-slice"
SLICE_LABEL = "PROJECTION of the paths onto a 2-D slice of a 1,610-dimensional space"
PLAY_SECONDS = 4  # one play of the paths, whatever the number of checkpoints
OUTPUTS = (("div-network-message", "children"), ("div-network-table", "children"),
           ("div-network-explain", "children"), ("graph-network-loss", "figure"),
           ("graph-network-accuracy", "figure"), (SLICE["contour"], "figure"), (SLICE["surface"], "figure"),
           ("div-network-honesty", "children"), ("text-network-plane", "children"), (STORE, "data"),
           (SLICE["slider"], "max"), (SLICE["slider"], "value"))  # fmt: skip


def clean(
    names: Any, epochs: Any, preset: Any, plane: Any
) -> tuple[tuple[str, ...], int, str, str, list[str]]:
    """Valid settings from the page's values (shapes already checked), with a note per fix."""
    notes: list[str] = []
    ok = eligible()
    chosen = [n for n in dict.fromkeys(names or []) if n in ok]
    if len(chosen) != len(names or []):
        notes.append(
            f"Ignored: {', '.join(str(n) for n in names if n not in chosen)} (not a trainable optimizer)."
        )
    if len(chosen) > MAX_OPTIMIZERS:
        notes.append(f"At most {MAX_OPTIMIZERS} optimizers per run: kept the first {MAX_OPTIMIZERS}.")
        chosen = chosen[:MAX_OPTIMIZERS]
    if isinstance(epochs, float) and epochs.is_integer():
        epochs = int(epochs)
    if not isinstance(epochs, int) or not 1 <= epochs <= MAX_EPOCHS:
        fixed = min(max(epochs, 1), MAX_EPOCHS) if isinstance(epochs, (int, float)) else DEFAULT_EPOCHS
        notes.append(f"Epochs must be a whole number from 1 to {MAX_EPOCHS}: used {int(fixed)}.")
        epochs = int(fixed)
    if preset not in PRESETS:
        notes.append(f"Unknown preset {preset!r}: used “seed”.")
        preset = "seed"
    sweep = len(GRID) * TUNE_EPOCHS if preset == "tuned" else 0
    fits = WORK_EPOCHS // max(len(chosen), 1) - sweep
    if chosen and epochs > fits:
        notes.append(
            f"{len(chosen)} optimizers with preset “{preset}” fit {fits} epochs in one run: used {fits}."
        )
        epochs = fits
    if plane not in PLANES:
        notes.append(f"Unknown plane {plane!r}: used “pca”.")
        plane = "pca"
    return tuple(chosen), epochs, preset, plane, notes


def train_view(n_clicks: Any, names: Any, epochs: Any, preset: Any, plane: Any) -> tuple:
    """The view's outputs (OUTPUTS, then whether the results stay hidden) for the page's values."""
    chosen, epochs, preset, plane, notes = clean(names, epochs, preset, plane)
    if not chosen:
        empty = ("",) * 2 + ({},) * 4 + ("", "", None, 1, 1)
        message = html.P(" ".join([*notes, "Choose at least one optimizer."]), className="pg-network-error")
        return (message, *empty, True)
    st = study(chosen, epochs, preset, plane)
    note = html.P(" ".join(notes), className="pg-network-error") if notes else ""
    paths = {**F.slice_paths(st), "ids": SLICE, "seconds": PLAY_SECONDS}
    return (note, F.comparison_table(st), F.explanation(st), F.curves(st, "loss"), F.curves(st, "accuracy"),
            F.slice_map(st), F.slice_surface(st), F.honesty(st), F.slice_note(st), paths, paths["n"], paths["n"],
            False)  # fmt: skip


def _not_offered() -> str:
    """The records that cannot train the network, grouped by their reason."""
    by_reason: dict[str, list[str]] = {}
    for name, why in excluded().items():
        by_reason.setdefault(why, []).append(OPTIMIZERS[name].title)
    return "Not offered: " + "; ".join(f"{', '.join(t)} ({why})" for why, t in by_reason.items()) + "."


def _controls() -> html.Div:
    return html.Div(
        [
            html.Label("Optimizers", htmlFor="select-network-optimizers"),
            dcc.Dropdown(
                id="select-network-optimizers",
                multi=True,
                value=list(SEED_SIX),
                options=[{"label": OPTIMIZERS[n].title, "value": n} for n in eligible()],
            ),
            html.Small(_not_offered(), className="pg-network-note"),
            html.Label("Epochs", htmlFor="input-network-epochs"),
            dcc.Input(
                id="input-network-epochs", type="number", min=1, max=MAX_EPOCHS, step=1, value=DEFAULT_EPOCHS
            ),
            html.Label("Hyperparameters", htmlFor="radio-network-preset"),
            _radio(
                "radio-network-preset",
                {"seed": "seed (Keras defaults)", "tuned": "tuned (same learning-rate sweep for all)"},
            ),
            html.Label("Slice directions", htmlFor="radio-network-plane"),
            _radio("radio-network-plane", {"pca": "PCA of the paths", "random": "random, filter-normalised"}),
            html.Button("Train", id="button-network-train", n_clicks=0, className="pg-button"),
            html.Small(
                " The seed's six at 10 epochs take about 15 s on a 2-core machine (the tuned preset about "
                "twice that); the same settings again come from the cache."
            ),
        ],
        className="pg-card pg-network-controls",
    )


def _radio(id_: str, choices: dict[str, str]) -> dbc.RadioItems:
    """One choice of the view, the first one chosen (value -> label): native radio buttons, each
    with its label (Dash 4's RadioItems nests its inputs in ARIA options, unnamed)."""
    return dbc.RadioItems(
        id=id_,
        value=next(iter(choices)),
        inline=True,
        options=[{"label": t, "value": v} for v, t in choices.items()],
    )


def _race_graph(id_: str, cls: str, config: dict) -> dcc.Graph:
    """A graph sized and configured as the race's of the same kind."""
    return dcc.Graph(id=id_, config=config, className=cls, style={"height": GRAPH_HEIGHT[cls]})


def _slice() -> html.Section:
    """The slice as the race shows a surface: its 3D scene and contour map, one transport."""
    transport = html.Div(
        [
            html.Button(LABELS["play"], id=SLICE["play"], n_clicks=0, className="pg-button"),
            html.Label("checkpoint", htmlFor=SLICE["slider"], className="visually-hidden"),
            html.Div(dcc.Slider(id=SLICE["slider"], min=1, max=1, step=1, value=1, marks=None,
                                updatemode="drag", allow_direct_input=False), className="pg-network-scrub"),
            html.Span("", id=SLICE["readout"], className="pg-network-readout"),
        ],
        className="pg-network-transport",
    )  # fmt: skip
    return html.Section(
        [
            html.H3(SLICE_LABEL),
            html.P(id="text-network-plane", className="pg-network-note"),
            transport,
            html.Div(
                [
                    _race_graph(SLICE["surface"], "pg-g3d", SCENE_CONFIG),
                    _race_graph(SLICE["contour"], "pg-g2d", GRAPH_CONFIG),
                ],
                className="pg-network-pair",
            ),
            dcc.Store(id=STORE),
        ],
        className="pg-card",
    )


def layout() -> html.Div:
    graph = {"config": {"displaylogo": False}}
    results = [
        html.Section(
            [
                html.H3("Our table beside the seed's (MNIST)"),
                html.Div(id="div-network-table"),
                html.Div(id="div-network-explain"),
            ],
            className="pg-card",
        ),
        html.Div(
            [dcc.Graph(id="graph-network-loss", **graph), dcc.Graph(id="graph-network-accuracy", **graph)],
            className="pg-card pg-network-pair",
        ),
        _slice(),
        html.Section(
            [html.H3("What the slice leaves out"), html.Div(id="div-network-honesty")], className="pg-card"
        ),
    ]
    # the spinner sits where the answer will appear; the controls stay usable meanwhile
    busy = dcc.Loading(html.Div(id="div-network-message", **{"aria-live": "polite"}), type="default")
    return html.Div(
        [
            html.H2("Real network: the same optimizers on handwritten digits"),
            _controls(),
            busy,
            html.Div(results, id="div-network-results", hidden=True),
        ],
        className="pg-network",
    )


def register(app: Dash) -> None:
    outputs = [Output(o, prop) for o, prop in OUTPUTS]
    outputs.append(Output("div-network-results", "hidden"))
    guard.callback(
        app,
        *outputs,
        Input("button-network-train", "n_clicks"),
        State("select-network-optimizers", "value"),
        State("input-network-epochs", "value"),
        State("radio-network-preset", "value"),
        State("radio-network-plane", "value"),
        shapes={
            "button-network-train.n_clicks": COUNT,
            "select-network-optimizers.value": list_of(TEXT),
            "input-network-epochs.value": NUMBER,
            "radio-network-preset.value": TEXT,
            "radio-network-plane.value": TEXT,
        },
        prevent_initial_call=True,
        running=[(Output("button-network-train", "disabled"), True, False)],
    )(train_view)
    # browser-only: the slice's paths play without the server (assets/89-pg-slice.js)
    app.clientside_callback(
        ClientsideFunction("pg", "sliceLoad"),
        Output(SLICE["readout"], "title"),
        Input(STORE, "data"),
        prevent_initial_call=True,  # the store starts empty: nothing to load
    )
    app.clientside_callback(
        ClientsideFunction("pg", "sliceSeek"),
        Output(SLICE["play"], "title"),
        Input(SLICE["slider"], "value"),
        prevent_initial_call=True,  # no slice before the store's first data (sliceLoad sets the slider's place)
    )


VIEW = View(id="network", title="Real network", order=30, layout=layout, register=register)
