"""Beside the formula box: what was understood (the tree as mathematics), where reading
stopped (the character marked, the reason in words), and the gallery of classic test
functions, each a link that opens it.

Its own component (:func:`formula_extras`) and callback (:func:`register`), so the page
needs one line in its layout and one in its callbacks. The preview is rendered by MathJax
inside ``dcc.Markdown``, which Dash serves from its own component suites (nothing is
fetched from another site).
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import Dash, Input, Output, dcc, html, no_update

from playground.core.surfaces import custom
from playground.core.surfaces.base import FormulaError
from playground.core.surfaces.gallery import CLASSICS, Classic
from playground.core.surfaces.notation import read_formula, to_latex

from ... import docs_site, guard
from ...state import settings

HINT = (
    "as written on paper: 2x, x y, 0.26(x² + y²), sin x cos y, |x|, √x, π, or LaTeX (\\frac, \\sqrt, \\sin …)"
)


def gallery_href(c: Classic) -> str:
    """The page's own link to a classic: the custom surface, its formula and its domain."""
    (x0, x1), (y0, y1) = c.domain
    params = settings.BY_NAME["surface_params"].url
    query = [(settings.BY_NAME["surface"].url, custom.NAME), (settings.BY_NAME["formula"].url, c.formula)]
    query += [(f"{params}{k}", f"{v:g}") for k, v in (("x0", x0), ("x1", x1), ("y0", y0), ("y1", y1))]
    return "?" + urlencode(query)


def _minima(c: Classic) -> str:
    points = ", ".join(f"({x:g}, {y:g})" for x, y in c.minima)
    return f"min f = {c.fmin:g} at {points}"


def _domain(c: Classic) -> str:
    (x0, x1), (y0, y1) = c.domain
    return f"[{x0:g}, {x1:g}]²" if (x0, x1) == (y0, y1) else f"[{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"


def describe(c: Classic) -> str:
    """What a classic's link says about it: formula, domain, published minima, source."""
    return f"{c.name}: f = {c.formula} on {_domain(c)}; {_minima(c)} ({c.source})"


def gallery() -> html.Nav:
    """Every classic one click away, whatever the surface shown: a link each (the custom
    surface, the formula as its source writes it, the domain), its description in the tooltip
    and to screen readers; opened, the page marks its minima (the gallery's tests check they
    are the published ones)."""
    entries = [
        html.Li(html.A(c.name, href=gallery_href(c), id=f"gallery-{c.key}", title=describe(c),
                       **{"aria-description": describe(c)}))
        for c in CLASSICS
    ]  # fmt: skip
    return html.Nav(
        [
            html.Small("Classic test functions:", className="pg-muted"),
            html.Ul(entries, className="pg-gallery"),
        ],
        id="formula-gallery",
        className="pg-gallery-box",
        **{"aria-label": f"Gallery: {len(CLASSICS)} classic test functions"},
    )


def formula_extras(text: str, shown: bool) -> html.Div:
    """The preview, drawn here for the page's first formula when the box is ``shown`` (no
    request when the page loads) and then by :func:`register`'s callback as the text or the
    surface changes; and the formula's one message line, filled by the race's engine, which
    decides whether the formula is taken (settings.py declares it the formula's message box).

    A hidden box holds no preview: its Markdown would make Dash fetch and start MathJax
    (0.65 MB gzipped, ~0.2-0.4 s of script) before the contour map is drawn."""
    return html.Div(
        [
            html.Div(
                preview(text) if shown else [],
                id="formula-preview",
                className="pg-math pg-formula-preview",
                tabIndex="0",
                **{"aria-label": "the formula as read"},
            ),  # scrolls when long
            html.Div(
                id="formula-error", className="pg-formula-error", role="status", **{"aria-live": "polite"}
            ),
        ]
    )


def preview(text: object) -> list:
    """What was understood, as mathematics; nothing when the text cannot be read (the
    engine's message says why, under the box)."""
    try:
        tree = read_formula(text)
    except FormulaError:
        return []
    math = dcc.Markdown(f"$$f(x, y) = {to_latex(tree)}$$", mathjax=True)
    return [html.Small("read as", className="pg-muted"), math]


def marked(text: str, at: int, words: str) -> html.Div:
    """A refusal: the text as typed with the character where reading stopped marked, then why."""
    here = html.Mark(text[at : at + 1] or "\u00a0", className="pg-formula-here")
    echo = html.Pre([text[:at], here, text[at + 1 :]], className="pg-formula-echo")
    how = docs_site.anchor_to("how to type a formula", "formula")
    return html.Div(
        [echo, html.Div([words, " (", how, ")"], className="pg-formula-error-text")], className="pg-msg"
    )


def register(app: Dash) -> None:
    @guard.callback(
        app,
        Output("formula-preview", "children"),
        Input("input-formula", "value"),  # settings: their shapes come from the schema
        Input("select-surface", "value"),  # the box shown: its preview is drawn then
        prevent_initial_call=True,  # the layout holds the first formula's preview when shown
    )
    def formula_preview(text, surface):
        return preview(text) if surface == custom.NAME else no_update
