"""Lecture-hall features in real headless Chromium: links, lessons, keys, exports, presenter mode."""

import csv
import io
import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import playwright.sync_api  # noqa: F401 - a missing package fails the suite
import pytest

from playground.web import reach
from playground.web.contract import IDS
from playground.web.lessons import LESSONS
from tests.support.browser import (
    ARTIFACTS,
    PAUSED,
    PLOTS_LAID_OUT,
    Page,
    follow_link,
    free_port,
    read_qr,
    start_server,
)

RUN_XY = "() => window.PG.run.racers.map(r => r.xy)"  # base64 float32 paths, compared byte for byte
PUBLIC_URL = "https://lecture.example.edu/playground/"
DECODED = "() => window.PG.run.racers.map(r => ({label: r.label, xy: Array.from(r.xyA), last: r.last}))"


def _lr_box(key):
    return f'#\\{{\\"opt\\"\\:\\"{key}\\"\\,\\"type\\"\\:\\"input-lr\\"\\}}'


def test_a_shared_link_reproduces_the_paths(browser, base_url):
    a = Page(browser, base_url + "/?surface=ravine&p.condition=37.5&opt=gd,adam&steps=300&start=-2.5,0.7")
    a.set_text(_lr_box("adam"), "0.0123456789")  # a change made in the page, not in the link
    a.set_text("#input-seed", "7")
    link = a.page.evaluate("() => window.location.href")
    q = parse_qs(urlsplit(link).query)
    assert q["lr.adam"] == ["0.0123456789"] and q["p.condition"] == ["37.5"] and q["seed"] == ["7"]
    paths = a.page.evaluate(RUN_XY)
    a.close()

    b = Page(browser, link)
    assert b.page.evaluate(RUN_XY) == paths
    assert b.page.input_value(_lr_box("adam")) == "0.0123456789"
    assert b.page.evaluate("() => window.location.href") == link
    assert b.page.locator("#alert-url").count() == 0  # nothing in our own link is ignored
    b.page.click("#button-share")
    b.page.wait_for_selector("#img-qr[src^='data:image/svg']")
    assert b.page.input_value("#input-share-url") == link
    b.page.wait_for_function("() => document.querySelector('#img-qr').complete")
    # the image really decoded (an SVG without its namespace lays out at full size but draws nothing)
    assert b.page.eval_on_selector("#img-qr", "img => img.naturalWidth") > 0
    qr = b.page.locator("#img-qr").bounding_box()
    assert qr["width"] >= 250, qr  # scannable from the back of a hall when projected
    assert not b.errors, b.errors
    b.close()


@pytest.mark.parametrize(
    "query,needles",
    [
        ("surface=banana&steps=abc&zzz=1", ["unknown surface", "steps", "unknown parameter 'zzz'"]),
        ("opt=adam&lr.adam=1e999&adam.beta1=7&steps=10&steps=20", ["learning rate", "beta1", "given twice"]),
        ("surface=%F0%9F%92%A5%00&start=%E2%88%9E,1", ["unknown surface", "start"]),
        ("x=" + "9" * 5000, ["longer than 4000"]),
        ("opt=" + ",".join(["adam"] * 40) + "&batch=-1&noise=nan", ["batch size", "noise"]),
    ],
    ids=["words", "out-of-range", "unicode", "huge", "repeated"],
)
def test_garbage_links_give_defaults_and_a_notice(shared_page, base_url, query, needles):
    # the links take turns on one page, each followed from inside it (the page's layout is the
    # same for every address: a link is read by the same callback, on load or on a new href)
    pg = shared_page(f"{base_url}/")
    p = pg.page
    if p.evaluate("() => window.PG.playing"):
        p.click("#button-play")
    if p.locator("#alert-url").count():  # the last link's notice, closed: the one read is this link's
        p.click("#alert-url .btn-close")
        p.wait_for_selector("#alert-url", state="detached")
    follow_link(pg, f"/?{query}")
    p.wait_for_selector("#alert-url", timeout=30000)
    notice = p.inner_text("#alert-url")
    for n in needles:
        assert n in notice, notice
    racers = p.evaluate("() => window.PG.run.racers.length")
    assert 1 <= racers <= 12
    p.click("#button-reset")  # from step 0, as a page just opened
    p.wait_for_function("() => window.PG.step === 0 && !window.PG.playing", timeout=10000)
    p.click("#button-play")
    p.wait_for_function("() => window.PG.step > 0", timeout=10000)
    assert not pg.errors, pg.errors


def test_every_shortcut(page):
    p = page.page
    p.click("body", position={"x": 5, "y": 200})  # focus the page, not an input
    p.keyboard.press(" ")
    p.wait_for_function("() => window.PG.step > 5", timeout=10000)
    p.keyboard.press(" ")
    p.wait_for_function(PAUSED, timeout=5000)
    paused = page.step()
    p.wait_for_timeout(300)  # a fixed spell: the test asserts the step does NOT move while paused
    assert page.step() == paused and not p.evaluate("() => window.PG.playing")
    p.keyboard.press("ArrowRight")
    assert page.step() == paused + 1
    p.keyboard.press("ArrowLeft")
    p.keyboard.press("ArrowLeft")
    assert page.step() == paused - 1
    p.keyboard.press("r")
    assert page.step() == 0
    hidden = "() => document.querySelector('#graph-contour .js-plotly-plot').data" \
             ".filter(t => t.meta && t.meta.racer === 1).every(t => t.visible === false)"  # fmt: skip
    p.keyboard.press("2")
    assert p.evaluate(hidden)
    p.keyboard.press("2")
    assert not p.evaluate(hidden)
    p.keyboard.press("p")
    assert p.evaluate("() => document.body.classList.contains('pg-presenter')")
    assert not p.locator("#panel-controls").is_visible()
    p.keyboard.press("p")
    assert p.locator("#panel-controls").is_visible()
    p.keyboard.press("?")
    p.wait_for_selector("#modal-help", state="visible")
    assert "play / pause" in p.inner_text("#modal-help")
    p.keyboard.press("Escape")
    p.wait_for_selector("#modal-help", state="hidden")
    # typing in a box is not a shortcut
    p.fill("#input-seed", "12")
    assert page.step() == 0 and not p.evaluate("() => window.PG.playing")


def test_a_lesson_and_presenter_mode_look_right(browser, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    lesson = LESSONS[0]
    pg = Page(browser, f"{base_url}/?{lesson.query}&lesson={lesson.id}")
    p = pg.page
    # the menu returns to its prompt (choosing the lesson again re-applies it); the text stays
    assert p.input_value("#select-lesson") == ""
    assert lesson.title in p.inner_text("#alert-lesson")
    p.evaluate("() => window.PG.speed = 1000")
    p.click("#button-play")
    p.wait_for_function("() => !window.PG.playing && window.PG.step === window.PG.run.steps", timeout=15000)
    p.screenshot(path=str(ARTIFACTS / "lesson.png"), full_page=True)
    font = "() => document.querySelector('#graph-contour .js-plotly-plot')._fullLayout.font.size"
    small = p.evaluate(font)
    p.click("#button-presenter")
    p.wait_for_function(PLOTS_LAID_OUT, timeout=10000)  # plots refit their new boxes
    big = p.evaluate(font)  # presenter mode lays the plots' text out larger (the table gives way to them)
    assert big > 1.2 * small
    contour = p.locator("#graph-contour").bounding_box()
    assert contour["height"] > 0.55 * 1000  # the plots fill the screen
    p.screenshot(path=str(ARTIFACTS / "presenter.png"))
    p.click("#button-theme")
    bg = p.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert bg in ("rgb(15, 20, 25)", "rgb(17, 24, 39)") or sum(map(int, bg[4:-1].split(",")[:3])) < 150, bg
    p.screenshot(path=str(ARTIFACTS / "presenter-dark.png"))
    assert not pg.errors, pg.errors
    pg.close()


def test_exports_match_the_run(shared_page, base_url):
    page = shared_page(base_url)  # read only, then the loopback's test
    p = page.page
    run = p.evaluate(DECODED)
    with p.expect_download() as dl:
        p.click("#button-export-csv")
    assert dl.value.suggested_filename == "trajectories.csv"
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
    for r in run:
        mine = [(float(x["x"]), float(x["y"])) for x in rows if x["optimizer"] == r["label"]]
        assert len(mine) == r["last"] + 1
        flat = [v for xy in mine for v in xy]
        assert flat == pytest.approx(r["xy"][: len(flat)], rel=1e-6, abs=1e-7)  # page holds float32
    with p.expect_download() as dl:
        p.click("#button-export-json")
    data = json.loads(Path(dl.value.path()).read_text())
    assert [x["label"] for x in data["runs"]] == [r["label"] for r in run]
    assert data["runs"][0]["points"][0] == [-1.5, 2.0]
    with p.expect_download() as dl:  # each plot saves itself as PNG from its camera button
        p.hover("#graph-contour")
        p.click("#graph-contour .modebar-btn[data-title='Download plot as a PNG']")
    with open(dl.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    code = p.inner_text("#pre-torch")
    assert "torch.optim.Adam([theta], lr=0.05" in code and "torch.tensor([-1.5, 2.0]" in code


@pytest.fixture(scope="module")
def public_base():
    """The app served with a public URL, as a deployment (or `serve --public-url`) sets it."""
    port = free_port()
    proc = start_server([sys.executable, "-m", "playground", "serve", "--workers", "1", "--port", str(port),
                         "--public-url", PUBLIC_URL], port)  # fmt: skip
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_with_a_public_url_the_qr_code_links_there_and_nothing_warns(browser, public_base):
    pg = Page(browser, public_base + "/?surface=ravine&opt=gd,adam&steps=300")
    pg.page.click("#button-share")
    found = read_qr(pg.page, "#img-qr")
    assert found == [pg.page.input_value("#input-share-url")]
    host = urlsplit(found[0]).hostname
    assert found[0].startswith(PUBLIC_URL) and not reach.is_loopback(host), found
    assert parse_qs(urlsplit(found[0]).query)["surface"] == ["ravine"]
    assert not pg.page.locator(f"#{IDS.share_reach}").is_visible()
    assert not pg.errors, pg.errors
    pg.close()


def test_on_a_loopback_address_a_warning_stands_beside_the_qr_code(shared_page, base_url):
    page = shared_page(base_url)  # after the exports' test
    p = page.page
    p.click("#button-share")
    read_qr(p, "#img-qr")
    warning = p.locator(f"#{IDS.share_reach}")
    warning.wait_for(state="visible")
    assert "no phone" in warning.inner_text() and "--lan" in warning.inner_text()
    qr, box = p.locator("#img-qr").bounding_box(), warning.bounding_box()
    assert (
        box["y"] + box["height"] <= qr["y"] + 1 and box["y"] + box["height"] >= qr["y"] - 40
    )  # right above it
