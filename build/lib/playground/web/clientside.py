"""Browser-only callbacks of the playback scripts that have nothing to ask the server.

The contract reaches the scripts once; the inspected racer and the loss chart's scale are
redrawn from the run store already in the page (every racer's inspect arrays travel with
it), so changing them costs no request and reruns nothing.
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output

from .contract import IDS


def register(app: Dash) -> None:
    """Attach the playback scripts' browser-only callbacks to ``app``."""
    app.clientside_callback(
        ClientsideFunction("pg", "contract"),
        Output(IDS.contract, "modified_timestamp"),
        Input(IDS.contract, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "inspect"),
        Output(IDS.state_chart, "figure"),
        Input(IDS.inspect, "value"),
        Input(IDS.run, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "firstFigures"),
        Output(IDS.surface, "figure", allow_duplicate=True),
        Input(IDS.first_figures, "data"),
        prevent_initial_call="initial_duplicate",
    )
    app.clientside_callback(
        ClientsideFunction("pg", "logScale"),
        Output(IDS.log_loss, "className"),
        Input(IDS.log_loss, "value"),
    )
