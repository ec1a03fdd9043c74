"""Every lesson of the registry in real headless Chromium: chosen from the menu, audited by axe-core
as it opens (WCAG 2.1 A and AA: no serious or critical violation, tests/support/axe.py), played,
drawn at its end.

One case a lesson, on a page the cases share (as a student goes from lesson to lesson), so the
suite's workers take the lessons between them instead of one test playing all of them in turn.
Screenshots of each lesson's end land in artifacts/lesson-end-*.png, axe's findings in
artifacts/axe/lesson-*.json."""

from urllib.parse import parse_qs

import playwright.sync_api  # noqa: F401 - a missing package fails the suite
import pytest

from playground.web.lessons import LESSONS
from tests.support.axe import check
from tests.support.browser import ARTIFACTS


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda le: le.id)
def test_every_lesson_loads_and_plays(shared_page, base_url, lesson):
    # the page the earlier lessons left: a lesson is chosen from the menu of any state
    page = shared_page(base_url, bypass_csp=True)  # axe's script is injected
    p = page.page
    page.choose_lesson(lesson.id, lesson.title)
    assert "You changed" not in p.inner_text("#alert-lesson")
    assert f"lesson={lesson.id}" in p.evaluate("() => window.location.search")
    opts = parse_qs(lesson.query)["opt"][0].split(",")
    # the lesson's link runs a chain of callbacks; on a busy machine a gap in it can outlast idle()
    p.wait_for_function(f"() => window.PG.run && window.PG.run.racers.length === {len(opts)}", timeout=15000)
    assert p.locator("#alert-url").count() == 0, lesson.id
    check(page, f"lesson-{lesson.id}")
    ARTIFACTS.mkdir(exist_ok=True)
    if "view=maps" in lesson.query:  # a lesson on a map: the map draws where the race was
        p.wait_for_function(
            "() => document.querySelector('#div-maps-progress').innerText.includes('Done')", timeout=60000
        )
        page.idle()
    else:
        p.click("#button-play")
        p.wait_for_function("() => window.PG.step > 3", timeout=10000)
        p.click("#button-play")
        # its end state, saved to be looked at beside the lesson's sentence
        p.evaluate("() => window.PG.apply(window.PG.run.steps)")
        page.idle()
    p.screenshot(path=str(ARTIFACTS / f"lesson-end-{lesson.id}.png"))
    assert not page.errors, page.errors
