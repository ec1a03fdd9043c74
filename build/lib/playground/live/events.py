"""The shape check of a lecturer's event, before anything is stored.

An event is a JSON object with exactly the keys of its kind, each of one JSON type
(``true`` is not a number here, ``1`` is not a boolean). The query's contents are
checked by the page's own input layer, handed in as ``check_query`` (the web side calls
urlstate.from_query and validate.config, as for any link): it returns the canonical
query or raises LiveError with the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .model import Event, LiveError

MAX_STEP = 1_000_000  # far above any run (settings cap steps at 5000); followers clamp to their run
MAX_SPEED = 1000.0  # steps per second, as the page's speed control accepts
MAX_QUERY_CHARS = 4000
KEYS = {
    "query": {"kind", "query"},
    "play": {"kind", "step", "speed"},
    "pause": {"kind", "step"},
    "seek": {"kind", "step"},
    "presenter": {"kind", "on"},
    "end": {"kind"},
}


def _int(body: dict, key: str, low: int, high: int) -> int:
    v = body[key]
    if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
        raise LiveError(f"'{key}' must be a whole number in [{low}, {high}]")
    return v


def _speed(body: dict) -> float:
    v = body["speed"]
    if (
        isinstance(v, bool)
        or not isinstance(v, (int, float))
        or not math.isfinite(v)
        or not 0 < v <= MAX_SPEED
    ):
        raise LiveError(f"'speed' must be a number in (0, {MAX_SPEED:g}] steps per second")
    return float(v)


def parse(body: Any, check_query: Callable[[str], str]) -> Event:
    """The Event in ``body`` or LiveError (status 400) saying what is wrong."""
    if not isinstance(body, dict):
        raise LiveError("an event is a JSON object")
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in KEYS:
        raise LiveError(f"'kind' must be one of {', '.join(KEYS)}")
    extra, missing = set(body) - KEYS[kind], KEYS[kind] - set(body)
    if extra or missing:
        parts = [f"unexpected {', '.join(sorted(extra))}" if extra else "",
                 f"missing {', '.join(sorted(missing))}" if missing else ""]  # fmt: skip
        raise LiveError(
            f"a '{kind}' event has keys {', '.join(sorted(KEYS[kind]))}: " + "; ".join(p for p in parts if p)
        )
    if kind == "query":
        q = body["query"]
        if not isinstance(q, str) or len(q) > MAX_QUERY_CHARS:
            raise LiveError(f"'query' must be text of at most {MAX_QUERY_CHARS} characters")
        return Event(kind, query=check_query(q))
    if kind == "presenter":
        if not isinstance(body["on"], bool):
            raise LiveError("'on' must be true or false")
        return Event(kind, on=body["on"])
    if kind == "play":
        return Event(kind, step=_int(body, "step", 0, MAX_STEP), speed=_speed(body))
    if kind in ("pause", "seek"):
        return Event(kind, step=_int(body, "step", 0, MAX_STEP))
    return Event(kind)
