"""Zoom and motion (WCAG 1.4.10 reflow, 1.4.4 resize text, 2.3.3 / 2.2.2 motion), in real Chromium.

* At 320 CSS px wide (a 1280 px window at 400% zoom) and at 640 × 400 (1280 × 800 at 200%) no
  view scrolls sideways (the document is no wider than the window) and the controls stay on
  screen and reachable.
* With ``prefers-reduced-motion: reduce`` nothing on the page animates or transitions, the 3D
  scene never turns by itself (its Rotate button and O turn it one step per press), and
  playback moves only when the user plays it.
* With nothing moving the page asks for no animation frames (the 3D scene's render loop idles:
  a laptop on battery), and wakes when the camera is set or a pointer is on the scene.
"""

from __future__ import annotations

import itertools
import math

import pytest

from playground.web.contract import IDS, LR_SLIDER, ROTATE
from playground.web.views.race.controls import lr_marks
from tests.support.browser import ARTIFACTS, PLOTS_LAID_OUT, Page, next_frames, open_view

SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# the elements sticking out past the window's right edge (what makes the page scroll sideways)
OVER = """() => { const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter(e => e.offsetParent && e.getBoundingClientRect().right > w + 1)
    .slice(0, 10).map(e => e.tagName + '#' + e.id + '.' + String(e.className).slice(0, 40)); }"""
ON_SCREEN = """s => { const e = document.querySelector(s); if (!e || !e.checkVisibility()) return false;
  const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth; }"""


# the header's pieces that stick out of the window on either side (a row that does not wrap
# pushes its first items off the left edge, where no scrolling reaches), and a lesson menu too
# narrow to show its words
HEADER_OUT = """() => { const w = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('.pg-header *')].filter(e => e.checkVisibility() && e.offsetWidth > 1)
    .filter(e => { const r = e.getBoundingClientRect(); return r.left < -1 || r.right > w + 1; })
    .map(e => e.tagName + '#' + e.id + '.' + String(e.className).slice(0, 30));
  const menu = document.getElementById('select-lesson');
  if (menu.offsetWidth < 5 * parseFloat(getComputedStyle(menu).fontSize)) out.push('select-lesson too narrow');
  return out; }"""


def no_sideways_scroll(page: Page, where: str) -> None:
    wide, window = page.page.evaluate(SIDEWAYS)
    assert wide <= window, (
        f"{where}: the page is {wide} px wide in a {window} px window: {page.page.evaluate(OVER)}"
    )
    out = page.page.evaluate(HEADER_OUT)
    assert not out, f"{where}: off screen in the header: {out}"


def _toggle_panel(shown: bool):
    def go(page: Page) -> None:
        page.page.focus("#button-controls")
        page.page.keyboard.press("Enter")
        page.page.wait_for_selector("#" + IDS.controls, state="visible" if shown else "hidden")

    return go


_open_panel = _toggle_panel(shown=True)
RACE_VIEW = open_view("race", "#graph-contour")

# at 320 px: what to do once the race has loaded, what must be on screen then, and how to go
# back to the race as loaded (the scenes take turns on one page, the race's first; the lesson,
# which changes the race, last)
NARROW = {
    "race": (
        None,
        [IDS.play, IDS.step, IDS.reset, "button-controls", "select-lesson", IDS.live_button],
        None,
    ),
    "panel": (
        _open_panel,
        ["select-surface", "select-optimizers", "input-steps"],
        _toggle_panel(shown=False),
    ),
    "maps": (open_view("maps", "#button-maps-draw"), ["button-maps-draw"], RACE_VIEW),
    "network": (open_view("network", "#button-network-train"), ["button-network-train"], RACE_VIEW),
    "lesson": (lambda p: p.choose_lesson("ravine", "ravine"), [IDS.play, "alert-lesson"], None),
}


@pytest.mark.parametrize("scene", NARROW)
def test_320_px_wide_without_sideways_scrolling(shared_page, base_url, scene):
    then, reachable, back = NARROW[scene]
    page = shared_page(base_url + "/", 320, 640)
    if then:
        then(page)
    no_sideways_scroll(page, scene)
    off = [i for i in reachable if not page.page.evaluate(ON_SCREEN, "#" + i)]
    assert not off, f"{scene}: not on screen at 320 px: {off}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / f"reflow-320-{scene}.png"), full_page=True)
    assert not page.errors, page.errors
    if back:
        back(page)


# the light page first, then presenter mode on the same page
@pytest.mark.parametrize("theme", ["light", "presenter"])
def test_200_percent_zoom(shared_page, base_url, theme):
    """A 1280 × 800 window at 200%: 640 × 400 CSS px drawn at twice the density."""
    page = shared_page(base_url + "/", 640, 400)
    if theme == "presenter":
        page.page.keyboard.press("p")
        page.page.wait_for_function("() => document.body.classList.contains('pg-presenter')")
    else:
        assert not page.page.evaluate("() => document.body.classList.contains('pg-presenter')")
    no_sideways_scroll(page, f"200% {theme}")
    for i in (IDS.play, IDS.step, IDS.reset, IDS.theme):
        assert page.page.evaluate(ON_SCREEN, "#" + i), f"{i} is not on screen at 200% ({theme})"
    page.page.screenshot(path=str(ARTIFACTS / f"zoom-200-{theme}.png"))
    assert not page.errors, page.errors


# the longest transition or animation any element of the page has (s), and any animation that
# runs for ever (a pulse), as the browser computes them
MOTION = """() => { const secs = v => Math.max(0, ...v.split(',').map(s => parseFloat(s) * (s.trim().endsWith('ms') ? 0.001 : 1)));
  let longest = 0, where = '', forever = [];
  for (const e of document.querySelectorAll('*')) {
    const cs = getComputedStyle(e), t = Math.max(secs(cs.transitionDuration), cs.animationName !== 'none' ? secs(cs.animationDuration) : 0);
    if (t > longest) { longest = t; where = e.tagName + '#' + e.id + '.' + String(e.className).slice(0, 40); }
    if (cs.animationName !== 'none' && cs.animationIterationCount === 'infinite') forever.push(e.className);
  }
  return [longest, where, forever]; }"""
EYE = "() => window.PG.plotly.sceneEye(window.PG.plotly.gd('surface'))"


def _heading(eye: dict) -> float:
    return math.degrees(math.atan2(eye["y"], eye["x"]))


def test_reduced_motion(page):
    p = page.page
    p.emulate_media(reduced_motion="reduce")
    longest, where, forever = p.evaluate(MOTION)
    assert longest <= 0.001 and not forever, (longest, where, forever)
    assert not p.evaluate("() => window.PG.playing")  # nothing plays by itself
    # O turns the scene one step, and it stays there
    p.wait_for_function(f"() => !!({EYE})()")
    before = p.evaluate(EYE)
    p.keyboard.press("o")
    p.wait_for_function(f"e => ({EYE})().x !== e.x", arg=before)
    turned = p.evaluate(EYE)
    next_frames(p, 30)
    assert p.evaluate(EYE) == turned, "the scene goes on turning under prefers-reduced-motion"
    assert abs((_heading(turned) - _heading(before)) % 360 - ROTATE["stepDeg"]) < 1
    assert p.get_attribute("#" + IDS.rotate, "aria-pressed") == "false"
    # without the preference it turns on its own; the preference arriving stops it
    p.emulate_media(reduced_motion="no-preference")
    p.keyboard.press("o")
    p.wait_for_function(f"e => ({EYE})().x !== e.x", arg=p.evaluate(EYE))
    assert p.get_attribute("#" + IDS.rotate, "aria-pressed") == "true"
    p.emulate_media(reduced_motion="reduce")
    p.wait_for_selector(f"#{IDS.rotate}[aria-pressed=false]")
    still = p.evaluate(EYE)
    next_frames(p, 30)
    assert p.evaluate(EYE) == still
    # playback stays the user's: Space plays, Space pauses, and it holds there
    p.keyboard.press(" ")
    p.wait_for_function("() => window.PG.playing && window.PG.step > 3", timeout=30000)
    p.keyboard.press(" ")
    p.wait_for_function("() => !window.PG.playing")
    step = p.evaluate("() => window.PG.step")
    next_frames(p, 10)
    assert p.evaluate("() => window.PG.step") == step


# counts the animation frames the page asks for (plotly.js's render loop asks through the global
# requestAnimationFrame) and the 3D scene's draws (plotly.js calls glplot.onrender after each)
WATCH_FRAMES = """() => { const gl = window.PG.plotly.gd('surface')._fullLayout.scene._scene.glplot, ask = window.requestAnimationFrame;
  const w = window.__pgWatch = { asked: 0, last: performance.now(), draws: 0, canvas: gl.canvas };
  window.requestAnimationFrame = cb => { w.asked++; w.last = performance.now(); return ask.call(window, cb); };
  const drawn = gl.onrender; gl.onrender = function () { w.draws++; return drawn && drawn.apply(this, arguments); }; }"""
WATCHED = "() => { const w = window.__pgWatch; return {asked: w.asked, draws: w.draws}; }"
# no frame asked for in the last ``ms`` (polled by a timer: a wait polling on frames would ask)
QUIET_FOR = "ms => performance.now() - window.__pgWatch.last > ms"
TURN = "a => window.PG.plotly.turnScene(window.PG.plotly.gd('surface'), a)"


# the restyles of a plot's theme colours (PG.style's), by graph; the playback's restyles of the
# paths, heads and end marks set other attributes. Counted by one wrapper (a second, put on
# the first, counted each restyle twice)
STYLE_RESTYLES = """() => { window.__pgStyled = {}; if (Plotly.restyle.__counting) return;
  const restyle = Plotly.restyle;
  Plotly.restyle = function (gd, upd) {
    if (['colorscale', 'marker.color', 'textfont.color', 'line.color'].some(k => k in (upd || {}))) {
      const id = gd.closest('.dash-graph').id; window.__pgStyled[id] = (window.__pgStyled[id] || 0) + 1; }
    return restyle.apply(this, arguments); };
  Plotly.restyle.__counting = restyle; }"""
STOP_COUNTING = "() => { if (Plotly.restyle.__counting) Plotly.restyle = Plotly.restyle.__counting; }"
SCENE_SCALE = "() => document.querySelector('#graph-surface-3d .js-plotly-plot')._fullData.find(t => t.type === 'surface').colorscale"


def _lecture_mode(page: Page) -> None:
    page.page.click(f"#{IDS.presenter}")
    page.page.wait_for_function(PLOTS_LAID_OUT, timeout=20000)
    page.idle()


def test_lecture_mode_restyles_no_colour_and_a_new_theme_each_plot_once(shared_page, base_url):
    """A restyle of the 3D scene rebuilds its every object (0.1-0.2 s of software GL, a laptop
    without a GPU): lecture mode's larger text leaves the theme's colours as they are and
    restyles none (a round trip restyled the scene 18 times), and a new theme restyles each
    plot with marks or a colour scale once (24 times), to that theme's colours."""
    page = shared_page(base_url + "/")
    p = page.page
    p.evaluate(STYLE_RESTYLES)
    for _ in range(2):  # into lecture mode and back
        _lecture_mode(page)
    assert p.evaluate("() => window.__pgStyled") == {}
    for theme in ("dark", "light"):
        p.evaluate(STYLE_RESTYLES)
        p.click(f"#{IDS.theme}")
        page.idle()
        assert p.evaluate("() => window.__pgStyled") == {"graph-surface-3d": 1, "graph-contour": 1}, theme
        assert p.evaluate(SCENE_SCALE) == p.evaluate(f"() => window.PG.C.surfaceScales.{theme}"), theme
    p.evaluate(STOP_COUNTING)


def test_an_idle_page_asks_for_no_frames_and_wakes_for_the_scene(shared_page, base_url):
    page = shared_page(base_url + "/")  # after the restyles' test: a page at rest all the same
    p = page.page
    p.evaluate(WATCH_FRAMES)
    # the render loop runs a second after the last change, then looks without frames
    p.wait_for_function(QUIET_FOR, arg=1500, polling=100, timeout=30000)
    before = p.evaluate(WATCHED)
    p.evaluate(TURN, 0.2)  # the camera set through Plotly.relayout: drawn, the loop awake again
    p.wait_for_function(f"d => ({WATCHED})().draws > d", arg=before["draws"], timeout=10000)
    assert p.evaluate(WATCHED)["asked"] > before["asked"]
    p.wait_for_function(QUIET_FOR, arg=1500, polling=100, timeout=30000)
    # a pointer on the scene wakes it too (a drag turns the camera from the first move)
    asked = p.evaluate(WATCHED)["asked"]
    box = p.evaluate(
        "() => { const r = window.__pgWatch.canvas.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"
    )
    p.mouse.move(box[0] + box[2] / 2, box[1] + box[3] / 2)
    p.wait_for_function(f"n => ({WATCHED})().asked > n", arg=asked, timeout=10000)
    p.wait_for_function(QUIET_FOR, arg=1500, polling=100, timeout=30000)  # and it idles again


# each learning-rate slider's mark labels on screen: text and box, left to right, and the card's box
LR_MARKS = """() => [...document.querySelectorAll('.pg-lr-slider')].filter(s => s.offsetParent).map(s => {
  const card = s.closest('.card').getBoundingClientRect();
  return {card: [card.left, card.right], marks: [...s.querySelectorAll('.dash-slider-mark')].map(m => {
    const r = m.getBoundingClientRect(); return {text: m.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })
    .sort((a, b) => a.left - b.left)}; })"""
LABEL_GAP = 6  # px between two mark labels at least: apart at a glance, not one long string


@pytest.mark.parametrize("size", [(1280, 800), (390, 844), (320, 640)], ids=lambda s: f"{s[0]}px")
def test_the_learning_rate_marks_do_not_overlap(browser, base_url, size):
    """Every labelled decade of each racer's learning-rate slider stands apart from the next
    and inside its card (seven "1e-5" labels were 3 px apart at 1280 px, overlapping at 320)."""
    page = Page(browser, base_url + "/", *size)
    try:
        if page.page.is_visible("#button-controls"):  # a narrow screen: the panel is behind its button
            _open_panel(page)
        sliders = page.page.evaluate(LR_MARKS)
        assert len(sliders) == 3, sliders  # the default race's three racers
        labels = lr_marks(LR_SLIDER["min"], LR_SLIDER["max"])
        assert {LR_SLIDER["min"], LR_SLIDER["max"]} <= set(labels)  # both ends of the range are labelled
        for s in sliders:
            marks = s["marks"]
            assert [m["text"] for m in marks] == list(labels.values())
            gaps = [b["left"] - a["right"] for a, b in itertools.pairwise(marks)]
            assert min(gaps) >= LABEL_GAP, (size, [m["text"] for m in marks], gaps)
            assert all(s["card"][0] <= m["left"] and m["right"] <= s["card"][1] for m in marks), s
        page.page.screenshot(path=str(ARTIFACTS / f"lr-marks-{size[0]}.png"))
        assert not page.errors, page.errors
    finally:
        page.close()
