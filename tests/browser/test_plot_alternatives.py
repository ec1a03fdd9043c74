"""The plots for a student who cannot see them, or not all their colours: each plot has a name
and a description naming its racers (and changes with them), each run's outcome is said in a
polite live region when the playback reaches it — in the results table's words — the table is
a real data table, the height colours have a scale, and screenshots (light, dark, and through a
simulated deuteranopia filter) are saved for a person to look at."""

import numpy as np
from colorspacious.cvd import machado_et_al_2009_matrix

from playground.web.contract import IDS
from playground.web.lessons import LESSON_BY_ID
from tests.support.browser import ARTIFACTS, PAUSED, Page, follow_link, next_frames, open_view

PLOTS = (IDS.surface, IDS.contour, IDS.loss_chart, IDS.schedule_chart)
# a race whose outcomes come early: Adam reaches a minimum at step 260, momentum at 283
HIMMELBLAU = "/?surface=himmelblau"

# what a screen reader gets of a plot: its role, name and description
ALT = """id => { const g = document.getElementById(id), d = g && document.getElementById(g.getAttribute('aria-describedby'));
  return g && {role: g.getAttribute('role'), label: g.getAttribute('aria-label'), description: d && d.textContent}; }"""
# every sentence added to the live region, with the step the playback was at when it came
LISTEN = """id => { window.pgTold = []; new MutationObserver(() => {
    const said = [...document.getElementById(id).children].map(p => p.textContent);
    said.slice(window.pgTold.filter(t => t.text).length).forEach(t => window.pgTold.push({text: t, step: window.PG.step}));
    if (!said.length) window.pgTold.push({cleared: true, step: window.PG.step});
  }).observe(document.getElementById(id), {childList: true}); }"""
RUNS = "() => window.PG.run.racers.map(r => ({label: r.label, at: r.stopped_at, status: r.status}))"
# the ids of the graphs on screen a screen reader gets no name or description of
UNDESCRIBED = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent)
  .map(g => g.parentElement.closest('[id]')).filter(b => {
    const d = document.getElementById(b.getAttribute('aria-describedby') || '');
    return b.getAttribute('role') !== 'figure' || !b.getAttribute('aria-label') || !(d && d.textContent.trim()); })
  .map(b => b.id)"""
# every graph on screen (at least n) named and described
ALL_DESCRIBED = (
    f"n => document.querySelectorAll('.js-plotly-plot').length >= n && ({UNDESCRIBED})().length === 0"
)


def test_each_plot_is_named_and_described_by_its_racers(browser, base_url):
    pg = Page(browser, base_url + HIMMELBLAU, 1280, 720)
    try:
        pg.page.wait_for_function(
            "id => document.getElementById(id).getAttribute('aria-label')", arg=IDS.contour
        )
        for graph in PLOTS:
            alt = pg.page.evaluate(ALT, graph)
            assert alt["role"] == "figure", graph
            for name in ("Momentum", "RMSProp", "Adam"):
                assert name in alt["label"] and name in alt["description"], (graph, alt)
        contour = pg.page.evaluate(ALT, IDS.contour)
        assert "Himmelblau" in contour["label"] and "log₁₀(f − f*)" in contour["description"]
        # the other cues than colour, said in words: each racer's dash and marker
        assert "RMSProp (dashed line, square)" in contour["label"]
        follow_link(pg, HIMMELBLAU + "&opt=adam,sgd")  # another race (a link in the page): other names
        pg.page.wait_for_function(
            "([id, who]) => (document.getElementById(id).getAttribute('aria-label') || '').includes(who)",
            arg=[IDS.contour, "SGD"],
            timeout=60000,
        )
        label = pg.page.evaluate(ALT, IDS.loss_chart)["label"]
        assert "Adam" in label and "SGD" in label and "RMSProp" not in label
        assert not pg.errors, pg.errors
    finally:
        pg.close()


def test_every_plot_of_the_race_and_a_lesson_is_described(browser, base_url):
    """The lesson chart, the inspect chart and the EWMA chart too, their words following what
    they show: another inspected racer, another β."""
    pg = Page(browser, base_url + "/", 1280, 800)
    p = pg.page
    try:
        pg.choose_lesson("rotation", LESSON_BY_ID["rotation"].title)
        p.wait_for_function(ALL_DESCRIBED, arg=7, timeout=30000)  # the race's 4, lesson, inspect, EWMA
        lesson = p.evaluate(ALT, "graph-lesson")
        assert (
            lesson["label"].startswith("Lesson chart: f − f* per step of")
            and "Dashed, for comparison" in lesson["description"]
        )
        first = p.evaluate(ALT, IDS.state_chart)["label"]
        p.select_option("#" + IDS.inspect, "2")
        p.wait_for_function("([id, l]) => document.getElementById(id).getAttribute('aria-label') !== l",
                            arg=[IDS.state_chart, first])  # fmt: skip
        label = p.evaluate(ALT, IDS.state_chart)["label"]
        assert label.startswith("Effective step size per step of Adam (dotted line, diamond)"), (first, label)
        assert "β = 0.9" in p.evaluate(ALT, IDS.ewma_chart)["label"]
        p.focus("#slider-ewma-beta [role=slider]")
        p.keyboard.press("ArrowRight")
        p.wait_for_function("id => document.getElementById(id).getAttribute('aria-label').includes('β = 0.91')",
                            arg=IDS.ewma_chart)  # fmt: skip
        assert not pg.errors, pg.errors
    finally:
        pg.close()


def test_the_maps_plots_are_described(shared_page, base_url):
    pg = shared_page(base_url + "/", 1280, 800)  # the maps' and the network's views take turns on one page
    p = pg.page
    open_view("maps", "#button-maps-draw")(pg)
    p.wait_for_function(ALL_DESCRIBED, arg=1, timeout=60000)
    assert p.evaluate(ALT, "graph-maps")["label"].startswith(
        "Basin map of the Rosenbrock surface for Momentum"
    )
    for kind, words in (
        ("sweep", "Learning-rate sweep on the Rosenbrock surface"),
        ("phase", "Phase diagram of Momentum"),
    ):
        p.check(f"#radio-maps-kind input[value='{kind}']")
        p.wait_for_function("([id, w]) => (document.getElementById(id).getAttribute('aria-label') || '').startsWith(w)",
                            arg=["graph-maps", words], timeout=60000)  # fmt: skip
    p.click("#button-maps-tune")
    p.wait_for_selector("#div-maps-tuned:not([hidden])", timeout=120000)
    p.wait_for_function(ALL_DESCRIBED, arg=2, timeout=30000)
    tune = p.evaluate(ALT, "graph-maps-tune")
    assert tune["label"].startswith("Fair tuning") and "Best: Momentum lr" in tune["description"]
    assert not pg.errors, pg.errors


def test_the_real_networks_plots_are_described(shared_page, base_url):
    pg = shared_page(base_url + "/", 1280, 800)  # the maps' and the network's views take turns on one page
    p = pg.page
    open_view("network", "#button-network-train")(pg)
    p.click("#select-network-optimizers .dash-dropdown-clear")
    p.click("#select-network-optimizers")
    p.get_by_role("option", name="Adam", exact=True).click()
    p.keyboard.press("Escape")
    p.fill("#input-network-epochs", "1")
    p.click("#button-network-train")
    p.wait_for_selector("#table-network-showdown", timeout=120000)
    p.wait_for_function(ALL_DESCRIBED, arg=4, timeout=30000)
    for graph in (
        "graph-network-loss",
        "graph-network-accuracy",
        "graph-network-slice",
        "graph-network-surface",
    ):
        assert "Adam (solid line, circle)" in p.evaluate(ALT, graph)["label"], graph
    assert not pg.errors, pg.errors


def test_outcomes_are_said_when_the_playback_reaches_them(shared_page, base_url):
    pg = shared_page(base_url + HIMMELBLAU, 1280, 720)  # with the other Himmelblau scenes
    p = pg.page
    runs = p.evaluate(RUNS)
    first = min(runs, key=lambda r: r["at"])
    assert first["status"] == "minimum" and first["at"] < 400, runs  # the scene this test needs
    p.evaluate(LISTEN, IDS.outcome)
    assert p.inner_text("#" + IDS.outcome).strip() == ""  # step 0: nothing reached yet
    assert p.get_attribute("#" + IDS.outcome, "aria-live") == "polite"
    p.click("#" + IDS.play)
    p.wait_for_function("s => window.PG.step > s", arg=first["at"] + 40, timeout=60000)
    p.click("#" + IDS.play)
    p.wait_for_function(PAUSED, timeout=5000)
    told = [t for t in p.evaluate("() => window.pgTold") if "text" in t]
    said = {t["text"].split(" ")[0]: t for t in told}
    assert first["label"] in said, told
    # said only once the playback was there, and in the results table's words
    assert said[first["label"]]["step"] >= first["at"], told
    row = p.evaluate(
        "who => [...document.querySelectorAll('#table-results tbody tr')].find(r => r.querySelector('th').textContent.includes(who))"
        ".querySelector('.pg-status').textContent",
        first["label"],
    )
    assert said[first["label"]]["text"] == f"{first['label']} {row}."
    assert f"at step {first['at']}" in row and "reached the global minimum" in row
    for r in runs:  # nobody is said to be somewhere the playback has not reached
        assert r["label"] not in said or said[r["label"]]["step"] >= r["at"], (r, told)
    p.click("#" + IDS.reset)
    p.wait_for_function("id => document.getElementById(id).textContent === ''", arg=IDS.outcome, timeout=5000)
    assert not pg.errors, pg.errors


def test_the_results_table_is_a_data_table(shared_page, base_url):
    pg = shared_page(base_url + "/", 1280, 720)  # read only: the table's and the scales' tests share it
    table = pg.page.evaluate(
        """id => { const t = document.getElementById(id);
             return {caption: t.caption && t.caption.textContent,
                     cols: [...t.querySelectorAll('thead th')].map(h => h.getAttribute('scope')),
                     rows: [...t.querySelectorAll('tbody th')].map(h => [h.getAttribute('scope'), h.textContent])}; }""",
        IDS.table,
    )
    assert table["caption"] and "step 0" in table["caption"]
    assert table["cols"] == ["col"] * 8
    # each row is headed by its optimizer, its symbol (the plots' marker) hidden from the reader
    assert [s for s, _ in table["rows"]] == ["row"] * 3
    assert [t for _, t in table["rows"]] == ["●Momentum", "■RMSProp", "◆Adam"]
    hidden = pg.page.evaluate(
        "() => [...document.querySelectorAll('#table-results .pg-swatch')].map(s => s.getAttribute('aria-hidden'))"
    )
    assert hidden == ["true"] * 3


def test_height_colours_have_a_scale(shared_page, base_url):
    pg = shared_page(base_url + "/", 1280, 720)  # read only: the table's and the scales' tests share it
    pg.page.wait_for_function(
        "() => document.querySelectorAll('#graph-surface-3d .colorbar, #graph-contour .colorbar').length === 2",
        timeout=30000,
    )
    titles = pg.page.evaluate(
        "() => [...document.querySelectorAll('#graph-surface-3d .cbtitle, #graph-contour .cbtitle')].map(t => t.textContent)"
    )
    # the contour map's on one line: a line less beside the map (lecture mode's narrow card, #29)
    assert titles == ["height: log₁₀(f − f* + 1)light = low", "height: log₁₀(f − f*) · light = low"], titles
    # readable: the scale's labels at the figures' text size, inside the graph's box
    boxes = pg.page.evaluate(
        """() => ['graph-surface-3d', 'graph-contour'].map(id => {
             const g = document.getElementById(id).getBoundingClientRect();
             const c = document.querySelector('#' + id + ' .colorbar').getBoundingClientRect();
             const f = parseFloat(getComputedStyle(document.querySelector('#' + id + ' .colorbar .cbaxis text')).fontSize);
             return [c.left >= g.left, c.right <= g.right + 1, c.bottom <= g.bottom + 1, f]; })"""
    )
    assert all(b[:3] == [True, True, True] and b[3] >= 13 for b in boxes), boxes


def _deuteranopia_filter() -> str:
    """An SVG colour matrix that shows the page as a deuteranope sees it (Machado et al. 2009,
    severity 1, the matrix colorspacious simulates with; SVG filters work in linear RGB)."""
    m = machado_et_al_2009_matrix("deuteranomaly", 100)
    rows = " ".join(" ".join(f"{v:.6f}" for v in row) + " 0 0" for row in np.asarray(m)) + " 0 0 0 1 0"
    return (
        "<svg xmlns='http://www.w3.org/2000/svg' width='0' height='0' style='position:absolute'>"
        f"<filter id='pg-deutan' color-interpolation-filters='linearRGB'><feColorMatrix type='matrix' values='{rows}'/>"
        "</filter></svg>"
    )


def test_screenshots_light_dark_and_deuteranopia(shared_page, base_url):
    """Saved for a person to look at (artifacts/plots-*.png): mid-race, paused."""
    pg = shared_page(base_url + HIMMELBLAU, 1280, 720)  # with the other Himmelblau scenes
    p = pg.page
    p.click("#" + IDS.play)
    p.wait_for_function("() => window.PG.step > 150", timeout=60000)
    p.screenshot(path=str(ARTIFACTS / "plots-playing.png"))
    p.click("#" + IDS.play)
    p.wait_for_function(PAUSED, timeout=5000)
    next_frames(p, 3)
    p.screenshot(path=str(ARTIFACTS / "plots-light.png"))
    p.evaluate(
        "svg => { document.body.insertAdjacentHTML('beforeend', svg);"
        " document.documentElement.style.filter = 'url(#pg-deutan)'; }",
        _deuteranopia_filter(),
    )
    next_frames(p, 3)
    p.screenshot(path=str(ARTIFACTS / "plots-deuteranopia.png"))
    p.evaluate("() => { document.documentElement.style.filter = ''; }")
    p.click("#" + IDS.theme)
    p.wait_for_function("() => document.body.classList.contains('pg-dark')")
    next_frames(p, 3)
    p.screenshot(path=str(ARTIFACTS / "plots-dark.png"))
    assert not pg.errors, pg.errors
