"""Data-backed surfaces and seed fans in real headless Chromium against the real server: the
mini-batch lesson plays to its end, and a fan typed into its box renders on the map, on the loss
chart and in the race table. Screenshots: artifacts/minibatch-lesson.png, artifacts/fan.png."""

from playground.web.lessons import LESSON_BY_ID
from tests.support.browser import ARTIFACTS, Page

WAIT = 60000  # software GL on a shared 2-core box
# the fan's traces: their racer, number of points (typed float32 arrays or plain lists) and first values
FAN_TRACES = """g => { const gd = document.querySelector('#' + g + ' .js-plotly-plot');
  const vals = a => a.bdata ? Array.from(new Float32Array(Uint8Array.from(atob(a.bdata), c => c.charCodeAt(0)).buffer))
                            : Array.from(a);
  return gd.data.filter(t => t.meta && t.meta.role === 'fan')
    .map(t => ({racer: t.meta.racer, n: vals(t.y).length, y: vals(t.y).slice(0, 3)})); }"""


def _to_end(pg: Page) -> None:
    pg.page.evaluate("() => window.PG.apply(window.PG.run.steps)")
    pg.idle(timeout=60)


def test_the_minibatch_lesson_plays_to_its_end(browser, base_url):
    lesson = LESSON_BY_ID["minibatch"]
    pg = Page(browser, base_url)
    pg.choose_lesson(lesson.id, lesson.title)
    p = pg.page
    p.click("#button-play")
    p.wait_for_function("() => window.PG.step > 20", timeout=WAIT)
    p.click("#button-play")
    _to_end(pg)
    p.wait_for_function(
        "() => document.querySelectorAll('#div-readout .pg-status.good').length === 2", timeout=WAIT
    )
    table = p.inner_text("#div-readout")
    assert "SGD" in table and "minimum" in table
    assert "label noise" in p.inner_text("#alert-lesson")
    p.screenshot(path=str(ARTIFACTS / "minibatch-lesson.png"), full_page=True)
    assert not pg.errors, pg.errors
    pg.close()


def test_a_fan_typed_into_its_box_renders_everywhere(browser, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    pg = Page(
        browser, f"{base_url}/?surface=linreg&p.label_noise=0.5&opt=gd,sgd&lr.gd=0.05&lr.sgd=0.05&steps=400"
    )
    p = pg.page
    assert p.evaluate(FAN_TRACES, "graph-contour") == []
    pg.set_text("#input-fan", "20")
    p.wait_for_function("() => new URLSearchParams(window.location.search).get('fan') === '20'", timeout=WAIT)
    p.wait_for_function(f"() => ({FAN_TRACES})('graph-contour').length === 2", timeout=WAIT)
    paths, median = p.evaluate(FAN_TRACES, "graph-contour")
    # only SGD (racer 1) depends on its seed: 20 paths of 300 drawn points with a gap after each
    assert paths["racer"] == median["racer"] == 1 and paths["n"] == 20 * 301 and median["n"] == 300
    band, mid = p.evaluate(FAN_TRACES, "graph-loss")
    assert band["n"] == 600 and mid["n"] == 300
    p.click("#switch-log-loss")  # the fan follows the loss chart's scale
    p.wait_for_function(f"old => ({FAN_TRACES})('graph-loss')[1].y[0] !== old", arg=mid["y"][0], timeout=WAIT)
    linear = p.evaluate(FAN_TRACES, "graph-loss")[1]["y"][0]
    assert linear > mid["y"][0]  # f against f − f*: higher by f* > 0
    _to_end(pg)
    p.wait_for_function("() => document.querySelector('#div-readout .pg-fan-spread') !== null", timeout=WAIT)
    spread = p.inner_text("#div-readout .pg-fan-spread")
    assert spread.startswith("20 seeds:"), spread
    p.screenshot(path=str(ARTIFACTS / "fan.png"), full_page=True)
    assert not pg.errors, pg.errors
    pg.close()
