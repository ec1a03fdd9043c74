"""The "Copy as PyTorch" code has a copy button (#29: Ctrl+A in its box selected the page):
one click puts the very code the box shows on the clipboard."""

import playwright.sync_api  # noqa: F401 - a missing package fails the suite

from playground.web.views.race.controls import dom_id
from tests.support.browser import ARTIFACTS, Page


def test_the_pytorch_code_is_copied_whole_by_its_button(browser, base_url):
    pg = Page(browser, f"{base_url}/?surface=rosenbrock&opt=lbfgs,adam&lr.lbfgs=1&steps=50")
    try:
        pg.ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        p = pg.page
        p.wait_for_function(
            "() => document.querySelector('#pre-torch').innerText.includes('torch')", timeout=30000
        )
        button = p.locator("#button-copy-torch")
        assert button.inner_text() == "Copy PyTorch code"  # its name, read by a screen reader too
        button.focus()
        p.keyboard.press("Enter")  # by keyboard, as by mouse
        p.wait_for_function("() => document.querySelector('#button-copy-torch').innerText.includes('Copied')",
                            timeout=15000)  # fmt: skip
        copied = p.evaluate("() => navigator.clipboard.readText()")
        shown = p.evaluate("() => document.querySelector('#pre-torch').textContent")
        assert copied == shown and "torch.optim.LBFGS" in copied and "import torch" in copied
        assert not pg.errors, pg.errors
    finally:
        pg.close()


def test_lbfgs_added_from_the_list_shows_the_one_iteration_it_runs(browser, base_url):
    """L-BFGS's default is torch's 20 iterations per step; a racer added on the page races one
    (its page start): its box, its formula's values and its PyTorch code say 1, its link leaves
    the page start out."""
    pg = Page(browser, f"{base_url}/?surface=rosenbrock&opt=adam&steps=50")
    try:
        p = pg.page
        pg.idle()
        p.click("#select-optimizers")
        p.get_by_role("option", name="L-BFGS", exact=True).click()
        p.keyboard.press("Escape")
        box = p.locator(f"[id='{dom_id({'type': 'input-hyper', 'opt': 'lbfgs', 'name': 'max_iter'})}']")
        box.wait_for(state="attached", timeout=30000)  # in the card's folded settings
        pg.idle()
        assert box.input_value() == "1"
        p.wait_for_function(
            "() => document.querySelector('#pre-torch').innerText.includes('LBFGS')", timeout=30000
        )
        assert "max_iter=1," in p.inner_text("#pre-torch")
        assert "max_iter = 1" in p.locator("#div-math").text_content().replace("`", "")
        query = p.evaluate("() => window.location.search")
        assert "opt=adam,lbfgs" in query and "lbfgs.max_iter" not in query
        p.screenshot(path=str(ARTIFACTS / "lbfgs-page-start.png"), full_page=True)
        assert not pg.errors, pg.errors
    finally:
        pg.close()
