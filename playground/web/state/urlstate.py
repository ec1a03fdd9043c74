"""The URL is the state: a readable query string codec.

Query string (every part optional)::

    ?surface=ravine&p.condition=100&opt=gd,momentum&lr.gd=0.019&momentum.momentum=0.9
     &schedule=cosine&s.t_max=300&noise=0.5&batch=8&seed=1&start=-2.8,0.8&steps=300

A second copy of an optimizer is written ``gd~2`` (``lr.gd~2=...``). Unknown or invalid
parts fall back to defaults, and the page names what it ignored.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..lessons import LESSON_BY_ID
from . import settings, validate
from .validate import Config

MAX_QUERY = 4000


def to_query(cfg: Config, lesson: str | None = None, view: str | None = None) -> str:
    """Canonical query string of a validated configuration, plus the lesson it belongs to and
    the view shown (left out when it is the race)."""
    q: list[tuple[str, str]] = []
    for f in settings.fields(settings.LINKED):
        q += f.kind.encode(f, cfg)
    if lesson:
        q.append((settings.BY_NAME["lesson"].url, lesson))  # type: ignore[arg-type]
    page = settings.BY_NAME["view"]
    if view in page.choices and view != page.default:
        q.append((page.url, view))  # type: ignore[arg-type]
    return urlencode(q, safe=",~")


def search_of(href: object) -> str:
    """The query part of a link (``""`` for anything that is not a string)."""
    return href.partition("?")[2].partition("#")[0] if isinstance(href, str) else ""


def lesson_search(lesson_id: str) -> str:
    """The query of a lesson's own link: its settings and its id."""
    return f"{LESSON_BY_ID[lesson_id].query}&{settings.BY_NAME['lesson'].url}={lesson_id}"


def settings_search(href: object) -> str:
    """The query a link's settings are read from: its own, or for a link that names a lesson
    and no setting (``?lesson=ravine``) the lesson's, so it opens the lesson instead of the
    default race with a note that its settings were changed."""
    search = search_of(href)
    raw, notices, lesson = from_query(search)
    if lesson in LESSON_BY_ID and not notices and all(v in (None, {}, []) for v in raw.values()):
        return lesson_search(lesson)
    return search


def lesson_in(href: object) -> str | None:
    """The id of the (known) lesson a link was opened with, if any."""
    lesson = from_query(search_of(href))[2]
    return lesson if lesson in LESSON_BY_ID else None


def view_in(href: object) -> str:
    """The (known) view a link asks for; the race when it names none or an unknown one."""
    page = settings.BY_NAME["view"]
    asked = dict(parse_qsl(search_of(href), max_num_fields=200)).get(page.url)  # type: ignore[arg-type]
    return asked if asked in page.choices else page.default


def _pairs(search: str, notices: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for k, v in parse_qsl(search.lstrip("?"), keep_blank_values=True, max_num_fields=200):
        if k in seen:
            notices.append(f"'{k[:30]}' given twice (kept the first)")
            continue
        seen[k] = v
    return seen


def _decode(seen: dict[str, str], notices: list[str]) -> dict[str, Any]:
    """The raw config (validate.config's input), setting by setting; names what no setting reads."""
    raw: dict[str, Any] = {}
    used = {settings.BY_NAME["lesson"].url, settings.BY_NAME["view"].url}
    for f in settings.fields(settings.LINKED):
        f.kind.decode(f, seen, used, raw)
    notices += [f"unknown parameter '{k[:30]}'" for k in seen if k not in used]
    return raw


def from_query(search: object) -> tuple[dict, list[str], str | None]:
    """``(raw config, ignored parts, lesson id)`` from ``location.search``; never raises."""
    notices: list[str] = []
    if not isinstance(search, str) or not search.strip("?"):
        return {}, notices, None
    if len(search) > MAX_QUERY:
        return {}, [f"the link is longer than {MAX_QUERY} characters"], None
    seen = _pairs(search, notices)
    raw = _decode(seen, notices)
    return raw, notices, seen.get(settings.BY_NAME["lesson"].url)  # type: ignore[arg-type]


@lru_cache(maxsize=256)
def link_config(query: object) -> Config | None:
    """The validated configuration of a canonical query (what store-url holds), or None."""
    if not isinstance(query, str) or not query or len(query) > MAX_QUERY:
        return None
    return validate.config(from_query(query)[0])[0]


def widget_values(cfg: Config, lesson: str | None, view: str | None = None) -> dict[str, Any]:
    """What each control a link fills directly (settings.FROM_LINK) shows for ``cfg``."""
    out: dict[str, Any] = {}
    for f in settings.fields(settings.FROM_LINK):
        if f.within:  # travels inside another setting
            out[f.name] = getattr(cfg, f.within).get(f.name, f.default)
        else:
            out[f.name] = f.kind.shown(f, cfg, lesson, view)
    return out
