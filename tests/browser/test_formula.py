"""Formulas typed as books write them, in real headless Chromium against the real server:
the preview shows what was read (MathJax, served by the app itself), the race runs on it,
a broken formula gets its message with the character where reading stopped marked, and
the gallery opens a classic. Screenshots: artifacts/formula-typed.png,
artifacts/formula-broken.png, artifacts/gallery-<key>.png (three classics, typed). The pages
have no WebGL (tests/conftest.py, WITHOUT_WEBGL): the 3D card says so in the screenshots."""

import math
from urllib.parse import urlencode

import pytest

from playground.core.surfaces.gallery import BY_KEY, CLASSICS
from playground.core.surfaces.notation import read_formula, to_latex
from playground.web.contract import LABELS
from tests.support.browser import ARTIFACTS, Page, follow_link, next_frames

WAIT = 60000  # software GL on a shared 2-core box
RUN_XY = "() => window.PG.run.racers.map(r => r.xy)"
TYPED = "0.26(x² + y²) − 0.48xy + sin x cos y"  # implicit products, unicode, a function without brackets
# the TeX of each formula MathJax typeset in the preview (its own record of what it drew)
TYPESET = """() => MathJax.startup.document.getMathItemsWithin(document.querySelector('#formula-preview'))
  .map(m => m.math.trim())"""


def _type(pg: Page, text: str) -> None:
    pg.page.fill("#input-formula", text)
    pg.page.press("#input-formula", "Enter")
    pg.idle(timeout=60)


def _external(pg: Page, base_url: str) -> list[str]:
    return [u for u in pg.requested if not u.startswith(base_url) and not u.startswith("data:")]


def _watch(pg: Page) -> None:
    pg.requested = []
    pg.page.on("request", lambda r: pg.requested.append(r.url))


def test_type_as_written_see_what_was_read_and_race(browser, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    pg = Page(browser, f"{base_url}/?surface=custom")
    _watch(pg)
    p = pg.page
    # the link shows the box: the first formula's preview is drawn then (the page's layout,
    # made for the first surface, holds none)
    p.wait_for_selector("#formula-preview mjx-container", timeout=WAIT)
    before = p.evaluate(RUN_XY)
    _type(pg, TYPED)
    p.wait_for_selector("#formula-preview mjx-container", timeout=WAIT)  # typeset by MathJax
    # what MathJax typeset is the tree as read: implicit products and unicode understood
    assert p.evaluate(TYPESET) == [f"f(x, y) = {to_latex(read_formula(TYPED))}"]
    assert to_latex(read_formula(TYPED)) == (
        r"0.26 \, \left(x^{2} + y^{2}\right) - 0.48 \, x \, y + \sin\left(x\right) \, \cos\left(y\right)"
    )
    p.wait_for_function("f => new URLSearchParams(location.search).get('f') === f", arg=TYPED, timeout=WAIT)
    assert p.inner_text("#msg-surface").strip() == "" and p.inner_text("#formula-error").strip() == ""
    assert p.evaluate(RUN_XY) != before  # the race is on the typed landscape
    p.click("#button-play")
    p.wait_for_function("() => window.PG.step > 5", timeout=WAIT)
    p.click("#button-play")
    p.screenshot(path=str(ARTIFACTS / "formula-typed.png"), full_page=True)
    assert _external(pg, base_url) == []  # MathJax came from the app, not from another site

    _type(pg, "2x + sin(y")
    p.wait_for_selector("#formula-error .pg-formula-here", timeout=WAIT)
    assert "ends too early: expected ')'" in p.inner_text("#formula-error")
    # one message, in place: under the box, not again in the surface's notes
    assert p.inner_text("#msg-surface").strip() == ""
    assert p.inner_text("body").count("ends too early") == 1
    _type(pg, "x2 + y")
    p.wait_for_function(
        "() => document.querySelector('#formula-error').innerText.includes('needs a * before it')",
        timeout=WAIT,
    )
    assert p.inner_text("#formula-error .pg-formula-here") == "2"  # the character where reading stopped
    assert p.inner_text("#formula-preview").strip() == ""
    assert (
        p.inner_text("body").count("needs a * before it") == 1 and p.inner_text("#msg-surface").strip() == ""
    )
    # read, then refused when built (a constant division by zero): marked too, once
    _type(pg, "x^2 + 1/(2 - 2)")
    p.wait_for_function(
        "() => document.querySelector('#formula-error').innerText.includes('division by zero')", timeout=WAIT
    )
    before_mark = (
        "() => document.querySelector('#formula-error .pg-formula-here').previousSibling.textContent"
    )
    assert p.evaluate(before_mark) == "x^2 + 1/("  # the divisor's first character is marked
    assert p.inner_text("body").count("division by zero") == 1
    p.screenshot(path=str(ARTIFACTS / "formula-broken.png"), full_page=True)
    assert not pg.errors, pg.errors
    pg.close()


MARKED_MINIMA = """() => { const gd = document.querySelector('#graph-contour .js-plotly-plot');
  const t = gd.data.find(t => t.meta && t.meta.role === 'mark' && t.name === 'global minimum');
  return t ? t.x.map((x, i) => [x, t.y[i]]) : []; }"""


def test_the_gallery_opens_a_classic_in_one_click(browser, base_url):
    pg = Page(browser, base_url)  # another surface: the gallery is there all the same
    p = pg.page
    p.click("#gallery-himmelblau")  # one click, nothing to unfold first
    p.wait_for_function(
        "() => new URLSearchParams(location.search).get('surface') === 'custom'", timeout=WAIT
    )
    p.wait_for_selector("#graph-contour .js-plotly-plot", timeout=WAIT)
    pg.idle(timeout=60)
    assert p.input_value("#input-formula") == BY_KEY["himmelblau"].formula
    p.wait_for_selector("#formula-preview mjx-container", timeout=WAIT)
    (x0, x1), (y0, y1) = BY_KEY["himmelblau"].domain
    shown = p.evaluate(
        "() => ['x0', 'x1', 'y0', 'y1'].map(k => +new URLSearchParams(location.search).get('p.' + k))"
    )
    assert shown == [x0, x1, y0, y1]  # its domain
    marked = p.evaluate(MARKED_MINIMA)  # the published minima, marked on the map
    assert len(marked) == len(BY_KEY["himmelblau"].minima)
    for m in BY_KEY["himmelblau"].minima:
        assert min(math.dist(m, q) for q in marked) < 1e-5
    # every classic's preview is mathematics MathJax can set: no error, no command left as text
    # (the page's MathJax; that each link and formula reaches the race: tests/web/test_formula_links)
    texs = [f"f(x, y) = {to_latex(read_formula(c.formula))}" for c in CLASSICS]
    assert p.evaluate(SET_AS_MATHEMATICS, texs) == [[0, False]] * len(CLASSICS)
    # this Chromium has no WebGL: the 3D card says so in the page's words, and a click on it
    # opens nothing (plotly.js's own note sent the reader to another site in a new window)
    p.wait_for_selector("#graph-surface-3d .pg-no-webgl", timeout=WAIT)
    assert p.inner_text("#graph-surface-3d .no-webgl").strip() == LABELS["noWebgl"]
    pages = len(p.context.pages)
    p.click("#graph-surface-3d .no-webgl")
    next_frames(p)
    assert len(p.context.pages) == pages
    assert not pg.errors, pg.errors
    pg.close()


# per TeX: MathJax's error marks in what it sets, and whether a backslash is left in its text
# (an unknown command is drawn as its name)
SET_AS_MATHEMATICS = """texs => texs.map(t => { const n = MathJax.tex2svg(t, {display: true});
  return [n.querySelectorAll('[data-mjx-error], [data-mml-node=merror]').length, n.textContent.includes('\\\\')]; })"""


def _domain_only(base_url: str, key: str) -> str:
    (x0, x1), (y0, y1) = BY_KEY[key].domain
    q = {"surface": "custom", "p.x0": f"{x0:g}", "p.x1": f"{x1:g}", "p.y0": f"{y0:g}", "p.y1": f"{y1:g}"}
    return f"{base_url}/?{urlencode(q)}"


# the classic's domain is in the address and no formula yet (the link's, not the one typed before)
DOMAIN_OPEN = """d => { const q = new URLSearchParams(location.search);
  return !q.has('f') && ['x0', 'x1', 'y0', 'y1'].every((k, i) => +q.get('p.' + k) === d[i]); }"""


# typed whole in the page, three whose notations cover the others' (square brackets and a long
# product; exp[…], √, "cos 2πx" and e; bars within bars): every classic's link and formula
# reach the race in tests/web/test_formula_links, and MathJax sets every preview above
TYPED_CLASSICS = ("goldstein_price", "ackley", "holder_table")


@pytest.mark.parametrize("key", TYPED_CLASSICS)
def test_a_classic_typed_as_written_races(shared_page, base_url, key):
    # one page for the three: each classic opens its domain from a link inside the page, then
    # its formula is typed
    pg = shared_page(f"{base_url}/?surface=custom")
    p = pg.page
    follow_link(pg, _domain_only("", key))
    (x0, x1), (y0, y1) = BY_KEY[key].domain
    p.wait_for_function(DOMAIN_OPEN, arg=[x0, x1, y0, y1], timeout=WAIT)
    p.click("#button-reset")  # back to step 0, as a fresh page: a new formula keeps the step
    p.wait_for_function("() => window.PG.step === 0 && !window.PG.playing", timeout=WAIT)
    _type(pg, BY_KEY[key].formula)
    p.wait_for_function(
        "f => new URLSearchParams(location.search).get('f') === f", arg=BY_KEY[key].formula, timeout=WAIT
    )
    # the preview typeset is this classic's (the page held the link's formula's, or the last one's)
    typeset = [f"f(x, y) = {to_latex(read_formula(BY_KEY[key].formula))}"]
    p.wait_for_function(
        f"want => JSON.stringify(({TYPESET})()) === JSON.stringify(want)", arg=typeset, timeout=WAIT
    )
    assert p.inner_text("#msg-surface").strip() == "" and p.inner_text("#formula-error").strip() == ""
    p.click("#button-play")
    p.wait_for_function("() => window.PG.step > 20", timeout=WAIT)
    p.click("#button-play")
    p.screenshot(path=str(ARTIFACTS / f"gallery-{key}.png"))
    assert not pg.errors, pg.errors
