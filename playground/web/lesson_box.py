"""The lesson box above the plots: the lesson's text beside its evidence chart while the page
shows the lesson's settings, and a way back to the lesson once the user changed them."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl

import dash_bootstrap_components as dbc
import numpy as np
from dash import dcc, html

from . import docs_site, evidence, runs
from .lessons import LESSON_BY_ID, Lesson
from .plots import charts
from .plots.style import GRAPH_CONFIG
from .state import urlstate, validate
from .state.validate import Config


def lesson_link(lesson: Lesson) -> str:
    return "?" + urlstate.lesson_search(lesson.id)


@lru_cache(maxsize=64)
def canonical_query(lesson_id: str) -> str:
    """The lesson's settings as the page writes them (what store-query holds when they match)."""
    return urlstate.to_query(lesson_config(lesson_id))


def shows(cfg: Config, lesson: Lesson) -> bool:
    """Whether the page's settings are the lesson's own (then its text is true of the picture)."""
    return urlstate.to_query(cfg) == canonical_query(lesson.id)


def lesson_config(lesson_id: str, change: str = "") -> Config:
    """The settings a lesson's link sets, with ``change`` (query pairs) replacing its own."""
    pairs = dict(parse_qsl(LESSON_BY_ID[lesson_id].query, keep_blank_values=True))
    pairs.update(parse_qsl(change, keep_blank_values=True))
    return validate.config(urlstate.from_query("&".join(f"{k}={v}" for k, v in pairs.items()))[0])[0]


def _references(lesson: Lesson) -> list[tuple[dict, np.ndarray]]:
    """The dashed curves of a lesson's comparison: each racer's label and colour, and its series
    of this lesson's quantity under the changed settings (cached runs: the same for every visitor)."""
    ref = lesson.reference
    if ref is None:
        return []
    cfg = lesson_config(lesson.id, ref.change)
    surface, _, trajs = runs.run_all(cfg)
    meta, series = runs.racer_meta(cfg), evidence.series(lesson.evidence, surface, trajs)
    return [({**meta[i], "label": meta[i]["label"] + ref.suffix}, series[i]) for i in ref.racers
            if series[i] is not None]  # fmt: skip


def evidence_figure(cfg: Config, lesson: Lesson) -> dict:
    surface, _, trajs = runs.run_all(cfg)  # cached: the engine callback ran the same settings
    q, meta = evidence.QUANTITIES[lesson.evidence], runs.racer_meta(cfg)
    return charts.evidence_figure(
        meta,
        evidence.series(lesson.evidence, surface, trajs),
        q.title(meta[0]["label"] if meta else ""),
        q.log,
        _references(lesson),
    )


def box(cfg: Config, lesson: Lesson | None) -> list:
    """The lesson box's children for these settings: nothing, the lesson, or the way back to it."""
    if lesson is None:
        return []
    if not shows(cfg, lesson):
        return [dbc.Alert([f"You changed the settings of the lesson “{lesson.title}”. ",
                           dcc.Link("← Back to the lesson", href=lesson_link(lesson), id="link-lesson-back")],
                          color="secondary", className="pg-lesson pg-lesson-left py-1", id="alert-lesson")]  # fmt: skip
    more = docs_site.anchor_to("Read more", "lessons", lesson.id, id="link-lesson-docs")
    text = html.Div(
        [html.Strong(lesson.title), html.P([lesson.text, " ", more], className="mb-0")],
        className="pg-lesson-text",
    )
    if lesson.evidence is None:  # the view it opens is the evidence
        return [dbc.Alert([text], color="light", className="pg-lesson", id="alert-lesson")]
    figure = evidence_figure(cfg, lesson)
    chart = dcc.Graph(id="graph-lesson", figure=figure, config=GRAPH_CONFIG, className="pg-lesson-chart",
                      style={"height": f"{charts.evidence_height(figure)}px"})  # fmt: skip
    return [dbc.Alert([text, chart], color="light", className="pg-lesson", id="alert-lesson")]
