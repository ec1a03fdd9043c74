"""The page by keyboard alone (WCAG 2.1.1, 2.1.4, 2.4.3, 2.4.7, 1.4.11), in real Chromium.

* Tab reaches every control in reading order (the header, then the side panel, then the main
  column), and every stop shows a focus ring at least 3:1 against what it sits on, in the light
  and dark themes and in presenter mode.
* The main job without a mouse: pick a surface, add a racer, set its learning rate, play,
  pause, scrub, open a lesson, go live — keys only (``keyboard.press``/``type``, no click).
* The shortcuts are announced (``aria-keyshortcuts`` on their buttons, every one in the ? list)
  and leave keys to what has the focus: a letter typed in the learning-rate or formula box is
  typed, an arrow on a slider moves that slider, Space on a button presses that button.
"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from playground.web.contract import IDS, SHORTCUTS
from tests.support.browser import Page

# a settings change goes through a chain of callbacks: under a loaded -n 2 run it took over 20 s once
WAIT = 60000

MAX_STOPS = 400  # more Tab presses than the page has stops: the walk ends when focus wraps
BODY = "() => document.activeElement === document.body || !document.activeElement"

# What the focused element is, where it sits, and whether it shows a ring (outline or, for a
# radio drawn as a button, on its label) at least 3:1 against the nearest opaque background.
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const shown = e.matches('.btn-check') ? e.nextElementSibling : e;
  const cs = getComputedStyle(shown);
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  let bg = null;
  for (let a = shown.parentElement; a && !bg; a = a.parentElement) {
    const c = rgb(getComputedStyle(a).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) bg = c.slice(0, 3);
  }
  const lum = c => { const l = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
  const ring = rgb(cs.outlineColor), a = lum(ring), b = lum(bg || [255, 255, 255]);
  const r = shown.getBoundingClientRect();
  const region = e.closest('.modal') ? 'dialog' : e.closest('.pg-header') ? 'header'
               : e.closest('.pg-aside') ? 'panel' : e.closest('.pg-main') ? 'main' : 'other';
  return { what: e.tagName + '#' + (e.id || '') + '.' + String(e.className).slice(0, 40),
           region, visible: shown.checkVisibility({opacityProperty: true, visibilityProperty: true}) && r.width > 0,
           ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
           contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
           tabindex: e.tabIndex };
}"""
# a stop passes once its ring and visibility have settled (Plotly's mode bar fades in)
FOCUS_OK = f"() => {{ const f = ({FOCUS})(); return !f || (f.visible && f.ring && f.contrast >= 3); }}"
REGIONS = ["header", "panel", "main"]


def tab_walk(page: Page) -> list[dict]:
    """Tab from the top of the page until the focus wraps round: every stop, as FOCUS sees it."""
    p = page.page
    # the next Tab starts at the top: focus a throwaway mark at the body's start, then drop it
    p.evaluate("""() => { const m = document.createElement('span'); m.tabIndex = -1;
                          document.body.prepend(m); m.focus(); m.remove(); window.scrollTo(0, 0); }""")
    stops = []
    for _ in range(MAX_STOPS):
        p.keyboard.press("Tab")
        with contextlib.suppress(PlaywrightTimeout):  # reported below with what the stop looked like
            p.wait_for_function(FOCUS_OK, timeout=1500)
        stop = p.evaluate(FOCUS)
        if stop is None or (stops and stop["what"] == stops[0]["what"] and len(stops) > 3):
            break
        stops.append(stop)
    return stops


def _presenter(page: Page) -> None:
    page.page.keyboard.press("p")
    page.page.wait_for_function("() => document.body.classList.contains('pg-presenter')")


def _theme(dark: bool):
    def go(page: Page) -> None:
        page.page.focus("#" + IDS.theme)
        page.page.keyboard.press("Enter")
        page.page.wait_for_function("d => document.body.classList.contains('pg-dark') === d", arg=dark)

    return go


# each theme: how to get there from the light page, how to go back (the three walks take turns
# on one page)
THEMES = {
    "light": (None, None),
    "dark": (_theme(dark=True), _theme(dark=False)),
    "presenter": (_presenter, None),
}


@pytest.mark.parametrize("theme", THEMES)
def test_tab_reaches_every_control_in_reading_order_with_a_ring(shared_page, base_url, theme):
    page = shared_page(base_url + "/", 1280, 800)
    then, back = THEMES[theme]
    if then:
        then(page)
    assert page.page.evaluate(
        "() => [...document.body.classList].filter(c => c === 'pg-dark' || c === 'pg-presenter')"
    ) == ([] if theme == "light" else [f"pg-{theme}"])
    stops = tab_walk(page)
    names = " ".join(s["what"] for s in stops)
    # the main job's controls are all on the way (presenter mode hides the side panel)
    wanted = [IDS.play, IDS.step, IDS.reset, IDS.theme, IDS.presenter, IDS.live_button, "select-lesson",
              "button-help", "dash-slider-thumb"]  # fmt: skip
    if theme != "presenter":
        wanted += ["select-surface", "select-optimizers", "input-lr", "input-steps"]
    assert not [w for w in wanted if w not in names], names
    assert all(s["tabindex"] <= 0 for s in stops), "a positive tabindex breaks the reading order"
    assert not [s for s in stops if s["what"].startswith("MJX-CONTAINER")], "a formula is no Tab stop"
    order = [REGIONS.index(s["region"]) for s in stops if s["region"] in REGIONS]
    assert order == sorted(order), [s["region"] for s in stops]  # header, then panel, then main
    bad = [s for s in stops if not (s["visible"] and s["ring"] and s["contrast"] >= 3)]
    assert not bad, f"{len(bad)} of {len(stops)} stops without a visible ring (3:1):\n" + "\n".join(
        map(str, bad)
    )
    assert not page.errors, page.errors
    if back:
        back(page)


def tab_to(page: Page, target: str, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until the element matching ``target`` has the focus."""
    p = page.page
    for _ in range(MAX_STOPS):
        if p.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", target):
            return
        p.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {target}")


# the option that holds the focus in an open Dash 4 drop-down (it moves to the option's radio box)
ACTIVE_OPTION = """() => { const o = document.activeElement && document.activeElement.closest('[role=option]');
                           return o ? o.innerText.trim() : ''; }"""


def choose_by_keys(page: Page, dropdown: str, option: str) -> None:
    """Open a Dash drop-down with Enter, walk its options with the arrows to ``option``, take it.

    Each arrow waits for the focus to move before the next: React moves it after a render, and
    under load a fast run of presses would overshoot the option it looks for.
    """
    p = page.page
    tab_to(page, dropdown)
    p.keyboard.press("Enter")
    p.wait_for_selector("[role=option]")
    seen: list[str] = []
    for _ in range(60):
        active = p.evaluate(ACTIVE_OPTION)
        if active == option:
            p.keyboard.press("Enter")
            return
        seen.append(active)
        p.keyboard.press("ArrowDown")
        with contextlib.suppress(PlaywrightTimeout):  # the list's end: reported below
            p.wait_for_function(f"prev => ({ACTIVE_OPTION})() !== prev", arg=active, timeout=WAIT // 4)
    raise AssertionError(f"the arrows never reached {option!r} in {dropdown}: {seen}")


def lr_box(opt: str) -> str:
    return f'[id="{{\\"opt\\":\\"{opt}\\",\\"type\\":\\"input-lr\\"}}"]'


def test_the_main_job_by_keys_alone(page, base_url):
    p, k = page.page, page.page.keyboard
    # pick a surface
    choose_by_keys(page, "#select-surface", "Himmelblau")
    p.wait_for_function("() => location.search.includes('surface=himmelblau')", timeout=WAIT)
    page.idle()
    # add a racer
    choose_by_keys(page, "#select-optimizers", "Nesterov (NAG)")
    k.press("Escape")
    p.wait_for_function("() => /opt=[^&]*nag/.test(location.search)", timeout=WAIT)
    page.idle()
    # set its learning rate: Tab onwards to its box, type, Enter
    tab_to(page, lr_box("nag"))
    k.press("Control+A")
    k.type("0.0042")
    k.press("Enter")
    p.wait_for_function("() => location.search.includes('lr.nag=0.0042')", timeout=WAIT)
    page.idle()
    # play and pause from the transport's button (Space presses it once)
    tab_to(page, "#" + IDS.play)
    k.press("Space")
    p.wait_for_function("() => window.PG.playing", timeout=WAIT)
    p.wait_for_function("() => window.PG.step > 3", timeout=30000)
    k.press("Space")
    p.wait_for_function("() => !window.PG.playing")
    paused = p.evaluate("() => window.PG.step")
    # scrub: the playback slider's thumb moves one step per arrow, to the end with End
    tab_to(page, f"#{IDS.scrubber} [role=slider]")
    k.press("ArrowRight")
    p.wait_for_function(f"() => window.PG.step === {paused + 1}")
    k.press("Home")
    p.wait_for_function("() => window.PG.step === 0")
    assert not p.evaluate("() => window.PG.playing")
    # open a lesson: back up to the header's menu, pick the first lesson with the arrows
    tab_to(page, "#select-lesson", back=True)
    k.press("ArrowDown")
    p.wait_for_function("() => location.search.includes('lesson=')", timeout=WAIT)
    p.wait_for_selector("#alert-lesson", timeout=WAIT)
    page.idle()
    # go live: the button opens the dialog with the student link, Escape closes it, focus returns
    tab_to(page, "#" + IDS.live_button)
    k.press("Enter")
    p.wait_for_selector(f"#{IDS.live_student}[href*='/live/']", timeout=30000)
    p.wait_for_function("() => document.activeElement.closest('.modal')")  # the focus moved into it
    k.press("Escape")
    p.wait_for_selector("#modal-live", state="hidden")
    page.idle()


# every formula MathJax drew: whether Tab stops on it, and what a screen reader gets of it
MATH = """() => [...document.querySelectorAll('mjx-container')].map(m => ({
  where: (m.closest('[id]') || {}).id, tabbable: m.tabIndex >= 0,
  picture_hidden: [...m.querySelectorAll(':scope > svg')].every(s => s.getAttribute('aria-hidden') === 'true'),
  read: ((m.querySelector('mjx-assistive-mml math') || {}).textContent || '').trim() }))"""


def test_the_math_is_read_but_takes_no_tab_stop(shared_page, base_url):
    """MathJax puts every formula in the Tab order by default (20 unnamed stops on this page
    that only open its menu): none is a stop, each is read from its hidden MathML, the formulas
    drawn first (the math panel) and one typed later (the formula's preview) alike."""
    page = shared_page(
        base_url + "/?surface=custom", 1280, 800
    )  # the custom surface's page, the shortcuts' test's next
    p = page.page
    p.wait_for_function(
        "() => document.querySelectorAll('#div-math mjx-container').length >= 3", timeout=WAIT
    )
    page.set_text("#input-formula", "x^2 + 3y^2")
    p.wait_for_function(
        "() => (document.querySelector('#formula-preview mjx-assistive-mml') || {}).textContent?.includes('3')",
        timeout=WAIT,
    )
    math = p.evaluate(MATH)
    assert {m["where"] for m in math} >= {"div-math", "formula-preview"}, math
    assert not [m for m in math if m["tabbable"]], math
    assert all(m["picture_hidden"] and m["read"] for m in math), math
    assert "x2+3y2" in "".join(m["read"] for m in math if m["where"] == "formula-preview").replace(" ", "")
    # and the shortcut to MathJax's own menu is still there for whoever wants it
    assert p.evaluate("() => !!window.MathJax.startup.document.menu")
    assert not page.errors, page.errors


def test_shortcuts_leave_keys_to_text_boxes_sliders_and_buttons(shared_page, base_url):
    page = shared_page(
        base_url + "/?surface=custom", 1280, 800
    )  # after the math's test: it needs no fresh page
    p, k = page.page, page.page.keyboard
    state = "() => [window.PG.step, window.PG.playing, document.body.classList.contains('pg-presenter')]"
    before = p.evaluate(state)
    for box in (lr_box("adam"), "#input-formula"):
        p.focus(box)
        k.press("End")
        k.type(" rpo1?")
        k.press("Space")
        k.press("ArrowLeft")
        assert p.input_value(box).endswith(" rpo1? "), p.input_value(box)
        assert p.evaluate(state) == before
        assert not p.is_visible("#" + IDS.help)
    # an arrow on a learning-rate slider moves that slider, not the playback
    p.focus(f'[id*="{IDS.lr_slider}"] [role=slider]')
    value = p.evaluate("() => document.activeElement.getAttribute('aria-valuenow')")
    k.press("ArrowRight")
    p.wait_for_function("v => document.activeElement.getAttribute('aria-valuenow') !== v", arg=value)
    assert p.evaluate(state) == before
    # Space on a button presses that button (Share opens its dialog), the race stays paused
    p.focus("#button-share")
    k.press("Space")
    p.wait_for_selector("#modal-share .modal-content", state="visible")
    assert p.evaluate(state) == before


def test_shortcuts_are_announced(page):
    p = page.page
    for s in SHORTCUTS:
        if s.button:
            p.wait_for_selector(f"#{s.button}[aria-keyshortcuts='{s.aria}']", state="attached")
    p.keyboard.press("?")
    p.wait_for_selector("#" + IDS.help + " .modal-content", state="visible")
    listed = p.inner_text("#" + IDS.help)
    assert all(s.label in listed and s.text in listed for s in SHORTCUTS), listed
