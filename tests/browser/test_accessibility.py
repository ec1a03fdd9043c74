"""axe-core (the engine behind Lighthouse's accessibility audit; a packaged copy from
``axe-playwright-python``, never fetched at run time) on each view of the real page against the
WCAG 2.1 A and AA rules: no serious or critical violation. A failure names the rule, its impact
and every element's selector."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from playground.web.contract import IDS
from tests.support.browser import Page

pytestmark = pytest.mark.xdist_group("browser")

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = {"serious", "critical"}
AXE = Axe()


def _presenter(page: Page) -> None:
    page.page.keyboard.press("p")
    page.page.wait_for_function("() => document.body.classList.contains('pg-presenter')")


def _dark(page: Page) -> None:
    page.page.click("#" + IDS.theme)
    page.page.wait_for_function("() => document.body.classList.contains('pg-dark')")


def _view(name: str, ready: str):
    def go(page: Page) -> None:
        page.page.goto(page.page.url.split("?")[0] + f"?view={name}")
        page.page.wait_for_selector(ready, state="visible", timeout=30000)
        page.idle()

    return go


# a scene: its query, the viewport, and what to do once the race has loaded
SCENES = {
    "race": ("", (1280, 800), None),
    "lesson": ("?lesson=ravine", (1280, 800), None),
    "presenter": ("", (1280, 800), _presenter),
    "dark": ("", (1280, 800), _dark),
    "maps": ("", (1280, 800), _view("maps", "#button-maps-draw")),
    "network": ("", (1280, 800), _view("network", "#button-network-train")),
    "phone": ("", (390, 844), None),
}


def _blocking(results: dict) -> list[str]:
    """One line per element of each serious or critical violation: rule, impact, selector."""
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} - {v['help']}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("scene", SCENES)
def test_no_serious_or_critical_axe_violation(browser, base_url, scene):
    query, (width, height), then = SCENES[scene]
    page = Page(browser, base_url + "/" + query, width, height, bypass_csp=True)
    try:
        if then:
            then(page)
        found = _blocking(AXE.run(page.page, options=RULES).response)
        assert not found, f"{len(found)} serious or critical:\n" + "\n".join(found)
        assert not page.errors, page.errors
    finally:
        page.close()
