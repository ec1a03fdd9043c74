"""The race, the page's main view: optimizers racing down one surface.

``controls.py`` builds its control panel (in the page's side panel), ``layout.py`` its main
column, ``callbacks.py`` its server callbacks and ``clientside.py`` its browser-only ones.
Unlike the other views it is always mounted (views/__init__.py): the page opens on it.
"""

from __future__ import annotations

from .. import RACE, View
from . import callbacks, controls, layout

VIEW = View(id=RACE, title="Race", order=0, layout=layout.layout, register=callbacks.register)

__all__ = ["VIEW", "callbacks", "controls", "layout"]
