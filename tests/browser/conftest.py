"""Pages that a module's tests share (see tests.support.browser.PagePool)."""

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # each phase's report kept on the test, for the shared page's fixture to see how it went
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def page_pool(browser):
    from tests.support.browser import PagePool

    pool = PagePool(browser)
    yield pool
    pool.close()


@pytest.fixture
def shared_page(request, page_pool):
    """``shared_page(url, width, height, **options)``: the page this module's earlier tests
    opened with the same arguments, as they left it (a new one if none did, or if the test that
    had it failed). A test that takes it must not depend on a freshly loaded page's state; it
    fails on a script error the page met during the test."""
    taken = []

    def take(url: str, *args, **kwargs):
        page = page_pool.take(url, *args, **kwargs)
        taken.append(page)
        return page

    yield take
    call = getattr(request.node, "report_call", None)
    failed = call is None or call.failed
    for page in taken:
        errors = list(page.errors)
        page_pool.give_back(page, failed)
        assert not errors, errors
