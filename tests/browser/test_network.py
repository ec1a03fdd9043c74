"""The "Real network" view in headless Chromium against the real server: open ?view=network,
train two optimizers for two epochs, see our table beside the seed's, play the projected
paths on the slice's 3D scene and contour map together. Screenshot: artifacts/network.png."""

from playground.web.views.network import SLICE
from tests.support.browser import ARTIFACTS, Page

GRAPHS = (SLICE["surface"], SLICE["contour"])


def _lengths(page: Page) -> list[int]:
    """Points in the first run's path in the 3D scene and on the contour map."""
    return [page.trace_len(g) for g in GRAPHS]


def _wait_lengths(page: Page, test: str, timeout: int = 20000) -> None:
    """Until both graphs' first path passes ``test`` (a JS expression of n, its length)."""
    page.page.wait_for_function(
        """([ids, test]) => ids.every(id => { const gd = document.querySelector('#' + id + ' .js-plotly-plot');
             const t = gd && gd.data.find(t => t.meta && t.meta.role === 'path' && t.meta.racer === 0);
             return t && new Function('n', 'return ' + test)(t.x.length); })""",
        arg=[list(GRAPHS), test],
        timeout=timeout,
    )


def _plays_and_pauses_both_figures(page: Page) -> None:
    p, play = page.page, page.page.locator("#" + SLICE["play"])
    full = int(p.get_attribute(f"#{SLICE['slider']} [role=slider]", "aria-valuemax"))
    _wait_lengths(page, f"n === {full}")  # the whole paths first, drawn by the browser
    assert full > 2 and _lengths(page) == [full, full]
    assert f"checkpoint {full} / {full}" in p.inner_text("#" + SLICE["readout"])
    # Play: from the first checkpoint, both figures grow together to the whole path and it stops
    play.click()
    _wait_lengths(page, f"n > 1 && n < {full}")
    _wait_lengths(page, f"n === {full}")
    p.wait_for_function(f"() => document.getElementById('{SLICE['play']}').textContent.includes('Play')")
    # Pause part way: both figures hold the same checkpoint, short of the end. The pause is
    # clicked in the same turn that sees the paths part way (a click from here could land
    # after the replay's end on a busy machine, and start it again)
    play.click()
    p.wait_for_function(
        """([ids, play, full]) => { const n = ids.map(id => {
             const gd = document.querySelector('#' + id + ' .js-plotly-plot');
             const t = gd && gd.data.find(t => t.meta && t.meta.role === 'path' && t.meta.racer === 0);
             return t ? t.x.length : 0; });
           if (!n.every(k => k > 3 && k < full)) return false;
           document.getElementById(play).click(); return true; }""",
        arg=[list(GRAPHS), SLICE["play"], full],
        timeout=20000,
    )
    assert "Play" in play.inner_text()
    held = _lengths(page)
    p.wait_for_timeout(1000)  # a fixed spell: the test asserts the paused paths do NOT grow
    assert _lengths(page) == held and held[0] == held[1] < full
    assert f"checkpoint {held[0]} / {full}" in p.inner_text("#" + SLICE["readout"])
    # the slider moves both figures too, to its first checkpoint and back to the whole paths
    p.focus(f"#{SLICE['slider']} [role=slider]")
    p.keyboard.press("Home")
    _wait_lengths(page, "n === 1")
    p.keyboard.press("End")
    _wait_lengths(page, f"n === {full}")


def test_train_two_optimizers_and_see_the_table_beside_the_seeds(browser, base_url):
    page = Page(browser, base_url)
    p = page.page
    try:
        p.goto(f"{base_url}/?view=network")
        p.wait_for_selector("#button-network-train", state="visible", timeout=30000)
        page.idle()
        assert p.is_hidden("#div-network-results")  # no empty axes before the first run
        # two of the seed's six: clear the multi-select, then pick Adam and Momentum
        p.click("#select-network-optimizers .dash-dropdown-clear")
        p.click("#select-network-optimizers")
        for label in ("Adam", "Momentum"):
            p.get_by_role("option", name=label, exact=True).click()
        p.keyboard.press("Escape")
        assert "2 selected" in p.inner_text("#select-network-optimizers")
        p.fill("#input-network-epochs", "2")
        p.click("#button-network-train")
        p.wait_for_selector("#table-network-showdown", timeout=90000)
        page.idle()
        rows = p.locator("#table-network-showdown tbody tr")
        assert rows.count() == 2
        text = p.inner_text("#table-network-showdown")
        assert "Adam" in text and "Momentum" in text and "0.9908" in text and "0.1008" in text
        assert "PROJECTION" in p.inner_text("#div-network-results")
        _plays_and_pauses_both_figures(page)
        ARTIFACTS.mkdir(exist_ok=True)
        p.screenshot(path=str(ARTIFACTS / "network.png"), full_page=True)
        assert not page.errors, page.errors
    finally:
        page.close()
