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

from dash import Dash, Input, Output, dcc, html

from playground.core.surfaces import custom
from playground.core.surfaces.base import FormulaError
from playground.core.surfaces.gallery import CLASSICS, Classic
from playground.core.surfaces.notation import read_formula, to_latex

from ... import guard
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


def gallery() -> html.Details:
    entries = [
        html.Li([html.A(c.name, href=gallery_href(c), id=f"gallery-{c.key}"), html.Span(f"  {c.formula}  ",
                 className="pg-gallery-formula"), html.Small(_minima(c), className="pg-muted")])
        for c in CLASSICS
    ]  # fmt: skip
    return html.Details(
        [
            html.Summary(f"Gallery: {len(CLASSICS)} classic test functions"),
            html.Ul(entries, className="pg-gallery"),
        ],
        id="formula-gallery",
        className="pg-gallery-box",
    )


def formula_extras(text: str) -> html.Div:
    """The preview and the message under the formula box: drawn here for the page's first
    formula (no request when the page loads), then by the callback as the text changes."""
    shown, error = preview(text)
    return html.Div(
        [
            html.Div(shown, id="formula-preview", className="pg-math pg-formula-preview"),
            html.Div(
                error,
                id="formula-error",
                className="pg-formula-error",
                role="status",
                **{"aria-live": "polite"},
            ),
        ]
    )


def preview(text: object) -> tuple[list, list]:
    """``(preview, error)`` children for the text in the box."""
    try:
        tree = read_formula(text)
    except FormulaError as e:
        return [], _marked(text if isinstance(text, str) else "", e)
    math = dcc.Markdown(f"$$f(x, y) = {to_latex(tree)}$$", mathjax=True)
    return [html.Small("read as", className="pg-muted"), math], []


def _marked(text: str, e: FormulaError) -> list:
    """The message, and the text with the character where reading stopped marked."""
    words = html.Div(str(e), className="pg-formula-error-text")
    at = e.position
    if at is None or not text:
        return [words]
    shown = [text[:at], html.Mark(text[at : at + 1] or "\u00a0", className="pg-formula-here"), text[at + 1 :]]
    return [html.Pre(shown, className="pg-formula-echo"), words]


def register(app: Dash) -> None:
    @guard.callback(
        app,
        Output("formula-preview", "children"),
        Output("formula-error", "children"),
        Input("input-formula", "value"),  # a setting: its shape comes from the schema
        prevent_initial_call=True,  # the layout holds the first formula's preview
    )
    def formula_preview(text):
        return preview(text)
