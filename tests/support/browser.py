"""Shared helpers for the browser tests: a real server in a subprocess, Debian's Chromium."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A Chromium without WebGL, as some students' machines are: the 3D card says so and the page
# works otherwise. The students of the live test and the modules that neither assert nor picture
# the 3D scene run in it (tests/conftest.py, WITHOUT_WEBGL): a page load costs ~2.9 s of CPU
# there against ~6.2 with the scene drawn in software GL, and the 2-core CI box is bound by CPU.
NO_WEBGL = ["--disable-3d-apis", "--disable-webgl"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cmd: list[str], port: int, timeout: float = 60) -> subprocess.Popen:
    # the log goes to a file: a pipe nobody reads fills up (64 KB) and then blocks the server
    log = tempfile.NamedTemporaryFile(prefix="pg-server-", suffix=".log", delete=False)  # noqa: SIM115 - lives with the server
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name  # type: ignore[attr-defined]
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)  # the poll's interval: the loop waits for /healthz to answer
    proc.kill()
    raise RuntimeError("server did not start: " + Path(log.name).read_text(errors="replace")[-2000:])


def app_server(port: int) -> subprocess.Popen:
    return start_server(
        [sys.executable, "-m", "playground", "serve", "--workers", "1", "--port", str(port)], port
    )


# Callbacks Dash's renderer holds but has not finished, as dash.testing counts them
# (dash/testing/dash_page.py: its store's callback lists but the stored and completed ones)
PENDING_CALLBACKS = """() => { if (!window.store) return 0;
  const c = Object.assign({}, window.store.getState().callbacks); delete c.stored; delete c.completed;
  return Object.values(c).reduce((n, v) => n + v.length, 0); }"""


# the step the page shows (#text-step, written by the player's frame) is past a given one
SHOWN_STEP_PAST = "s => +document.getElementById('text-step').textContent > s"
# paused, and the step shown is the player's own (the last frame written)
PAUSED = (
    "() => !window.PG.playing && document.getElementById('text-step').textContent === String(window.PG.step)"
)

# every graph on screen laid out at its box's size and at the page's text size (lecture mode
# lays text out larger and resizes the plots: 70-pg-keys.js, fontSize)
PLOTS_LAID_OUT = """() => { const f = window.PG.C.font, big = window.PG.lectureLaidOut();
  const size = big ? Math.max(f.presenterMin, Math.round(window.innerHeight / f.presenterLines)) : f.size;
  return [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent && g._fullLayout)
    .every(g => g._fullLayout.font.size === size && Math.abs(g._fullLayout.width - g.clientWidth) <= 1
                && Math.abs(g._fullLayout.height - g.clientHeight) <= 1); }"""


def read_qr(page, selector: str) -> list[str]:
    """The texts of the QR codes in the image at ``selector``, as the browser draws it."""
    import numpy as np
    import zxingcpp as zxing

    page.wait_for_selector(selector + "[src^='data:image/svg']")
    page.wait_for_function("s => document.querySelector(s).complete", arg=selector)
    w, h, px = page.evaluate(
        """s => { const img = document.querySelector(s), c = document.createElement('canvas');
             c.width = img.naturalWidth; c.height = img.naturalHeight;
             const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
             g.drawImage(img, 0, 0);
             const d = g.getImageData(0, 0, c.width, c.height).data, grey = [];
             for (let i = 0; i < d.length; i += 4) grey.push(d[i]);
             return [c.width, c.height, grey]; }""",
        selector,
    )
    assert w > 0 and h > 0
    return [b.text for b in zxing.read_barcodes(np.array(px, dtype=np.uint8).reshape(h, w))]


def next_frames(page, n: int = 2) -> None:
    """Wait until the browser has painted ``n`` more frames (what it was handed is drawn)."""
    page.evaluate(
        "n => new Promise(done => { const tick = k => k ? requestAnimationFrame(() => tick(k - 1)) : done(); tick(n); })",
        n,
    )


class Page:
    """A page plus a count of in-flight Dash callback requests."""

    def __init__(self, browser, url, width=1440, height=1000, touch=False, bypass_csp=False):
        # touch: a phone's touch screen (CSS "pointer: coarse", taps); bypass_csp: lets a test
        # inject a script the page's Content-Security-Policy refuses (axe-core)
        self.ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                       has_touch=touch, is_mobile=touch, bypass_csp=bypass_csp)  # fmt: skip
        self.page = self.ctx.new_page()
        self.updates = 0
        self.inflight = 0
        self.errors = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._req)
        self.page.on("requestfinished", self._done)
        self.page.on("requestfailed", self._done)
        self.page.goto(url)
        self.page.wait_for_selector("#graph-contour .js-plotly-plot", timeout=30000)
        self.page.wait_for_function("() => window.PG && window.PG.run", timeout=30000)
        # the parts mounted once the map is drawn (web/later.py): the controls, the lower rows
        self.page.wait_for_function("() => window.PG.later", timeout=30000)
        self.idle()
        # the paths are put into the traces a frame or two after the data arrives
        self.page.wait_for_function(
            """() => { const gd = document.querySelector('#graph-contour .js-plotly-plot');
                 const t = gd.data.find(t => t.meta && t.meta.role === 'path');
                 return !t || t.x.length > 0; }""",
            timeout=30000,
        )

    def _req(self, r):
        if "_dash-update-component" in r.url:
            self.updates += 1
            self.inflight += 1

    def _done(self, r):
        if "_dash-update-component" in r.url:
            self.inflight -= 1

    def idle(self, quiet=0.6, timeout=30):
        """Wait until no callback has been in flight for `quiet` seconds and Dash has none
        waiting to be sent (a busy main thread can hold one back longer than `quiet`)."""
        end, calm = time.time() + timeout, None
        while time.time() < end:
            self.page.wait_for_timeout(100)  # the poll's interval: the loop waits for a quiet spell
            if self.inflight == 0 and not self.page.evaluate(PENDING_CALLBACKS):
                calm = calm or time.time()
                if time.time() - calm >= quiet:
                    return
            else:
                calm = None
        raise AssertionError("page never went idle")

    def step(self) -> int:
        return int(self.page.inner_text("#text-step"))

    def trace_len(self, graph, role="path", racer=0) -> int:
        return self.page.evaluate(
            """([g, role, k]) => { const gd = document.querySelector('#' + g + ' .js-plotly-plot');
                 const t = gd.data.find(t => t.meta && t.meta.role === role && t.meta.racer === k);
                 return t ? t.x.length : -1; }""",
            [graph, role, racer],
        )

    def overlay_ink(self, graph, layer="pg-trail") -> int:
        """Painted pixels on the playback canvas ``layer`` over ``graph`` (-1: none shown)."""
        return self.page.evaluate(
            """([g, layer]) => { const c = document.querySelector('#' + g + ' canvas.' + layer);
                 if (!c || c.style.display === 'none' || !c.width) return -1;
                 const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0; for (let i = 3; i < a.length; i += 4) if (a[i] > 0) n++; return n; }""",
            [graph, layer],
        )

    def choose_lesson(self, lesson_id, title):
        """Pick a lesson from the menu and wait for its text: it comes at the end of a chain
        of callbacks, which a quiet spell alone does not prove finished."""
        self.page.select_option("#select-lesson", lesson_id)
        self.page.wait_for_function(
            "t => (document.querySelector('#alert-lesson') || {}).innerText?.includes(t)",
            arg=title,
            timeout=20000,
        )
        self.idle()

    def set_text(self, selector, value):
        self.page.fill(selector, str(value))
        self.page.press(selector, "Enter")
        self.idle()

    def close(self):
        self.ctx.close()


def open_view(name: str, ready: str):
    """A scene step: the page's view ``name`` (maps, network) from the header's view bar, as a
    user opens it (no second page load), once its ``ready`` selector shows."""

    def go(page: Page) -> None:
        page.page.click(f"#tabs-view input[value='{name}'] + label")
        page.page.wait_for_selector(ready, state="visible", timeout=30000)
        page.idle()

    return go


def follow_link(page: Page, href: str) -> None:
    """Go to ``href`` inside the page, as a click on one of its own links (dcc.Link) does: the
    address changes without a reload and the page's dcc.Location applies it (the same callbacks
    a lesson's or a live lecture's link runs), in a second or two instead of a page load's 10-18 s."""
    page.page.evaluate(
        "h => { window.history.pushState({}, '', h); window.dispatchEvent(new CustomEvent('_dashprivate_pushstate')); }",
        href,
    )
    page.idle()


class PagePool:
    """Pages a module's tests take turns on, one per way of opening it (address, window size,
    options), for tests that need the app loaded but not freshly (a page load is 10-18 s of the
    browser tests' time on the shared box). A test hands its page back when it ends; a failed
    test's page, or one with a script error, is closed, and the next test gets a fresh one, so a
    failure stays the failing test's own."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.pages: dict[tuple, Page] = {}

    def take(self, url: str, *args, **kwargs) -> Page:
        key = (url, args, tuple(sorted(kwargs.items())))
        if key not in self.pages:
            self.pages[key] = Page(self.browser, url, *args, **kwargs)
        return self.pages[key]

    def give_back(self, page: Page, failed: bool) -> None:
        if failed or page.errors:
            for key in [k for k, v in self.pages.items() if v is page]:
                del self.pages[key]
            page.close()

    def close(self) -> None:
        for page in self.pages.values():
            page.close()
        self.pages.clear()


def graph_js(key: str) -> str:
    """A JS expression for the race graph of contract key ``key`` (its Plotly div)."""
    from playground.web import contract

    return f"document.querySelector('#{getattr(contract.IDS, key)} .js-plotly-plot')"


def text_boxes(page, graph: str) -> list:
    """[text, left, top, right, bottom, font px] of every label shown (a hidden one has no box)
    in the graph the JS expression ``graph`` gives (graph_js)."""
    return page.evaluate(
        f"""() => [...{graph}.querySelectorAll('.main-svg text')]
             .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
             .map(t => {{ const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.top, b.right, b.bottom,
                          parseFloat(getComputedStyle(t).fontSize)]; }})"""
    )


def overlapping(boxes: list) -> list:
    """The pairs of text_boxes' labels that overlap (by more than a pixel)."""
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1:
                out.append((a[0], b[0]))
    return out
