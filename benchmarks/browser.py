"""Browser benchmark: the real app in headless Chromium (software WebGL through SwiftShader).

Measures, for the page a student opens:
  * time from navigation to the 3D surface drawn (WebGL canvas present, paths loaded);
  * frames per second while 8 optimizers play in both plots, counting frames the page
    actually drew (window.PG.frames), and requests sent while playing (must be 0);
  * the JS heap while playback loops for --minutes (after a forced GC at each sample).

    python -m benchmarks.browser --minutes 5

Bounded: one local server, one page, fixed durations. Prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import ARGS, CHROMIUM, app_server, free_port  # noqa: E402

EIGHT = "opt=gd,momentum,nag,adagrad,rmsprop,adam,adamw,nadam&steps=5000"
LOOP = "() => { window.PGloop = setInterval(() => { if (!window.PG.playing) window.PG.play(); }, 200); }"
READY = (
    "() => window.PG && window.PG.run && document.querySelector('#graph-surface-3d canvas')"
    " && document.querySelector('#graph-surface-3d .js-plotly-plot').data.length > 0"
)


def heap_mb(cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


def time_to_surface(browser, url: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_function(READY, timeout=60_000, polling="raf")
        out.append(page.evaluate("() => performance.now()"))  # ms since navigation start
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0, help="looping playback for the heap check")
    ap.add_argument("--seconds", type=float, default=10.0, help="playback window for the FPS figure")
    ap.add_argument("--loads", type=int, default=5, help="page loads for the time-to-surface figure")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = app_server(port)
    base = f"http://127.0.0.1:{port}"
    rows: list[tuple[str, str]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            time_to_surface(browser, base + "/", 1)  # warm the server's caches
            loads = time_to_surface(browser, base + "/", args.loads)
            rows.append(("navigation → 3D surface drawn, default page (median of %d)" % args.loads,
                         f"{statistics.median(loads):.0f} ms (min {min(loads):.0f}, max {max(loads):.0f})"))  # fmt: skip

            ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            page.goto(f"{base}/?{EIGHT}")
            page.wait_for_function(READY + " && window.PG.run.racers.length === 8", timeout=60_000)
            page.wait_for_timeout(1500)
            both, steps, sent = fps(page, args.seconds)
            rows.append(("FPS, 8 optimizers, 3D + contour + loss", f"{both:.1f} frames/s ({steps} steps)"))
            rows.append(("requests sent during that playback", str(sent)))
            flat, steps2, sent2 = fps(page, args.seconds, hide_3d=True)
            rows.append(
                ("FPS, 8 optimizers, contour + loss (3D hidden)", f"{flat:.1f} frames/s ({steps2} steps)")
            )
            rows.append(("requests sent during that playback", str(sent2)))

            page.evaluate("() => window.PG.reset()")
            samples = [(0.0, heap_mb(cdp))]
            page.evaluate(LOOP)
            t0 = time.perf_counter()
            end = t0 + args.minutes * 60
            frames0 = page.evaluate("() => window.PG.frames")
            while time.perf_counter() < end:
                time.sleep(min(30.0, max(0.0, end - time.perf_counter())))
                samples.append(((time.perf_counter() - t0) / 60, heap_mb(cdp)))
            frames = page.evaluate("() => window.PG.frames") - frames0
            page.evaluate("() => { clearInterval(window.PGloop); window.PG.pause(); }")
            first, last = samples[0][1], samples[-1][1]
            rows.append((f"JS heap, looping playback {args.minutes:g} min ({frames} frames drawn)",
                         f"{first:.1f} MB → {last:.1f} MB (max {max(s for _, s in samples):.1f})"))  # fmt: skip
            rows.append(("heap samples (min: MB)", ", ".join(f"{t:.1f}: {m:.1f}" for t, m in samples)))
            ctx.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  value")
    print("-" * (width + 40))
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
