"""Browser benchmark: the real app in headless Chromium (software WebGL through SwiftShader).

Measures, for the page a student opens (1600×1000, as issue #12 measured it):
  * cold load (a fresh browser context, empty cache): time from navigation to the contour
    map drawn, to the 3D surface drawn with its paths, bytes transferred (compressed, as on
    the wire, per kind of resource) and callback requests sent, in how many waves;
  * warm load (same context, cache filled): navigation to the contour map drawn;
  * returning visits in a browser profile kept on disk, as a student's own browser keeps it:
    besides the HTTP cache, Chromium keeps V8's compiled code there (made on the 2nd visit,
    used from the 3rd), which an in-memory context like the one above never does;
  * frames per second while 8 optimizers play, with the 3D scene on screen and hidden,
    counting frames the page actually drew (window.PG.frames), and requests sent while
    playing (must be 0);
  * the JS heap while playback loops for --minutes (after a forced GC at each sample);
  * the floor (issue #29): a bare Dash page holding one contour graph of the same grid
    (benchmarks/bare_page.py) served by the same gunicorn settings, and the page, each opened
    cold in turn for --floor rounds (the order swapped each round: this machine is shared, so
    both see the same load); the time to the contour map drawn and the main thread's CPU
    time until then (from a trace: it hardly moves with the machine's load, the clock does),
    their medians and spread for each page, and the ratios of the medians.

    python -m benchmarks.browser --minutes 1
    python -m benchmarks.browser --floor 10 --loads 0 --seconds 0 --minutes 0  # the floor alone

Bounded: one local server, one page at a time, fixed durations. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.browser import ARGS, CHROMIUM, app_server, free_port, start_server  # noqa: E402

VIEWPORT = {"width": 1600, "height": 1000}
EIGHT = "opt=gd,momentum,nag,adagrad,rmsprop,adam,adamw,nadam&steps=5000"
LOOP = "() => { window.PGloop = setInterval(() => { if (!window.PG.playing) window.PG.play(); }, 200); }"
READY = (
    "() => window.PG && window.PG.run && document.querySelector('#graph-surface-3d canvas')"
    " && document.querySelector('#graph-surface-3d .js-plotly-plot').data.length > 0"
)
# Installed before the page's own scripts: each animation frame, note when the contour map
# first shows its filled contours and when the 3D scene first shows its surface with the
# racers' paths in it (ms since navigation start)
MILESTONES = """
(() => {
  window.__pgT = {};
  const gd = (id) => { const el = document.getElementById(id);
    return el && (el.classList.contains('js-plotly-plot') ? el : el.querySelector('.js-plotly-plot')); };
  const contour = () => { const g = gd('graph-contour');
    return g && g._fullLayout && g.querySelector('.contourlayer path'); };
  const scene = () => { const g = gd('graph-surface-3d');
    if (!g || !g._fullLayout || !g.querySelector('canvas')) return false;
    const s = g._fullLayout.scene && g._fullLayout.scene._scene;
    const paths = (g.data || []).filter(t => t.meta && t.meta.role === 'path');
    return !!s && paths.length > 0 && paths.every(t => (t.x || []).length > 0); };
  const look = () => {
    const t = performance.now();
    if (!window.__pgT.contour && contour()) window.__pgT.contour = t;
    if (!window.__pgT.scene && scene()) window.__pgT.scene = t;
    if (!(window.__pgT.contour && window.__pgT.scene)) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
"""
DONE = "() => window.__pgT && window.__pgT.contour && window.__pgT.scene"
# the floor's bare pages (benchmarks/bare_page.py): the goal is measured against the first; the
# last two are steps between it and the page (the bare page with the page's component libraries'
# scripts; the page's first layout, none of its scripts or callbacks)
FLOORS = {
    "bare Dash page, page's plotly.js bundle": "tuned",
    "bare Dash page, Dash's defaults": "server",
    "bare Dash page + the page's component libraries (dash-bootstrap-components)": "libraries",
    "page's layout alone, no callbacks or scripts": "same_layout",
}
# the same test of the contour map drawn, for both pages of the floor's rounds: the first
# animation frame whose graph holds filled contours (ms since navigation start)
CONTOUR_SEEN = """
(() => {
  const drawn = () => { const el = document.getElementById('graph-contour');
    const g = el && (el.classList.contains('js-plotly-plot') ? el : el.querySelector('.js-plotly-plot'));
    return g && g._fullLayout && g.querySelector('.contourlayer path'); };
  const look = () => {
    if (!drawn()) { requestAnimationFrame(look); return; }
    window.__pgContour = performance.now();
    console.timeStamp('pg-contour-drawn');  // the trace's mark (main_thread_ms)
  };
  requestAnimationFrame(look);
})();
"""


def heap_mb(cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


class Wire:
    """Bytes on the wire per resource kind and the callback requests' start times (CDP)."""

    def __init__(self, cdp) -> None:
        self.kind: dict[str, str] = {}
        self.url: dict[str, str] = {}
        self.bytes: dict[str, int] = defaultdict(int)
        self.callbacks: list[float] = []  # ms since the first request
        self.finished: list[tuple[float, int]] = []  # (ms since the first request, bytes) per response
        self.t0: float | None = None
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._done)

    def _sent(self, e: dict) -> None:
        url = e["request"]["url"]
        self.t0 = e["timestamp"] if self.t0 is None else self.t0
        self.url[e["requestId"]] = url
        if "_dash-update-component" in url:
            self.callbacks.append(1000 * (e["timestamp"] - self.t0))

    def _done(self, e: dict) -> None:
        url = self.url.get(e["requestId"], "")
        name = url.split("?")[0].rsplit("/", 1)[-1]
        kind = (
            name
            if name.endswith(".js") and ("plotly" in name or "async-" in name)
            else "callbacks"
            if "_dash-update-component" in url
            else "other"
        )
        self.bytes[kind] += int(e["encodedDataLength"])
        self.finished.append(
            (1000 * (e["timestamp"] - (self.t0 or e["timestamp"])), int(e["encodedDataLength"]))
        )

    def bytes_until(self, ms: float) -> int:
        """Bytes of the responses finished ``ms`` after the first request (the document's, sent
        at navigation start) or sooner."""
        return sum(n for t, n in self.finished if t <= ms)

    def waves(self, gap_ms: float = 150.0) -> int:
        """Groups of callback requests separated by more than ``gap_ms`` of silence."""
        times = sorted(self.callbacks)
        return sum(1 for i, t in enumerate(times) if i == 0 or t - times[i - 1] > gap_ms)


def load_once(ctx, url: str) -> tuple[dict, Wire]:
    page = ctx.new_page()
    wire = Wire(ctx.new_cdp_session(page))
    page.goto(url)
    page.wait_for_function(DONE, timeout=60_000)
    page.wait_for_timeout(1500)  # late requests (MathJax, a second wave of callbacks) count too
    marks = page.evaluate("() => window.__pgT")
    page.close()
    return marks, wire


def cold_and_warm(browser, url: str, runs: int) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for _ in range(runs):
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.add_init_script(MILESTONES)
        marks, wire = load_once(ctx, url)
        out["contour"].append(marks["contour"])
        out["scene"].append(marks["scene"])
        out["bytes"].append(sum(wire.bytes.values()))
        out["kinds"].append(dict(wire.bytes))
        out["callbacks"].append(len(wire.callbacks))
        out["waves"].append(wire.waves())
        warm, _ = load_once(ctx, url)
        out["warm"].append(warm["contour"])
        ctx.close()
    return out


def fps(page, seconds: float, hide_3d: bool = False) -> tuple[float, int, int]:
    """(frames per second, steps advanced, requests sent) over `seconds` of playback."""
    page.evaluate("() => { window.PG.reset(); window.PG.speed = 60; }")
    if hide_3d:
        page.evaluate("() => document.querySelector('#graph-surface-3d').style.display = 'none'")
    page.wait_for_timeout(500)
    sent = []
    listener = lambda r: sent.append(r.url)
    page.on("request", listener)
    f0, s0 = page.evaluate("() => [window.PG.frames, window.PG.step]")
    t0 = time.perf_counter()
    page.evaluate("() => window.PG.play()")
    page.wait_for_timeout(seconds * 1000)
    f1, s1 = page.evaluate("() => [window.PG.frames, window.PG.step]")
    dt = time.perf_counter() - t0
    page.evaluate("() => window.PG.pause()")
    page.remove_listener("request", listener)
    if hide_3d:
        page.evaluate("() => document.querySelector('#graph-surface-3d').style.display = ''")
    if sent:
        print("requests during playback:", sent, file=sys.stderr)
    return (f1 - f0) / dt, s1 - s0, len(sent)


def _ms(xs: list[float]) -> str:
    return f"{statistics.median(xs):.0f} ms (min {min(xs):.0f}, max {max(xs):.0f})"


def load_rows(browser, base: str, runs: int) -> list[tuple[str, str]]:
    cold_and_warm(browser, base + "/", 1)  # warm the server's caches
    m = cold_and_warm(browser, base + "/", runs)
    kinds: dict[str, list[int]] = defaultdict(list)
    for k in m["kinds"]:
        for name, n in k.items():
            kinds[name].append(n)
    split = ", ".join(
        f"{name} {statistics.median(v) / 1e6:.2f}"
        for name, v in sorted(kinds.items(), key=lambda kv: -statistics.median(kv[1]))
    )
    return [
        (f"cold load → contour map drawn (median of {runs})", _ms(m["contour"])),
        (f"cold load → 3D scene with paths drawn (median of {runs})", _ms(m["scene"])),
        ("cold load, bytes transferred", f"{statistics.median(m['bytes']) / 1e6:.2f} MB ({split} MB)"),
        (
            "cold load, callback requests (waves)",
            f"{statistics.median(m['callbacks']):.0f} ({statistics.median(m['waves']):.0f})",
        ),
        (f"warm load → contour map drawn (median of {runs})", _ms(m["warm"])),
    ]


def profile_rows(playwright, base: str, runs: int, visits: int = 3) -> list[tuple[str, str]]:
    """Contour-map times of visits 2..visits in a fresh on-disk profile, `runs` profiles."""
    times: dict[int, list[float]] = defaultdict(list)
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="pg-profile-") as profile:
            ctx = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=ARGS, viewport=VIEWPORT
            )
            ctx.add_init_script(MILESTONES)
            for visit in range(1, visits + 1):
                times[visit].append(load_once(ctx, base + "/")[0]["contour"])
            ctx.close()
    return [
        (f"returning visit {v}, profile on disk → contour map drawn (median of {runs})", _ms(times[v]))
        for v in range(2, visits + 1)
    ]


def playback_rows(page, seconds: float) -> list[tuple[str, str]]:
    rows = []
    d0, g0 = page.evaluate("() => [window.PG.draws3d, window.PG.drawsGL]")
    both, steps, sent = fps(page, seconds)
    d1, g1 = page.evaluate("() => [window.PG.draws3d, window.PG.drawsGL]")
    rows.append(("FPS, 8 optimizers, 3D + contour + loss", f"{both:.1f} frames/s ({steps} steps)"))
    rows.append(("  3D view frames (paths on its canvas overlay)", f"{(d1 - d0) / seconds:.1f} frames/s"))
    rows.append(("  WebGL redraws of the scene in that playback", str(g1 - g0)))
    rows.append(("requests sent during that playback", str(sent)))
    flat, steps2, sent2 = fps(page, seconds, hide_3d=True)
    rows.append(("FPS, 8 optimizers, contour + loss (3D hidden)", f"{flat:.1f} frames/s ({steps2} steps)"))
    rows.append(("requests sent during that playback", str(sent2)))
    return rows


def bare_server(port: int, app: str):
    """A floor's page (benchmarks/bare_page.py) under the playground's gunicorn settings, one
    worker as app_server."""
    return start_server(
        [sys.executable, "-m", "gunicorn", "-c", "python:playground.web.gunicorn_conf",
         "--workers", "1", "--bind", f"127.0.0.1:{port}", f"benchmarks.bare_page:{app}()"],
        port,
    )  # fmt: skip


TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"]


def main_thread_ms(trace: bytes) -> float:
    """CPU time of the page's main thread from navigation to the contour map drawn: the sum of
    its tasks' thread time (a trace's ``tdur``). Unlike the time on the clock it hardly moves
    with the machine's load, so pages measured on a busy machine still compare."""
    raw = json.loads(trace)
    events = raw["traceEvents"] if isinstance(raw, dict) else raw
    mark = next(
        e for e in events if e.get("name") == "TimeStamp" and "pg-contour-drawn" in json.dumps(e.get("args"))
    )
    pid, tid, end = mark["pid"], mark["tid"], mark["ts"]
    starts = [e["ts"] for e in events if e.get("pid") == pid and e.get("name") == "navigationStart"]
    start = min(starts) if starts else 0
    tasks = (e for e in events if e.get("pid") == pid and e.get("tid") == tid and e.get("ph") == "X")
    return (
        sum(e.get("tdur", 0) for e in tasks if e.get("name") == "RunTask" and start <= e["ts"] <= end) / 1000
    )


def cold_contour(browser, url: str) -> tuple[float, float, int, float]:
    """(ms to the contour map drawn, ms to DOMContentLoaded, bytes on the wire, main-thread CPU
    ms until drawn) of one cold visit."""
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.add_init_script(CONTOUR_SEEN)
    page = ctx.new_page()
    wire = Wire(ctx.new_cdp_session(page))
    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    page.goto(url)
    page.wait_for_function("() => window.__pgContour", timeout=60_000)
    drawn, dcl = page.evaluate(
        "() => [window.__pgContour, performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]"
    )
    cpu = main_thread_ms(browser.stop_tracing())
    ctx.close()
    # the bytes until drawn, not until this line: the later parts load while the watcher's answer
    # comes back, and on a loaded machine that answer can be slow
    return drawn, dcl, wire.bytes_until(drawn), cpu


def floor_rows(browser, pages: dict[str, str], rounds: int) -> list[tuple[str, str]]:
    """Cold visits of each page in turn (the first is the playground), the order rotated every
    round; each page's median and spread, and the playground's ratio to each floor."""
    for url in pages.values():
        cold_contour(browser, url)  # warm each server's caches (and the OS's file cache)
    got: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    names = list(pages)
    for r in range(rounds):
        turn = names[r % len(names) :] + names[: r % len(names)]
        for name in turn if r % 2 == 0 else turn[::-1]:
            got[name].append(cold_contour(browser, pages[name]))
    rows = []
    for name in names:
        drawn, dcl, sizes, cpu = zip(*got[name], strict=True)
        rows.append((f"floor: {name}, cold → contour map drawn ({rounds} rounds)", _ms(drawn)))
        rows.append((f"floor: {name}, main thread's CPU until drawn", _ms(cpu)))
        rows.append((f"floor: {name}, DOMContentLoaded; bytes until drawn",
                     f"{_ms(dcl)}; {statistics.median(sizes) / 1e6:.2f} MB"))  # fmt: skip
    page = got[names[0]]
    for name in names[1:]:
        for what, i in (("time to drawn", 0), ("main-thread CPU", 3)):
            per_round = [p[i] / b[i] for p, b in zip(page, got[name], strict=True)]
            ratio = statistics.median(p[i] for p in page) / statistics.median(b[i] for b in got[name])
            rows.append((
                f"floor: playground / {name}, {what}, ratio of medians",
                f"{ratio:.2f}× (round by round: median {statistics.median(per_round):.2f}, "
                f"min {min(per_round):.2f}, max {max(per_round):.2f})",
            ))  # fmt: skip
    return rows


def heap_rows(ctx, page, minutes: float) -> list[tuple[str, str]]:
    cdp = ctx.new_cdp_session(page)
    page.evaluate("() => window.PG.reset()")
    samples = [(0.0, heap_mb(cdp))]
    page.evaluate(LOOP)
    t0 = time.perf_counter()
    end = t0 + minutes * 60
    frames0 = page.evaluate("() => window.PG.frames")
    while time.perf_counter() < end:
        time.sleep(min(30.0, max(0.0, end - time.perf_counter())))
        samples.append(((time.perf_counter() - t0) / 60, heap_mb(cdp)))
    frames = page.evaluate("() => window.PG.frames") - frames0
    page.evaluate("() => { clearInterval(window.PGloop); window.PG.pause(); }")
    first, last = samples[0][1], samples[-1][1]
    return [
        (f"JS heap, looping playback {minutes:g} min ({frames} frames drawn)",
         f"{first:.1f} MB → {last:.1f} MB (max {max(s for _, s in samples):.1f})"),
        ("heap samples (min: MB)", ", ".join(f"{t:.1f}: {m:.1f}" for t, m in samples)),
    ]  # fmt: skip


def play_rows(browser, base: str, seconds: float, minutes: float) -> list[tuple[str, str]]:
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    page.goto(f"{base}/?{EIGHT}")
    page.wait_for_function(READY + " && window.PG.run.racers.length === 8", timeout=60_000)
    page.wait_for_timeout(1500)
    rows = playback_rows(page, seconds) if seconds > 0 else []
    if minutes > 0:
        rows += heap_rows(ctx, page, minutes)
    ctx.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--minutes", type=float, default=5.0, help="looping playback for the heap check (0: skip)"
    )
    ap.add_argument("--seconds", type=float, default=10.0, help="playback window for the FPS figure")
    ap.add_argument("--loads", type=int, default=3, help="cold page loads for the load figures (0: skip)")
    ap.add_argument("--floor", type=int, default=6, help="rounds against the bare contour page (0: skip)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    servers = [app_server(port)]
    base = f"http://127.0.0.1:{port}"
    rows: list[tuple[str, str]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            if args.floor > 0:
                pages = {"playground": base + "/"}
                for name, app in FLOORS.items():
                    bare_port = free_port()
                    servers.append(bare_server(bare_port, app))
                    pages[name] = f"http://127.0.0.1:{bare_port}/"
                rows += floor_rows(browser, pages, args.floor)
            if args.loads > 0:
                rows += load_rows(browser, base, args.loads)
                rows += profile_rows(p, base, args.loads)
            if args.seconds > 0 or args.minutes > 0:
                rows += play_rows(browser, base, args.seconds, args.minutes)
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  value")
    print("-" * (width + 40))
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
