"""Live sessions: a lecturer's page drives every follower's page.

``open_store(env)`` picks the backend: Redis when ``REDIS_URL`` is set (several replicas),
otherwise one SQLite file in WAL mode that every gunicorn worker on the machine shares
(``LIVE_DB``, default in the system's temporary folder). The rules are in model.py, the
shape check of events in events.py; playground/web/live.py serves them over HTTP.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping

from .model import Event, Limits, LiveError, Snapshot
from .store import Store

__all__ = ["Event", "Limits", "LiveError", "Snapshot", "Store", "default_db_path", "open_store"]


def default_db_path() -> str:
    return os.path.join(tempfile.gettempdir(), f"playground-live-{os.getuid()}.sqlite3")


def open_store(env: Mapping[str, str]) -> Store:
    """The store this deployment shares: Redis if REDIS_URL is set, else the SQLite file."""
    limits = Limits.from_env(dict(env))
    url = env.get("REDIS_URL")
    if url:
        from .redis_store import RedisStore  # the redis client is needed only then

        return RedisStore(url, limits)
    from .sqlite_store import SqliteStore

    return SqliteStore(env.get("LIVE_DB") or default_db_path(), limits)
