"""The "Maps" view in headless Chromium against the real server: each map renders piece by
piece, a clicked cell loads that exact run into the race and plays it, tuning runs and
"Race the tuned settings" loads its results. Screenshots: artifacts/maps-<kind>.png,
artifacts/maps-tune.png. The pages have no WebGL (tests/conftest.py, WITHOUT_WEBGL): the
maps view hides the race's 3D scene."""

import itertools
from urllib.parse import parse_qs, urlparse

from playground.core.surfaces import get_surface
from playground.web.views._maps_figures import basin_categories
from tests.support.browser import ARTIFACTS, Page

FILLED = """n => { const gd = document.querySelector('#graph-maps .js-plotly-plot');
  if (!gd || !gd.data.length) return false;
  const z = gd.data[0].z; return Array.isArray(z) && z.length === n && z.every(r => r.some(v => v !== null)); }"""
DONE = "() => document.querySelector('#div-maps-progress').innerText.includes('Done')"


def _draw(page: Page, kind: str, size: int, rows: int | None = None) -> None:
    """Choose a map (it draws at once at its default size), then redraw it at ``size`` and wait
    until its ``rows`` rows (``size`` unless given) are all filled."""
    p = page.page
    p.check(f"#radio-maps-kind input[value='{kind}']")
    page.idle()
    p.fill("#input-maps-size", str(size))
    p.click("#button-maps-draw")
    p.wait_for_function(FILLED, arg=rows or size, timeout=60000)
    p.wait_for_function(DONE, timeout=60000)
    page.idle()


def _click_cell(page: Page, fx: float, fy: float) -> None:
    """Click the map at a share (fx, fy) of its plot area."""
    box = page.page.locator("#graph-maps .nsewdrag").first.bounding_box()
    page.page.mouse.click(box["x"] + fx * box["width"], box["y"] + (1 - fy) * box["height"])


def _maps_page(browser, base_url: str, race: str) -> Page:
    """The race of ``race`` (a query), then its Maps tab."""
    page = Page(browser, f"{base_url}/?{race}", 1440, 1100)
    page.page.goto(f"{base_url}/?{race}&view=maps")
    page.page.wait_for_selector("#button-maps-draw", state="visible", timeout=30000)
    return page


def test_basin_map_renders_and_a_clicked_cell_races_and_plays(browser, base_url):
    page = _maps_page(browser, base_url, "surface=himmelblau&opt=adam&lr.adam=0.05&steps=300")
    p = page.page
    try:
        _draw(page, "basin", 120)  # two pieces: the chain of requests carries on
        z = p.evaluate("document.querySelector('#graph-maps .js-plotly-plot').data[0].z")
        assert len(z) == 120 and all(len(r) == 120 for r in z)
        k = len(basin_categories(get_surface("himmelblau").minima))  # four minima, then the outcome bands
        bands = {int(v * k) for row in z for v in row}
        assert {0, 1, 2, 3} <= bands  # Himmelblau's four basins all show
        ARTIFACTS.mkdir(exist_ok=True)
        p.screenshot(path=str(ARTIFACTS / "maps-basin.png"), full_page=True)
        _click_cell(page, 0.8, 0.8)  # upper right: (3, 2)'s basin
        p.wait_for_function("() => !document.body.classList.contains('pg-other-view')", timeout=30000)
        p.wait_for_function("() => window.PG && window.PG.playing", timeout=60000)
        q = parse_qs(urlparse(p.url).query)
        x, y = (float(v) for v in q["start"][0].split(","))
        assert 2.0 < x < 4.0 and 1.0 < y < 4.0
        assert q["opt"] == ["adam"] and q["lr.adam"] == ["0.05"]
        assert not page.errors, page.errors
    finally:
        page.close()


def test_sweep_and_phase_maps_render_and_tuning_races_its_result(browser, base_url):
    page = _maps_page(browser, base_url, "surface=quadratic_bowl&opt=momentum,adam&steps=200")
    p = page.page
    try:
        _draw(page, "sweep", 30, rows=2)
        assert (
            p.evaluate("document.querySelector('#graph-maps .js-plotly-plot').data[1].x.length") == 2
        )  # best marks
        p.screenshot(path=str(ARTIFACTS / "maps-sweep.png"), full_page=True)
        _draw(page, "phase", 20)
        names = p.evaluate("document.querySelector('#graph-maps .js-plotly-plot').data.map(t => t.name)")
        assert any("analytic edge of stability" in (n or "") for n in names)  # the bowl is quadratic
        p.screenshot(path=str(ARTIFACTS / "maps-phase.png"), full_page=True)
        p.click("#button-maps-tune")
        p.wait_for_selector("#div-maps-tuned:not([hidden])", timeout=60000)
        rows = p.locator("#div-maps-tune tbody tr")
        assert rows.count() == 2 and "24" in rows.first.inner_text()
        p.screenshot(path=str(ARTIFACTS / "maps-tune.png"), full_page=True)
        p.click("#button-maps-race-tuned")
        p.wait_for_function("() => !document.body.classList.contains('pg-other-view')", timeout=30000)
        page.idle()
        q = parse_qs(urlparse(p.url).query)
        assert q["opt"] == ["momentum,adam"] and q["lr.momentum"] != ["0.001"]
        assert not page.errors, page.errors
    finally:
        page.close()


CELLS = """() => { const gd = document.querySelector('#graph-maps .js-plotly-plot'), l = gd._fullLayout;
  return {x: Array.from(gd.data[0].x), y: Array.from(gd.data[0].y), xr: l.xaxis.range, yr: l.yaxis.range,
          ytype: l.yaxis.type}; }"""


def _cell_at(cells: dict, fx: float, fy: float) -> tuple[float, object]:
    """The centre (x, y) of the cell a click at a share (fx, fy) of the plot area lands on."""
    (x0, x1), (y0, y1) = cells["xr"], cells["yr"]
    x = min(cells["x"], key=lambda c: abs(c - (x0 + fx * (x1 - x0))))
    if cells["ytype"] == "category":
        return x, cells["y"][min(round(y0 + fy * (y1 - y0)), len(cells["y"]) - 1)]
    return x, min(cells["y"], key=lambda c: abs(c - (y0 + fy * (y1 - y0))))


def test_a_clicked_sweep_or_phase_cell_races_that_rate_and_momentum_alone(browser, base_url):
    race = "surface=quadratic_bowl&opt=momentum,adam&steps=200"
    page = _maps_page(browser, base_url, race)
    p = page.page
    try:
        for kind, size, rows in (("sweep", 30, 2), ("phase", 20, 20)):
            if kind == "phase":  # back to the maps of the same race
                p.goto(f"{base_url}/?{race}&view=maps")
                p.wait_for_selector("#button-maps-draw", state="visible", timeout=30000)
            _draw(page, kind, size, rows=rows)
            x, y = _cell_at(p.evaluate(CELLS), 0.415, 0.33)  # inside a cell, off its edges
            _click_cell(page, 0.415, 0.33)
            p.wait_for_function("() => !document.body.classList.contains('pg-other-view')", timeout=30000)
            p.wait_for_function("() => window.PG && window.PG.playing", timeout=60000)
            q = parse_qs(urlparse(p.url).query)
            racer = "momentum" if kind == "phase" or y == "Momentum" else "adam"
            assert q["opt"] == [racer], kind  # that racer alone
            assert float(q[f"lr.{racer}"][0]) == float(f"{10**x:.4g}"), kind  # the cell's rate
            if kind == "phase":
                assert float(q["momentum.momentum"][0]) == float(f"{y:.4g}")  # and its momentum
        assert not page.errors, page.errors
    finally:
        page.close()


TITLE = "() => document.querySelector('#text-maps-title').innerText"
NOTE = "() => document.querySelector('#div-maps-note').innerText"
TRACES = "() => document.querySelector('#graph-maps .js-plotly-plot').data.length"


def test_switching_maps_leaves_no_stale_map_or_note(browser, base_url):
    """#29: a basins map stayed on screen under the phase diagram's refusal; switching from
    basins (size 120) to the phase diagram (5 to 80) said "grid size must be ... used 40" though
    the user typed nothing; the phase diagram's size (40) then drew a sweep titled "40 learning
    rates" while its box said 60. A kind of map now starts at its own size, and a refused map
    leaves nothing drawn under the reason."""
    page = _maps_page(browser, base_url, "surface=quadratic_bowl&opt=momentum,gd&steps=100")
    p = page.page
    try:
        p.check("#radio-maps-kind input[value='basin']")
        p.wait_for_function(FILLED, arg=120, timeout=60000)
        p.wait_for_function(DONE, timeout=60000)
        page.idle()
        p.check("#radio-maps-kind input[value='phase']")  # Momentum: has a momentum
        p.wait_for_function(FILLED, arg=40, timeout=60000)
        page.idle()
        assert p.evaluate(NOTE) == "" and "40×40" in p.evaluate(TITLE)
        assert p.input_value("#input-maps-size") == "40"
        p.check("#radio-maps-kind input[value='sweep']")
        p.wait_for_function(DONE, timeout=60000)
        page.idle()
        assert "60 learning rates" in p.evaluate(TITLE) and p.input_value("#input-maps-size") == "60"
        assert p.evaluate(NOTE) == ""
        # a race whose first racer has no momentum: its basins, then the phase diagram it refuses
        p.goto(f"{base_url}/?surface=quadratic_bowl&opt=gd,momentum&steps=100&view=maps")
        p.wait_for_selector("#button-maps-draw", state="visible", timeout=30000)
        p.check("#radio-maps-kind input[value='basin']")
        p.wait_for_function(FILLED, arg=120, timeout=60000)
        page.idle()
        p.check("#radio-maps-kind input[value='phase']")
        p.wait_for_selector(".pg-network-error", timeout=30000)
        page.idle()
        assert "has no momentum" in p.inner_text("#div-maps-progress")
        assert p.evaluate(TRACES) == 0 and p.evaluate(TITLE) == ""  # no old map under the reason
        p.screenshot(path=str(ARTIFACTS / "maps-refused.png"), full_page=True)
        assert not page.errors, page.errors
    finally:
        page.close()


# the sweep's marks of rates whose probes stopped by their own rule, as the page draws them: each
# mark trace's name, symbol, colour, points (data and drawn) and hover words; the legend's
# entries; the colour bar's tick labels' boxes
SWEEP_MARKS = """names => { const gd = document.querySelector('#graph-maps .js-plotly-plot');
  const box = e => { const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; };
  const marks = gd.data.map((t, i) => [t, gd._fullData[i]]).filter(([t]) => names.includes(t.name)).map(([t, f]) => {
    const drawn = [...gd.querySelectorAll(`.scatterlayer .trace${f.uid} path.point`)];
    return {name: t.name, symbol: t.marker.symbol, color: t.marker.color, n: t.x.length, text: t.text,
            drawn: drawn.map(box)}; });
  return {marks, legend: [...gd.querySelectorAll('.legendtext')].map(t => t.textContent),
          ticks: [...gd.querySelectorAll('.colorbar .cbaxis text, .colorbar .ycbaxis text')]
            .filter(t => t.textContent.trim()).map(box)}; }"""


def test_a_lecture_sweep_marks_lbfgs_stopping_by_itself_and_keeps_its_colour_bar_legible(browser, base_url):
    """L-BFGS on Rosenbrock stops by its own tolerance next to the minimum: the sweep marks
    those rates with the basin map's band (its name in the key, its diamond drawn on the map,
    the single run's words in its hover). In lecture mode at 1280×720 a single racer's sweep
    had a colour bar 15 px long under its title, its three labels on top of each other (#29)."""
    from playground.core import outcome as O
    from playground.web.contract import MAP_INK
    from playground.web.views import _maps_figures as F

    page = _maps_page(browser, base_url, "surface=rosenbrock&opt=lbfgs&steps=200")
    page.page.set_viewport_size({"width": 1280, "height": 720})
    p = page.page
    try:
        p.click("#button-presenter")
        p.wait_for_function("() => document.body.classList.contains('pg-presenter')", timeout=30000)
        # the sweep at 20 rates: its default 60 would draw first (not waited for; Draw cancels it)
        p.check("#radio-maps-kind input[value='sweep']")
        p.wait_for_function("() => document.querySelector('#input-maps-size').value === '60'", timeout=30000)
        p.fill("#input-maps-size", "20")
        p.click("#button-maps-draw")
        p.wait_for_function(f"() => ({TITLE})().includes('20 learning rates') && ({DONE})()", timeout=120000)
        p.wait_for_function(FILLED, arg=1, timeout=30000)
        page.idle()
        near, elsewhere = F.band_name((O.STOPPED_NEAR,)), F.band_name((O.STOPPED,))
        seen = p.evaluate(SWEEP_MARKS, [near, elsewhere])
        [mark] = [m for m in seen["marks"] if m["name"] == near]
        assert (mark["symbol"], mark["color"]) == (F.RESTED[O.STOPPED_NEAR][0], MAP_INK["rested_near"])
        assert mark["n"] >= 1 and len(mark["drawn"]) == mark["n"]  # every mark drawn on the map
        assert near in seen["legend"]  # and named in the key
        assert all(
            "probes stopped by their own rule" in t and "next to the global minimum" in t
            for t in mark["text"]
        )
        p.screenshot(path=str(ARTIFACTS / "maps-sweep-lbfgs-lecture.png"))
        p.mouse.move(mark["drawn"][0]["x"] + mark["drawn"][0]["width"] / 2,
                     mark["drawn"][0]["y"] + mark["drawn"][0]["height"] / 2)  # fmt: skip
        p.wait_for_function(
            "() => [...document.querySelectorAll('#graph-maps .hoverlayer .hovertext')]"
            ".some(h => h.textContent.includes('stopped by their own rule'))",
            timeout=10000,
        )
        ticks = sorted(seen["ticks"], key=lambda b: b["y"])
        assert len(ticks) >= 2, seen
        for a, b in itertools.pairwise(ticks):  # each label clear of the next down the bar
            assert a["y"] + a["height"] <= b["y"] + 1, ticks
        p.screenshot(path=str(ARTIFACTS / "maps-sweep-lbfgs-lecture-hover.png"))
        assert not page.errors, page.errors
    finally:
        page.close()
