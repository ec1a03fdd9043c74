"""The documentation beside the page: where the page's help links point, and serving a built site.

The page links to ``DOCS_URL`` (default ``/docs/``): a deployment that publishes the MkDocs site
elsewhere sets it there. By default the server itself answers ``/docs/`` from a built site
(``DOCS_DIR``, else the checkout's ``site/`` that ``mkdocs build`` writes), so a lecture hall
without internet still has its guide. Without a built site, ``/docs/`` says how to build one.
"""

from __future__ import annotations

import os
from pathlib import Path

from dash import html
from flask import Flask, Response, redirect, send_from_directory
from werkzeug.security import safe_join

CHECKOUT_SITE = Path(__file__).resolve().parents[2] / "site"  # `mkdocs build` in a source checkout
PREFIX = "/docs/"
# MkDocs Material's pages run small inline scripts (its colour scheme, its search): the guide
# gets its own policy, the page keeps its strict one
POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'self'"
)
NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Documentation not built</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5">
<h1>The documentation is not built on this server</h1>
<p>Build it from a checkout with <code>pip install -e ".[dev]" &amp;&amp; mkdocs build</code>
(it is written to <code>site/</code>), or point <code>DOCS_DIR</code> at a built site, or set
<code>DOCS_URL</code> to where it is published.</p>
<p><a href="/">Back to the playground</a></p></body></html>"""


# the documentation pages the page links to, by what they help with (tests/docs checks each is
# in the built site, and every lesson's anchor on the lessons page)
PAGES = {
    "guide": "index.md",
    "racing": "guide/racing.md",
    "keys": "guide/keys.md",
    "formula": "guide/formula.md",
    "lessons": "reference/lessons.md",
    "accessibility": "guide/accessibility.md",
}


def base_url() -> str:
    """Where the documentation is published, ending in ``/``."""
    return os.environ.get("DOCS_URL", PREFIX).rstrip("/") + "/"


def url(page: str, anchor: str = "") -> str:
    """The address of a documentation page: ``page`` as in ``mkdocs.yml`` (``guide/formula.md``),
    served as MkDocs' directory URLs (``guide/formula/``)."""
    path = "" if page == "index.md" else page.removesuffix(".md") + "/"
    return base_url() + path + (f"#{anchor}" if anchor else "")


def link(what: str, anchor: str = "") -> str:
    """The address of the documentation page the page links to for ``what`` (a key of PAGES)."""
    return url(PAGES[what], anchor)


def anchor_to(text: str, what: str, anchor: str = "", **kwargs: object) -> html.A:
    """A link into the documentation, opened beside the race (a new tab keeps the page's run)."""
    return html.A(
        text, href=link(what, anchor), target="_blank", rel="noopener", className="pg-doc-link", **kwargs
    )


def site_dir() -> Path | None:
    """The built site this server answers ``/docs/`` from, if there is one."""
    root = Path(os.environ["DOCS_DIR"]) if os.environ.get("DOCS_DIR") else CHECKOUT_SITE
    return root if (root / "index.html").is_file() else None


def register(server: Flask) -> None:
    """``/docs/...``: the built site's files (a folder's ``index.html`` for a folder's URL)."""

    @server.route(PREFIX, defaults={"path": ""})
    @server.route(PREFIX + "<path:path>")
    def docs(path: str) -> Response:
        root = site_dir()
        if root is None:
            return Response(NOT_BUILT, status=404, mimetype="text/html")
        target = safe_join(str(root), path)
        if path and target is not None and Path(target).is_dir() and not path.endswith("/"):
            return redirect(PREFIX + path + "/")  # the pages link to their neighbours relatively
        if target is not None and Path(target).is_dir():
            path = path + "index.html"
        resp = send_from_directory(root, path)  # 404 for a missing file, never outside root
        resp.headers["Content-Security-Policy"] = POLICY
        return resp
