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
# browser modules that neither assert nor picture the 3D scene (the formula box and its gallery;
# the maps view, which hides the race): their pages run without WebGL, as on a machine that has
# none (tests.support.browser.NO_WEBGL). Every other module keeps it, and with it the
# screenshots a lecturer looks at
WITHOUT_WEBGL = ("test_formula", "test_maps")
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
def playwright_session():
    import playwright.sync_api as sync_api

    with sync_api.sync_playwright() as p:
        yield p


def _launch(playwright_session, extra: list[str]):
    from tests.support.browser import ARGS, CHROMIUM

    return playwright_session.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra])


@pytest.fixture(scope="session")
def webgl_browser(playwright_session):
    b = _launch(playwright_session, [])
    yield b
    b.close()


@pytest.fixture(scope="session")
def flat_browser(playwright_session):
    from tests.support.browser import NO_WEBGL

    b = _launch(playwright_session, NO_WEBGL)
    yield b
    b.close()


@pytest.fixture(scope="module")
def browser(request):
    """Chromium with WebGL, or without it in the modules that assert nothing of the 3D scene
    (WITHOUT_WEBGL; see tests.support.browser.NO_WEBGL)."""
    flat = Path(str(request.node.fspath)).stem in WITHOUT_WEBGL
    return request.getfixturevalue("flat_browser" if flat else "webgl_browser")


@pytest.fixture
def page(browser, base_url):
    from tests.support.browser import Page

    p = Page(browser, base_url)
    yield p
    assert not p.errors, p.errors
    p.close()
