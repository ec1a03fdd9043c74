"""What an open page of the app costs while nobody uses it: Chromium's CPU, by kind of process.

Opens the page (tests.support.browser.Page: the 3D scene, the contour map and the loss chart
drawn, every callback done), lets it settle, then samples the CPU time of this run's Chromium
processes (/proc, as benchmarks/suite.py does) over --seconds, the renderer's main-thread
time from CDP's Performance.getMetrics (TaskDuration, ScriptDuration) and the 3D scene's
draws. Each state in turn:

  * idle: the page as it is left, paused;
  * frozen: the same page "frozen" through CDP (Page.setWebLifecycleState), thawed after and
    checked to play and pause again. Under Playwright this changes nothing: the page stays
    visible and its timers and frames run (minimising its window neither), likely because
    Playwright emulates focus on its pages, which Chromium counts as a capture that keeps a
    page visible. So the browser tests' page pool does not freeze the pages it keeps;
  * idle, after thawing and playing: idle again after a run of playback;
  * rotating: auto-rotate on (the scene turns and redraws all the time, on purpose).

    python -m benchmarks.idle_page --seconds 10

Bounded: one local server, one page, fixed durations. Prints a table. Linux only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.suite import chromium_cpu  # noqa: E402
from tests.support.browser import ARGS, CHROMIUM, PAUSED, Page, app_server, free_port  # noqa: E402

# the 3D scene's draws, counted where plotly.js's render loop calls back after drawing
COUNT_DRAWS = """() => { const gd = document.querySelector('#graph-surface-3d .js-plotly-plot');
  const gl = gd._fullLayout.scene._scene.glplot, after = gl.onrender;
  window.__pgDraws = 0; gl.onrender = function () { window.__pgDraws++; if (after) after.apply(this, arguments); }; }"""
DRAWS = {"expression": "window.__pgDraws", "returnByValue": True}


def main_thread(cdp) -> dict[str, float]:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return {m["name"]: m["value"] for m in metrics if m["name"] in ("TaskDuration", "ScriptDuration")}


def measure(cdp, seconds: float) -> dict[str, float]:
    """Per wall second over ``seconds``: the CPU of each kind of Chromium process and of the
    renderer's main thread, and the 3D scene's draws (read through CDP, which a frozen page
    answers too)."""
    draws0 = cdp.send("Runtime.evaluate", DRAWS)["result"]["value"]
    cpu0, m0, t0 = chromium_cpu(), main_thread(cdp), time.monotonic()
    time.sleep(seconds)
    cpu1, m1, wall = chromium_cpu(), main_thread(cdp), time.monotonic() - t0
    out = {kind: (cpu1[kind] - cpu0[kind]) / wall for kind in cpu1}
    out.update({name: (m1[name] - m0[name]) / wall for name in m1})
    out["3D draws/s"] = (cdp.send("Runtime.evaluate", DRAWS)["result"]["value"] - draws0) / wall
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each measurement")
    ap.add_argument("--settle", type=float, default=3.0, help="seconds to wait before measuring")
    a = ap.parse_args()
    import playwright.sync_api as sync_api

    port = free_port()
    server = app_server(port)
    rows: dict[str, dict[str, float]] = {}
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = Page(browser, f"http://127.0.0.1:{port}")
            p = page.page
            cdp = page.ctx.new_cdp_session(p)
            cdp.send("Performance.enable")
            p.evaluate(COUNT_DRAWS)
            p.wait_for_timeout(a.settle * 1000)
            rows["idle"] = measure(cdp, a.seconds)
            cdp.send("Page.setWebLifecycleState", {"state": "frozen"})
            rows["frozen"] = measure(cdp, a.seconds)
            cdp.send("Page.setWebLifecycleState", {"state": "active"})
            p.click("#button-play")  # thawed, it plays and pauses
            p.wait_for_function("() => +document.getElementById('text-step').textContent > 5")
            p.click("#button-play")
            p.wait_for_function(PAUSED)
            page.idle()
            p.wait_for_timeout(a.settle * 1000)
            rows["idle, after thawing and playing"] = measure(cdp, a.seconds)
            p.evaluate("() => window.PG.rotate(true)")
            rows["rotating"] = measure(cdp, a.seconds)
            p.evaluate("() => window.PG.rotate(false)")
            assert not page.errors, page.errors
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    report(rows, os.getloadavg()[0])


def report(rows: dict[str, dict[str, float]], load: float) -> None:
    kinds = sorted({k for r in rows.values() for k in r if k.startswith("chromium")})
    cols = [*kinds, "all Chromium", "TaskDuration", "ScriptDuration", "3D draws/s"]
    print(f"\nCPU per wall second (1.00 = one core), load average {load:.1f}\n")
    print("TaskDuration, ScriptDuration: the renderer's main thread (Performance.getMetrics)\n")
    print("| state | " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for state, r in rows.items():
        r = {**r, "all Chromium": sum(v for k, v in r.items() if k.startswith("chromium"))}
        print(
            f"| {state} | "
            + " | ".join(f"{r.get(c, 0):.3f}" if c != "3D draws/s" else f"{r[c]:.1f}" for c in cols)
            + " |"
        )


if __name__ == "__main__":
    main()
