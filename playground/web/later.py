"""Parts of the page mounted once its first map is drawn.

Dash mounts a whole layout in one task: every component's wrapper, its store subscription and
its first render, before the browser paints anything. The controls' panel alone is ~220 of
the page's ~500 components, so a cold visit waited for all of them before its contour map
showed (benchmarks/browser.py --floor). A part built with :func:`mounted_later` stays in the
layout, so Dash knows its components and their callbacks run as ever, but it sits in the
unchosen tab of a ``dcc.Tabs`` (which mounts its chosen tab alone) until the browser
chooses it, a frame after the contour map is painted (80-pg-bridge.js, ``mountLater``).
"""

from __future__ import annotations

from dash import dcc

from .contract import LATER_VALUE

WAITING = "waiting"


def mounted_later(children, id_: str) -> dcc.Tabs:
    """``children`` in the layout from the start, on screen once the first map is drawn."""
    tabs = [dcc.Tab([], value=WAITING), dcc.Tab(children, value=LATER_VALUE)]
    return dcc.Tabs(
        tabs,
        id=id_,
        value=WAITING,
        style={"display": "none"},  # the tab bar: never shown
        parent_className="pg-later",
        content_className="pg-later-content",
    )
