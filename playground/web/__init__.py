"""The playground's web UI (Dash)."""

from __future__ import annotations

from pathlib import Path

from playground.core.hidden import hidden

# Dash imports IPython and requests for its Jupyter display whenever IPython is installed;
# a served page never uses them, and they cost every worker ~0.3 s and ~10 MB
with hidden("IPython"):
    from dash import Dash

from . import callbacks, clientside, figures, guard, layout, live, runs, server, urlstate, validate, views
from .lessons import LESSONS

ASSETS = Path(__file__).resolve().parent / "assets"


def create_app() -> Dash:
    """A new Dash app with the playground's layout and callbacks (no global state)."""
    app = Dash(
        __name__,
        title="Loss-landscape playground",
        assets_folder=str(ASSETS),
        update_title=None,
        serve_locally=True,
        compress=False,  # flask-compress is set up in server.harden
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = layout.layout()
    callbacks.register(app)
    clientside.register(app)
    live.register(app)
    for view in views.discover():  # each extra view's own callbacks
        view.register(app)
    guard.install(app)
    server.harden(app)
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
        figures.surface_3d(surface, meta)
        figures.contour_map(surface, meta)
    return len(raws)
