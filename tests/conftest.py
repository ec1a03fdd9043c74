import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture(scope="session")
def base_url():
    """The real app in a subprocess, shared by every browser test of this worker."""
    from tests.browser import app_server, free_port

    port = free_port()
    proc = app_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    import playwright.sync_api as sync_api

    from tests.browser import ARGS, CHROMIUM

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    from tests.browser import Page

    p = Page(browser, base_url)
    yield p
    assert not p.errors, p.errors
    p.close()
