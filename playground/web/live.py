"""Live lecture: HTTP routes of a live session, the page's pieces for it, ``register(app)``.

Routes (JSON, never cached):

* ``POST /live/api/sessions`` ``{"query": ...}`` opens a session showing that query: 201 with
  the room code, the student link, its QR code and the lecturer's token (only ever here).
* ``GET /live/api/<code>?v=<version>&f=<follower id>`` is the followers' poll: the whole
  snapshot, or only ``{"v": n}`` when ``v`` is already the latest. ``f`` (sent every few
  seconds) counts the follower. With the ``X-Live-Token`` header it is the lecturer's
  heartbeat instead and adds the follower count.
* ``POST /live/api/<code>/events`` with ``X-Live-Token``: one lecturer event (events.py).
* ``GET /live/<code>`` is the student link: the page, sent on to the session's current
  settings so a student's first run is the lecturer's.

Refusals are 4xx with a reason (server.py's handler): 400 for a malformed event (the
query goes through urlstate.from_query and validate.config like any link), 403 (and a
log line, without the token) for a wrong token, 404 unknown or expired, 410 ended, 429
past the event rate, 503 past the session bound. The token travels in a header and in
the lecturer link's fragment, which browsers never send: it is in no server log.
"""

from __future__ import annotations

import logging
import os
import time

import dash_bootstrap_components as dbc
from dash import Dash, html
from flask import Response, abort, jsonify, redirect, request

from playground.live import LiveError, Store, open_store
from playground.live.events import parse
from playground.live.model import CODE_RE, FOLLOWER_RE, Forbidden

from . import exports, reach
from .contract import IDS, LIVE_API, LIVE_PAGE, LIVE_TOKEN_HEADER
from .lessons import LESSON_BY_ID
from .state import urlstate, validate

API, PAGE, TOKEN_HEADER = LIVE_API, LIVE_PAGE, LIVE_TOKEN_HEADER
EXTENSION = "playground-live"  # app.server.extensions[EXTENSION] is the store
log = logging.getLogger("playground.live")


def canonical_query(query: str) -> str:
    """The page's canonical form of ``query``, or LiveError naming every part refused.

    The same layer as any link: urlstate.from_query, then validate.config. A lecturer's page
    only sends canonical queries, so anything it had to adjust is refused, not fixed.
    """
    raw, notices, lesson = urlstate.from_query(query)
    cfg, msgs = validate.config(raw)
    problems = notices + [text for _, text in msgs.items]
    if lesson is not None and lesson not in LESSON_BY_ID:
        problems.append(f"unknown lesson '{lesson[:30]}'")
    if problems:
        raise LiveError("settings refused: " + "; ".join(problems[:10]))
    return urlstate.to_query(cfg, lesson)


def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _code(code: str) -> str:
    if not CODE_RE.fullmatch(code):
        abort(404, "no such live session")
    return code


def _refuse(e: LiveError, code: str = "") -> None:
    if isinstance(e, Forbidden):  # the address, never the token
        log.warning(
            "live %s: control request refused (wrong or missing token) from %s", code, request.remote_addr
        )
    abort(e.status, e.reason)


def _create(store: Store) -> tuple[Response, int]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"query"} or not isinstance(body["query"], str):
        abort(400, 'a new session is {"query": "<the page\'s query>"}')
    try:
        query = canonical_query(body["query"])
        snap, token = store.create(query, time.time())
    except LiveError as e:
        _refuse(e)
    base, warning = reach.base(request.host_url)
    student = base.rstrip("/") + PAGE + snap.code
    log.info("live %s: session opened", snap.code)
    out = {
        "code": snap.code,
        "v": snap.version,
        "student": student,
        "qr": exports.qr_data_uri(student),
        "warning": warning or "",
        "token": token,
        "lecturer": f"{student}#lead={token}",
    }
    return _no_store(jsonify(out)), 201


def _poll(store: Store, code: str) -> Response:
    now, token = time.time(), request.headers.get(TOKEN_HEADER)
    try:
        if token is not None:  # the lecturer's heartbeat
            snap = store.touch(code, token, now)
            return _no_store(jsonify({**snap.public(now), "followers": store.followers(code, now)}))
        snap = store.read(code, now)
        follower = request.args.get("f", "")
        if FOLLOWER_RE.fullmatch(follower):
            store.follow(code, follower, now)
    except LiveError as e:
        _refuse(e, code)
    if request.args.get("v") == str(snap.version):
        return _no_store(jsonify({"v": snap.version}))  # nothing new: the common answer, ~10 bytes
    return _no_store(jsonify(snap.public(now)))


def _event(store: Store, code: str) -> Response:
    now, token = time.time(), request.headers.get(TOKEN_HEADER)
    try:
        store.verify(code, token, now)  # no token, no say: before the body is even read
        event = parse(request.get_json(silent=True), canonical_query)
        snap = store.publish(code, token, event, now)
    except LiveError as e:
        _refuse(e, code)
    return _no_store(jsonify(snap.public(now)))


def register(app: Dash, store: Store | None = None) -> Store:
    """Serve live sessions from ``app`` (the store: REDIS_URL, else the shared SQLite file)."""
    store = store or open_store(os.environ)
    server = app.server
    server.extensions[EXTENSION] = store
    server.add_url_rule(f"{API}/sessions", "live_create", lambda: _create(store), methods=["POST"])
    server.add_url_rule(f"{API}/<code>", "live_poll", lambda code: _poll(store, _code(code)))
    server.add_url_rule(
        f"{API}/<code>/events", "live_event", lambda code: _event(store, _code(code)), methods=["POST"]
    )

    @server.before_request
    def student_link():
        # /live/<code> without settings: on to the session's own (Dash serves the page itself)
        parts = request.path.split("/")
        if request.method != "GET" or len(parts) != 3 or parts[1] != "live" or request.query_string:
            return None
        if CODE_RE.fullmatch(parts[2]):
            try:
                query = store.read(parts[2], time.time()).query
            except LiveError:
                return None  # the page says the session is gone
            if query:
                return redirect(f"{PAGE}{parts[2]}?{query}", 302)
        return None

    return store


def header_pieces() -> list:
    """The Go-live button, its modal and the live bar (hidden until a session starts)."""
    return [
        dbc.Button(
            "● Go live",
            id=IDS.live_button,
            size="sm",
            color="light",
            outline=True,
            title="Let the hall follow this page live",
        ),
        modal(),
        bar(),
    ]


def modal() -> dbc.Modal:
    """The room, the student link and its QR code side by side (one screen at 1280×720: a
    projector's), then the lecturer's private link, shown once."""
    room = html.Div(
        [
            html.Div([html.Span("room ", className="pg-muted"), html.Strong(id=IDS.live_code, className="pg-live-code")]),
            html.P("Students open this link or scan the code: their page follows yours.", className="pg-muted mb-1"),
            html.A(id=IDS.live_student, href="#", target="_blank", className="pg-live-link"),
            dbc.Alert(id=IDS.live_reach, color="warning", is_open=False, className="pg-reach mt-2"),
            _secret(),
        ],
        className="pg-live-room",
    )  # fmt: skip
    qr = html.Img(id=IDS.live_qr, className="pg-qr pg-live-qr", alt="QR code of the student link")
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Live session")),
            dbc.ModalBody(html.Div([room, qr], className="pg-live-grid")),
        ],
        id=IDS.live_modal,
        is_open=False,
        size="xl",
        scrollable=True,  # a screen lower than 720 px scrolls the dialog, never the page under it
    )


def _secret() -> html.Div:
    """The lecturer link, shown only when the session opens (85-pg-live.js)."""
    return html.Div(
        [
            html.P(
                [
                    html.Strong("Your lecturer link "),
                    "controls the session: keep it private. "
                    "Open it on a second device to drive from there. It is shown only now.",
                ],
                className="mb-1",
            ),
            dbc.InputGroup(
                [
                    dbc.Input(id=IDS.live_lecturer, readonly=True),
                    dbc.Button("Copy", id=IDS.live_copy, color="secondary"),
                ]
            ),
        ],
        id=IDS.live_secret,
        className="pg-live-secret",
    )


def bar() -> html.Div:
    """The floating bar: the lecturer's count and End, or the student's status and Rejoin."""
    return html.Div(
        [
            html.Span("●", className="pg-live-dot"),
            html.Span(id=IDS.live_status, className="pg-live-status"),
            html.Span(id=IDS.live_followers, className="pg-live-count"),
            dbc.Button("Rejoin", id=IDS.live_rejoin, size="sm", color="warning", className="pg-live-rejoin"),
            dbc.Button(
                "Link", id=IDS.live_show, size="sm", color="light", outline=True, className="pg-live-show"
            ),
            dbc.Button("End session", id=IDS.live_end, size="sm", color="danger", className="pg-live-end"),
        ],
        id=IDS.live_bar,
        className="pg-live-bar",
        role="status",
        **{"aria-live": "polite"},
    )
