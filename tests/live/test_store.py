"""Live-session stores: the SQLite file (WAL) and a real redis-server keep the same rules.

Every test runs against both backends. Time is passed in (``now``), so expiry and the
rate bound are checked without sleeping; the cross-process test uses real processes.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace

import pytest

from playground.live import model
from playground.live.model import CODE_RE, Ended, Event, Forbidden, Full, Gone, Limits, RateLimited
from playground.live.redis_store import RedisStore
from playground.live.sqlite_store import SqliteStore
from tests.support.live import redis_server

pytestmark = pytest.mark.slow  # starts processes and redis-server

T0 = 1_800_000_000.0
Q = "surface=ravine&opt=gd,adam"
LIMITS = Limits(ttl=600, max_sessions=4, events_per_second=5, follower_window=15, max_followers=50)


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


def make_store(kind: str, tmp_path, redis_url: str | None, limits: Limits = LIMITS):
    if kind == "sqlite":
        return SqliteStore(str(tmp_path / "live.sqlite3"), limits)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return RedisStore(redis_url, limits)


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    s = make_store(request.param, tmp_path, url)
    yield s
    s.close()


def test_a_new_session_has_a_short_code_a_long_token_and_the_query(store):
    snap, token = store.create(Q, T0)
    assert CODE_RE.fullmatch(snap.code) and len(token) >= 43
    got = store.read(snap.code, T0 + 1)
    assert (got.version, got.query, got.playing, got.ended) == (1, Q, False, False)
    other, token2 = store.create(Q, T0)
    assert other.code != snap.code and token2 != token


def test_the_token_is_not_stored_in_clear(store, tmp_path):
    _, token = store.create(Q, T0)
    if store.name == "sqlite":
        store.close()
        stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    else:
        stored = repr(
            {k: store.r.hgetall(k) for k in store.r.keys("*") if store.r.type(k) == "hash"}
        ).encode()
    assert token.encode() not in stored and model.token_hash(token).encode() in stored


# (event, fields of the snapshot afterwards); `at` is the event's time T0 + 5
EVENTS = [
    (Event("query", query="surface=himmelblau&opt=adam"), {"query": "surface=himmelblau&opt=adam"}),
    (Event("play", step=40, speed=120.0), {"playing": True, "step": 40, "speed": 120.0, "at": T0 + 5}),
    (Event("pause", step=77), {"playing": False, "step": 77, "at": T0 + 5}),
    (Event("seek", step=3), {"playing": False, "step": 3}),
    (Event("presenter", on=True), {"presenter": True}),
    (Event("end"), {"ended": True, "playing": False}),
]


@pytest.mark.parametrize("event,fields", EVENTS, ids=[e.kind for e, _ in EVENTS])
def test_each_event_changes_its_fields_and_bumps_the_version(store, event, fields):
    snap, token = store.create(Q, T0)
    after = store.publish(snap.code, token, event, T0 + 5)
    assert after == store.read(snap.code, T0 + 5)
    assert after.version == 2 and after.active == T0 + 5
    assert {k: getattr(after, k) for k in fields} == fields
    untouched = set(model.FIELDS) - set(fields) - {"version", "active", "at", "rate_window", "rate_count"}
    assert all(getattr(after, k) == getattr(snap, k) for k in untouched)


def test_ending_a_playing_session_freezes_it_where_it_is(store):
    snap, token = store.create(Q, T0)
    store.publish(snap.code, token, Event("play", step=10, speed=60.0), T0)
    ended = store.publish(snap.code, token, Event("end"), T0 + 2.5)
    assert (ended.playing, ended.step) == (False, 10 + 150)
    with pytest.raises(Ended):
        store.publish(snap.code, token, Event("seek", step=1), T0 + 3)
    assert store.read(snap.code, T0 + 3).ended  # followers still see that it ended


@pytest.mark.parametrize(
    "forged", ["", "x" * 43, "y" * 500, None, 42], ids=["empty", "wrong", "huge", "none", "number"]
)
def test_only_the_token_controls_a_session(store, forged):
    snap, token = store.create(Q, T0)
    _, other_token = store.create(Q, T0)
    for bad in (forged, other_token, token[:-1], token + "A"):
        with pytest.raises(Forbidden):
            store.publish(snap.code, bad, Event("seek", step=9), T0 + 1)
        with pytest.raises(Forbidden):
            store.touch(snap.code, bad, T0 + 1)
    assert store.read(snap.code, T0 + 1).version == 1


def test_the_event_rate_is_bounded_per_second(store):
    snap, token = store.create(Q, T0)
    for i in range(LIMITS.events_per_second):
        store.publish(snap.code, token, Event("seek", step=i), T0 + 0.1 * i)
    with pytest.raises(RateLimited):
        store.publish(snap.code, token, Event("seek", step=99), T0 + 0.95)
    assert store.read(snap.code, T0 + 0.95).step == LIMITS.events_per_second - 1
    assert store.publish(snap.code, token, Event("seek", step=99), T0 + 1.0).step == 99  # next second


def test_the_number_of_open_sessions_is_bounded(store):
    made = [store.create(Q, T0) for _ in range(LIMITS.max_sessions)]
    with pytest.raises(Full):
        store.create(Q, T0 + 1)
    code, token = made[0][0].code, made[0][1]
    store.publish(code, token, Event("end"), T0 + 2)  # an ended session frees its place
    store.create(Q, T0 + 3)
    with pytest.raises(Full):
        store.create(Q, T0 + 4)
    # all expire together: places free again
    assert [store.create(Q, T0 + 4 + LIMITS.ttl + 1) for _ in range(LIMITS.max_sessions)]


def test_sessions_expire_after_the_lecturers_inactivity(store):
    snap, token = store.create(Q, T0)
    store.touch(snap.code, token, T0 + LIMITS.ttl - 1)  # the lecturer's page is still open
    assert store.read(snap.code, T0 + 2 * LIMITS.ttl - 2).version == 1
    for late in (lambda: store.read(snap.code, T0 + 2 * LIMITS.ttl),
                 lambda: store.publish(snap.code, token, Event("seek", step=1), T0 + 2 * LIMITS.ttl),
                 lambda: store.touch(snap.code, token, T0 + 2 * LIMITS.ttl)):  # fmt: skip
        with pytest.raises(Gone):
            late()
    with pytest.raises(Gone):
        store.read("ZZZZZZ", T0)


def test_followers_are_counted_within_their_window_and_bounded(store):
    snap, _ = store.create(Q, T0)
    for i, fid in enumerate(["aaaaaaaa", "bbbbbbbb", "cccccccc", "aaaaaaaa"]):
        store.follow(snap.code, fid, T0 + i)
    assert store.followers(snap.code, T0 + 4) == 3
    assert store.followers(snap.code, T0 + 3 + LIMITS.follower_window - 0.5) == 1  # only a's report is recent
    assert store.followers(snap.code, T0 + 100) == 0
    for i in range(LIMITS.max_followers + 30):
        store.follow(snap.code, f"f{i:08d}", T0 + 200 + i * 1e-3)
    assert store.followers(snap.code, T0 + 201) == LIMITS.max_followers


def _publisher(kind: str, where: str, code: str, token: str, n: int, first: int) -> None:
    limits = replace(LIMITS, events_per_second=10_000)
    s = SqliteStore(where, limits) if kind == "sqlite" else RedisStore(where, limits)
    for i in range(n):
        s.publish(code, token, Event("seek", step=first + i), T0 + 1)


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_processes_sharing_a_store_lose_no_event(kind, tmp_path, request):
    """Like gunicorn's workers (or replicas): 4 processes publish 50 events each to one session."""
    url = request.getfixturevalue("redis_url") if kind == "redis" else None
    store = make_store(kind, tmp_path, url, replace(LIMITS, events_per_second=10_000))
    where = str(tmp_path / "live.sqlite3") if kind == "sqlite" else url
    snap, token = store.create(Q, T0)
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_publisher, args=(kind, where, snap.code, token, 50, 1000 * k)) for k in range(4)
    ]
    for p in procs:
        p.start()
    seen = []
    while any(p.is_alive() for p in procs):
        seen.append(store.read(snap.code, T0 + 1).version)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert store.read(snap.code, T0 + 1).version == 1 + 4 * 50
    assert seen == sorted(seen)  # a reader never sees the version go back
