"""A live lecture in real Chromium: one lecturer page and two student pages on one server.

Run three times: ``loss-playground serve`` with one worker on the SQLite store, the same with REDIS_URL on a real
redis-server, and gunicorn with 2 workers (the followers' polls land on both workers, which
share nothing but the SQLite file). The delays are measured in the pages (same clock): from
the lecturer's action to the moment each student applied it.
"""

from __future__ import annotations

import contextlib
import json
import os

import playwright.sync_api  # noqa: F401 - a missing package fails the suite
import pytest

from tests.support.browser import ARTIFACTS, Page, free_port
from tests.support.live import live_server, redis_server, server_log


# The students' pages run in a Chromium without WebGL (--disable-3d-apis): in software GL, three
# WebGL pages beside the other worker's tests stalled each other for tens of seconds on the
# 2-core CI box (a student page had not started playing 60 s after the lecturer). A student on a
# machine without WebGL is real, too: the page says so in the 3D card and follows as any other
# (the sync is the same script). The lecturer's page keeps WebGL.
@pytest.fixture(scope="module")
def student_browser(flat_browser):
    return flat_browser  # tests.support.browser.NO_WEBGL


# Every run drives Redis on one worker and gunicorn with 2 workers on the SQLite store (the
# followers' polls land on both workers, which share nothing but the file); LIVE_MATRIX=1 adds
# one worker on SQLite. Each case takes ~70 s of the 2-core CI box.
DEPLOYMENTS = (
    ["app-sqlite", "app-redis", "gunicorn2-sqlite"]
    if os.environ.get("LIVE_MATRIX")
    else ["app-redis", "gunicorn2-sqlite"]
)
RUN_XY = "() => window.PG.run.racers.map(r => r.xy)"
SPEED = 8  # steps per second the lecture plays at
SEARCH = "() => window.location.search"
# The target is 1 s. benchmarks/live.py measures the transport alone (300 followers,
# well under it), and every delay this test sees is saved with where its time went (README:
# 40-500 ms on this 2-core machine alone). Here the delay also holds the wait for the student's
# next poll (400 ms) and the moment its page is free to apply the event, on a CI box shared with
# the other worker's browser tests: medians of 1.1 s were seen there under a load average of 6-10.
# So the test holds the median to a bound that only a broken transport misses (a lost wake-up, a
# poll gone slow, a page that applies an event only on the next one); the 1 s figure is measured.
MAX_MEDIAN_MS = 2500
# from the lecturer's action to its event's request (two events of one burst go out together)
MAX_POST_MS = 250
# How long any wait may take. Three pages drawing WebGL in software on the 2-core CI box,
# beside the other worker's browser tests, were seen to hold a page's main thread for up to
# ~45 s after a surface change (its fetch callbacks run only after that). Following is
# asserted with this bound; how fast is the median below, every delay is saved, and
# benchmarks/live.py measures the transport alone against the 1 s target.
WAIT = 60000


@pytest.fixture(scope="module", params=DEPLOYMENTS)
def live_base(request, tmp_path_factory):
    kind, store = request.param.split("-")
    env = {"LIVE_DB": str(tmp_path_factory.mktemp("live") / "live.sqlite3"), "REDIS_URL": ""}
    with contextlib.ExitStack() as stack:
        if store == "redis":
            env["REDIS_URL"] = stack.enter_context(redis_server())
        port = free_port()
        proc = live_server("gunicorn" if kind.startswith("gunicorn") else "app", port, env)
        stack.callback(lambda: (proc.terminate(), proc.wait(20)))
        yield request.param, f"http://127.0.0.1:{port}", proc


class Lecture:
    """The lecturer's page and what it published."""

    def __init__(self, page: Page) -> None:
        self.pg, self.p = page, page.page

    def sent(self) -> int:
        return self.p.evaluate("() => window.PG.live.sentLog.length")

    def published(self, kind: str, after: int) -> dict:
        """The last event of ``kind`` the server took after the first ``after`` ones."""
        self.p.wait_for_function(
            f"() => window.PG.live.sentLog.slice({after}).some(e => e.kind === '{kind}')", timeout=WAIT
        )
        self.pg.idle()
        return self.p.evaluate(f"() => window.PG.live.sentLog.filter(e => e.kind === '{kind}').pop()")


BREAKDOWNS: list[dict] = []  # per event and student, where the delay went (saved with the delays)


def delay_ms(student: Page, entry: dict) -> float:
    """How long after the lecturer's action ``student`` applied it (ms)."""
    student.page.wait_for_function(f"() => window.PG.live.applied >= {entry['v']}", timeout=WAIT)
    got = student.page.evaluate(
        f"""() => {{ const L = window.PG.live, a = L.appliedLog.find(e => e.v >= {entry["v"]});
             const poll = L.pollLog.filter(q => q.got <= a.got).pop() || {{}};
             return {{applied: a.at, received: a.got, asked: poll.asked}}; }}"""
    )
    # from the lecturer's action: posted, answered; the student's poll that brought it: asked,
    # received; and when the page applied it (its main thread was free)
    BREAKDOWNS.append({k: (v - entry["at"]) if v is not None else None for k, v in
                       {"posted": entry["posted"], "stored": entry["done"], **got}.items()})  # fmt: skip
    return got["applied"] - entry["at"]


def shows_the_lecturers_run(lec: Page, students: list[Page]) -> None:
    """Same settings in the address bar and the same paths, byte for byte."""
    lec.idle()
    want_search, want_xy = lec.page.evaluate(SEARCH), lec.page.evaluate(RUN_XY)
    for s in students:
        try:
            s.page.wait_for_function("want => window.location.search === want", arg=want_search, timeout=WAIT)
            s.page.wait_for_function(f"want => JSON.stringify(({RUN_XY})()) === JSON.stringify(want)", arg=want_xy,
                                     timeout=WAIT)  # fmt: skip
        except Exception:
            raise AssertionError(
                (want_search, s.page.evaluate(SEARCH), want_xy, s.page.evaluate(RUN_XY))
            ) from None


def choose(page: Page, select: str, option: str) -> None:
    page.page.click(select)
    page.page.get_by_role("option", name=option, exact=True).click()
    page.page.keyboard.press("Escape")


def go_live(lec: Page) -> tuple[str, str, str]:
    p = lec.page
    p.click("#button-live")
    p.wait_for_selector("#link-live-student[href*='/live/']", timeout=WAIT)
    p.wait_for_selector("#modal-live .modal-content", state="visible")
    student, secret = p.get_attribute("#link-live-student", "href"), p.input_value("#input-live-lecturer")
    code = p.inner_text("#text-live-code")
    p.wait_for_function("() => document.querySelector('#img-live-qr').complete")
    assert p.eval_on_selector("#img-live-qr", "img => img.naturalWidth") > 0  # the QR decodes
    assert p.locator("#img-live-qr").bounding_box()["width"] >= 250
    p.wait_for_function(  # the modal's fade
        "() => getComputedStyle(document.querySelector('#modal-live .modal-content').closest('.modal')).opacity === '1'"
    )
    return code, student, secret


def test_two_students_follow_a_lecturer(browser, student_browser, live_base):
    name, base, proc = live_base
    BREAKDOWNS.clear()
    ARTIFACTS.mkdir(exist_ok=True)
    lec = Page(browser, base + "/")
    lp, lecture = lec.page, Lecture(lec)
    code, student_link, lecturer_link = go_live(lec)
    token = lecturer_link.split("#lead=")[1]
    assert student_link == f"{base}/live/{code}" and len(token) >= 43 and token not in student_link
    lp.screenshot(path=str(ARTIFACTS / f"live-{name}-modal.png"))
    lp.keyboard.press("Escape")
    lp.wait_for_selector("#modal-live", state="hidden")
    assert token not in lp.evaluate("() => window.location.href")  # the address bar never shows it

    # students on phones, without WebGL (see above)
    s1, s2 = (Page(student_browser, student_link, width=390, height=844) for _ in range(2))
    students = [s1, s2]
    for s in students:
        assert "Following the lecturer" in s.page.inner_text("#div-live-bar")
    shows_the_lecturers_run(lec, students)
    lp.wait_for_function("() => /2 students following/.test(document.querySelector('#div-live-bar').innerText)",
                         timeout=WAIT)  # fmt: skip

    delays = {}
    # settings: surface, optimizers, a learning rate
    for label, change in [
        ("surface", lambda: choose(lec, "#select-surface", "Himmelblau")),
        ("optimizers", lambda: choose(lec, "#select-optimizers", "Newton")),
        ("lr", lambda: lec.set_text('#\\{\\"opt\\"\\:\\"adam\\"\\,\\"type\\"\\:\\"input-lr\\"\\}', "0.0321")),
    ]:
        n = lecture.sent()
        change()
        entry = lecture.published("query", n)
        delays[label] = [delay_ms(s, entry) for s in students]
        shows_the_lecturers_run(lec, students)
    assert "lr.adam=0.0321" in s2.page.evaluate(SEARCH) and "surface=himmelblau" in s1.page.evaluate(SEARCH)
    assert "Newton" in s1.page.inner_text("#div-readout")

    # playback: play, pause (same step exactly), scrub
    # slow enough that the run (500 steps) cannot reach its end, and pause by itself, during the
    # waits below on a loaded machine
    lp.evaluate(f"() => {{ window.PG.speed = {SPEED}; }}")
    n = lecture.sent()
    lp.click("#button-play")
    entry = lecture.published("play", n)
    delays["play"] = [delay_ms(s, entry) for s in students]
    play_step = lp.evaluate("() => window.PG.live.sent.step")
    for s in students:
        s.page.wait_for_function("() => window.PG.playing", timeout=WAIT)
    # each student plays on the lecture's clock (play at step k at time t, SPEED steps/s): a page
    # that stalls catches up at its next poll instead of staying behind (checked within 2 s of play)
    on_clock = """([k, at, speed]) => Math.abs(window.PG.step - Math.min(window.PG.maxStep(),
                    k + Math.floor((Date.now() - at) / 1000 * speed))) <= 2 * speed"""
    # a second of the lecture's clock passes before the students are checked against it
    lp.wait_for_function(f"() => window.PG.step >= {play_step} + {SPEED}", timeout=WAIT)
    for s in students:
        s.page.wait_for_function(on_clock, arg=[play_step, entry["at"], SPEED], timeout=WAIT)
    lp.screenshot(path=str(ARTIFACTS / f"live-{name}-lecturer.png"))
    s1.page.screenshot(path=str(ARTIFACTS / f"live-{name}-student.png"))
    n = lecture.sent()
    lp.click("#button-play")
    entry = lecture.published("pause", n)
    delays["pause"] = [delay_ms(s, entry) for s in students]
    # the step the lecturer paused at, as published (the readout's text refreshes a moment later)
    paused = lp.evaluate("() => window.PG.live.sent.step")
    assert paused > 0 and lp.evaluate("() => window.PG.step") == paused
    shown = f"() => !window.PG.playing && window.PG.step === {paused} && document.querySelector('#text-step').innerText.trim() === '{paused}'"
    for page in (lec, *students):  # every page stopped at that step, and says so
        page.page.wait_for_function(shown, timeout=WAIT)
    n = lecture.sent()
    box = lp.locator("#slider-step").bounding_box()
    lp.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
    entry = lecture.published("seek", n)
    delays["scrub"] = [delay_ms(s, entry) for s in students]
    scrubbed = lec.step()
    assert scrubbed != paused
    for s in students:
        s.page.wait_for_function(f"() => window.PG.step === {scrubbed}", timeout=WAIT)

    # a student detaches, explores (its own seed and playback), the others do not move; rejoins
    s1.page.click("#button-play")
    s1.page.wait_for_selector("#div-live-bar.pg-live-detached")
    assert "exploring" in s1.page.inner_text("#div-live-bar")
    s1.page.click("#button-play")
    s1.page.click("#button-controls")  # the phone's menu
    s1.set_text("#input-seed", "99")
    assert "seed=99" in s1.page.evaluate(SEARCH)
    n = lecture.sent()
    lp.keyboard.press("ArrowLeft")
    entry = lecture.published("seek", n)
    s2.page.wait_for_function(f"() => window.PG.step === {scrubbed - 1}", timeout=WAIT)
    s1.page.wait_for_timeout(1000)  # a fixed spell: the test asserts the detached student does NOT follow
    assert s1.step() != scrubbed - 1 and "seed=99" in s1.page.evaluate(SEARCH)
    assert "seed=99" not in lp.evaluate(SEARCH) and "seed=99" not in s2.page.evaluate(SEARCH)
    s1.page.screenshot(path=str(ARTIFACTS / f"live-{name}-detached.png"))
    s1.page.click("#button-live-rejoin")
    s1.page.wait_for_selector("#div-live-bar.pg-live-follow")
    s1.page.wait_for_function(f"() => window.PG.step === {scrubbed - 1}", timeout=WAIT)
    shows_the_lecturers_run(lec, [s1])

    # presenter mode follows
    n = lecture.sent()
    lp.click("#button-presenter")
    entry = lecture.published("presenter", n)
    for s in students:
        s.page.wait_for_function("() => document.body.classList.contains('pg-presenter')", timeout=WAIT)

    # forged control requests from a student's page: refused, logged, without the token
    version = lp.evaluate("() => window.PG.live.v")
    forged = s2.page.evaluate(
        """async ([code, tokens]) => { const out = [];
             for (const t of tokens) {
               const headers = {'Content-Type': 'application/json'}; if (t) headers['X-Live-Token'] = t;
               const r = await fetch('/live/api/' + code + '/events', {method: 'POST', headers,
                                     body: JSON.stringify({kind: 'seek', step: 1})});
               out.push(r.status); }
             return out; }""",
        [code, [None, "x" * 43, token[:-1]]],
    )
    assert forged == [403, 403, 403]
    assert s2.page.evaluate(f"() => fetch('/live/api/{code}').then(r => r.json())")["v"] == version
    log = server_log(proc)
    assert log.count(f"live {code}: control request refused") >= 3 and token not in log

    # ending: the students are told and keep the last state
    last = lp.evaluate(SEARCH)
    lp.click("#button-live-end")
    for s in students:
        s.page.wait_for_selector("#div-live-bar.pg-live-ended", timeout=WAIT)
        assert "ended" in s.page.inner_text("#div-live-bar")
        assert s.page.evaluate(SEARCH) == last and s.step() == scrubbed - 1
    lp.wait_for_selector("#div-live-bar.pg-live-ended")
    s2.page.screenshot(path=str(ARTIFACTS / f"live-{name}-ended.png"))
    (ARTIFACTS / f"live-{name}-delays.json").write_text(
        json.dumps({**delays, "breakdown": BREAKDOWNS}, indent=1)
    )
    BREAKDOWNS.clear()
    every = sorted(d for ds in delays.values() for d in ds)
    assert every[len(every) // 2] <= MAX_MEDIAN_MS, delays
    # the lecturer's page posts each event as it happens: a new setting does not wait for the
    # page to draw it, nor for the answer to an earlier playback event
    assert all(b["posted"] <= MAX_POST_MS for b in BREAKDOWNS), BREAKDOWNS
    for pg in (lec, s1, s2):
        assert not pg.errors, pg.errors
        pg.close()
