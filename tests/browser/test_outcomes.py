"""What a run's end looks like in real headless Chromium: marks inside the frame, honest
statuses, nothing given away early, and lessons that re-apply."""

import json

import playwright.sync_api  # noqa: F401 - a missing package fails the suite
import pytest

from playground.core.optimizers import OPTIMIZERS
from playground.web import contract
from playground.web.lessons import LESSON_BY_ID
from playground.web.state.limits import MAX_RACERS
from tests.support.browser import ARTIFACTS, Page, follow_link

# on the grouped browser worker: the other one carries the unit tests and the longer browser
# tests, and was the long pole by about a minute (500 s against ~290 s)
# the end marks (role "end") of the contour map, with the axis ranges they must stay inside
END_MARKS = """() => { const gd = document.querySelector('#graph-contour .js-plotly-plot');
  return {x: gd.layout.xaxis.range, y: gd.layout.yaxis.range,
          marks: gd.data.filter(t => t.meta && t.meta.role === 'end').map(t => ({
            racer: t.meta.racer, x: t.x, y: t.y, symbol: t.marker.symbol, ink: t.marker.line.color}))}; }"""
HEADS = """() => document.querySelector('#graph-contour .js-plotly-plot').data
  .filter(t => t.meta && t.meta.role === 'head').map(t => t.marker.symbol || 'circle')"""


def _at_end(pg: Page) -> None:
    pg.page.evaluate("() => window.PG.apply(window.PG.run.steps)")
    pg.idle()
    pg.page.wait_for_function(
        "() => document.querySelector('#graph-contour .js-plotly-plot').data"
        ".some(t => t.meta && t.meta.role === 'end' && t.x.length > 0)",
        timeout=15000,
    )


def _row(pg: Page, i: int) -> str:
    return pg.page.inner_text(f"#div-readout tbody tr:nth-child({i + 1})")


@pytest.mark.parametrize(
    ("query", "racer", "symbol", "words", "tone"),
    [
        # Adam at lr 10 leaves Rosenbrock's frame upwards: an arrow on the top edge
        ("surface=rosenbrock&opt=adam,gd&lr.adam=10&lr.gd=0.001&steps=100", 0, "arrow-wide",
         "left the region after step", "bad"),
        # the saddle-free Newton escapes the saddle downhill: shown as the success it is
        (LESSON_BY_ID["newton-saddle"].query, 1, "arrow-wide", "left the region going downhill", "good"),
    ],
    ids=["adam-lr10-rosenbrock", "saddle-free-newton"],
)  # fmt: skip
def test_a_run_that_left_is_marked_on_the_frame(shared_page, base_url, query, racer, symbol, words, tone):
    # the module's default page, the race from a link inside it (a new racer set: from step 0)
    pg = shared_page(f"{base_url}/")
    follow_link(pg, f"/?{query}")
    pg.page.wait_for_function("() => window.PG.step === 0 && !window.PG.playing")
    assert "…" in _row(pg, racer)  # the final loss waits for the playback to reach it
    _at_end(pg)
    got = pg.page.evaluate(END_MARKS)
    mark = next(m for m in got["marks"] if m["racer"] == racer)
    (x,), (y,) = mark["x"], mark["y"]
    (x0, x1), (y0, y1) = got["x"], got["y"]
    assert x0 - 1e-9 <= x <= x1 + 1e-9 and y0 - 1e-9 <= y <= y1 + 1e-9, (x, y, got)
    assert min(x - x0, x1 - x, y - y0, y1 - y) < 1e-6  # on the edge, where the path went out
    assert mark["symbol"] == symbol
    assert pg.page.locator(f"#div-readout tbody tr:nth-child({racer + 1}) .pg-status.{tone}").count() == 1
    assert words in _row(pg, racer) and "…" not in _row(pg, racer)
    # the racers' heads keep their own markers (contract.racer_look), the end marks are styled apart
    assert set(pg.page.evaluate(HEADS)) <= {s for s, _ in contract.RACER_SYMBOLS} - {symbol}
    ARTIFACTS.mkdir(exist_ok=True)
    pg.page.screenshot(path=str(ARTIFACTS / f"outcome-{racer}-{symbol}.png"))
    assert not pg.errors


def test_choosing_the_same_lesson_again_reapplies_it(shared_page, base_url):
    page = shared_page(f"{base_url}/")  # the default page the module's tests share
    p, lesson = page.page, LESSON_BY_ID["ravine"]
    page.choose_lesson(lesson.id, lesson.title)
    page.set_text("#input-steps", "77")  # the user edits: the lesson withdraws its text
    p.wait_for_selector("#link-lesson-back", timeout=15000)
    assert p.input_value("#select-lesson") == ""  # the menu is back at its prompt
    p.select_option("#select-lesson", lesson.id)
    p.wait_for_function("() => !document.querySelector('#link-lesson-back')", timeout=20000)
    page.idle()
    assert p.input_value("#input-steps") == "300" and lesson.title in p.inner_text("#alert-lesson")


def test_an_empty_race_says_what_to_do(browser, base_url):
    pg = Page(browser, f"{base_url}/?opt=")
    pg.idle()
    assert pg.page.inner_text("#div-readout tbody") == contract.EMPTY_RACE
    assert contract.EMPTY_RACE in pg.page.inner_text("#div-racer-controls")
    pg.page.click("#button-play")  # nothing to play: the page stays as it is, no error
    pg.page.wait_for_timeout(500)  # a fixed spell: the test asserts that NO error comes of it
    assert not pg.errors, pg.errors
    pg.close()


def test_a_thirteenth_optimizer_is_refused_with_its_reason(browser, base_url):
    twelve = list(OPTIMIZERS)[:MAX_RACERS]
    extra = list(OPTIMIZERS.values())[MAX_RACERS]
    pg = Page(browser, f"{base_url}/?opt={','.join(twelve)}")
    pg.idle()
    pg.page.click("#select-optimizers")
    pg.page.get_by_role("option", name=extra.title, exact=True).click()
    pg.page.keyboard.press("Escape")
    pg.page.wait_for_selector(".pg-msg-refused", timeout=15000)
    note = pg.page.inner_text(".pg-msg-refused")
    assert note == contract.TOO_MANY.format(dropped=extra.title)
    pg.idle()
    chosen = pg.page.evaluate("() => [...document.querySelectorAll('#div-racer-controls .card')].length")
    assert chosen == MAX_RACERS
    assert pg.page.locator("#div-readout tbody tr").count() == MAX_RACERS
    assert f"opt={','.join(twelve)}" in pg.page.evaluate("() => window.location.search")
    pg.page.screenshot(path=str(ARTIFACTS / "refused-thirteenth.png"))
    pg.close()


def test_the_status_key_names_every_status_and_mark(shared_page, base_url):
    page = shared_page(f"{base_url}/")  # the default page the module's tests share
    key = page.page.inner_text(".pg-status-key")
    for st in contract.STATUSES.values():
        assert st["key"] in key
    for glyph, words in contract.END_MARKS:
        assert glyph in key and words in key


RANGES = """() => { const l = document.querySelector('#graph-contour .js-plotly-plot').layout;
  return [l.xaxis.range, l.yaxis.range]; }"""


def test_the_map_frames_the_paths_on_request_and_the_link_keeps_it(browser, base_url):
    query = LESSON_BY_ID["beale"].query.replace("&frame=paths", "")
    pg = Page(browser, f"{base_url}/?{query}")
    p = pg.page
    assert p.evaluate(RANGES) == [[-4.5, 4.5], [-4.5, 4.5]]
    p.select_option("#select-frame", "paths")
    p.wait_for_function(f"() => ({RANGES})()[0][0] > -4.5", timeout=30000)
    pg.idle()
    (x0, x1), (y0, y1) = p.evaluate(RANGES)
    assert x1 - x0 < 4.5 and y1 - y0 < 4.5  # at least twice as close
    assert "frame=paths" in p.evaluate("() => window.location.search")
    # every drawn point of every path is inside the new frame
    p.evaluate("() => window.PG.apply(window.PG.run.steps)")
    pg.idle()
    pts = p.evaluate("""() => document.querySelector('#graph-contour .js-plotly-plot').data
      .filter(t => t.meta && t.meta.role === 'path').map(t => [Array.from(t.x), Array.from(t.y)])""")
    assert pts and all(x0 <= x <= x1 and y0 <= y <= y1 for xs, ys in pts for x, y in zip(xs, ys))
    p.screenshot(path=str(ARTIFACTS / "frame-paths.png"))
    assert not pg.errors
    pg.close()


COLUMN_EDGES = """() => [...document.querySelectorAll('#div-readout th')]
  .map(t => Math.round(t.getBoundingClientRect().left))"""
STOPPED_RACE = "surface=rosenbrock&opt=lbfgs,adam&lr.lbfgs=1&lr.adam=0.02&steps=500"


def test_a_stopped_lbfgs_says_it_stopped_where_when_and_why(browser, base_url, capsys):
    """The issue's race: L-BFGS reaches (1, 0.99999) at step 88 and takes no step after (its
    tolerance_change). The table says "moving" until the playback reaches step 88, then the
    words the CLI prints for the same run, at every later step. The page races L-BFGS at one
    iteration per step (its page start); the command line keeps torch's 20 unless told."""
    from playground.cli.main import main

    run = ["trajectory", "--surface", "rosenbrock", "--optimizer", "lbfgs", "--lr", "1", "--steps", "500"]
    assert main([*run, "--set", "max_iter=1"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["outcome_status"] == "stopped_near" and cli["outcome_step"] == 88
    words = cli["outcome"]
    assert words.startswith("stopped at step 88 at (1, 0.99999), next to the global minimum (1, 1)")
    pg = Page(browser, f"{base_url}/?{STOPPED_RACE}")
    pg.idle()
    columns = set()  # the table's column edges at every step: the long status must not move them
    for step, shown in ((0, "moving"), (87, "moving"), (88, words), (89, words), (250, words), (500, words)):
        pg.page.evaluate(f"() => window.PG.apply({step})")
        columns.add(tuple(pg.page.evaluate(COLUMN_EDGES)))
        cell = pg.page.locator("#div-readout tbody tr:nth-child(1) .pg-status")
        assert cell.inner_text() == shown, step
        tone = "good" if shown == words else "neutral"
        assert tone in cell.get_attribute("class").split()
        final = pg.page.inner_text("#div-readout tbody tr:nth-child(1) td:nth-child(7)")
        assert (final == "…") == (step < 88), (step, final)
    assert len(columns) == 1, columns
    key = pg.page.inner_text(".pg-status-key")
    assert "stopped next to a minimum" in key
    # the position column writes the point as the outcome's words do
    assert pg.page.inner_text("#div-readout tbody tr:nth-child(1) td:nth-child(4)") == "(1, 0.99999)"
    ARTIFACTS.mkdir(exist_ok=True)
    pg.page.evaluate("() => window.PG.apply(120)")
    pg.page.screenshot(path=str(ARTIFACTS / "outcome-lbfgs-stopped.png"))
    assert not pg.errors, pg.errors
    pg.close()


NUMBERS = [(-1.5, None, "-1.5"), (0.001, 4, "0.001"), (2.0, None, "2"), (-2.5455844122715, None, "-2.5456"),
           (12.5, None, "12.5"), (100.0, None, "100"), (123456.0, None, "1.2346e5"), (9.28263e-6, 4, "9.283e-6"),
           (4.308456e-11, 6, "4.30846e-11"), (0.9999918, None, "0.99999"), (0.99999565, None, "1"),
           (0.0, None, "0"), (None, None, "–")]  # fmt: skip


def test_the_table_writes_numbers_for_reading(shared_page, base_url):
    page = shared_page(f"{base_url}/")  # the default page the module's tests share
    """One rule for every number of the table: Python's "%g" (trailing zeros dropped), so
    "(-1.5000, 2)" and "0.001000" are gone and a point reads as in the outcome's words."""
    js = "cases => cases.map(([v, d]) => window.PG.fmt(v === null ? NaN : v, d === null ? undefined : d))"
    assert page.page.evaluate(js, [[v, d] for v, d, _ in NUMBERS]) == [shown for _, _, shown in NUMBERS]
    for value, digits, shown in NUMBERS:
        if value and digits is None:
            assert shown == f"{value:.5g}".replace("e+0", "e").replace("e-0", "e-")
