"""The "Copy as PyTorch" code has a copy button (#29: Ctrl+A in its box selected the page):
one click puts the very code the box shows on the clipboard."""

import playwright.sync_api  # noqa: F401 - a missing package fails the suite

from tests.support.browser import Page


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
