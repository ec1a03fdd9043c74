"""Sessions in one SQLite file in WAL mode: the embedded default for one machine.

Gunicorn's workers share no memory but can share a file. WAL lets readers (the
followers' polls) run while the lecturer writes; each write is one short
``BEGIN IMMEDIATE`` transaction. Connections are per thread and per process (a
connection opened before gunicorn forks is never used after it).
"""

from __future__ import annotations

import os
import sqlite3
import threading

from .model import FIELDS, Full, Gone, Limits, Snapshot, expired, fresh, new_code, new_token, token_hash
from .store import Change, Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    code TEXT PRIMARY KEY, token_hash TEXT NOT NULL, version INTEGER NOT NULL, query TEXT NOT NULL,
    presenter INTEGER NOT NULL, playing INTEGER NOT NULL, step INTEGER NOT NULL, speed REAL NOT NULL,
    at REAL NOT NULL, ended INTEGER NOT NULL, active REAL NOT NULL,
    rate_window INTEGER NOT NULL, rate_count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS followers (
    code TEXT NOT NULL, fid TEXT NOT NULL, seen REAL NOT NULL, PRIMARY KEY (code, fid)
) WITHOUT ROWID;
"""
COLUMNS = ", ".join(FIELDS)
SELECT = f"SELECT {COLUMNS}, token_hash FROM sessions WHERE code = ?"
UPDATE = "UPDATE sessions SET " + ", ".join(f"{f} = ?" for f in FIELDS if f != "code") + " WHERE code = ?"
INSERT = f"INSERT INTO sessions ({COLUMNS}, token_hash) VALUES ({', '.join('?' * (len(FIELDS) + 1))})"
FOLLOW = """INSERT INTO followers (code, fid, seen)
SELECT ?, ?, ? WHERE (SELECT COUNT(*) FROM followers WHERE code = ?) < ?
ON CONFLICT (code, fid) DO UPDATE SET seen = excluded.seen"""


def _row(s: Snapshot) -> tuple:
    return tuple(getattr(s, f) for f in FIELDS)


def _snapshot(row: tuple) -> tuple[Snapshot, str]:
    values = dict(zip(FIELDS, row))
    for f in ("presenter", "playing", "ended"):
        values[f] = bool(values[f])
    return Snapshot(**values), row[-1]


class SqliteStore(Store):
    name = "sqlite"

    def __init__(self, path: str, limits: Limits) -> None:
        super().__init__(limits)
        self.path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across crashes of the app
            db.executescript(SCHEMA)
            local.db, local.pid = db, os.getpid()
        return local.db

    def _write(self, work):
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            out = work(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return out

    def create(self, query: str, now: float) -> tuple[Snapshot, str]:
        token = new_token()

        def work(db: sqlite3.Connection) -> Snapshot:
            old = now - self.limits.ttl
            db.execute(
                "DELETE FROM followers WHERE code IN (SELECT code FROM sessions WHERE active < ?)", (old,)
            )
            db.execute("DELETE FROM sessions WHERE active < ?", (old,))
            (n,) = db.execute("SELECT COUNT(*) FROM sessions WHERE ended = 0").fetchone()
            if n >= self.limits.max_sessions:
                raise Full(f"{n} live sessions are open on this server (at most {self.limits.max_sessions})")
            for _ in range(8):
                s = fresh(new_code(), query, now)
                try:
                    db.execute(INSERT, (*_row(s), token_hash(token)))
                    return s
                except sqlite3.IntegrityError:  # that code is taken: draw another
                    continue
            raise Full("no free room code")

        return self._write(work), token

    def _load(self, code: str) -> tuple[Snapshot, str] | None:
        row = self._db().execute(SELECT, (code,)).fetchone()
        return None if row is None else _snapshot(row)

    def _transact(self, code: str, now: float, change: Change) -> Snapshot:
        def work(db: sqlite3.Connection) -> Snapshot | None:
            row = db.execute(SELECT, (code,)).fetchone()
            if row is None:
                return None
            s, stored = _snapshot(row)
            if expired(s, now, self.limits):
                db.execute("DELETE FROM sessions WHERE code = ?", (code,))
                db.execute("DELETE FROM followers WHERE code = ?", (code,))
                return None
            new = change(s, stored)
            db.execute(UPDATE, (*_row(new)[1:], code))
            return new

        out = self._write(work)
        if out is None:
            raise Gone("no such live session (it ended or expired)")
        return out

    def follow(self, code: str, follower: str, now: float) -> None:
        self._db().execute(FOLLOW, (code, follower, now, code, self.limits.max_followers))

    def followers(self, code: str, now: float) -> int:
        db = self._db()
        since = now - self.limits.follower_window
        db.execute("DELETE FROM followers WHERE code = ? AND seen < ?", (code, since))
        return db.execute("SELECT COUNT(*) FROM followers WHERE code = ?", (code,)).fetchone()[0]

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.pid = None
