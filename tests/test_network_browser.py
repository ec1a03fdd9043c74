"""The "Real network" view in headless Chromium against the real server: open ?view=network,
train two optimizers for two epochs, see our table beside the seed's, play the projected
paths. Screenshot: artifacts/network.png."""

import pytest

pw = pytest.importorskip("playwright.sync_api")

from .browser import ARTIFACTS, Page  # noqa: E402

pytestmark = pytest.mark.xdist_group("browser")


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
        assert "Play paths" in p.inner_text("#graph-network-slice")
        assert "PROJECTION" in p.inner_text("#graph-network-slice")
        # playing animates the paths: the path trace grows from one point back to its full length
        full = p.evaluate("document.querySelector('#graph-network-slice .js-plotly-plot').data[2].x.length")
        p.locator("#graph-network-slice .updatemenu-button").first.click()
        p.wait_for_timeout(300)
        mid = p.evaluate("document.querySelector('#graph-network-slice .js-plotly-plot').data[2].x.length")
        p.wait_for_function(
            f"document.querySelector('#graph-network-slice .js-plotly-plot').data[2].x.length === {full}",
            timeout=20000,
        )
        assert mid < full
        # the slice itself survives the animation (Plotly drops a contour when frames skip redraws)
        assert p.evaluate("document.querySelectorAll('#graph-network-slice .contourlayer path').length") > 0
        ARTIFACTS.mkdir(exist_ok=True)
        p.screenshot(path=str(ARTIFACTS / "network.png"), full_page=True)
        assert not page.errors, page.errors
    finally:
        page.close()
