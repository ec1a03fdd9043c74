"""The store interface: every backend keeps snapshots and follower reports; the rules are model.py's."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import replace

from .model import Ended, Event, Gone, Limits, Snapshot, admit, apply, check_token, expired

Change = Callable[[Snapshot, str], Snapshot]  # (snapshot, stored token hash) -> new snapshot


class Store(ABC):
    """Sessions shared by every worker and replica that opens the same store."""

    name = "store"

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    @abstractmethod
    def create(self, query: str, now: float) -> tuple[Snapshot, str]:
        """A new session showing ``query``, and its lecturer token (Full past the bound)."""

    @abstractmethod
    def _load(self, code: str) -> tuple[Snapshot, str] | None:
        """The stored snapshot and token hash, expired or not; None if there is none."""

    def read(self, code: str, now: float) -> Snapshot:
        """The session's snapshot, or Gone (unknown or expired)."""
        return self._live(code, now)[0]

    def verify(self, code: str, token: object, now: float) -> Snapshot:
        """The snapshot if ``token`` controls the session (Forbidden otherwise); writes nothing."""
        s, stored = self._live(code, now)
        check_token(token, stored)
        return s

    def _live(self, code: str, now: float) -> tuple[Snapshot, str]:
        found = self._load(code)
        if found is None:
            raise Gone("no such live session (it ended or expired)")
        if expired(found[0], now, self.limits):
            raise Gone("this live session expired")
        return found

    @abstractmethod
    def _transact(self, code: str, now: float, change: Change) -> Snapshot:
        """Read, ``change`` and write one session atomically; Gone if it is not there."""

    @abstractmethod
    def follow(self, code: str, follower: str, now: float) -> None:
        """A follower reports that it is still there (bounded per session)."""

    @abstractmethod
    def followers(self, code: str, now: float) -> int:
        """How many followers reported within the follower window."""

    def publish(self, code: str, token: object, event: Event, now: float) -> Snapshot:
        """Apply a lecturer's event: Forbidden without the token, RateLimited past the bound."""

        def change(s: Snapshot, stored: str) -> Snapshot:
            check_token(token, stored)
            return apply(admit(s, now, self.limits), event, now)

        return self._transact(code, now, change)

    def touch(self, code: str, token: object, now: float) -> Snapshot:
        """The lecturer's page is still open: keeps the session from expiring."""

        def change(s: Snapshot, stored: str) -> Snapshot:
            check_token(token, stored)
            if s.ended:
                raise Ended("the lecturer ended this session")
            return replace(s, active=now)

        return self._transact(code, now, change)

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release connections (tests)."""
