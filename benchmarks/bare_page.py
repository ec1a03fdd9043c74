"""The floor for the page's cold visit (issue #29): a bare Dash page holding one contour graph.

One ``dcc.Graph`` whose figure travels in the layout (the same Dash, dcc and plotly.py the
playground runs): a contour of Rosenbrock sampled on the same grid as the playground's contour
map (``terrain.MESH_2D`` per side, the same number of contour levels, a colour bar). Two apps:

* ``server``: Dash's defaults. dcc.Graph then fetches Dash's full plotly.js (4.8 MB,
  uncompressed) after the page has started, which a tuned page need not do;
* ``tuned``: what Dash allows at best, served the playground's way: the playground's own
  plotly.js bundle loaded with the page (dcc.Graph uses ``window.Plotly`` when there is one),
  and the playground's hardening (compression, caching headers, CSP). This is the floor the
  goal is measured against: what is left between the two is the playground's own cost.

* ``libraries``: ``tuned`` with the component libraries the playground loads besides Dash's
  own (dash-bootstrap-components' script): not the goal's floor, which is a bare Dash page,
  but what is left of the gap once the page's libraries are counted.

* ``same_layout``: not a floor but a step between the two pages: the tuned page's serving
  with the playground's whole first layout (its ~500 components, stylesheets (one file, as
  the playground links them: web/bundle.py), figures and stores) and none of its callbacks
  or scripts, served by the playground's Dash (whose index
  loads regenerator-runtime alone where Dash loads its polyfill, ``server.without_polyfill``;
  the floors keep Dash's). What it adds to ``tuned`` is what Dash's renderer and React take for
  the page's content, less the polyfill; what the playground adds to it is its own.

``benchmarks/browser.py --floor`` serves them with the playground's gunicorn settings and
times the pages' cold visits the same way, in alternating rounds.

    gunicorn -c python:playground.web.gunicorn_conf --workers 1 'benchmarks.bare_page:tuned()'

Each page is built by a factory in its own server process: importing the playground registers
its component libraries with Dash, which then sends their scripts with every page the process
serves, so the bare pages drop every library but Dash's own (``_dash_only``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from dash import Dash, dcc
from dash.development.base_component import ComponentRegistry

from playground.web import ASSETS
from playground.web import server as hardening
from playground.web.plots.terrain import MESH_2D

GRAPH_ID = "graph-contour"  # the playground's id: the benchmark's watcher looks for the same graph
BUNDLE = "05-plotly.min.js"  # the playground's plotly.js bundle in its assets (tools/plotly_bundle)


def rosenbrock_figure(n: int = MESH_2D) -> go.Figure:
    xs, ys = np.linspace(-2.0, 2.0, n), np.linspace(-1.0, 3.0, n)
    x, y = np.meshgrid(xs, ys)
    z = np.log10((1 - x) ** 2 + 100 * (y - x**2) ** 2 + 1)
    return go.Figure(go.Contour(x=xs, y=ys, z=z, ncontours=28, showscale=True))


def layout() -> dcc.Graph:
    return dcc.Graph(id=GRAPH_ID, figure=rosenbrock_figure(), style={"height": "600px"})


def _dash_only() -> None:
    """Dash sends the script of every component library imported in the process; a bare page
    has Dash's own (dcc, html, dash_table) alone."""
    for namespace in [n for n in ComponentRegistry.registry if n != "dash"]:
        ComponentRegistry.registry.discard(namespace)


def default_app() -> Dash:
    _dash_only()
    app = Dash(__name__, title="Bare contour page")
    app.layout = layout()

    @app.server.route("/healthz")  # how the benchmark's server helper knows it is up
    def healthz() -> str:
        return "ok"

    return app


def tuned_app(libraries: bool = False) -> Dash:
    if not libraries:
        _dash_only()
    only_the_bundle = "^(?!" + BUNDLE.replace(".", r"\.") + "$)"
    app = Dash(__name__, title="Bare contour page", assets_folder=str(ASSETS), assets_ignore=only_the_bundle)
    app.layout = layout()
    hardening.harden(app)  # compression, headers and /healthz as the playground has them
    return app


def same_layout_app() -> Dash:
    from playground.web import PlaygroundDash, page  # the playground's layout, its callbacks left out

    css_and_bundle = "^(?!(" + BUNDLE.replace(".", r"\.") + "$|.*\\.css$))"
    app = PlaygroundDash(
        __name__, title="Bare contour page", assets_folder=str(ASSETS), assets_ignore=css_and_bundle
    )
    app.layout = page.layout()
    hardening.harden(app)
    app.serve_bundles(("css",))  # its stylesheets one file, as the playground links them
    return app


def server():
    """Dash's defaults (a WSGI app for gunicorn: ``benchmarks.bare_page:server()``)."""
    return default_app().server


def tuned():
    return tuned_app().server


def libraries():
    return tuned_app(libraries=True).server


def same_layout():
    return same_layout_app().server
