"""The playground in real headless Chromium against the real server (no mocks)."""

import json
import re

import pytest

from playground.core.optimizers import OPTIMIZERS
from playground.web.contract import racer_colors
from playground.web.lessons import LESSONS
from playground.web.views.race.callbacks import MESSAGE_BOXES
from tests.support.browser import ARTIFACTS, PAUSED, PLOTS_LAID_OUT, SHOWN_STEP_PAST, Page, next_frames

ADAM_COLOR = racer_colors(["momentum", "rmsprop", "adam"])[2]


def test_default_view_renders_both_landscapes(shared_page, base_url):
    page = shared_page(base_url)  # read only: the module's first test, on a fresh page
    ARTIFACTS.mkdir(exist_ok=True)
    p = page.page
    assert p.locator("#graph-surface-3d canvas").count() >= 1  # WebGL scene
    assert p.evaluate("() => !!document.querySelector('#graph-surface-3d canvas').getContext")
    shot3d = p.locator("#graph-surface-3d").screenshot()
    # an empty 3D box of this size compresses to a few KB; a shaded surface does not
    assert len(shot3d) > 40_000, len(shot3d)
    assert p.inner_text("#text-step") == "0"
    assert page.trace_len("graph-contour") == 1 and page.trace_len("graph-loss", "loss") == 1
    assert p.locator("#div-readout tr").count() == 4  # header + three racers
    assert p.locator("#div-math mjx-container").count() >= 3  # MathJax rendered the rules
    p.screenshot(path=str(ARTIFACTS / "default.png"), full_page=True)


def test_play_pause_step_reset_and_scrub(shared_page, base_url):
    page = shared_page(base_url)  # the default race, as the first test left it
    p = page.page
    before = page.updates
    p.click("#button-play")
    p.wait_for_function(SHOWN_STEP_PAST, arg=20, timeout=15000)
    s1, ink1 = page.step(), page.overlay_ink("graph-contour")
    p.wait_for_function(SHOWN_STEP_PAST, arg=s1 + 20, timeout=15000)
    s2, ink2 = page.step(), page.overlay_ink("graph-contour")
    assert 0 < s1 < s2
    # while playing, the 2D paths grow on the canvas over each plot
    assert 0 < ink1 < ink2, (ink1, ink2)
    assert page.overlay_ink("graph-loss") > 0
    p.click("#button-play")  # pause: the paths go back into the Plotly traces (hover works)
    p.wait_for_function(PAUSED, timeout=5000)
    paused = page.step()
    p.wait_for_timeout(600)  # a fixed spell: the test asserts the step does NOT move while paused
    assert page.step() == paused
    assert page.trace_len("graph-contour") == paused + 1
    assert page.trace_len("graph-loss", "loss") == paused + 1
    assert page.overlay_ink("graph-contour") == -1 and page.overlay_ink("graph-loss") == -1
    assert page.updates == before, "playback must not call the server"
    p.click("#button-step")
    assert page.step() == paused + 1
    p.keyboard.press("ArrowRight")
    assert page.step() == paused + 2
    p.click("#button-reset")
    assert page.step() == 0 and page.trace_len("graph-contour") == 1
    box = p.locator("#slider-step .rc-slider, #slider-step").first.bounding_box()
    p.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    p.wait_for_function(SHOWN_STEP_PAST, arg=0, timeout=5000)
    assert 150 < page.step() < 350  # half-way along 500 steps
    assert page.updates == before


STATE_TRACES = (
    "() => document.querySelector('#graph-state .js-plotly-plot').data.map(t => [t.name, t.line.color])"
)
LOSS_AXIS = "() => document.querySelector('#graph-loss .js-plotly-plot')._fullLayout.yaxis.type"
GRAD_ARROW = """() => { const gd = document.querySelector('#graph-contour .js-plotly-plot');
    return Array.from(gd.data.find(t => t.meta && t.meta.role === 'grad').x); }"""


def test_inspect_and_log_scale_redraw_without_the_server(shared_page, base_url):
    page = shared_page(base_url)  # at whatever step the last test left
    p = page.page
    for _ in range(5):
        p.click("#button-step")
    p.wait_for_function(f"() => ({STATE_TRACES})().length > 0", timeout=10000)
    momentum, arrow = p.evaluate(STATE_TRACES), p.evaluate(GRAD_ARROW)
    asked = page.updates
    p.select_option("#select-inspect", "2")  # Momentum -> Adam
    accumulator = OPTIMIZERS["adam"].inspect[1][1] + " (x)"
    p.wait_for_function(f"() => ({STATE_TRACES})().some(t => t[0] === '{accumulator}')", timeout=5000)
    adam = p.evaluate(STATE_TRACES)
    assert adam != momentum and adam[0] == ["step size (x)", ADAM_COLOR]  # Adam's colour, its accumulator v
    p.wait_for_function(f"() => JSON.stringify(({GRAD_ARROW})()) !== {json.dumps(json.dumps(arrow))}")
    assert p.evaluate(LOSS_AXIS) == "log"
    p.click("#switch-log-loss")
    p.wait_for_function(f"() => ({LOSS_AXIS})() === 'linear'", timeout=5000)
    # the curves now plot f itself: Adam's first point is its loss at the start
    y0, f0 = p.evaluate(
        """() => [document.querySelector('#graph-loss .js-plotly-plot').data.find(t => t.meta.racer === 2).y[0],
                  window.PG.run.racers[2].lossA[0]]"""
    )
    assert y0 == f0
    p.click("#switch-log-loss")
    p.wait_for_function(f"() => ({LOSS_AXIS})() === 'log'", timeout=5000)
    page.idle()
    assert page.updates == asked  # nothing was computed again, nothing was even asked


def test_changing_surface_and_optimizers_redraws(shared_page, base_url):
    page = shared_page(base_url)  # the last to share it: it changes the race
    p = page.page
    ranges = lambda: p.evaluate(
        "() => document.querySelector('#graph-contour .js-plotly-plot').layout.xaxis.range"
    )
    assert ranges() == [-2, 2]
    p.click("#select-surface")
    p.get_by_role("option", name="Himmelblau", exact=True).click()
    p.keyboard.press("Escape")
    page.idle()
    assert ranges() == [-5, 5]
    assert p.input_value("#input-start-x") == "-0.3"
    p.click("#select-optimizers")
    p.get_by_role("option", name="Newton", exact=True).click()
    p.keyboard.press("Escape")
    page.idle()
    p.wait_for_function("() => document.querySelectorAll('#div-readout tr').length === 5", timeout=15000)
    assert "Newton" in p.inner_text("#div-readout")


def _paused_at(page, step):
    """The race paused at ``step`` (playing first, as a lecturer would)."""
    page.page.click("#button-play")
    page.page.wait_for_function("() => window.PG.step > 5", timeout=15000)
    page.page.click("#button-play")
    page.page.wait_for_function("() => !window.PG.playing", timeout=5000)
    page.page.evaluate("s => { window.PG.apply(s); window.PG.syncSlider(true); }", step)
    assert page.step() == step


def _at_step_0(page):
    page.page.wait_for_function("() => window.PG.step === 0 && !window.PG.playing", timeout=15000)
    assert page.step() == 0 and page.trace_len("graph-contour") == 1  # no path drawn ahead of Play
    assert page.page.evaluate("() => window.PG.sliderSet") == 0


def test_a_new_surface_racer_set_or_lesson_starts_from_step_0_and_a_new_seed_keeps_the_step(page):
    p = page.page
    _paused_at(page, 195)
    page.set_text("#input-seed", "7")  # the same race, other noise: compared at the same step
    assert page.step() == 195
    p.click("#select-surface")
    p.get_by_role("option", name="Himmelblau", exact=True).click()
    p.keyboard.press("Escape")
    page.idle()
    _at_step_0(page)
    _paused_at(page, 120)
    p.click("#select-optimizers")
    p.get_by_role("option", name="Newton", exact=True).click()
    p.keyboard.press("Escape")
    page.idle()
    _at_step_0(page)
    p.click("#button-play")
    p.wait_for_function("() => window.PG.step > 30", timeout=15000)
    lesson = LESSONS[0]
    page.choose_lesson(lesson.id, lesson.title)  # opened while playing: it waits for Play
    _at_step_0(page)


# each graph on screen: its box, its plot area and its legend's entries
PLOTS = """() => Object.fromEntries([...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent)
  .map(g => { const b = g.getBoundingClientRect(), s = g._fullLayout._size;
              return [g.closest('[id]').id, {box: [Math.round(b.width), Math.round(b.height)],
                      area: [Math.round(s.w), Math.round(s.h)], keys: g.querySelectorAll('.legend .traces').length}]; }))"""


def test_legends_stay_and_plots_keep_their_size_between_play_and_pause(browser, base_url):
    pg = Page(browser, base_url, width=1280, height=720)
    p = pg.page
    for presenter in (False, True):
        if presenter:
            p.click("#button-presenter")
            p.wait_for_function(PLOTS_LAID_OUT, timeout=15000)
        paused = p.evaluate(PLOTS)
        assert paused["graph-contour"]["keys"] == paused["graph-loss"]["keys"] == 3  # one per racer
        p.click("#button-play")
        p.wait_for_function("() => window.PG.step > 30", timeout=15000)
        assert p.evaluate(PLOTS) == paused, presenter  # the key is there exactly when the hall watches
        p.click("#button-play")
        p.wait_for_function("() => !window.PG.playing", timeout=5000)
        next_frames(p)
        assert p.evaluate(PLOTS) == paused, presenter
        p.click("#button-reset")
    assert not pg.errors, pg.errors
    pg.close()


def test_clicking_the_contour_map_moves_the_start(page):
    p = page.page
    gd = p.locator("#graph-contour .nsewdrag").first.bounding_box()
    p.mouse.click(gd["x"] + gd["width"] * 0.75, gd["y"] + gd["height"] * 0.25)
    page.idle()
    x, y = float(p.input_value("#input-start-x")), float(p.input_value("#input-start-y"))
    assert x == pytest.approx(1.0, abs=0.15) and y == pytest.approx(2.0, abs=0.15)
    first = p.evaluate(
        "() => { const gd = document.querySelector('#graph-contour .js-plotly-plot');"
        " const t = gd.data.find(t => t.meta && t.meta.role === 'path'); return [t.x[0], t.y[0]]; }"
    )
    assert first == pytest.approx([x, y], abs=1e-3)


def test_a_diverging_run_is_marked_and_the_page_keeps_working(page):
    p = page.page
    page.set_text('#\\{\\"opt\\"\\:\\"adam\\"\\,\\"type\\"\\:\\"input-lr\\"\\}', "10")
    p.click("#button-play")
    p.wait_for_function(
        "() => /(left the region|blew up)/.test(document.querySelector('#div-readout').innerText)",
        timeout=15000,
    )
    text = p.inner_text("#div-readout")
    assert re.search(r"(left the region|blew up)( going downhill)? after step \d+", text), text
    assert "Momentum" in text
    p.screenshot(path=str(ARTIFACTS / "diverged.png"), full_page=True)
    p.click("#button-reset")
    assert page.step() == 0
    no_nan = p.evaluate(
        "() => ['graph-contour','graph-loss'].every(id => document.querySelector('#' + id + ' .js-plotly-plot')"
        ".data.every(t => !t.x || Array.from(t.x).every(v => v === null || Number.isFinite(v))))"
    )
    assert no_nan


def test_bad_values_show_a_message_and_the_page_recovers(page):
    p = page.page
    red = "el => el.classList.contains('is-invalid')"

    def all_notes():
        boxes = [f"#{box}" for box, _ in MESSAGE_BOXES] + ["#div-messages", ".pg-racer .pg-msgs"]
        return "".join(t for b in boxes for t in p.locator(b).all_inner_texts())

    page.set_text("#input-steps", "1e9")
    assert "steps must be in [1, 5000]" in p.inner_text("#msg-steps")  # right under the steps box
    assert p.eval_on_selector("#input-steps", red)
    assert p.inner_text("#text-steps") == "5000"
    page.set_text("#input-steps", "banana")  # no number: the last good value stays, and says so
    assert "steps must be a number, got 'banana'; kept 5000, the last good value" in p.inner_text(
        "#msg-steps"
    )
    assert p.eval_on_selector("#input-steps", red) and p.inner_text("#text-steps") == "5000"
    page.set_text("#input-steps", "200")
    assert all_notes().strip() == "" and not p.eval_on_selector("#input-steps", red)
    assert p.inner_text("#text-steps") == "200"
    lr, lr_box = (f'#\\{{\\"opt\\"\\:\\"adam\\"\\,\\"type\\"\\:\\"{t}\\"\\}}' for t in ("input-lr", "msg-lr"))
    page.set_text(lr, "fast")  # under its own box, the box outlined, as every other setting's
    assert "Adam: learning rate must be a number, got 'fast'; kept 0.05, the last good value" in p.inner_text(
        lr_box
    )
    assert p.eval_on_selector(lr, red) and p.inner_text("#msg-optimizers").strip() == ""
    box, note = p.locator(lr).bounding_box(), p.locator(lr_box).bounding_box()
    assert box["y"] + box["height"] <= note["y"] + 1 <= box["y"] + box["height"] + 40  # right under it
    assert "lr.adam=0.05" in p.evaluate("() => window.location.search")
    page.set_text(lr, "-3")
    assert "Adam: learning rate" in p.inner_text(lr_box)
    page.set_text("#input-start-x", "1e400")
    assert "start x" in p.inner_text("#msg-start")
    assert p.eval_on_selector("#input-start-x", red) and not p.eval_on_selector("#input-start-y", red)
    assert p.inner_text("#msg-steps").strip() == ""  # notes stay with their own controls
    p.screenshot(path=str(ARTIFACTS / "bad-values.png"), full_page=True)
    p.click("#button-play")  # the other settings still run
    p.wait_for_function("() => window.PG.step > 3", timeout=10000)
    p.click("#button-play")
    page.set_text(lr, "0.05")
    page.set_text("#input-start-x", "-1.5")
    assert all_notes().strip() == ""


def test_phone_width_layout(browser, base_url):
    pg = Page(browser, base_url, width=390, height=844)
    p = pg.page
    assert p.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert not p.locator("#panel-controls").is_visible()
    p.click("#button-controls")
    p.wait_for_selector("#panel-controls", state="visible", timeout=10000)  # the panel slides in
    p.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=False)
    pg.close()
