"""The page's views: the race, and the views other features add beside it (maps, real network...).

A view is one module in this package that defines ``VIEW = View(...)``; it is discovered here
(like the optimizer registry), gets a tab in the bar ``tabs-view`` and a container
``html.Div(id="view-<id>")`` in the page. Only the chosen view is mounted: the others stay in
the layout, unmounted, and their callbacks keep working. The chosen view is page state, not
part of a run: it travels in the URL as ``view=<id>`` (settings.FIELDS' ``view`` field, kind
``page``), and the default (the race) is left out of links.

``register(app)`` attaches the view's callbacks (use ``guard.callback`` so every input's shape
is declared). To load a configuration into the race from a view, output
``Output("url", "href", allow_duplicate=True)`` with ``race_link(cfg)``: the page navigates
to that link, the controls are filled from it and the race is shown.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash

RACE = "race"
MOUNT_ID = "tabs-view-mount"  # the dcc.Tabs that mounts only the chosen extra view (page.extra_views)


@dataclass(frozen=True)
class View:
    id: str  # the URL value and the container id's suffix ("view-<id>")
    title: str  # the tab's label
    order: int  # tabs left to right; the race is 0
    layout: Callable[[], Any]
    register: Callable[[Dash], None]


def view_ids() -> tuple[str, ...]:
    """Every view's id, the race first, without importing the view modules.

    settings.py needs the ids for the URL field, and the view modules import settings, so the
    ids are the module names (a view module is named after its view).
    """
    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_") and m.name != RACE]
    return (RACE, *sorted(names))


def discover() -> tuple[View, ...]:
    """The extra views (every module's ``VIEW`` but the race's), in tab order."""
    found = []
    for name in view_ids()[1:]:
        view = getattr(importlib.import_module(f"{__name__}.{name}"), "VIEW", None)
        if isinstance(view, View):
            if view.id != name:
                raise ValueError(f"view module {name!r} declares id {view.id!r}: they must match")
            found.append(view)
    return tuple(sorted(found, key=lambda v: v.order))


def container_id(view_id: str) -> str:
    return f"view-{view_id}"


def race_link(query: str) -> str:
    """The address that loads a canonical query (urlstate.to_query) into the race."""
    return f"?{query}" if query else "?"
