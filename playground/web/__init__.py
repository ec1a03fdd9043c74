"""The playground's web UI (Dash): the page, cut by view, over one page state.

    page.py         the frame around the views: header, view tabs, share and help overlays, the
                    page's stores; the address and lesson callbacks; the frame's browser-only ones
    state/          page state, declared once: the settings schema (settings.py) from which the
                    inputs, validation (validate.py), the URL codec (urlstate.py) and the reference
                    docs derive; a setting's kind (kinds.py) reads, checks, links and shows its
                    values; one value's parsing (values.py), widgets -> Config (widgets.py), the
                    caps (limits.py), the JSON shapes the guard checks (shapes.py)
    plots/          pure figure building, public names only: terrain geometry (terrain.py), the wire
                    encoding (wire.py), shared styling and graph configs (style.py), the 3D surface
                    and contour map (landscape.py), the charts (charts.py)
    views/          one view each, registering its own callbacks: race/ (controls, layout,
                    callbacks, clientside; always mounted), maps, network (mounted when chosen)
    runs.py         run a validated Config and pack it for the browser's player
    contract.py     ids, colours, statuses and words shared with assets/NN-pg-*.js

A view's clientside callbacks are registered in one module (views/race/clientside.py, the
frame's in page.py); their JavaScript is in assets/.
"""

from __future__ import annotations

import re
from pathlib import Path

import flask

from playground.core.hidden import hidden

# Dash imports IPython and requests for its Jupyter display whenever IPython is installed;
# a served page never uses them, and they cost every worker ~0.3 s and ~10 MB
with hidden("IPython"):
    from dash import Dash

from . import bundle, docs_site, guard, live, page, runs, server, views
from .lessons import LESSONS
from .plots import landscape
from .state import urlstate, validate
from .views import race

ASSETS = Path(__file__).resolve().parent / "assets"


class PlaygroundDash(Dash):
    """Dash with three changes to what a visit fetches: regenerator-runtime in place of its
    polyfill in the index page (server.without_polyfill), the page's own scripts and
    stylesheets one file of each kind (bundle.py), and the layout's JSON made once."""

    _layout_json: bytes | None = None
    bundles: dict[str, bundle.Bundle] = {}  # noqa: RUF012 - set once, by serve_bundles

    def serve_bundles(self, kinds: tuple[str, ...] = ("js", "css")) -> None:
        """Link and serve the modules of ``kinds`` in the assets folder as one file each."""
        self.bundles = bundle.page_bundles(Path(self.config.assets_folder), kinds)
        bundle.serve(self.server, self.bundles)

    def interpolate_index(self, **kwargs: str) -> str:
        kwargs["scripts"] = server.without_polyfill(
            kwargs["scripts"], self.get_asset_url(server.REGENERATOR_RUNTIME)
        )
        for kind, part in self.bundles.items():
            key = "scripts" if kind == "js" else "css"
            url = self.config.requests_pathname_prefix + bundle.ROUTE.lstrip("/") + part.name
            kwargs[key] = bundle.one_tag(kwargs[key], part, url)
        return super().interpolate_index(**kwargs)

    def serve_layout(self) -> flask.Response:
        """Dash's layout response, its JSON made at the first request only. The page's layout
        is one object built at start-up (page.layout, no function), and Dash serialized its
        ~330 KB again for every visit: ~21 ms of a worker before the browser could start on
        it (`benchmarks/server.py`), 6 s of CPU for a hall of 300 opening the link."""
        if callable(self.layout):  # a layout built per visit is Dash's to serve
            return super().serve_layout()
        if self._layout_json is None:
            self._layout_json = super().serve_layout().get_data()
        return flask.Response(self._layout_json, mimetype="application/json")


def create_app(bundled: bool = True) -> Dash:
    """A new Dash app with the playground's layout and callbacks (no global state). ``bundled``:
    the page's own scripts and stylesheets one file of each kind, made at start-up (bundle.py);
    off for ``serve --debug``, whose reloads then fetch the modules as they are edited."""
    app = PlaygroundDash(
        __name__,
        title="Loss-landscape playground",
        assets_folder=str(ASSETS),
        # regenerator-runtime loads where Dash's polyfill was (interpolate_index), not among the assets
        assets_ignore=re.escape(server.REGENERATOR_RUNTIME),
        update_title=None,
        serve_locally=True,
        compress=False,  # flask-compress is set up in server.harden
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # read aloud in English
    app.layout = page.layout()
    page.register(app)
    live.register(app)
    for view in (race.VIEW, *views.discover()):  # each view's own callbacks
        view.register(app)
    guard.install(app)
    docs_site.register(app.server)
    server.harden(app)
    server.preload(app)
    if bundled:
        app.serve_bundles()
    # Dash finishes its setup (registering component libraries) on the first request; doing
    # it here avoids a race between the first concurrent requests of a threaded worker
    app.server.test_client().get("/healthz")
    return app


def warm_caches() -> int:
    """Run the default page and every lesson once, meshes included; returns how many.

    A lecture starts with a hall opening the same link at once: computed before gunicorn
    forks, these runs and meshes sit in every worker's bounded caches from the first
    request on (~0.2 s at start-up).
    """
    raws = [{}] + [urlstate.from_query(lesson.query)[0] for lesson in LESSONS]
    for raw in raws:
        cfg, _ = validate.config(raw)
        surface = runs.run_all(cfg)[0]
        meta = runs.racer_meta(cfg)
        landscape.surface_3d(surface, meta)
        landscape.contour_map(surface, meta)
    return len(raws)
