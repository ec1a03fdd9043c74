"""The figures' shared styling: font, grid, legend, axes and the base layout, the graphs'
config, and the empty traces the browser fills as it plays.

Colours and sizes come from the contract (contract.py), which the browser's scripts read too.
"""

from __future__ import annotations

from ..contract import FONT as FONT_RULE
from ..contract import LABELS, ROLES, SCENE_INK, SURFACE_SCALES
from ..contract import PLACEHOLDER as PLACEHOLDER_META

SURFACE_SCALE = SURFACE_SCALES["light"]  # the browser swaps in the dark theme's
FONT = {
    "family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    "size": FONT_RULE["size"],
    "color": SCENE_INK["light"]["color"],
}
GRID = SCENE_INK["light"]["grid"]  # the light theme's, as the browser styles it
LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
          "bgcolor": "rgba(0,0,0,0)", "itemclick": False, "itemdoubleclick": False}  # fmt: skip


# a graph until its first figure is handed over (page.layout): an empty, axis-less chart, no
# WebGL, marked by its layout.meta so the page knows it still waits
PLACEHOLDER = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}, "meta": PLACEHOLDER_META,
                                      "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}}  # fmt: skip


def legend_style(y: float) -> dict:
    """A horizontal legend above a chart's plot area, at the figures' text size."""
    return {"orientation": "h", "y": y, "yanchor": "bottom", "x": 0, "font": {"size": FONT_RULE["size"]}}


def base_layout(**kw) -> dict:
    base = {
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "uirevision": "keep",
    }
    base.update(kw)
    return base


# The margins Plotly's automargin settles on for the page's first contour map (the default
# view's, at the desk's text size): that map is drawn with them fixed (first_paint). Asserted
# against Plotly's own fit by tests/browser/test_first.py.
FIRST_MAP_MARGIN = {"l": 45, "t": 11, "b": 45}


def first_paint(figure: dict, margin: dict) -> dict:
    """``figure`` with its axes' margins fixed at ``margin`` (what Plotly's automargin settles on
    for it). Automargin lays the axes out, measures their labels and, when the margins it then
    wants differ from the figure's, draws the whole plot again: a second contour draw in the
    page's first paint (~40 ms of the cold visit's main thread, benchmarks/browser.py --floor).
    Lecture mode's larger text turns automargin on again for an axis whose figure turned it off
    (70-pg-keys.js, tickCounts). The colour bar and the legend still push the margins as they
    are drawn."""
    layout = dict(figure["layout"], margin={**figure["layout"]["margin"], **margin})
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout[axis], "automargin": False}
    return {**figure, "layout": layout}


def axis_style(title: str, **kw) -> dict:
    # automargin: presenter mode lays the text out larger, and the margins grow to fit it; with
    # the margins fitted no label can overflow the plot, so Plotly's default check that hides
    # one that does (it measures every tick label, forcing a layout each) is switched off
    return {"title": {"text": title}, "gridcolor": GRID, "zeroline": False, "automargin": True,
            "ticklabeloverflow": "allow", **kw}  # fmt: skip


def racer_line(r: dict, width: float, **kw) -> dict:
    """A racer's line: its colour and its slot's dash (contract.racer_look), so colour is never
    the only thing that tells two racers apart."""
    return {"color": r["color"], "width": width, "dash": r["dash"], **kw}


def racer_marker(r: dict, size: float, **kw) -> dict:
    """A racer's marker: its colour and its slot's symbol (contract.racer_look)."""
    return {"color": r["color"], "size": size, "symbol": r["symbol"], **kw}


def bar_titles(title: str, lines: int = 2) -> list[str]:
    """What a height colour bar's title says (#29: nothing said that the light end is low), in
    the words of the plot's axis or hover: on ``lines`` lines, then forms that take the bar more
    room, up to three lines (two without the word "height" before three). Plotly writes the title
    along the bar and cuts what is longer: lecture mode's larger text takes the first whose
    longest line fits (70-pg-keys.js, ``barTitle``)."""
    head, low = f"{LABELS['height']}:", "light = low"
    forms = [
        (1, f"{head} {title} · {low}"),
        (2, f"{head} {title}<br>{low}"),
        (2, f"{title}<br>{low}"),
        (3, f"{head}<br>{title}<br>{low}"),
    ]
    return [text for n, text in forms if n >= lines]


def height_scale(title: str, lines: int = 2) -> dict:
    """The colour bar beside a height-coloured plot, its title on ``lines`` lines (bar_titles)."""
    # its text takes the figure's font, so lecture mode's larger text (70-pg-keys.js) reaches it too
    words = bar_titles(title, lines)[0]
    return {"title": {"text": words, "side": "right"}, "thickness": 12, "len": 0.9, "outlinewidth": 0}


def mesh_meta(title: str, lines: int = 2) -> dict:
    """A height-coloured trace's meta: its role and its colour bar's titles (bar_titles)."""
    return {"role": ROLES.mesh, "barTitles": bar_titles(title, lines)}


def role_meta(role: str, i: int) -> dict:
    return {"role": role, "racer": i}


def empty_trace(kind: str, **kw) -> dict:
    trace = {"type": kind, "x": [], "y": [], "showlegend": False, **kw}
    if kind == "scatter3d":
        trace["z"] = []
    return trace


GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"scale": 2},
    "showSendToCloud": False,  # no buttons that leave the machine
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "select2d", "lasso2d"],
}


GRAPH_HEIGHT = {
    "pg-g3d": "430px",
    "pg-g2d": "430px",
    "pg-gloss": "300px",
    "pg-gstate": "260px",
    "pg-gsched": "220px",
}


# plotly.js draws a WebGL scene at twice the screen's pixels by default (plotGlPixelRatio 2):
# four times the fill work, which software GL (a projector PC without a GPU, this machine)
# pays on every frame. One to one with a standard screen.
SCENE_CONFIG = {**GRAPH_CONFIG, "plotGlPixelRatio": 1}
