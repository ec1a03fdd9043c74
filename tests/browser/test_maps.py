"""The "Maps" view in headless Chromium against the real server: each map renders piece by
piece, a clicked cell loads that exact run into the race and plays it, tuning runs and
"Race the tuned settings" loads its results. Screenshots: artifacts/maps-<kind>.png,
artifacts/maps-tune.png."""

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
