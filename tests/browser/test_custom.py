"""The Custom formula surface in real headless Chromium against the real server: type a
formula, race on it, share the link, reopen it in a new page; a hostile formula gets its
one-line message beside the box and the page keeps racing. Screenshots:
artifacts/custom-typed.png, artifacts/custom-reopened.png, artifacts/custom-hostile.png."""

from urllib.parse import parse_qs, urlsplit

from tests.support.browser import ARTIFACTS, Page

FORMULA = "(x - 1)^2 + 3*(y + 0.5)^2 + 0.2*sin(4*x)"
RUN_XY = "() => window.PG.run.racers.map(r => r.xy)"  # base64 float32 paths, compared byte for byte
SURFACE_Z = """() => { const gd = document.querySelector('#graph-contour .js-plotly-plot');
  const t = gd.data.find(t => t.type === 'contour'); return t ? JSON.stringify(t.z) : null; }"""
WAIT = 60000  # software GL on a shared 2-core box: a page's first draw takes ~10 s


def _choose_custom(pg: Page) -> None:
    p = pg.page
    p.click("#select-surface")
    p.get_by_role("option", name="Custom formula", exact=True).click()
    p.keyboard.press("Escape")
    pg.idle(timeout=60)
    p.wait_for_selector("#input-formula", state="visible", timeout=WAIT)


def _play_a_little(pg: Page) -> None:
    pg.page.click("#button-play")
    pg.page.wait_for_function("() => window.PG.step > 5", timeout=WAIT)
    pg.page.click("#button-play")


def test_type_a_formula_race_share_and_reopen(browser, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    a = Page(browser, base_url)
    _choose_custom(a)
    a.page.fill("#input-formula", FORMULA)
    a.page.press("#input-formula", "Enter")
    a.idle(timeout=60)
    a.page.wait_for_function(
        "f => new URLSearchParams(window.location.search).get('f') === f", arg=FORMULA, timeout=WAIT
    )
    assert a.page.inner_text("#msg-surface").strip() == ""
    _play_a_little(a)
    a.page.click("#button-share")
    a.page.wait_for_selector("#img-qr[src^='data:image/svg']", timeout=WAIT)
    link = a.page.input_value("#input-share-url")
    q = parse_qs(urlsplit(link).query)
    assert q["surface"] == ["custom"] and q["f"] == [FORMULA]
    a.page.keyboard.press("Escape")
    paths, z = a.page.evaluate(RUN_XY), a.page.evaluate(SURFACE_Z)
    assert z is not None
    a.page.screenshot(path=str(ARTIFACTS / "custom-typed.png"), full_page=True)
    assert not a.errors, a.errors
    a.close()

    b = Page(browser, link)
    b.idle(timeout=60)
    assert b.page.input_value("#input-formula") == FORMULA
    assert b.page.evaluate(RUN_XY) == paths  # the same race, to the float32 bit
    assert b.page.evaluate(SURFACE_Z) == z  # the same surface
    assert b.page.locator("#alert-url").count() == 0  # nothing in the link was ignored
    _play_a_little(b)
    b.page.screenshot(path=str(ARTIFACTS / "custom-reopened.png"), full_page=True)
    assert not b.errors, b.errors
    b.close()


def test_a_hostile_formula_shows_its_message_and_the_page_keeps_working(browser, base_url):
    pg = Page(browser, f"{base_url}/?surface=custom")
    p = pg.page
    before = p.evaluate(RUN_XY)
    p.fill("#input-formula", "__import__('os')")
    p.press("#input-formula", "Enter")
    pg.idle(timeout=60)
    p.wait_for_function(
        "() => document.querySelector('#formula-error').innerText.includes('formula refused')", timeout=WAIT
    )
    note = p.inner_text("#formula-error .pg-formula-error-text").strip()
    assert "'_' at position 1 is not part of a formula" in note and "\n" not in note, note
    assert p.inner_text("#formula-error .pg-formula-here") == "_"  # where reading stopped, marked
    assert p.inner_text("#msg-surface").strip() == ""  # said once, under the box
    assert p.eval_on_selector("#input-formula", "el => el.classList.contains('is-invalid')")
    assert p.evaluate(RUN_XY) == before  # still the default formula's race
    _play_a_little(pg)
    p.screenshot(path=str(ARTIFACTS / "custom-hostile.png"), full_page=True)
    pg.set_text("#input-formula", "x^2 + y^2")  # and a good formula is taken again
    p.wait_for_function(
        "() => document.querySelector('#formula-error').innerText.trim() === ''", timeout=WAIT
    )
    assert p.evaluate(RUN_XY) != before
    assert not pg.errors, pg.errors
    pg.close()
