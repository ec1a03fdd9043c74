"""The page's own scripts and stylesheets served as one file each (web/bundle.py), and the
compressed fingerprinted assets a worker keeps (server.FixedAssetCache)."""

import gzip
import re
from pathlib import Path

import pytest
from dash import html
from flask import Flask, request

from playground.web import ASSETS, PlaygroundDash, bundle, create_app, server

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def index(app):
    return app.server.test_client().get("/").get_data(as_text=True)


def _modules(kind: str) -> list[str]:
    return sorted(p.name for p in ASSETS.iterdir() if re.fullmatch(bundle.MODULES[kind], p.name))


def test_the_index_links_one_bundle_of_each_kind_in_place_of_the_modules(app, index):
    scripts = re.findall(r'<script src="([^"]+)"', index)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', index)
    assert styles == [f"/_bundle/{app.bundles['css'].name}"]  # every stylesheet, Bootstrap's first
    assert not [s for s in scripts if re.search(r"/\d\d-pg-", s)]
    # where Dash placed the modules: after plotly.js, which they use, before Dash's renderer
    at = [i for i, s in enumerate(scripts) if "05-plotly" in s or "/_bundle/" in s or "dash_renderer" in s]
    assert [scripts[i].split("/")[-2] for i in at] == ["assets", "_bundle", "build"] and at[1] == at[0] + 1
    assert app.bundles["js"].modules == tuple(_modules("js")) and len(_modules("js")) > 10
    assert app.bundles["css"].modules[0] == "00-bootstrap.min.css"


@pytest.mark.parametrize("kind", ["js", "css"])
def test_a_bundle_holds_its_modules_whole_in_file_name_order(app, kind):
    got = app.server.test_client().get(f"/_bundle/{app.bundles[kind].name}")
    assert got.status_code == 200 and got.mimetype == bundle.MIMETYPES[kind]
    assert got.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    body = got.get_data(as_text=True)
    at = [body.index(f"/* {m} */\n" + (ASSETS / m).read_text(encoding="utf-8")) for m in _modules(kind)]
    assert at == sorted(at) and at[0] == 0


def test_a_bundles_name_changes_with_what_it_holds(tmp_path: Path):
    for name, text in [("10-pg-a.js", "(function () { A(); })()"), ("20-pg-b.js", "B()")]:
        (tmp_path / name).write_text(text)
    first = bundle.page_bundles(tmp_path, ("js",))["js"]
    assert first.body == b"/* 10-pg-a.js */\n(function () { A(); })()\n;\n/* 20-pg-b.js */\nB()"
    (tmp_path / "20-pg-b.js").write_text("C()")
    assert bundle.page_bundles(tmp_path, ("js",))["js"].name != first.name


def test_an_unknown_bundle_is_a_404(app):
    assert app.server.test_client().get("/_bundle/page.0000000000000000.js").status_code == 404


TAG = '<script src="/assets/{}?m=1"></script>\n'
TWO = bundle.Bundle("page.x.js", b"", ("10-pg-a.js", "20-pg-b.js"))


@pytest.mark.parametrize(
    ("tags", "error"),
    [
        (TAG.format("05-plotly.min.js"), r"links \[\], the js bundle holds"),
        (TAG.format("10-pg-a.js"), r"links \['10-pg-a.js'\], the js bundle holds"),
        (
            TAG.format("10-pg-a.js") + TAG.format("15-other.js") + TAG.format("20-pg-b.js"),
            "one after another",
        ),
    ],
    ids=["none", "one missing", "broken run"],
)
def test_modules_linked_otherwise_are_an_error_not_a_guess(tags, error):
    with pytest.raises(RuntimeError, match=error):
        bundle.one_tag(tags, TWO, "/_bundle/page.x.js")


def test_the_run_of_modules_becomes_one_tag_in_its_place():
    tags = TAG.format("05-plotly.min.js") + TAG.format("10-pg-a.js") + TAG.format("20-pg-b.js") + "<x>"
    assert (
        bundle.one_tag(tags, TWO, "/b.js")
        == TAG.format("05-plotly.min.js") + '<script src="/b.js"></script>\n<x>'
    )


def test_an_index_whose_modules_differ_from_the_bundle_is_an_error(tmp_path: Path, caplog):
    app = PlaygroundDash(__name__, assets_folder=str(tmp_path))
    app.layout = html.Div()
    (tmp_path / "10-pg-a.js").write_text("A()")
    app.serve_bundles(("js",))
    (tmp_path / "20-pg-b.js").write_text("B()")  # Dash lists it, the bundle (made earlier) has not
    assert app.server.test_client().get("/").status_code == 500
    assert "the index links ['10-pg-a.js', '20-pg-b.js']" in caplog.text


@pytest.mark.parametrize("url", ["/assets/05-plotly.min.js?m=7", "/_bundle/{js}"], ids=["a file", "a bundle"])
def test_a_worker_compresses_a_fixed_asset_once_and_sends_it_whole(url, monkeypatch):
    app = create_app()
    url, calls, real = url.format(js=app.bundles["js"].name), [], gzip.compress
    monkeypatch.setattr(gzip, "compress", lambda data, *a: calls.append(len(data)) or real(data, *a))
    sent = [app.server.test_client().get(url, headers=GZIP) for _ in range(3)]
    whole = app.server.test_client().get(url).data  # as it is, uncompressed
    assert [r.headers["Content-Encoding"] for r in sent] == ["gzip"] * 3
    assert [int(r.headers["Content-Length"]) for r in sent] == [len(r.data) for r in sent]
    assert {gzip.decompress(r.data) for r in sent} == {whole} and len(whole) > 100_000
    assert calls == [len(whole)]  # the first visit's only: a file Flask streams was compressed at each


def test_a_file_is_kept_once_whatever_query_or_fingerprint_a_visitor_asks_for_it_with():
    keys = set()
    for url in ["/assets/05-plotly.min.js?m=1", "/assets/05-plotly.min.js?m=2&junk=3",
                "/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1.js",
                "/_dash-component-suites/dash/dcc/dash_core_components.v9_9_9m2.js"]:  # fmt: skip
        with Flask(__name__).test_request_context(url):
            keys.add(server.fixed_asset_key(request))
    assert keys == {"/assets/05-plotly.min.js", "/_dash-component-suites/dash/dcc/dash_core_components.js"}


@pytest.mark.parametrize(
    ("method", "path", "headers", "kept"),
    [
        ("GET", "/assets/05-plotly.min.js?m=1", {}, True),
        ("GET", "/_dash-component-suites/dash/dcc/async-graph.js", {}, True),
        ("GET", "/_bundle/page.x.js", {}, True),
        ("GET", "/assets/05-plotly.min.js", {"Range": "bytes=0-99"}, False),
        ("POST", "/_dash-update-component", {}, False),
        ("GET", "/", {}, False),
        ("GET", "/_dash-layout", {}, False),
        ("GET", "/live/api/abc", {}, False),
    ],
)
def test_only_whole_fingerprinted_assets_are_kept(method, path, headers, kept):
    cache = server.FixedAssetCache()
    with Flask(__name__).test_request_context(path, method=method, headers=headers):
        key = "zstd;" + server.fixed_asset_key(request)
    cache.set(key, b"compressed")
    assert (cache.get(key) == b"compressed") is kept


def test_unbundled_for_serve_debug_the_index_links_each_module_as_it_is():
    index = create_app(bundled=False).server.test_client().get("/").get_data(as_text=True)
    assert "/_bundle/" not in index
    for kind in ("js", "css"):
        assert bundle.modules_linked(index, kind) == _modules(kind)
