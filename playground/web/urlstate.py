"""The URL is the state: a readable query string codec.

Query string (every part optional)::

    ?surface=ravine&p.condition=100&opt=gd,momentum&lr.gd=0.019&momentum.momentum=0.9
     &schedule=cosine&s.t_max=300&noise=0.5&batch=8&seed=1&start=-2.8,0.8&steps=300

A second copy of an optimizer is written ``gd~2`` (``lr.gd~2=...``). Unknown or invalid
parts fall back to defaults, and the page names what it ignored.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from ..optimizers import OPTIMIZERS
from .lessons import LESSON_BY_ID
from .validate import Config, num

MAX_QUERY = 4000
COPY = "~"


def base_name(key: str) -> str:
    return key.split(COPY, 1)[0]


def to_query(cfg: Config, lesson: str | None = None) -> str:
    """Canonical query string of a validated configuration, plus the lesson it belongs to."""
    q: list[tuple[str, str]] = [("surface", cfg.surface)]
    q += [(f"p.{k}", num(v)) for k, v in cfg.surface_params.items()]
    q.append(("opt", ",".join(cfg.keys)))
    for key, r in zip(cfg.keys, cfg.racers):
        q.append((f"lr.{key}", num(r.lr)))
        defaults = {h.name: h.default for h in OPTIMIZERS[r.optimizer].hypers}
        for name, value in r.hyper:
            if value != defaults.get(name):
                q.append((f"{key}.{name}", str(value).lower() if isinstance(value, bool) else num(value)
                          if isinstance(value, float) else str(value)))  # fmt: skip
    if cfg.schedule != "constant":
        q.append(("schedule", cfg.schedule))
        q += [(f"s.{k}", num(v) if isinstance(v, float) else str(v)) for k, v in cfg.schedule_params.items()]
    if cfg.noise is not None:
        q.append(("noise", num(cfg.noise)))
    if cfg.batch_size != 1:
        q.append(("batch", str(cfg.batch_size)))
    if cfg.seed:
        q.append(("seed", str(cfg.seed)))
    if cfg.start is not None:
        q.append(("start", f"{num(cfg.start[0])},{num(cfg.start[1])}"))
    q.append(("steps", str(cfg.steps)))
    if lesson:
        q.append(("lesson", lesson))
    return urlencode(q, safe=",~")


def search_of(href: object) -> str:
    """The query part of a link (``""`` for anything that is not a string)."""
    return href.partition("?")[2].partition("#")[0] if isinstance(href, str) else ""


def lesson_in(href: object) -> str | None:
    """The id of the (known) lesson a link was opened with, if any."""
    lesson = from_query(search_of(href))[2]
    return lesson if lesson in LESSON_BY_ID else None


def from_query(search: object) -> tuple[dict, list[str], str | None]:
    """``(raw config, ignored parts, lesson id)`` from ``location.search``; never raises."""
    notices: list[str] = []
    if not isinstance(search, str) or not search.strip("?"):
        return {}, notices, None
    if len(search) > MAX_QUERY:
        return {}, [f"the link is longer than {MAX_QUERY} characters"], None
    pairs = parse_qsl(search.lstrip("?"), keep_blank_values=True, max_num_fields=200)
    seen: dict[str, str] = {}
    for k, v in pairs:
        if k in seen:
            notices.append(f"'{k[:30]}' given twice (kept the first)")
            continue
        seen[k] = v
    raw: dict = {"surface_params": {}, "schedule_params": {}}
    opts = [o for o in seen.pop("opt", "").split(",") if o][:12] if "opt" in seen else None
    known = {"surface", "schedule", "noise", "batch", "seed", "start", "steps", "lesson"}
    for k, v in seen.items():
        if k in known:
            continue
        prefix, _, name = k.partition(".")
        if prefix == "p" and name:
            raw["surface_params"][name] = v
        elif prefix == "s" and name:
            raw["schedule_params"][name] = v
        elif prefix == "lr" or (opts and prefix in opts):
            continue
        else:
            notices.append(f"unknown parameter '{k[:30]}'")
    raw["surface"] = seen.get("surface")
    raw["schedule"] = seen.get("schedule")
    raw["noise"] = seen.get("noise")
    raw["batch_size"] = seen.get("batch")
    raw["seed"] = seen.get("seed")
    raw["steps"] = seen.get("steps")
    if "start" in seen:
        raw["start"] = seen["start"].split(",")
    if opts is not None:
        racers = []
        for key in opts:
            hyper = {k.split(".", 1)[1]: v for k, v in seen.items() if k.startswith(key + ".")}
            racers.append(
                {"optimizer": base_name(key), "key": key, "lr": seen.get(f"lr.{key}"), "hyper": hyper}
            )
        raw["racers"] = racers
    return raw, notices, seen.get("lesson")
