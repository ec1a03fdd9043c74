"""Production hardening of the Flask server under Dash.

Request-size cap, security headers with a Content-Security-Policy the page works under,
compressed responses, long-lived caching of fingerprinted assets, a health endpoint,
and the error policy:

* 4xx is a deliberate refusal and keeps its reason (guard.py refuses callback requests the
  page cannot have sent; werkzeug refuses oversized bodies, unknown routes...).
* Anything else that escapes a request is a bug: 500 with a generic JSON body (never the
  traceback), and the traceback goes to the ``playground.http`` log.
"""

from __future__ import annotations

import logging
import re

from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Request, Response, jsonify, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

from . import bundle

MAX_BODY = 64 * 1024  # a settings change is ~2 KB of JSON; nothing legitimate comes close
# dcc's components that load their code on first render, and the chunk each one loads (dcc's
# webpack chunks, named as its build names them)
LAZY_CHUNKS = {"Graph": "async-graph.js", "Dropdown": "async-dropdown.js", "Slider": "async-slider.js",
               "RangeSlider": "async-slider.js", "Markdown": "async-markdown.js"}  # fmt: skip
log = logging.getLogger("playground.http")


def content_security_policy(app: Dash) -> str:
    # Dash's index page boots with a small inline script: allow exactly it by hash.
    # plotly.js's WebGL (regl) compiles generated code, hence 'unsafe-eval'.
    hashes = " ".join(app.csp_hashes())  # already quoted
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-eval' {hashes}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def _types(node: object) -> set[str]:
    """The component types a layout renders first, ``node`` being a component or a list of
    them: a ``dcc.Tabs`` renders its chosen tab alone (the other views, web/later.py's parts)."""
    if isinstance(node, (list, tuple)):
        return set().union(*(_types(n) for n in node))
    if not hasattr(node, "_type"):
        return set()
    if node._type == "Tabs":
        chosen = [t for t in node.children or [] if getattr(t, "value", None) == node.value]
        return {node._type, "Tab"}.union(_types(chosen))
    return {node._type}.union(*(_types(getattr(node, p, None)) for p in node._prop_names))


# Dash's renderer loads @babel/polyfill (core-js 2 and regenerator-runtime) ahead of everything,
# for browsers older than any that draws the page's WebGL. Evaluating core-js costs every cold
# visit ~80 ms of main-thread CPU before the first map (benchmarks/browser.py's floor). The only
# part of it the page's bundles use is regenerator-runtime's global (Dash's renderer, dcc and
# dash-bootstrap-components compile their async functions to it): loaded alone, in its place.
REGENERATOR_RUNTIME = "regenerator-runtime@0.13.11.js"  # the npm package's runtime.js, unchanged
POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')


def without_polyfill(scripts: str, runtime_src: str) -> str:
    """The index page's script tags with Dash's polyfill replaced by regenerator-runtime alone,
    at the same place (before React and every bundle that calls it)."""
    replaced, found = POLYFILL_TAG.subn(f'<script src="{runtime_src}"></script>', scripts)
    if found != 1:  # a new Dash names or loads it otherwise: look again rather than guess
        raise RuntimeError(f"expected Dash's polyfill script once in the index page, found it {found} times")
    return replaced


def preload(app: Dash) -> None:
    """Ask the browser for what Dash's renderer fetches only after every script has run:
    the layout, the callbacks and the code chunks of the lazy components the first layout
    holds. Fetched while the scripts load, they are there when the renderer asks (the
    browser hands a preloaded response to the fetch or script of the same URL)."""
    root = app.config.requests_pathname_prefix
    chunks = sorted({LAZY_CHUNKS[t] for t in _types(app.layout) if t in LAZY_CHUNKS})
    links = [f'<link rel="preload" href="{root}{url}" as="fetch" crossorigin>'
             for url in ("_dash-layout", "_dash-dependencies")]  # fmt: skip
    links += [
        f'<link rel="preload" href="{root}_dash-component-suites/dash/dcc/{c}" as="script">' for c in chunks
    ]
    app.index_string = app.index_string.replace("{%css%}", "\n".join(links) + "\n{%css%}", 1)


FIXED = ("/_dash-component-suites/", "/assets/", bundle.ROUTE)  # what never changes under its URL
NOT_KEPT = "\0"  # the cache key of a response compressed afresh each time


def fixed_asset_key(req: Request) -> str:
    """flask-compress' cache key: the file a whole fingerprinted asset's GET is answered with
    (its path, without the query or Dash's fingerprint, which any visitor can vary: a key per
    URL would let one fill a worker's memory), NOT_KEPT for the rest (a callback's answer, the
    index page, a range of a file)."""
    if req.method == "GET" and "Range" not in req.headers and req.path.startswith(FIXED):
        return check_fingerprint(req.path)[0]
    return NOT_KEPT


class FixedAssetCache:
    """Compressed fingerprinted assets, kept for the worker's life (one per file: ~1 MB in all):
    a cold visit had each worker compress its ~3.9 MB of scripts and stylesheets again
    (`python -m benchmarks.server --page`: 31.8 -> 5.3 ms of CPU for them)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(NOT_KEPT):
            self.kept[key] = value


def harden(app: Dash) -> None:
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html",
        "text/css",
        "application/javascript",
        "text/javascript",  # what Flask names .js files (plotly.js went out uncompressed, 4.8 MB)
        "application/json",
    ]
    server.config["COMPRESS_MIN_SIZE"] = 1024
    # level 1: the base64 float32 paths barely compress further, and level 6 costs 2x the CPU
    server.config["COMPRESS_LEVEL"] = 1
    server.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    server.config["COMPRESS_CACHE_BACKEND"] = FixedAssetCache
    server.config["COMPRESS_CACHE_KEY"] = fixed_asset_key
    Compress(server)
    csp: dict[str, str] = {}

    @server.after_request
    def headers(resp: Response) -> Response:
        if "policy" not in csp:  # the hash needs the layout, so compute it on first use
            csp["policy"] = content_security_policy(app)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        resp.headers["X-Frame-Options"] = "SAMEORIGIN"
        resp.headers.setdefault("Content-Security-Policy", csp["policy"])  # the guide sets its own
        if request.path.startswith(FIXED):
            # Dash fingerprints these URLs (the version is in the name), so they can be cached
            # hard; a bundle's name is a hash of what it holds
            resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            if resp.status_code == 200 and resp.is_streamed:
                # a file Flask would stream, read whole: flask-compress then keeps the
                # compressed copy (it compresses a stream afresh every time)
                resp.direct_passthrough = False
                resp.make_sequence()
        if resp.status_code >= 400:
            log.warning("%s %s -> %s", request.method, request.path, resp.status_code)
        return resp

    @server.route("/healthz")
    def healthz():
        return jsonify(status="ok")

    @server.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        log.warning("%s %s -> %s %s", request.method, request.path, e.code, e.description)
        return jsonify(error=e.name, reason=e.description), e.code

    @server.errorhandler(Exception)
    def unexpected(e: Exception):
        # Bad input never gets here (guard.py and validate.py handle it): this is a bug
        log.exception("%s %s -> 500", request.method, request.path)
        return jsonify(error="Internal Server Error", reason="the server met an unexpected error"), 500
