"""axe-core (the engine behind Lighthouse's accessibility audit; a packaged copy from
``axe-playwright-python``, never fetched at run time) on every view of the real page against the
WCAG 2.1 A and AA rules: no serious or critical violation. A failure names the rule, its impact
and every element's selector. Every finding (moderate and minor too) is saved per scene to
``artifacts/axe/<scene>.json`` for the closing note of #31 and docs/guide/accessibility.md.

Views: the race, presenter mode, the dark theme, the maps, the real network, the phone layout,
the help and share overlays, every lesson of the registry (one page, one lesson after another),
and a live lecture (the lecturer's dialog and a student's page, on a real redis-server)."""

from __future__ import annotations

import contextlib
import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from playground.web.contract import IDS
from playground.web.lessons import LESSONS
from tests.support.browser import ARTIFACTS, Page, free_port, open_view
from tests.support.live import live_server, redis_server

# the WCAG 2.1 A/AA rules block; axe's best-practice rules run too, for the record only
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RULES = {"runOnly": {"type": "tag", "values": [*WCAG, "best-practice"]}}
BLOCKING = {"serious", "critical"}
AXE = Axe()
WAIT = 60000


def _presenter(page: Page) -> None:
    page.page.keyboard.press("p")
    page.page.wait_for_function("() => document.body.classList.contains('pg-presenter')")


def _dark(page: Page) -> None:
    page.page.click("#" + IDS.theme)
    page.page.wait_for_function("() => document.body.classList.contains('pg-dark')")
    # the buttons' colour transitions have ended: axe reads the final colours, not a blend
    page.page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def _modal(button: str, modal: str):
    def go(page: Page) -> None:
        page.page.click(button)
        page.page.wait_for_function(  # the modal's fade has ended: axe reads the final colours
            "s => { const c = document.querySelector(s + ' .modal-content');\n"
            "       return c && getComputedStyle(c.closest('.modal')).opacity === '1'; }",
            arg=modal,
        )
        page.idle()

    return go


# a scene: its query, the viewport, and what to do once the race has loaded
SCENES = {
    "race": ("", (1280, 800), None),
    "lesson": ("?lesson=ravine", (1280, 800), None),
    "presenter": ("", (1280, 800), _presenter),
    "dark": ("", (1280, 800), _dark),
    "maps": ("", (1280, 800), open_view("maps", "#button-maps-draw")),
    "network": ("", (1280, 800), open_view("network", "#button-network-train")),
    "phone": ("", (390, 844), None),
    "help": ("", (1280, 800), _modal("#button-help", "#modal-help")),
    "share": ("", (1280, 800), _modal("#button-share", "#modal-share")),
}


def _blocking(results: dict) -> list[str]:
    """One line per element of each serious or critical violation: rule, impact, selector."""
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} - {v['help']}"
        for v in results["violations"]
        if v["impact"] in BLOCKING and set(v["tags"]) & set(WCAG)
        for node in v["nodes"]
    ]


def _audit(page: Page, scene: str) -> list[str]:
    """axe on the page as it is: every finding saved for the record, the blocking ones returned."""
    results = AXE.run(page.page, options=RULES).response
    found = {v["id"]: {"impact": v["impact"], "help": v["help"], "wcag": bool(set(v["tags"]) & set(WCAG)),
                       "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"]]}
             for v in results["violations"]}  # fmt: skip
    out = ARTIFACTS / "axe"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{scene}.json").write_text(json.dumps(found, indent=1))
    return _blocking(results)


def _check(page: Page, scene: str) -> None:
    found = _audit(page, scene)
    assert not found, f"{scene}: {len(found)} serious or critical:\n" + "\n".join(found)


@pytest.mark.parametrize("scene", SCENES)
def test_no_serious_or_critical_axe_violation(browser, base_url, scene):
    query, (width, height), then = SCENES[scene]
    page = Page(browser, base_url + "/" + query, width, height, bypass_csp=True)
    try:
        if then:
            then(page)
        _check(page, scene)
        assert not page.errors, page.errors
    finally:
        page.close()


# the registry's lessons in groups: one page opens a group's lessons from the menu one after
# another (a page per lesson would load the app 21 times; all in one outlasts a test's timeout)
GROUP = 4
LESSON_GROUPS = [LESSONS[i : i + GROUP] for i in range(0, len(LESSONS), GROUP)]


@pytest.mark.parametrize("group", LESSON_GROUPS, ids=lambda g: g[0].id)
def test_every_lesson(browser, base_url, group):
    page = Page(browser, base_url + "/", 1280, 800, bypass_csp=True)
    failures = []
    try:
        for lesson in group:
            page.choose_lesson(lesson.id, lesson.title)
            failures += [f"lesson {lesson.id}: {line}" for line in _audit(page, f"lesson-{lesson.id}")]
        assert not failures, f"{len(failures)} serious or critical:\n" + "\n".join(failures)
        assert not page.errors, page.errors
    finally:
        page.close()


@pytest.fixture(scope="module")
def live_base(tmp_path_factory):
    """The app with live sessions on a real redis-server."""
    with contextlib.ExitStack() as stack:
        env = {"LIVE_DB": str(tmp_path_factory.mktemp("live") / "live.sqlite3"),
               "REDIS_URL": stack.enter_context(redis_server())}  # fmt: skip
        port = free_port()
        proc = live_server("app", port, env)
        stack.callback(lambda: (proc.terminate(), proc.wait(20)))
        yield f"http://127.0.0.1:{port}"


def test_live_lecture(browser, live_base):
    """The lecturer's Go-live dialog, then a student's page on a phone following the lecture."""
    lecturer = Page(browser, live_base + "/", 1280, 800, bypass_csp=True)
    student = None
    try:
        lp = lecturer.page
        lp.click("#" + IDS.live_button)
        lp.wait_for_selector(f"#{IDS.live_student}[href*='/live/']", timeout=WAIT)
        lp.wait_for_function(
            "() => getComputedStyle(document.querySelector('#modal-live .modal-content').closest('.modal')).opacity === '1'"
        )
        lecturer.idle()
        _check(lecturer, "live-lecturer")
        link = lp.get_attribute("#" + IDS.live_student, "href")
        student = Page(browser, link, 390, 844, bypass_csp=True)
        student.page.wait_for_selector("#div-live-bar.pg-live-follow", timeout=WAIT)
        _check(student, "live-student")
        assert not lecturer.errors and not student.errors, (lecturer.errors, student.errors)
    finally:
        lecturer.close()
        if student:
            student.close()
