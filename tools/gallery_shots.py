"""Type each classic of the gallery into the page's formula box, race, and take a picture.

Serves the playground from this checkout and drives the same Chromium, with the same flags, as
the browser tests (tests/support/browser.py). For each classic: open the custom surface on the
classic's domain, type the formula as the literature writes it, wait for the preview, play the
default racers a while, then save the landscape column (preview, messages, 3D scene and contour
map) as artifacts/typed/<key>.png and print the page's statuses, so a person can look at each.

    python tools/gallery_shots.py                every classic
    python tools/gallery_shots.py booth ackley   only these
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from playground.core.surfaces.gallery import BY_KEY, CLASSICS, Classic  # noqa: E402
from tests.support.browser import ARGS, ARTIFACTS, CHROMIUM, Page, app_server, free_port  # noqa: E402

OUT = ARTIFACTS / "typed"
WAIT = 90000  # software GL on a shared 2-core box


def _url(base: str, c: Classic) -> str:
    (x0, x1), (y0, y1) = c.domain
    q = {"surface": "custom", "p.x0": f"{x0:g}", "p.x1": f"{x1:g}", "p.y0": f"{y0:g}", "p.y1": f"{y1:g}"}
    return f"{base}/?{urlencode(q)}"


def shoot(browser, base: str, c: Classic) -> str:
    page = Page(browser, _url(base, c), 1440, 1000)
    p = page.page
    p.fill("#input-formula", c.formula)
    p.press("#input-formula", "Enter")
    p.wait_for_function(
        "f => new URLSearchParams(location.search).get('f') === f", arg=c.formula, timeout=WAIT
    )
    p.wait_for_selector("#formula-preview mjx-container, #formula-error:not(:empty)", timeout=WAIT)
    page.idle(timeout=90)
    p.click("#button-play")
    p.wait_for_function("() => window.PG.step > 40 || !window.PG.playing", timeout=WAIT)
    p.click("#button-play")
    p.evaluate("() => window.PG.apply(window.PG.run.steps)")
    page.idle(timeout=90)
    p.screenshot(path=str(OUT / f"{c.key}.png"), clip={"x": 0, "y": 0, "width": 1440, "height": 960})
    statuses = p.evaluate(
        "() => [...document.querySelectorAll('.pg-readout tbody tr')].map(r => r.innerText.replace(/\\s+/g, ' '))"
    )
    said = " | ".join(
        s.strip() for s in (p.inner_text("#msg-surface"), p.inner_text("#formula-error")) if s.strip()
    )
    page.close()
    return f"{c.key}: statuses={statuses} messages={said!r} errors={page.errors}"


def main(keys: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = app_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for c in [BY_KEY[k] for k in keys] if keys else CLASSICS:
                print(shoot(browser, f"http://127.0.0.1:{port}", c), flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main(sys.argv[1:])
