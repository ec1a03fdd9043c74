"""The page's own scripts and stylesheets, each kind served as one file.

The source stays small ordered modules in ``assets/`` (``NN-pg-*.js``, ``NN-*.css``), which
Dash links one by one: a cold visit asked for 23 files more than a bare Dash page, six of them
stylesheets that hold the first paint. The index page links one file per kind in their place:
the modules joined in Dash's order (file-name order), named by a hash of what they hold, so a
browser keeps it for good and a changed module is a new name. Measured with
``python -m benchmarks.browser --floor 8`` (CHANGELOG, 2026-12-07 afternoon).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import NamedTuple

from flask import Flask, Response, abort

ROUTE = "/_bundle/"  # the bundles' URL prefix, cached as hard as Dash's fingerprinted assets

# the page's own modules of each kind (not the libraries beside them: plotly.js, the runtime)
MODULES = {"js": r"\d\d-pg-[\w-]+\.js", "css": r"\d\d-[\w.-]+\.css"}
# the index page's tag of one module, as Dash writes it
TAGS = {
    "js": re.compile(r'<script src="[^"]*/assets/(?P<name>' + MODULES["js"] + r')(?:\?[^"]*)?"></script>\n?'),
    "css": re.compile(
        r'<link rel="stylesheet" href="[^"]*/assets/(?P<name>' + MODULES["css"] + r')(?:\?[^"]*)?">\n?'
    ),
}
MIMETYPES = {"js": "text/javascript", "css": "text/css"}


class Bundle(NamedTuple):
    name: str  # page.<hash>.<kind>
    body: bytes
    modules: tuple[str, ...]  # file names, in order

    @property
    def kind(self) -> str:
        return self.name.rsplit(".", 1)[1]

    @property
    def mimetype(self) -> str:
        return MIMETYPES[self.kind]


def bundle(folder: Path, modules: list[str], kind: str) -> Bundle:
    """``modules`` of ``folder`` joined in order, each under a comment naming its file (a
    script's modules are each a function of their own, ended by ``;`` in case one is not)."""
    sep = "\n;\n" if kind == "js" else "\n"
    body = sep.join(f"/* {m} */\n" + (folder / m).read_text(encoding="utf-8") for m in modules)
    data = body.encode()
    return Bundle(f"page.{hashlib.sha256(data).hexdigest()[:16]}.{kind}", data, tuple(modules))


def modules_linked(tags: str, kind: str) -> list[str]:
    """The modules of ``kind`` that Dash's index page links, in its order."""
    return [m["name"] for m in TAGS[kind].finditer(tags)]


def one_tag(tags: str, part: Bundle, url: str) -> str:
    """Dash's tags of ``part``'s kind with its modules' run replaced by one tag linking ``url``.
    Dash must link exactly the modules ``part`` holds, one after another: a module it lists
    otherwise (a new one since start-up, or one placed between plotly.js and Dash's renderer)
    would be missing or loaded in another order if joined, so that is an error, not a guess."""
    found = list(TAGS[part.kind].finditer(tags))
    linked = tuple(m["name"] for m in found)
    if linked != part.modules:
        raise RuntimeError(
            f"the index links {list(linked)}, the {part.kind} bundle holds {list(part.modules)}"
        )
    start, end = found[0].start(), found[-1].end()
    if "".join(m.group(0) for m in found) != tags[start:end]:
        raise RuntimeError(f"the page's {part.kind} modules are not linked one after another")
    tag = (
        f'<script src="{url}"></script>\n' if part.kind == "js" else f'<link rel="stylesheet" href="{url}">\n'
    )
    return tags[:start] + tag + tags[end:]


def page_bundles(folder: Path, kinds: tuple[str, ...] = ("js", "css")) -> dict[str, Bundle]:
    """One bundle of each kind from the modules in ``folder``, in file-name order (Dash's)."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    return {k: bundle(folder, [n for n in names if re.fullmatch(MODULES[k], n)], k) for k in kinds}


def serve(server: Flask, bundles: dict[str, Bundle]) -> None:
    """Serve ``bundles`` at ``ROUTE`` + their names."""
    by_name = {b.name: b for b in bundles.values()}

    @server.route(ROUTE + "<name>")
    def page_bundle(name: str) -> Response:
        found = by_name.get(name)
        if found is None:
            abort(404)
        return Response(found.body, mimetype=found.mimetype)
