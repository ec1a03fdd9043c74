"""The hall (#29): lecture mode on a projector's screen, the live dialog at 720p, a student's
phone while following. Real server (and a real redis-server for the live session), headless
Chromium. Screenshots in artifacts/: lecture-<size>-<theme>-ravine.png, lecture-maps-<kind>.png,
lecture-live-dialog.png, phone-following.png."""

from __future__ import annotations

import contextlib
import io
import itertools
import math

import numpy as np
import playwright.sync_api  # noqa: F401 - a missing package fails the suite
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from playground.core.surfaces import get_surface
from playground.web.contract import FONT, IDS, LABELS, RESULTS_COLUMNS, SCENE_INK
from playground.web.lessons import LESSON_BY_ID
from playground.web.plots import landscape
from tests.support.axe import check
from tests.support.browser import (
    ARTIFACTS,
    PLOTS_LAID_OUT,
    Page,
    free_port,
    graph_js,
    next_frames,
    overlapping,
    text_boxes,
)
from tests.support.live import live_server, redis_server

RAVINE = LESSON_BY_ID["ravine"]
BOX = "s => { const e = document.querySelector(s); if (!e) return null; const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; }"
TOUCH = 44  # px, the smallest touch target (WCAG 2.5.5, Apple's and Google's guides)
WAIT = 60000


def lecture_size(height: int) -> int:
    """The plots' text size in lecture mode on a screen ``height`` px high (contract.FONT)."""
    return max(FONT["presenterMin"], round(height / FONT["presenterLines"]))


HALL = 20  # px, the smallest text that reads from the back of a hall on a 720p projector (#29)

# every piece of the page's own text on screen (the header's, the main column's: not the closed
# drawer, a dialog or what is hidden), its size and where it is
PAGE_TEXT = """() => { const out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !e || e.closest('svg, .pg-aside, .modal, [hidden], .visually-hidden')) continue;
    const r = document.createRange(); r.selectNodeContents(n); const b = r.getBoundingClientRect(), cs = getComputedStyle(e);
    if (!b.width || !b.height || b.bottom <= 0 || b.top >= innerHeight || cs.visibility === 'hidden') continue;
    out.push([n.textContent.trim().slice(0, 40), parseFloat(cs.fontSize)]);
  } return out; }"""


def _page_text_is_the_lecture_size(p, size: int) -> None:
    """The page's own text in lecture mode (the lesson, the results strip and its statuses, the
    transport and the step counter, the view tabs, the header's buttons) at the plots' size."""
    found = p.evaluate(PAGE_TEXT)
    texts = " ".join(t for t, _ in found)
    for needle in ("Race", "Maps", "Step", "Reset", "step", "Lecture", "optimizer", "lr", "status"):
        assert needle in texts, (needle, texts)
    small = [(t, s) for t, s in found if s < size]
    assert not small, small


def box(p, selector: str) -> dict:
    """The element's box in the viewport (a fixed element too, which Playwright's bounding_box
    measures the same way, but this one answers None for a missing element instead of waiting)."""
    return p.evaluate(BOX, selector)


def on_screen(b: dict | None, width: int, height: int) -> bool:
    return bool(b) and b["width"] > 0 and b["height"] > 0 and b["x"] >= -1 and b["y"] >= -1 \
        and b["x"] + b["width"] <= width + 1 and b["y"] + b["height"] <= height + 1  # fmt: skip


def overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] - 1 and b["x"] < a["x"] + a["width"] - 1 \
        and a["y"] < b["y"] + b["height"] - 1 and b["y"] < a["y"] + a["height"] - 1  # fmt: skip


def shot(p, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def lecture(browser, url: str, width: int, height: int, dark: bool = False) -> Page:
    pg = Page(browser, url, width=width, height=height)
    if dark:
        pg.page.click(f"#{IDS.theme}")
    pg.page.click(f"#{IDS.presenter}")
    pg.page.wait_for_function(PLOTS_LAID_OUT, timeout=20000)  # the plots refit and re-lay their text out
    return pg


# what a lecturer needs on the one screen: the plots, the transport, the results, the settings' drawer
ABOVE_THE_FOLD = (
    "#graph-surface-3d", "#graph-contour", "#graph-loss", f"#{IDS.table}", f"#{IDS.play}", f"#{IDS.step}",
    f"#{IDS.reset}", f"#{IDS.scrubber}", f"#{IDS.step_text}", "#button-controls", "#alert-lesson", "#graph-lesson",
)  # fmt: skip


def _plots_settle(p) -> None:
    """A plot redrawn from a figure that already holds lecture mode's style is not styled again.
    dcc.Graph copies each relayout into its figure prop and redraws the graph from it: a style
    that relayouted every time it saw a new figure redrew the 3D scene four times a second and
    the page stopped answering."""
    relayouts = p.evaluate(
        """async () => {
        const graphs = [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent && g._fullLayout);
        let n = 0; const relayout = Plotly.relayout;
        Plotly.relayout = function () { n++; return relayout.apply(this, arguments); };
        try {
          await Promise.all(graphs.map(g => Plotly.react(g, g.data, JSON.parse(JSON.stringify(g.layout)))));
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        } finally { Plotly.relayout = relayout; }
        return [graphs.length, n]; }"""
    )
    assert relayouts[0] >= 3 and relayouts[1] == 0, relayouts


@pytest.mark.parametrize(
    "width,height,dark",
    [(1280, 720, False), (1920, 1080, True)],
    ids=["720p-light", "1080p-dark"],
)
def test_lecture_mode_shows_everything_on_one_screen(browser, base_url, width, height, dark):
    pg = lecture(browser, f"{base_url}/?{RAVINE.query}&lesson={RAVINE.id}", width, height, dark)
    p = pg.page
    p.evaluate("() => window.PG.apply(window.PG.run.steps)")  # the lesson's end: every racer's status
    pg.idle()
    _plots_settle(p)
    for sel in ABOVE_THE_FOLD:
        assert on_screen(box(p, sel), width, height), (sel, box(p, sel))
    assert p.evaluate("() => document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    for sel in ("#graph-contour", "#graph-loss", "#graph-surface-3d"):  # plots, not slivers
        assert box(p, sel)["height"] >= 0.3 * height and box(p, sel)["width"] >= 0.25 * width, sel
    # each plot's key names every racer; no label of the map or the loss chart lies on another;
    # the lesson chart's labels are all inside its strip, apart
    labels = p.evaluate("() => window.PG.run.racers.map(r => r.label)")
    for key in ("surface", "contour", "loss_chart"):
        shown = p.evaluate(
            f"() => [...{graph_js(key)}.querySelectorAll('.legendtext')].map(t => t.textContent)"
        )
        assert shown == labels, key
    for key in ("contour", "loss_chart"):
        assert not overlapping(text_boxes(p, graph_js(key))), key
    strip = box(p, "#div-lesson")
    lesson = text_boxes(p, "document.querySelector('#graph-lesson .js-plotly-plot')")
    assert len(lesson) > 4 and not overlapping(lesson), overlapping(lesson)
    for text, left, top, right, bottom, _ in lesson:
        assert strip["y"] - 1 <= top and bottom <= strip["y"] + strip["height"] + 1, text
        assert strip["x"] - 1 <= left and right <= strip["x"] + strip["width"] + 1, text
    if dark:  # grid lines of the theme, not bright white
        assert (
            p.evaluate(f"() => {graph_js('loss_chart')}._fullLayout.yaxis.gridcolor")
            == SCENE_INK["dark"]["grid"]
        )
    # the lesson's text whole: nothing hidden in a scroll box
    assert p.evaluate(
        "() => { const t = document.querySelector('.pg-lesson-text'); return t.scrollHeight <= t.clientHeight + 1; }"
    )
    # the results strip: racer, learning rate, status, a row for every racer, all on screen
    heads = p.evaluate(
        f"() => [...document.querySelectorAll('#{IDS.table} thead th')].filter(t => t.offsetParent).map(t => t.innerText.trim())"
    )
    # the contract's strip columns, chosen by name (whatever their place in the table)
    assert heads == [c.header for c in RESULTS_COLUMNS if c.strip] == ["optimizer", "lr", "status"], heads
    # a racer's name beside its glyph, not under it: one line for the default race's names
    for glyph, name in p.evaluate(
        f"""() => [...document.querySelectorAll('#{IDS.table} tbody .pg-racer-cell')].map(r =>
             [r.querySelector('.pg-swatch'), r.querySelector('.pg-racer-name')].map(e => {{
               const b = e.getBoundingClientRect(); return {{x: b.x, y: b.y, width: b.width, height: b.height}}; }}))"""
    ):
        assert name["x"] >= glyph["x"] + glyph["width"] - 1 and name["height"] < 1.5 * glyph["height"] + 8, (
            glyph,
            name,
        )
    rows = p.evaluate(
        f"() => [...document.querySelectorAll('#{IDS.table} tbody tr')].map(r => [...r.cells].filter(c => c.offsetParent).map(c => c.innerText.trim()))"
    )
    labels = p.evaluate("() => window.PG.run.racers.map(r => r.label)")
    # the first cell: the racer's glyph (its marker, hidden from screen readers), then its name
    assert len(rows) == len(labels) and all(r[0].endswith(label) for r, label in zip(rows, labels)), rows
    assert all(len(r) == 3 and r[1] and r[2] != "moving" for r in rows), rows
    _plot_text_is_the_lecture_size(p, lecture_size(height), scene_labels=False)
    scene_labels = _scene_tick_labels(p)  # read before the scene is stripped below
    _page_text_is_the_lecture_size(p, lecture_size(height))
    # the live bar is not there, the step controls are not covered by anything
    for sel in (f"#{IDS.play}", f"#{IDS.scrubber}"):
        b = box(p, sel)
        hit = p.evaluate("([x, y, s]) => document.elementFromPoint(x, y).closest(s) !== null",
                         [b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, sel])  # fmt: skip
        assert hit, sel
    shot(p, f"lecture-{width}x{height}-{'dark' if dark else 'light'}-ravine")
    _scene_labels_as_large_as_the_plots(p)  # it strips the scene down to one label
    assert not pg.errors, pg.errors
    pg.close()
    # at 720p the ravine's 3D card (368 x 318 px, a two-line legend) left its 20-px labels 2-5 px
    # apart ("−1 0 1"): lecture mode keeps the labels that are half a text size apart (#29)
    _scene_labels_apart(scene_labels, lecture_size(height))


# the 3D scene down to one tick label, "0" on its x axis (WebGL draws it facing the screen), at the
# size lecture mode gave its ticks
SCENE_ZERO = """async () => { const g = document.querySelector('#graph-surface-3d .js-plotly-plot'), r = g.layout.scene.xaxis.range;
  const surf = g.data.findIndex(t => t.type === 'surface'), rest = g.data.map((_, i) => i).filter(i => i !== surf);
  await Plotly.restyle(g, {visible: false}, rest);
  await Plotly.restyle(g, {opacity: 0.0001, showscale: false, contours: {}}, [surf]);
  const lay = {showlegend: false, 'scene.xaxis.tickvals': [(r[0] + r[1]) / 2], 'scene.xaxis.ticktext': ['0'],
    'scene.camera': {eye: {x: 0, y: -0.3, z: 2.2}, center: {x: 0, y: 0, z: 0}, up: {x: 0, y: 1, z: 0}}};
  for (const a of ['xaxis', 'yaxis', 'zaxis']) {
    for (const k of ['showgrid', 'showline', 'showbackground', 'showspikes', 'zeroline']) lay[`scene.${a}.${k}`] = false;
    lay[`scene.${a}.ticks`] = ''; lay[`scene.${a}.title.text`] = '';
    if (a !== 'xaxis') lay[`scene.${a}.visible`] = false;
  }
  await Plotly.relayout(g, lay); }"""


def _ink(png: bytes) -> tuple[int, int]:
    """Height and width of what is drawn in a picture: the pixels unlike its background (its
    commonest grey)."""
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L")).astype(int)
    values, counts = np.unique(grey, return_counts=True)
    ys, xs = np.nonzero(np.abs(grey - values[counts.argmax()]) > 60)
    assert len(ys), "nothing drawn"
    return int(ys.max() - ys.min() + 1), int(xs.max() - xs.min() + 1)


def _scene_labels_as_large_as_the_plots(p) -> None:
    """A 3D tick label is drawn about as large as a 2D plot's at the lecture size: WebGL scales
    its text by the size over contract.FONT["sceneTickEm"] (at 0.7 times the lecture size its
    labels came out about 4/5 of the plots' at 720p, 1.1 times at 1080p)."""
    zero = p.locator("#graph-contour .xtick text", has_text="0").filter(has_not_text="-").first
    flat = _ink(zero.screenshot())
    p.evaluate(SCENE_ZERO)
    next_frames(p, 3)
    drawn = _ink(p.locator("#graph-surface-3d .js-plotly-plot").screenshot())
    ratio = math.sqrt(drawn[0] * drawn[1] / (flat[0] * flat[1]))
    assert 0.85 <= ratio <= 1.35, (drawn, flat, ratio)


def _plot_text_is_the_lecture_size(p, size: int, scene_labels: bool = True) -> None:
    """Every tick label and legend entry of every plot on screen at the one lecture size (a
    log axis' decades at 1.25 times it, as Plotly draws powers of ten; no 3/4-size labels), the
    3D scene's too, and no legend on a plot's curves."""
    sizes = p.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent).map(g =>
             [g.parentElement.id, [...g.querySelectorAll('.xtick text, .ytick text, .legendtext, .gtitle')]
               .filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize))])"""
    )
    assert size >= HALL
    for graph, found in sizes:
        assert found and min(found) >= size, (graph, found)
    # the scene's tick labels at the size WebGL draws as large as the plots' text (contract.FONT:
    # it scales them by their size over sceneTickEm); its heights on the colour bar, which names
    # them: no z title, whose "height" on the z axis' short corner lay on the y axis' labels (#29)
    scene = p.evaluate("""() => { const g = document.querySelector('#graph-surface-3d .js-plotly-plot'), s = g._fullLayout.scene;
                                  return [['xaxis', 'yaxis'].map(a => s[a].tickfont.size), s.zaxis.showticklabels, s.zaxis.title.text,
                                          g._fullData.find(t => t.type === 'surface').colorbar.title.text]; }""")
    tick = math.ceil(math.sqrt(FONT["sceneTickEm"] * size))
    assert scene[:3] == [[tick] * 2, False, ""] and scene[3].startswith(LABELS["height"] + ": "), scene
    _scene_box_fits(p, size)
    if scene_labels:
        _scene_tick_labels_apart(p, size)
    # a legend lies above its plot area, never on it
    clash = p.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent && g.querySelector('.legend'))
             .filter(g => { const l = g.querySelector('.legend').getBoundingClientRect(), d = g.querySelector('.nsewdrag');
               if (!d) return false; const a = d.getBoundingClientRect();
               return l.left < a.right - 1 && a.left < l.right - 1 && l.top < a.bottom - 1 && a.top < l.bottom - 1; })
             .map(g => g.parentElement.id)"""
    )
    assert not clash, clash


# the box of each 3D tick label, drawn alone: WebGL draws them (no SVG text to measure), so the
# scene is stripped to one label at a time, read back from its drawing buffer and restored
SCENE_TICK_LABELS = """async () => { const g = document.querySelector('#graph-surface-3d .js-plotly-plot'), fl = g._fullLayout;
  const s = fl.scene._scene, gl = s.glplot.gl, axes = ['xaxis', 'yaxis', 'zaxis'], shown = axes.filter(a => fl.scene[a].showticklabels);
  const frames = n => new Promise(r => { const t = k => k ? requestAnimationFrame(() => t(k - 1)) : r(); t(n); });
  const labels = shown.flatMap(a => { const i = axes.indexOf(a); return s.glplot.axes.ticks[i].map(t => [a, t.x / s.dataScale[i], t.text]); });
  const surf = g.data.findIndex(t => t.type === 'surface'), rest = g.data.map((_, i) => i).filter(i => i !== surf);
  const scene = JSON.parse(JSON.stringify(g.layout.scene)), visible = rest.map(i => g.data[i].visible === undefined ? true : g.data[i].visible);
  const own = JSON.parse(JSON.stringify({opacity: g.data[surf].opacity, showscale: g.data[surf].showscale, contours: g.data[surf].contours}));
  // the colour bar (its labels and title too) in the canvas' pixels, before the scene is stripped of it
  const c = s.glplot.canvas.getBoundingClientRect(), b = g.querySelector('.main-svg .colorbar').getBoundingClientRect();
  const bar = {x: b.left - c.left, y: b.top - c.top, width: b.width, height: b.height};
  // the other traces in the legend only: the legend keeps its room, the canvas its size (and the camera its fit)
  await Plotly.restyle(g, {visible: 'legendonly'}, rest);
  await Plotly.restyle(g, {opacity: 0.0001, showscale: false, contours: {}}, [surf]);
  const bare = {};
  for (const a of axes) {
    for (const k of ['showgrid', 'showline', 'showbackground', 'showspikes', 'zeroline']) bare[`scene.${a}.${k}`] = false;
    // the labels green, their ticks (which set them off the box) magenta: only the green is a label's
    bare[`scene.${a}.tickfont.color`] = '#00ff00'; bare[`scene.${a}.tickcolor`] = '#ff00ff'; bare[`scene.${a}.title.text`] = '';
  }
  await Plotly.relayout(g, bare);
  await frames(3);
  const W = gl.drawingBufferWidth, H = gl.drawingBufferHeight, px = new Uint8Array(W * H * 4), boxes = [];
  for (const [a, v, text] of labels) {
    const one = {};
    for (const b of shown) { one[`scene.${b}.tickvals`] = b === a ? [v] : []; one[`scene.${b}.ticktext`] = b === a ? [text] : []; }
    await Plotly.relayout(g, one);
    await frames(3); // the scene redraws its axes in an animation frame
    s.glplot.redraw(); gl.bindFramebuffer(gl.FRAMEBUFFER, null); gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, px);
    let x0 = W, x1 = -1, y0 = H, y1 = -1;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) { const i = 4 * (y * W + x);
      if (px[i + 3] < 64 || px[i + 1] < px[i] + 64) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, H - 1 - y); y1 = Math.max(y1, H - 1 - y); }
    boxes.push({label: a.charAt(0) + ' ' + text, x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1});
  }
  await Plotly.relayout(g, {scene: scene});
  await Plotly.restyle(g, {visible: visible}, rest);
  await Plotly.restyle(g, {opacity: own.opacity, showscale: own.showscale, contours: [own.contours]}, [surf]);
  await frames(3);
  return {boxes: boxes, canvas: {width: W, height: H}, bar: bar}; }"""


def _scene_tick_labels_apart(p, size: int) -> None:
    _scene_labels_apart(_scene_tick_labels(p), size)


def _scene_tick_labels(p) -> dict:
    """The 3D labels' ink boxes (SCENE_TICK_LABELS), and the scene given back as it was: every
    trace drawn again (restoring a trace shown by default once left it in the legend alone, and
    the lecture screenshots showed no paths in 3D)."""
    found = p.evaluate(SCENE_TICK_LABELS)
    hidden = p.evaluate(
        "() => document.querySelector('#graph-surface-3d .js-plotly-plot')._fullData.filter(t => t.visible !== true).map(t => t.name)"
    )
    assert not hidden, hidden
    return found


def _scene_labels_apart(found: dict, size: int) -> None:
    """No two of the 3D scene's tick labels meet: every two are half a text size apart (a
    character's width; the x and y axes' "−5" at the box's near corner read "−5−5" 11 px apart
    at 1080p on Himmelblau, and Booth's "−10"s overlapped). Each is whole on the scene's canvas
    (the desk's camera left Himmelblau's x "−5" under its foot, not drawn) and clear of the
    colour bar (at 720p in lecture mode the bar's labels lay over the x axis' "5")."""
    boxes, canvas, bar = found["boxes"], found["canvas"], found["bar"]
    assert len(boxes) >= 4 and all(b["width"] > 0 for b in boxes), boxes
    # each axis says its span: fewer ticks (nticks) once left Plotly's "0" alone on each
    assert all(sum(b["label"].startswith(a + " ") for b in boxes) >= 2 for a in "xy"), boxes
    # read from the canvas, a label cut at its edge still has ink there: whole ones keep off the edge
    cut = [b["label"] for b in boxes if not (b["x"] >= 1 and b["y"] >= 1 and b["x"] + b["width"] <= canvas["width"] - 1
                                             and b["y"] + b["height"] <= canvas["height"] - 1)]  # fmt: skip
    assert not cut, (cut, canvas, boxes)
    under = [b["label"] for b in boxes if overlap(b, bar)]
    assert not under, (under, bar, boxes)
    gap = size / 4  # around each label: half a text size between two
    grown = [
        {"x": b["x"] - gap, "y": b["y"] - gap, "width": b["width"] + 2 * gap, "height": b["height"] + 2 * gap}
        for b in boxes
    ]
    clash = [
        (a["label"], b["label"])
        for (a, ga), (b, gb) in itertools.combinations(zip(boxes, grown), 2)
        if overlap(ga, gb)
    ]
    assert not clash, (clash, boxes)


def _scene_box_fits(p, label: int) -> None:
    """The 3D scene's box, projected by the scene's own camera, lies inside its canvas with room
    for a label around it (a tall canvas showed it wider than the canvas: its corners and the z
    axis' title fell off the edges)."""
    box = """() => { const g = document.querySelector('#graph-surface-3d .js-plotly-plot'), s = window.PG.plotly.scene3d(g);
             const [X, Y, Z] = s.bounds, pts = [];
             for (const x of X) for (const y of Y) for (const z of Z) pts.push(s.project(x, y, z));
             return {w: s.w, h: s.h, xs: pts.map(q => q[0]), ys: pts.map(q => q[1])}; }"""
    room = 1.5 * label
    # the camera is fitted once the canvas has its size: a relayout, drawn a frame or more later
    inside = f"""() => {{ const f = ({box})(), r = {room};
                  return Math.min(...f.xs) >= r && Math.max(...f.xs) <= f.w - r && Math.min(...f.ys) >= r && Math.max(...f.ys) <= f.h - r; }}"""
    with contextlib.suppress(PlaywrightTimeout):
        p.wait_for_function(inside, timeout=5000)
    fit = p.evaluate(box)
    assert min(fit["xs"]) >= room and max(fit["xs"]) <= fit["w"] - room, fit
    assert min(fit["ys"]) >= room and max(fit["ys"]) <= fit["h"] - room, fit


# every colour bar's title and where it is drawn, with its graph's drawing (Plotly cuts what
# leaves it)
BAR_TITLES = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent).flatMap(g => {
  const svg = g.querySelector('.main-svg').getBoundingClientRect();
  return [...g.querySelectorAll('.colorbar .cbtitle text')].map(t => {
    const b = t.getBoundingClientRect();
    return {graph: g.closest('[id]').id, text: t.textContent, top: b.top - svg.top, bottom: svg.bottom - b.bottom,
            left: b.left - svg.left, right: svg.right - b.right}; }); })"""


@pytest.mark.parametrize("width,height", [(1280, 720), (1440, 1000)], ids=["720p", "1440x1000"])
def test_lecture_mode_without_a_lesson_gives_the_plots_wide_cards_and_whole_colour_bar_titles(
    browser, base_url, width, height
):
    """#29: without a lesson, lecture mode's three columns made each plot a tall, narrow card
    (the 3D one 416 × 594 px at 720p, its surface small beside its colour bar) and the map's
    one-line bar title lost its ends ("neight: …"): two columns now, and each bar's title on as
    many lines as fit along its bar."""
    pg = lecture(browser, f"{base_url}/", width, height)
    p = pg.page
    _plots_settle(p)
    for sel in ("#graph-surface-3d", "#graph-contour", "#graph-loss"):
        b = box(p, sel)
        assert b["width"] > b["height"] >= 0.25 * height, (sel, b)
    assert p.evaluate("() => document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    titles = p.evaluate(BAR_TITLES)
    assert {t["graph"] for t in titles} >= {"graph-surface-3d", "graph-contour"}, titles
    for t in titles:  # whole: inside its graph's drawing
        assert min(t["top"], t["bottom"], t["left"], t["right"]) >= -1, t
    shot(p, f"lecture-{width}x{height}-no-lesson")
    assert not pg.errors, pg.errors
    pg.close()


def test_the_3d_box_fits_a_tall_lecture_scene_and_the_desk_gets_its_line_of_sight_back(browser, base_url):
    # a screen about as tall as wide: the 3D card in the lecture grid's right column, a canvas taller than wide
    width, height = 1024, 1100
    pg = lecture(browser, f"{base_url}/?surface=himmelblau", width, height)
    p = pg.page
    p.wait_for_function(
        "() => { const s = window.PG.plotly.scene3d(document.querySelector('#graph-surface-3d .js-plotly-plot')); return s && s.h > s.w; }"
    )
    _plot_text_is_the_lecture_size(p, lecture_size(height))
    p.locator("#graph-surface-3d").screenshot(
        path=str(ARTIFACTS / f"lecture-scene-{width}x{height}-himmelblau.png")
    )
    camera = "() => document.querySelector('#graph-surface-3d .js-plotly-plot')._fullLayout.scene.camera"
    own = landscape.surface_3d(get_surface("himmelblau"), [])["layout"]["scene"]["camera"]
    # how far the eye is from the centre, in the figure's own eye's distances, along its line of sight
    back = f"""own => {{ const c = ({camera})(), k = (c.eye.x - c.center.x) / (own.eye.x - own.center.x);
                 return ['x', 'y', 'z'].every(a => Math.abs(c.eye[a] - c.center[a] - k * (own.eye[a] - own.center[a])) < 1e-4 * k) ? k : null; }}"""
    fitted = p.evaluate(back, own)
    assert fitted > 1.1  # it moved back
    p.click(f"#{IDS.presenter}")  # the desk: the figure's line of sight, nearer (its labels are smaller)
    p.wait_for_function(
        f"([own, k]) => {{ const d = ({back})(own); return d && d < k; }}", arg=[own, fitted], timeout=20000
    )
    assert p.evaluate(back, own) >= 1 - 1e-9
    # every plot back at the desk's size, the ones lecture mode hid too (the inspect chart kept
    # its lecture text once: a figure built on a layout restyled while hidden)
    p.wait_for_function(PLOTS_LAID_OUT, timeout=20000)
    assert not pg.errors, pg.errors
    pg.close()


def test_the_desks_3d_labels_are_on_the_canvas_and_clear_of_the_colour_bar(browser, base_url):
    # the figure's own camera left the box's near corner at the canvas' foot: Himmelblau's x "−5"
    # was not drawn, and the x axis' "5" reached the colour bar
    pg = Page(browser, f"{base_url}/?surface=himmelblau", width=1440, height=900)
    p = pg.page
    p.wait_for_function(PLOTS_LAID_OUT, timeout=20000)
    pg.idle()
    _scene_box_fits(p, FONT["size"])
    _scene_tick_labels_apart(p, FONT["size"])
    assert not pg.errors, pg.errors
    pg.close()


def test_the_longest_lesson_text_is_whole_in_lecture_mode_and_a_setting_changes_in_the_drawer(
    browser, base_url
):
    rotation = LESSON_BY_ID["rotation"]
    assert max(len(le.text) for le in LESSON_BY_ID.values()) == len(rotation.text)
    pg = lecture(browser, f"{base_url}/?{rotation.query}&lesson={rotation.id}", 1280, 720)
    p = pg.page
    text = box(p, ".pg-lesson-text")
    assert on_screen(text, 1280, 720)
    assert p.evaluate(
        "() => { const t = document.querySelector('.pg-lesson-text'); return t.scrollHeight <= t.clientHeight + 1; }"
    )
    # the lesson chart under its text: its title names the quantity, no key lies on its curves
    assert on_screen(box(p, "#graph-lesson"), 1280, 720) and box(p, "#graph-lesson")["height"] >= 150
    quantity = p.evaluate(
        "() => document.querySelector('#graph-lesson .js-plotly-plot').layout.meta.quantity"
    )
    assert p.text_content("#graph-lesson .gtitle") == quantity  # the steps are the axis under it
    title, chart = box(p, "#graph-lesson .gtitle"), box(p, "#graph-lesson")
    assert (
        chart["x"] <= title["x"] and title["x"] + title["width"] <= chart["x"] + chart["width"] + 1
    )  # whole
    # the settings drawer opens over the plots, a learning rate changes, the mode stays
    assert not p.locator(f"#{IDS.controls}").is_visible()
    p.click("#button-controls")
    # the drawer opens once the toggle's callback has answered (its box was read as 0 x 0 before)
    p.wait_for_selector(f"#{IDS.controls}", state="visible")
    drawer = box(p, f"#{IDS.controls}")
    assert on_screen(drawer, 1280, 720) and drawer["width"] <= 400
    lr = '#\\{\\"opt\\"\\:\\"adam\\"\\,\\"type\\"\\:\\"input-lr\\"\\}'
    p.locator(lr).scroll_into_view_if_needed()
    pg.set_text(lr, "0.0321")
    p.wait_for_function(
        f"() => [...document.querySelectorAll('#{IDS.table} tbody tr')].some(r => r.innerText.includes('0.0321'))",
        timeout=WAIT,
    )
    assert p.evaluate("() => window.PG.lectureLaidOut()")
    p.click("#button-controls")
    p.wait_for_selector(f"#{IDS.controls}", state="hidden")
    assert p.evaluate("() => document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    assert not pg.errors, pg.errors
    pg.close()


# the contour map's plot area and its key's entries, as the page shows them
CONTOUR_KEY = """() => { const g = document.querySelector('#graph-contour .js-plotly-plot');
  const r = e => { const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; };
  return {plot: r(g.querySelector('.nsewdrag')), items: [...g.querySelectorAll('.legend .traces')].map(r)}; }"""


def test_the_contour_maps_key_leaves_it_large_with_three_racers_at_720p(shared_page, base_url):
    """#29: in lecture mode at 1280×720 with three racers and a lesson, the key's three rows and
    the colour bar's two-line title left the contour map 176 px at the hall's 20-px text (the
    map keeps x and y at one scale: the card's width is its limit): 187 now, its key whole, off
    the map and on no other entry, the same while playing. (204 with the bar's title on one
    line, but that line was longer than the bar and Plotly cut both its ends: the title now
    takes two lines, the fewest that fit, BAR_TITLES.)"""
    rotation = LESSON_BY_ID["rotation"]
    pg = shared_page(f"{base_url}/?{rotation.query}&lesson={rotation.id}", 1280, 720)
    p = pg.page
    p.click(f"#{IDS.presenter}")
    p.wait_for_function(PLOTS_LAID_OUT, timeout=20000)
    assert p.evaluate("() => window.PG.run.racers.length") == 3
    paused = p.evaluate(CONTOUR_KEY)
    plot, items = paused["plot"], paused["items"]
    assert plot["height"] >= 185, paused
    assert all(min(t["top"], t["bottom"]) >= -1 for t in p.evaluate(BAR_TITLES)), p.evaluate(BAR_TITLES)
    assert len(items) == 3 and all(i["height"] > 0 for i in items), paused
    for a, b in itertools.combinations([plot, *items], 2):
        assert not overlap(a, b), (a, b)
    shot(p, "lecture-contour-1280x720-rotation")
    p.click(f"#{IDS.play}")
    p.wait_for_function("() => window.PG.step > 20", timeout=WAIT)
    playing = p.evaluate(CONTOUR_KEY)  # the key stays, the map keeps its size and place (to a pixel)
    assert len(playing["items"]) == 3, playing
    for a, b in zip([plot, *items], [playing["plot"], *playing["items"]]):
        assert all(abs(a[k] - b[k]) <= 1 for k in a), (a, b)
    p.click(f"#{IDS.play}")
    p.wait_for_function("() => !window.PG.playing", timeout=5000)
    p.click(f"#{IDS.reset}")
    p.click(f"#{IDS.presenter}")
    p.wait_for_function(PLOTS_LAID_OUT, timeout=20000)


MAPS_DONE = "() => document.querySelector('#div-maps-progress').innerText.includes('Done')"


def test_the_three_maps_fit_lecture_mode(browser, base_url):
    race = "surface=himmelblau&opt=adam&lr.adam=0.05&steps=300"
    pg = Page(browser, f"{base_url}/?{race}", width=1280, height=720)  # the race first, as test_maps does
    p = pg.page
    p.goto(f"{base_url}/?{race}&view=maps")
    p.wait_for_selector("#button-maps-draw", state="visible", timeout=WAIT)
    p.click(f"#{IDS.presenter}")
    for kind in ("basin", "sweep", "phase"):  # each drawn at its default size
        p.check(f"#radio-maps-kind input[value='{kind}']")
        pg.idle()
        p.wait_for_function(MAPS_DONE, timeout=WAIT)
        pg.idle()
        p.wait_for_function(PLOTS_LAID_OUT, timeout=20000)
        for sel in ("#graph-maps", "#button-maps-draw", ".pg-maps-plot .pg-network-note"):
            assert on_screen(box(p, sel), 1280, 720), (kind, sel, box(p, sel))
        if kind != "sweep":  # a square map as large as the screen lets it (a sweep: a row a racer)
            assert box(p, "#graph-maps")["height"] >= 450, kind
        _axis_labels_readable(p, lecture_size(720))
        shot(p, f"lecture-maps-{kind}")
        if kind == "basin":
            _basin_map_clear_of_its_key(p, 1280, 720, 300)
            p.set_viewport_size({"width": 1920, "height": 1080})
            _relecture(p)  # lecture mode's text size is the screen height's
            _basin_map_clear_of_its_key(p, 1920, 1080, 450)
            shot(p, "lecture-maps-basin-1920x1080")
            p.set_viewport_size({"width": 1280, "height": 720})
            _relecture(p)
    assert not pg.errors, pg.errors
    pg.close()


def _relecture(p) -> None:
    p.click(f"#{IDS.presenter}")
    p.click(f"#{IDS.presenter}")
    p.wait_for_function(PLOTS_LAID_OUT, timeout=20000)


# the basin map's plot area, its key and the graph's box, as the page shows them
MAP_AND_KEY = """() => { const g = document.querySelector('#graph-maps .js-plotly-plot');
  const r = e => { const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; };
  return {plot: r(g.querySelector('.nsewdrag')), key: r(g.querySelector('.legend')), graph: r(g),
          text: [...g.querySelectorAll('.legendtext')].map(t => parseFloat(getComputedStyle(t).fontSize))}; }"""


def _basin_map_clear_of_its_key(p, width: int, height: int, least: int) -> None:
    """The basin map at least ``least`` px square in lecture mode, its key (nine entries on
    Himmelblau: four minima, five outcome bands) whole in the graph's box, off the map, at the
    lecture size: one entry a line above the map left it 192 px at 720p (#29)."""
    fits = f"""() => {{ const m = ({MAP_AND_KEY})(), a = m.plot, b = m.key;
      const apart = a.x + a.width <= b.x + 1 || b.x + b.width <= a.x + 1 || a.y + a.height <= b.y + 1 || b.y + b.height <= a.y + 1;
      return apart && Math.min(a.width, a.height) >= {least}; }}"""
    with contextlib.suppress(PlaywrightTimeout):  # the key moves after the draw: measured below either way
        p.wait_for_function(fits, timeout=5000)
    m = p.evaluate(MAP_AND_KEY)
    assert min(m["plot"]["width"], m["plot"]["height"]) >= least, (width, m)
    assert not overlap(m["plot"], m["key"]), (width, m)
    g, k = m["graph"], m["key"]
    assert g["x"] <= k["x"] and k["x"] + k["width"] <= g["x"] + g["width"] + 1, (width, m)
    assert g["y"] <= k["y"] and k["y"] + k["height"] <= g["y"] + g["height"] + 1, (width, m)
    assert len(m["text"]) == 9 and min(m["text"]) >= lecture_size(height), (width, m)


def _axis_labels_readable(p, size: int) -> None:
    found = p.evaluate(
        "() => [...document.querySelectorAll('#graph-maps .xtick text, #graph-maps .ytick text')].map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize)])"
    )
    assert len([t for t, _ in found if t.strip()]) >= 3 and min(s for _, s in found) >= size, found


@pytest.fixture(scope="module")
def live_base(tmp_path_factory):
    """The app with live sessions on a real redis-server."""
    with contextlib.ExitStack() as stack:
        env = {
            "REDIS_URL": stack.enter_context(redis_server()),
            "LIVE_DB": str(tmp_path_factory.mktemp("live") / "l.db"),
        }
        port = free_port()
        proc = live_server("app", port, env)
        stack.callback(lambda: (proc.terminate(), proc.wait(20)))
        yield f"http://127.0.0.1:{port}"


def test_the_live_dialog_fits_720p_and_a_phone_follows_with_its_controls_free(browser, live_base):
    # both pages are audited by axe-core too (bypass_csp: its script is injected)
    lec = Page(
        browser, f"{live_base}/?{RAVINE.query}&lesson={RAVINE.id}", width=1280, height=720, bypass_csp=True
    )
    lp = lec.page
    lp.click(f"#{IDS.live_button}")
    lp.wait_for_selector(f"#{IDS.live_student}[href*='/live/']", timeout=WAIT)
    lp.wait_for_function(f"() => document.querySelector('#{IDS.live_qr}').complete")
    lp.wait_for_function(
        f"() => getComputedStyle(document.querySelector('#{IDS.live_modal} .modal-content').closest('.modal')).opacity === '1'"
    )
    # the dialog's slide in has ended (Bootstrap moves it 50 px down as it fades in)
    lp.wait_for_function(
        f"() => getComputedStyle(document.querySelector('#{IDS.live_modal} .modal-content').closest('.modal-dialog')).transform === 'none'"
    )
    for sel in ("#modal-live .modal-content", f"#{IDS.live_qr}", f"#{IDS.live_lecturer}", f"#{IDS.live_copy}",
                f"#{IDS.live_student}", f"#{IDS.live_code}"):  # fmt: skip
        assert on_screen(box(lp, sel), 1280, 720), (sel, box(lp, sel))
    assert box(lp, f"#{IDS.live_qr}")["width"] >= 250  # scannable from the back of a hall
    shot(lp, "lecture-live-dialog")
    check(lec, "live-lecturer")
    student_link = lp.get_attribute(f"#{IDS.live_student}", "href")
    lp.keyboard.press("Escape")
    lp.wait_for_selector(f"#{IDS.live_modal}", state="hidden")
    lp.click(f"#{IDS.presenter}")
    lp.wait_for_function(PLOTS_LAID_OUT, timeout=20000)
    # the lecturer's live bar sits in the header, off the plots (the contour map's x axis)
    bar = box(lp, f"#{IDS.live_bar}")
    assert bar["height"] > 0 and not overlap(bar, box(lp, "#graph-contour"))
    assert bar["y"] + bar["height"] <= box(lp, ".pg-header")["y"] + box(lp, ".pg-header")["height"] + 1

    st = Page(browser, student_link, width=390, height=844, touch=True, bypass_csp=True)
    sp = st.page
    sp.wait_for_selector(f"#{IDS.live_bar}.pg-live-follow", timeout=WAIT)
    sp.wait_for_function("() => document.body.classList.contains('pg-presenter')", timeout=WAIT)
    check(st, "live-student")
    assert not sp.evaluate("() => window.PG.lectureLaidOut()")  # a phone keeps its own layout
    lp.evaluate("() => { window.PG.speed = 8; }")
    lp.click(f"#{IDS.play}")
    sp.wait_for_function("() => window.PG.playing && window.PG.step > 2", timeout=WAIT)
    # while the lecturer plays: the map whole in view, under the transport
    assert on_screen(box(sp, "#graph-contour"), 390, 844), box(sp, "#graph-contour")
    assert box(sp, ".pg-transport")["y"] < box(sp, "#graph-contour")["y"]
    shot(sp, "phone-following")
    controls = ["#select-lesson", "#button-share", f"#{IDS.live_button}", f"#{IDS.theme}", "#button-help",
                "#button-controls", f"#{IDS.play}", f"#{IDS.step}", f"#{IDS.reset}", ".pg-scrub .dash-slider-root",
                "#button-tap-start"]  # fmt: skip
    for scroll in (0, 400, 5000):  # the transport stays on top as the page scrolls; the bar never covers it
        sp.evaluate(f"() => window.scrollTo(0, {scroll})")
        next_frames(sp)  # laid out and painted where it scrolled to
        assert sp.evaluate("() => window.scrollY") >= min(scroll, 300)  # it did scroll
        bar = box(sp, f"#{IDS.live_bar}")
        assert on_screen(bar, 390, 844)
        for sel in controls:
            b = box(sp, sel)
            if b and b["y"] < 844 and b["y"] + b["height"] > 0:
                assert not overlap(bar, b), (scroll, sel, b, bar)
        for sel in (f"#{IDS.play}", f"#{IDS.step}", f"#{IDS.reset}", ".pg-scrub .dash-slider-root"):
            assert on_screen(box(sp, sel), 390, 844), (scroll, sel)
    sp.evaluate("() => window.scrollTo(0, 0)")
    next_frames(sp)
    # every control of the phone's screen a finger can hit
    for sel in [*controls, f"#{IDS.live_bar} .btn"]:
        for b in sp.evaluate(
            f"() => [...document.querySelectorAll(\"{sel}\")].filter(e => e.getClientRects().length && getComputedStyle(e).display !== 'none').map(e => {{ const r = e.getBoundingClientRect(); return [r.width, r.height]; }})"
        ):
            assert b[1] >= TOUCH and (b[0] >= TOUCH or sel.endswith("dash-slider-root")), (sel, b)
    assert sp.evaluate(
        "() => document.scrollingElement.scrollWidth <= innerWidth + 1"
    )  # no sideways scrolling
    lp.click(f"#{IDS.live_end}")
    sp.wait_for_selector(f"#{IDS.live_bar}.pg-live-ended", timeout=WAIT)
    for pg in (lec, st):
        assert not pg.errors, pg.errors
        pg.close()


LEGEND_GEOMETRY = """() => { const g = document.querySelector('#graph-lesson .js-plotly-plot'), r = e => e.getBoundingClientRect();
  const b = e => { const q = r(e); return {left: q.left, top: q.top, right: q.right, bottom: q.bottom}; };
  return {graph: b(g), legend: b(g.querySelector('.legend')), plot: b(g.querySelector('.nsewdrag'))}; }"""


def test_a_lesson_charts_legend_is_whole_and_off_its_curves_on_the_desk(browser, base_url):
    # each lesson opened at 1280 x 800, then the window widened to 1440 x 900
    for lesson in (RAVINE, LESSON_BY_ID["rotation"]):  # two entries; six (three dashed references)
        pg = Page(browser, f"{base_url}/?{lesson.query}&lesson={lesson.id}", width=1280, height=800)
        p = pg.page
        for width, height in ((1280, 800), (1440, 900)):  # the window resized: the plots refit
            p.set_viewport_size({"width": width, "height": height})
            p.wait_for_function(PLOTS_LAID_OUT, timeout=20000)
            p.wait_for_selector("#graph-lesson .legend")
            # a wider window gives the key fewer rows: plotly.js left it where it was, on the
            # curves, until 78-pg-legend.js drew it again (plotly/plotly.js#6492)
            p.wait_for_function(
                f"() => {{ const a = ({LEGEND_GEOMETRY})(); return a.legend.bottom <= a.plot.top + 1; }}",
                timeout=20000,
            )
            at = p.evaluate(LEGEND_GEOMETRY)
            g, legend, plot = at["graph"], at["legend"], at["plot"]
            assert g["left"] - 1 <= legend["left"] and legend["right"] <= g["right"] + 1, (lesson.id, at)
            assert g["top"] - 1 <= legend["top"] and legend["bottom"] <= g["bottom"] + 1, (lesson.id, at)
            assert legend["bottom"] <= plot["top"] + 1, (lesson.id, at)  # above the curves, not on them
            assert plot["bottom"] - plot["top"] >= 80, (lesson.id, at)  # and the curves still have room
            p.locator(".pg-lesson").screenshot(
                path=str(ARTIFACTS / f"lesson-chart-{lesson.id}-{width}x{height}.png")
            )
        assert not pg.errors, pg.errors
        pg.close()
