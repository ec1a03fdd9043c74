"""Live sessions over HTTP (Flask's test client on the real app): routes, refusals, logs."""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace

import pytest

from playground.live.model import CODE_RE
from playground.web import create_app
from playground.web import live as live_routes
from playground.web.live import EXTENSION, TOKEN_HEADER
from playground.web.state import urlstate, validate

QUERY = "surface=ravine&opt=gd,adam&steps=300"
CANONICAL = urlstate.to_query(validate.config(urlstate.from_query(QUERY)[0])[0])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("LIVE_DB", str(tmp_path_factory.mktemp("live") / "live.sqlite3"))
    mp.setenv("LIVE_MAX_SESSIONS", "1000")
    mp.delenv("REDIS_URL", raising=False)
    app = create_app()
    mp.undo()
    return app


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture
def session(client):
    r = client.post("/live/api/sessions", json={"query": QUERY})
    assert r.status_code == 201, r.json
    return r.json


def event(client, code, body, token):
    headers = {} if token is None else {TOKEN_HEADER: token}
    return client.post(f"/live/api/{code}/events", json=body, headers=headers)


def test_going_live_returns_a_code_a_student_link_without_the_token_and_a_qr(session):
    assert CODE_RE.fullmatch(session["code"])
    assert session["student"].endswith("/live/" + session["code"])
    assert session["token"] not in session["student"] and session["token"] not in session["qr"]
    # the token rides in the fragment, which browsers never send to a server
    assert session["lecturer"] == session["student"] + "#lead=" + session["token"]
    assert session["qr"].startswith("data:image/svg+xml")


def test_the_student_link_opens_the_page_on_the_sessions_settings(client, session):
    r = client.get(f"/live/{session['code']}")
    assert r.status_code == 302 and r.headers["Location"] == f"/live/{session['code']}?{CANONICAL}"
    page = client.get(f"/live/{session['code']}?{CANONICAL}")
    assert page.status_code == 200 and b"_dash-config" in page.data
    assert client.get("/live/ZZZZZZ").status_code == 200  # the page itself says the session is gone


def test_followers_get_the_snapshot_then_only_the_version(client, session):
    code, token = session["code"], session["token"]
    full = client.get(f"/live/api/{code}").json
    assert full == {"v": 1, "query": CANONICAL, "presenter": False, "playing": False, "step": 0,
                    "speed": 60.0, "age": 0.0, "ended": False}  # fmt: skip
    r = client.get(f"/live/api/{code}?v=1&f=follower01")
    assert r.json == {"v": 1} and r.headers["Cache-Control"] == "no-store"
    assert event(client, code, {"kind": "play", "step": 12, "speed": 30}, token).status_code == 200
    moved = client.get(f"/live/api/{code}?v=1").json
    assert moved["v"] == 2 and moved["playing"] and moved["step"] == 12 and 0 <= moved["age"] < 5
    # the lecturer's heartbeat counts the followers that reported
    client.get(f"/live/api/{code}?v=2&f=follower02")
    beat = client.get(f"/live/api/{code}", headers={TOKEN_HEADER: token}).json
    assert beat["followers"] == 2


@pytest.mark.parametrize(
    "body,needle",
    [
        ("not json", "JSON object"),
        ([1, 2], "JSON object"),
        ({"kind": "rewind"}, "'kind' must be one of"),
        ({"kind": "play", "step": 1}, "missing speed"),
        ({"kind": "seek", "step": 1, "token": "x"}, "unexpected token"),
        ({"kind": "seek", "step": True}, "whole number"),
        ({"kind": "seek", "step": -1}, "whole number"),
        ({"kind": "seek", "step": 1.5}, "whole number"),
        ({"kind": "play", "step": 1, "speed": 0}, "'speed'"),
        ({"kind": "play", "step": 1, "speed": 1e9}, "'speed'"),
        ({"kind": "presenter", "on": 1}, "true or false"),
        ({"kind": "query", "query": 7}, "'query' must be text"),
        ({"kind": "query", "query": "x" * 4001}, "at most 4000"),
        ({"kind": "query", "query": "surface=banana&opt=adam"}, "unknown surface"),
        ({"kind": "query", "query": "opt=adam&lr.adam=1e999"}, "learning rate"),
        ({"kind": "query", "query": "zzz=1"}, "unknown parameter 'zzz'"),
        ({"kind": "query", "query": "opt=adam&lesson=nope"}, "unknown lesson"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_a_malformed_event_is_refused_with_its_reason(client, session, body, needle):
    code, token = session["code"], session["token"]
    if isinstance(body, str):
        r = client.post(f"/live/api/{code}/events", data=body, headers={TOKEN_HEADER: token})
    else:
        r = event(client, code, body, token)
    assert r.status_code == 400 and needle in r.json["reason"], r.json
    assert client.get(f"/live/api/{code}").json["v"] == 1  # nothing changed


def test_a_valid_query_is_stored_canonical(client, session):
    r = event(
        client, session["code"], {"kind": "query", "query": "opt=adam&surface=himmelblau"}, session["token"]
    )
    want = urlstate.to_query(validate.config(urlstate.from_query("surface=himmelblau&opt=adam")[0])[0])
    assert r.status_code == 200 and r.json["query"] == want


def test_forged_control_requests_are_refused_and_logged_without_the_token(client, session, caplog):
    other = client.post("/live/api/sessions", json={"query": ""}).json
    code, token = session["code"], session["token"]
    caplog.set_level(logging.INFO)
    forged = [None, "", "x" * 43, other["token"], token[:-1], "z" * 5000]
    for bad in forged:
        r = event(client, code, {"kind": "seek", "step": 5}, bad)
        assert r.status_code == 403, (bad, r.json)
        r = event(client, code, {"kind": "nonsense"}, bad)  # no say before the token, not even a 400
        assert r.status_code == 403
        assert client.get(f"/live/api/{code}", headers={TOKEN_HEADER: bad or "-"}).status_code == 403
    refusals = [r for r in caplog.records if r.name == "playground.live" and "refused" in r.getMessage()]
    assert len(refusals) == 3 * len(forged) and all(code in r.getMessage() for r in refusals)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in text and other["token"] not in text
    assert client.get(f"/live/api/{code}").json["v"] == 1
    # the room code alone controls nothing; the right token does
    assert event(client, code, {"kind": "seek", "step": 5}, token).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/live/api/ABC", "/live/api/abcdef", "/live/api/ZZZZZZ", "/live/api/%00%00", "/live/api/ZZZZZZ/events"],
)
def test_unknown_sessions_are_404(client, path):
    r = client.post(path, json={"kind": "end"}) if path.endswith("events") else client.get(path)
    assert r.status_code == 404 and r.json["reason"]


@pytest.mark.parametrize(
    "body", [None, [], {"query": 1}, {"query": "opt=adam", "x": 1}, {"query": "surface=banana"}], ids=str
)
def test_a_bad_new_session_request_is_400(client, body):
    r = (
        client.post("/live/api/sessions", json=body)
        if body is not None
        else client.post("/live/api/sessions")
    )
    assert r.status_code == 400 and r.json["reason"]


def test_the_event_rate_is_429_and_an_ended_session_410(client, session, app, monkeypatch):
    code, token = session["code"], session["token"]
    limit = app.server.extensions[EXTENSION].limits.events_per_second
    # the server's clock held inside one second: a slow machine cannot roll the window mid-burst
    clock = [float(int(time.time())) + 0.5]
    monkeypatch.setattr(live_routes, "time", SimpleNamespace(time=lambda: clock[0]))
    codes = [event(client, code, {"kind": "seek", "step": i}, token).status_code for i in range(limit + 5)]
    assert codes == [200] * limit + [429] * 5
    assert "per second" in event(client, code, {"kind": "end"}, token).json["reason"]
    clock[0] += 1.0  # the next window admits again
    assert event(client, code, {"kind": "end"}, token).status_code == 200
    assert client.get(f"/live/api/{code}").json["ended"] is True
    assert event(client, code, {"kind": "seek", "step": 1}, token).status_code == 410
    assert client.get(f"/live/api/{code}", headers={TOKEN_HEADER: token}).status_code == 410


def test_too_many_sessions_is_503(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVE_DB", str(tmp_path / "cap.sqlite3"))
    monkeypatch.setenv("LIVE_MAX_SESSIONS", "2")
    monkeypatch.delenv("REDIS_URL", raising=False)
    c = create_app().server.test_client()
    assert [c.post("/live/api/sessions", json={"query": ""}).status_code for _ in range(3)] == [201, 201, 503]
