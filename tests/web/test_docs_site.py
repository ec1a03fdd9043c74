"""/docs/ serves a built documentation site beside the page, and says how to build one when
there is none; the page's help links point where DOCS_URL says."""

from __future__ import annotations

import pytest

from playground.web import create_app, docs_site


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.fixture
def site(tmp_path, monkeypatch):
    (tmp_path / "guide" / "formula").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    (tmp_path / "guide" / "formula" / "index.html").write_text("<h1>formula</h1>")
    (tmp_path / "style.css").write_text("h1 {}")
    monkeypatch.setenv("DOCS_DIR", str(tmp_path))
    return tmp_path


def test_a_built_site_is_served_folder_by_folder(client, site):
    assert client.get("/docs/").data == b"<h1>home</h1>"
    assert client.get("/docs/guide/formula/").data == b"<h1>formula</h1>"
    assert client.get("/docs/style.css").data == b"h1 {}"
    moved = client.get("/docs/guide/formula")  # relative links need the folder's slash
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/docs/guide/formula/")


@pytest.mark.parametrize("path", ["/docs/nope/", "/docs/../pyproject.toml", "/docs/%2e%2e/README.md"])
def test_nothing_outside_the_site_is_served(client, site, path):
    assert client.get(path).status_code == 404


def test_the_guide_has_its_own_policy_and_the_page_keeps_its_strict_one(client, site):
    guide = client.get("/docs/").headers["Content-Security-Policy"]
    page = client.get("/").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" in guide.split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in page.split("script-src")[1].split(";")[0]


def test_without_a_built_site_the_answer_says_how_to_build_one(client, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCS_DIR", str(tmp_path / "empty"))
    answer = client.get("/docs/guide/formula/")
    assert answer.status_code == 404
    assert b"mkdocs build" in answer.data and b"DOCS_URL" in answer.data


@pytest.mark.parametrize(
    ("base", "page", "anchor", "expected"),
    [
        (None, "guide/formula.md", "", "/docs/guide/formula/"),
        (None, "index.md", "", "/docs/"),
        (None, "guide/lessons.md", "ravine", "/docs/guide/lessons/#ravine"),
        ("https://example.org/pg", "reference/url.md", "", "https://example.org/pg/reference/url/"),
        ("https://example.org/pg/", "guide/keys.md", "", "https://example.org/pg/guide/keys/"),
    ],
)
def test_links_follow_docs_url_and_mkdocs_folder_urls(monkeypatch, base, page, anchor, expected):
    if base is None:
        monkeypatch.delenv("DOCS_URL", raising=False)
    else:
        monkeypatch.setenv("DOCS_URL", base)
    assert docs_site.url(page, anchor) == expected


def _links(component) -> list[str]:
    """Every href under a Dash component."""
    found = [component.href] if getattr(component, "href", None) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += _links(child)
    return found


def test_a_lesson_links_to_its_own_section(monkeypatch):
    from playground.web import lesson_box
    from playground.web.lessons import LESSONS

    monkeypatch.delenv("DOCS_URL", raising=False)
    lesson = LESSONS[0]
    [alert] = lesson_box.box(lesson_box.lesson_config(lesson.id), lesson)
    assert docs_site.url("reference/lessons.md", lesson.id) in _links(alert)


def test_a_refused_formula_links_to_how_to_type_one(monkeypatch):
    from playground.web.views.race import formula_box

    monkeypatch.delenv("DOCS_URL", raising=False)
    assert "/docs/guide/formula/" in _links(formula_box.marked("2x +", 4, "expected a term"))


def test_the_help_overlay_links_to_the_guide(monkeypatch):
    from playground.web import page

    monkeypatch.delenv("DOCS_URL", raising=False)
    assert {"/docs/", "/docs/guide/keys/"} <= set(_links(page.help_box()))
