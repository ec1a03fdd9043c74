"""What a press of Lecture or of the theme costs a machine without a GPU: wall time, Chromium's
CPU by kind of process, and the 3D scene's rebuilds.

Opens the page (tests.support.browser.Page) at each window size, then presses in turn Lecture,
Lecture (back to the desk), the theme and the theme again, each time waiting until every plot is
laid out at its new text size and no callback is in flight. Counted during each press: the CPU
time of this run's Chromium processes (/proc, as benchmarks/suite.py does) and the scene's
`plot` calls (each one rebuilds every object of the scene: the surface mesh, its contour lines,
the paths; ~0.1-0.2 s of software GL). Headless Chromium here draws WebGL in software
(SwiftShader), as a laptop without a GPU does.

    python -m benchmarks.toggles --rounds 2

Bounded: one local server, one page per size, a fixed number of presses. Prints a table.
Linux only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.suite import chromium_cpu  # noqa: E402
from playground.web.contract import IDS  # noqa: E402
from tests.support.browser import ARGS, CHROMIUM, PLOTS_LAID_OUT, Page, app_server, free_port  # noqa: E402

# the scene's rebuilds: every call of its plot (Plotly's, for a relayout, restyle or react)
COUNT_PLOTS = """() => { const gd = document.querySelector('#graph-surface-3d .js-plotly-plot');
  const scene = gd._fullLayout.scene._scene;
  if (!scene.__counted) { const plot = scene.plot; scene.__counted = true; window.__scenePlots = 0;
    scene.plot = function () { window.__scenePlots++; return plot.apply(this, arguments); }; }
  return window.__scenePlots; }"""
PRESSES = [("Lecture (on)", IDS.presenter), ("Lecture (off)", IDS.presenter), ("theme (dark)", IDS.theme),
           ("theme (light)", IDS.theme)]  # fmt: skip


def press(page: Page, button: str) -> tuple[float, Counter, int]:
    """Wall seconds, CPU seconds by kind and the scene's rebuilds of one press."""
    p = page.page
    plots = p.evaluate(COUNT_PLOTS)
    cpu, start = chromium_cpu(), time.perf_counter()
    p.click(f"#{button}")
    p.wait_for_function(PLOTS_LAID_OUT, timeout=30000)
    page.idle()
    wall = time.perf_counter() - start - 0.6  # idle()'s quiet spell is not the press' time
    used = chromium_cpu()
    used.subtract(cpu)
    return wall, used, p.evaluate(COUNT_PLOTS) - plots


def _columns(run: tuple[float, Counter, int]) -> tuple[float, float, int]:
    return run[0], sum(run[1].values()), run[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2, help="presses of each button at each size")
    ap.add_argument("--sizes", default="1280x720,1920x1080", help="window sizes, WxH, comma-separated")
    a = ap.parse_args()
    port = free_port()
    server = app_server(port)
    import playwright.sync_api as sync_api

    rows = []
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for size in a.sizes.split(","):
                w, h = map(int, size.split("x"))
                page = Page(browser, f"http://127.0.0.1:{port}/", w, h)
                seen: dict[str, list] = {name: [] for name, _ in PRESSES}
                for _ in range(a.rounds):
                    for name, button in PRESSES:
                        seen[name].append(press(page, button))
                page.close()
                for name, runs in seen.items():
                    rows.append((size, name, runs))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(
        f"| window | press | wall s | CPU s | renderer | GPU process | scene rebuilds |\n|{'---|' * 2}{'---:|' * 5}"
    )
    for size, name, runs in rows:
        wall, cpu, rebuilds = (
            statistics.median(col) for col in zip(*[_columns(r) for r in runs], strict=True)
        )
        renderer, gpu = (
            statistics.median(r[1][k] for r in runs) for k in ("chromium renderer", "chromium gpu-process")
        )
        print(f"| {size} | {name} | {wall:.2f} | {cpu:.2f} | {renderer:.2f} | {gpu:.2f} | {rebuilds:.0f} |")
    print(f"\nmedians of {a.rounds} presses each")


if __name__ == "__main__":
    main()
