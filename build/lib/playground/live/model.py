"""What a live session is, independent of where it is stored.

A session is one snapshot that only its lecturer changes: the page's canonical query
(settings, lesson, view), presenter mode and the playback (playing from ``step`` since
server time ``at`` at ``speed`` steps/s, or paused at ``step``). Every change bumps
``version``; followers poll the version and replay the snapshot locally. The backends
(SQLite, Redis) store these fields and call the pure functions here, so the rules
(tokens, expiry, rate bound, how an event changes a snapshot) exist once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed from a screen
CODE_LENGTH = 6
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
FOLLOWER_RE = re.compile(r"[A-Za-z0-9_-]{8,40}")
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
MAX_TOKEN_CHARS = 100


class LiveError(Exception):
    """A refusal with an HTTP status and a reason a person can read."""

    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Forbidden(LiveError):
    status = 403


class Gone(LiveError):
    """Unknown, expired or ended session."""

    status = 404


class Ended(LiveError):
    status = 410


class RateLimited(LiveError):
    status = 429


class Full(LiveError):
    """Too many sessions at once on this deployment."""

    status = 503


@dataclass(frozen=True)
class Limits:
    """Bounds and timings of live sessions (environment: LIVE_TTL, LIVE_MAX_SESSIONS, LIVE_EVENTS_PER_S)."""

    ttl: float = 1800.0  # seconds without the lecturer's page before a session expires
    max_sessions: int = 200  # open (not ended, not expired) sessions at once
    events_per_second: int = 20  # lecturer events per session per one-second window
    follower_window: float = 15.0  # a follower counts while it reported within this many seconds
    max_followers: int = 5000  # follower ids kept per session (memory bound)
    poll_ms: int = 400  # a follower asks for the version this often
    beat_s: float = 5.0  # a follower reports itself (for the lecturer's count) this often
    lead_beat_s: float = 2.0  # the lecturer's page refreshes the count and its activity this often

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Limits:
        base = cls()
        return replace(
            base,
            ttl=float(env.get("LIVE_TTL", base.ttl)),
            max_sessions=int(env.get("LIVE_MAX_SESSIONS", base.max_sessions)),
            events_per_second=int(env.get("LIVE_EVENTS_PER_S", base.events_per_second)),
        )

    def client(self) -> dict[str, Any]:
        """The timings the browser needs (sent with the page)."""
        return {
            "pollMs": self.poll_ms,
            "beatMs": int(self.beat_s * 1000),
            "leadBeatMs": int(self.lead_beat_s * 1000),
        }


@dataclass(frozen=True)
class Event:
    """One lecturer action, already checked (events.parse)."""

    kind: str  # query | play | pause | seek | presenter | end
    query: str = ""
    step: int = 0
    speed: float = 0.0
    on: bool = False


@dataclass(frozen=True)
class Snapshot:
    """What followers replay, plus the bookkeeping the store keeps beside it."""

    code: str
    version: int
    query: str
    presenter: bool = False
    playing: bool = False
    step: int = 0
    speed: float = 60.0
    at: float = 0.0  # server time of the last playback event
    ended: bool = False
    active: float = 0.0  # last contact from the lecturer's page
    rate_window: int = 0  # the current one-second window of the rate bound
    rate_count: int = 0  # events in that window

    def public(self, now: float) -> dict[str, Any]:
        """The JSON a follower gets: the state, and how long ago playback was set going."""
        return {
            "v": self.version,
            "query": self.query,
            "presenter": self.presenter,
            "playing": self.playing,
            "step": self.step,
            "speed": self.speed,
            "age": round(max(0.0, now - self.at), 4) if self.playing else 0.0,
            "ended": self.ended,
        }


FIELDS = tuple(Snapshot.__dataclass_fields__)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Stored instead of the token: a leaked store row does not hand out control."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def check_token(given: object, stored_hash: str) -> None:
    """Raise Forbidden unless ``given`` is the session's token (constant-time comparison)."""
    if not isinstance(given, str) or not given or len(given) > MAX_TOKEN_CHARS:
        raise Forbidden("this session is controlled with its lecturer token")
    if not hmac.compare_digest(token_hash(given), stored_hash):
        raise Forbidden("this session is controlled with its lecturer token")


def expired(s: Snapshot, now: float, limits: Limits) -> bool:
    return now - s.active > limits.ttl


def admit(s: Snapshot, now: float, limits: Limits) -> Snapshot:
    """Count one event against the per-second bound, or raise RateLimited."""
    window = int(now)
    count = s.rate_count + 1 if window == s.rate_window else 1
    if count > limits.events_per_second:
        raise RateLimited(f"at most {limits.events_per_second} events per second per session")
    return replace(s, rate_window=window, rate_count=count)


def apply(s: Snapshot, e: Event, now: float) -> Snapshot:
    """The snapshot after event ``e`` (version bumped); ended sessions take no event."""
    if s.ended:
        raise Ended("the lecturer ended this session")
    s = replace(s, version=s.version + 1, active=now)
    if e.kind == "query":
        return replace(s, query=e.query)
    if e.kind == "presenter":
        return replace(s, presenter=e.on)
    if e.kind == "play":
        return replace(s, playing=True, step=e.step, speed=e.speed, at=now)
    if e.kind in ("pause", "seek"):
        return replace(s, playing=False, step=e.step, at=now)
    if e.kind == "end":
        # the followers keep the last state: a playing run is frozen where it is now
        step = s.step + int((now - s.at) * s.speed) if s.playing else s.step
        return replace(s, ended=True, playing=False, step=step, at=now)
    raise ValueError(f"unknown event kind {e.kind!r}")  # events.parse lets none through


def fresh(code: str, query: str, now: float) -> Snapshot:
    return Snapshot(code=code, version=1, query=query, active=now, at=now)


def to_record(s: Snapshot) -> dict[str, str]:
    """Flat text fields (a Redis hash; SQLite stores the same columns typed)."""
    return {k: str(int(v)) if isinstance(v, bool) else str(v) for k, v in vars(s).items()}


def from_record(r: dict[str, Any]) -> Snapshot:
    kinds = {"code": str, "query": str, "presenter": bool, "playing": bool, "ended": bool,
             "version": int, "step": int, "rate_window": int, "rate_count": int,
             "speed": float, "at": float, "active": float}  # fmt: skip
    return Snapshot(**{k: (bool(int(r[k])) if t is bool else t(r[k])) for k, t in kinds.items()})
