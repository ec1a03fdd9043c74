"""Markers by place: tests under ``browser/`` drive Chromium; modules that build, compile or start
servers mark themselves ``slow``; everything else is ``fast`` (``bash scripts/test -m fast``)."""

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# browser modules either worker may run (see pytest_collection_modifyitems); test_copy and
# test_data joined them when the lessons' axe audits moved into test_lessons: the worker with
# the browser group ended 95 s after the other (18:27, 2026-12-07)
EITHER_WORKER = ("test_first", "test_race", "test_lecture", "test_lessons", "test_copy", "test_data")
sys.path.insert(0, str(TESTS.parent))


# before xdist's own hook reads the groups (pytest-xdist's remote.py)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(TESTS / "browser"):
            item.add_marker(pytest.mark.browser)
            # one worker runs the browser tests in turn while the other runs the rest: on two
            # cores they are CPU-bound (software WebGL), and two Chromiums at all times made the
            # whole suite slower (26:14 against 22:07). A few modules are left to either worker,
            # so the other one takes some of them once its fast tests are done (all on one
            # worker: 27:56)
            if Path(str(item.fspath)).stem not in EITHER_WORKER:
                item.add_marker(pytest.mark.xdist_group("browser"))
        if not (item.get_closest_marker("browser") or item.get_closest_marker("slow")):
            item.add_marker(pytest.mark.fast)


@pytest.fixture(scope="session")
def base_url():
    """The real app in a subprocess, shared by every browser test of this worker."""
    from tests.support.browser import app_server, free_port

    port = free_port()
    proc = app_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    import playwright.sync_api as sync_api

    from tests.support.browser import ARGS, CHROMIUM

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    from tests.support.browser import Page

    p = Page(browser, base_url)
    yield p
    assert not p.errors, p.errors
    p.close()
