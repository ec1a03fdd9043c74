"""axe-core (the engine behind Lighthouse's accessibility audit; tests/support/axe.py) on every
view of the real page against the WCAG 2.1 A and AA rules: no serious or critical violation. A
failure names the rule, its impact and every element's selector. Every finding (moderate and
minor too) is saved per scene to ``artifacts/axe/<scene>.json`` for docs/guide/accessibility.md.

Views: the race, presenter mode, the dark theme, the maps, the real network, the phone layout,
and the help and share overlays. Two more are audited where other tests already open them: every
lesson of the registry in tests/browser/test_lessons.py (one page, one lesson after another), and
a live lecture (the lecturer's Go-live dialog at 720p and a student's phone following it, on a
real redis-server) in tests/browser/test_hall.py."""

from __future__ import annotations

import pytest

from playground.web.contract import IDS
from tests.support.axe import check
from tests.support.browser import Page, open_view


def _presenter(page: Page) -> None:
    page.page.keyboard.press("p")
    page.page.wait_for_function("() => document.body.classList.contains('pg-presenter')")


def _desk(page: Page) -> None:
    page.page.keyboard.press("p")
    page.page.wait_for_function("() => !document.body.classList.contains('pg-presenter')")
    page.idle()


def _theme(dark: bool):
    def go(page: Page) -> None:
        page.page.click("#" + IDS.theme)
        page.page.wait_for_function("d => document.body.classList.contains('pg-dark') === d", arg=dark)
        # the buttons' colour transitions have ended: axe reads the final colours, not a blend
        page.page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")

    return go


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


def _close(modal: str):
    def go(page: Page) -> None:
        page.page.keyboard.press("Escape")
        page.page.wait_for_selector(modal, state="hidden")
        page.idle()

    return go


RACE_VIEW = open_view("race", "#graph-contour")
# a scene: its query, the viewport, what to do once the race has loaded, and how to go back to
# the race as loaded (the scenes at 1280 × 800 take turns on one page, the race's first)
SCENES = {
    "race": ("", (1280, 800), None, None),
    "lesson": ("?lesson=ravine", (1280, 800), None, None),
    "presenter": ("", (1280, 800), _presenter, _desk),
    "dark": ("", (1280, 800), _theme(dark=True), _theme(dark=False)),
    "maps": ("", (1280, 800), open_view("maps", "#button-maps-draw"), RACE_VIEW),
    "network": ("", (1280, 800), open_view("network", "#button-network-train"), RACE_VIEW),
    "phone": ("", (390, 844), None, None),
    "help": ("", (1280, 800), _modal("#button-help", "#modal-help"), _close("#modal-help")),
    "share": ("", (1280, 800), _modal("#button-share", "#modal-share"), _close("#modal-share")),
}


@pytest.mark.parametrize("scene", SCENES)
def test_no_serious_or_critical_axe_violation(shared_page, base_url, scene):
    query, (width, height), then, back = SCENES[scene]
    page = shared_page(base_url + "/" + query, width, height, bypass_csp=True)
    if then:
        then(page)
    check(page, scene)
    assert not page.errors, page.errors
    if back:
        back(page)
