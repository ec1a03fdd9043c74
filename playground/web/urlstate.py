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

from playground.core.optimizers import OPTIMIZERS
from playground.core.surfaces import custom, get_surface
from playground.core.surfaces.rotation import ROTATION

from . import settings, validate
from .lessons import LESSON_BY_ID
from .settings import Field
from .validate import Config, num

MAX_QUERY = 4000
COPY = "~"


def base_name(key: str) -> str:
    return key.split(COPY, 1)[0]


def _text(value: object) -> str:
    """Exact text of a setting: floats shortest round-trip, booleans lower case."""
    if isinstance(value, bool):
        return str(value).lower()
    return num(value) if isinstance(value, float) else str(value)


def _scalar(f: Field, cfg: Config) -> list[tuple[str, str]]:
    value = getattr(cfg, f.name)
    if value is None or (value == f.default and not f.always):
        return []
    return [(f.url, _text(value))]  # type: ignore[list-item]


def _params(f: Field, cfg: Config) -> list[tuple[str, str]]:
    # an unrotated surface's link does not name the rotation (links from before it stay canonical)
    items = getattr(cfg, f.name).items()
    return [(f"{f.url}{k}", _text(v)) for k, v in items if not (k == ROTATION.name and v == 0)]


def _racers(f: Field, cfg: Config) -> list[tuple[str, str]]:
    return [(f.url, ",".join(cfg.keys))]  # type: ignore[list-item]


def _lr(f: Field, cfg: Config) -> list[tuple[str, str]]:
    return [(f"{f.url}{key}", num(r.lr)) for key, r in zip(cfg.keys, cfg.racers)]


def _hyper(f: Field, cfg: Config) -> list[tuple[str, str]]:
    q = []
    for key, r in zip(cfg.keys, cfg.racers):
        defaults = {h.name: h.default for h in OPTIMIZERS[r.optimizer].hypers}
        q += [(f"{key}.{name}", _text(v)) for name, v in r.hyper if v != defaults.get(name)]
    return q


def _point(f: Field, cfg: Config) -> list[tuple[str, str]]:
    # the surface's own start is left out: a page that shows it in its boxes and one that was
    # given none make the same link
    if cfg.start is None or cfg.start == get_surface(cfg.surface, **validate.surface_kwargs(cfg)).start:
        return []
    return [(f.url, f"{num(cfg.start[0])},{num(cfg.start[1])}")]  # type: ignore[list-item]


def _formula(f: Field, cfg: Config) -> list[tuple[str, str]]:
    return _scalar(f, cfg) if cfg.surface == custom.NAME else []


_ENCODE = {"text": _formula, "name": _scalar, "number": _scalar, "int": _scalar, "params": _params, "racers": _racers,
           "lr": _lr, "hyper": _hyper, "point": _point}  # fmt: skip


def to_query(cfg: Config, lesson: str | None = None, view: str | None = None) -> str:
    """Canonical query string of a validated configuration, plus the lesson it belongs to and
    the view shown (left out when it is the race)."""
    q: list[tuple[str, str]] = []
    for f in settings.fields(settings.LINKED):
        q += _ENCODE[f.kind](f, cfg)
    if lesson:
        q.append((settings.BY_NAME["lesson"].url, lesson))  # type: ignore[arg-type]
    page = settings.BY_NAME["view"]
    if view in page.choices and view != page.default:
        q.append((page.url, view))  # type: ignore[arg-type]
    return urlencode(q, safe=",~")


def search_of(href: object) -> str:
    """The query part of a link (``""`` for anything that is not a string)."""
    return href.partition("?")[2].partition("#")[0] if isinstance(href, str) else ""


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


def _racers(seen: dict[str, str], used: set[str]) -> list[dict]:
    opt, lr = settings.BY_NAME["optimizers"], settings.BY_NAME["lr"]
    # all of them: validate.config cuts the list to what can race, with its message
    keys = [o for o in seen[opt.url].split(",") if o][:200]  # type: ignore[index]
    racers = []
    for key in keys:
        hyper = {k.split(".", 1)[1]: v for k, v in seen.items() if k.startswith(key + ".")}
        used.update(f"{key}.{name}" for name in hyper)
        racers.append(
            {"optimizer": base_name(key), "key": key, "lr": seen.get(f"{lr.url}{key}"), "hyper": hyper}
        )
    return racers


def _decode(seen: dict[str, str], notices: list[str]) -> dict[str, Any]:
    """The raw config (validate.config's input), setting by setting; names what no setting reads."""
    raw: dict[str, Any] = {}
    used = {settings.BY_NAME["lesson"].url, settings.BY_NAME["view"].url}
    for f in settings.fields(settings.LINKED):
        if f.url is None or f.url.startswith("<"):
            continue  # read with its racer (hyper)
        if f.url.endswith("."):  # a family: p.a=1, s.gamma=0.1, lr.adam=0.01
            family = {k: v for k, v in seen.items() if k.startswith(f.url) and len(k) > len(f.url)}
            used.update(family)
            if f.kind == "params":
                raw[f.name] = {k[len(f.url) :]: v for k, v in family.items()}
        elif f.kind == "point" and f.url in seen:
            raw[f.name] = seen[f.url].split(",")
        elif f.kind == "racers" and f.url in seen:
            raw["racers"] = _racers(seen, used)
        elif f.kind in ("name", "number", "int", "text"):
            raw[f.name] = seen.get(f.url)
        used.add(f.url)
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
        if f.kind == "racers":
            out[f.name] = list(cfg.keys)
        elif f.within:
            out[f.name] = getattr(cfg, f.within).get(f.name, f.default)
        elif f.kind == "lesson":
            out[f.name] = lesson or ""
        elif f.kind == "page":
            out[f.name] = view if view in f.choices else f.default
        elif f.kind in ("number", "int"):
            value = getattr(cfg, f.name)
            out[f.name] = "" if value is None else num(value) if isinstance(value, float) else str(value)
        else:
            out[f.name] = getattr(cfg, f.name)
    return out
