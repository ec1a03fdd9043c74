"""The race's browser-only callbacks: their functions are the playback scripts' (assets/*-pg-*.js).

Playback, the learning-rate slider and box, the start tap, the speed, the inspected racer and
the loss chart's scale run in the browser: the run store already in the page holds every
racer's arrays (inspect data included), so they cost no request and rerun nothing.
"""

from __future__ import annotations

from dash import MATCH, ClientsideFunction, Dash, Input, Output, State

from ...contract import IDS


def register(app: Dash) -> None:
    """Attach the race's browser-only callbacks to ``app``."""
    _playback(app)
    _controls(app)


def _playback(app: Dash) -> None:
    """A new run loads into the player; the step slider seeks; the first figures follow the map."""
    app.clientside_callback(
        ClientsideFunction("pg", "load"),
        Output("text-steps", "children"),
        Input("store-run", "data"),
        Input("graph-surface-3d", "figure"),
        Input("graph-contour", "figure"),
        Input("graph-loss", "figure"),
        prevent_initial_call=True,  # the page's first run is taken once the map is drawn (firstFigures)
    )
    app.clientside_callback(
        ClientsideFunction("pg", "seek"),
        Output("slider-step", "className"),
        Input("slider-step", "value"),
        prevent_initial_call=True,  # the player starts at step 0, the slider's value
    )
    app.clientside_callback(
        ClientsideFunction("pg", "firstFigures"),
        Output(IDS.surface, "figure", allow_duplicate=True),
        Input(IDS.first_figures, "data"),
        State(IDS.run, "data"),
        prevent_initial_call="initial_duplicate",
    )
    app.clientside_callback(
        ClientsideFunction("pg", "inspect"),
        Output(IDS.state_chart, "figure"),
        Input(IDS.inspect, "value"),
        Input(IDS.run, "data"),
        Input(IDS.later_state, "value"),  # first when the chart mounts, after the map (web/later.py)
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("pg", "logScale"),
        Output(IDS.log_loss, "className"),
        Input(IDS.log_loss, "value"),
        prevent_initial_call=True,  # the player starts on the switch's value (log scale)
    )


def _controls(app: Dash) -> None:
    """Learning-rate slider <-> text box, a tap or click on the map as the start, the speed."""
    app.clientside_callback(
        ClientsideFunction("pg", "syncLr"),
        Output({"type": "input-lr", "opt": MATCH}, "value"),
        Output({"type": "slider-lr", "opt": MATCH}, "value"),
        Input({"type": "slider-lr", "opt": MATCH}, "value"),
        Input({"type": "input-lr", "opt": MATCH}, "value"),
        prevent_initial_call=True,  # the server builds each racer's slider and box in step
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
        ClientsideFunction("pg", "speed"),
        Output("select-speed", "className"),
        Input("select-speed", "value"),
        prevent_initial_call=True,  # the player starts at the select's value (DEFAULT_SPEED)
    )
