"""The documentation's screenshots, taken from the real page: `python tools/screenshots.py`.

Serves the playground from this checkout and drives the same Chromium, with the same flags, as
the browser tests (tests/support/browser.py), then saves PNGs into docs/img/ (the README shows
docs/img/race.png). One lesson picture per lesson, named by its id, so a new lesson gets one.

    python tools/screenshots.py                 every picture
    python tools/screenshots.py race phone      only these (names below, or lessons)
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from playground.web.lessons import LESSONS  # noqa: E402
from tests.support.browser import ARGS, CHROMIUM, Page, app_server, free_port  # noqa: E402

OUT = ROOT / "docs" / "img"
DESK = (1280, 800)
PHONE = (390, 844)
MAX_BYTES = 300_000  # each picture stays small enough to keep in the repository
# the README's animation: the plots' part of the desk page, 40 steps of play at 8 frames/s
ANIMATION_CLIP = {"x": 0, "y": 0, "width": DESK[0], "height": DESK[1]}
ANIMATION_SIZE = (960, 600)
ANIMATION_FRAMES = 40
ANIMATION_MS, ANIMATION_HOLD_MS = 125, 2500
MAX_ANIMATION_BYTES = 1_500_000


def _to_end(page: Page) -> None:
    """Play a moment (the page's own clock), then jump to the last step and let it draw."""
    p = page.page
    p.click("#button-play")
    p.wait_for_function("() => window.PG.step > 3", timeout=15000)
    p.click("#button-play")
    p.evaluate("() => window.PG.apply(window.PG.run.steps)")
    page.idle()
    p.wait_for_timeout(500)


def race(browser, base: str) -> None:
    page = Page(browser, base + "/", *DESK)
    _to_end(page)
    page.page.screenshot(path=str(OUT / "race.png"))
    page.ctx.close()


def animation(browser, base: str) -> None:
    """The README's short animation: the default race drawn step by step (the page's own
    `PG.apply`, so every frame is a step the player shows), kept as an animated WebP."""
    from PIL import Image  # a tool's dependency (requirements-dev.txt), not the page's

    page = Page(browser, base + "/", *DESK)
    p = page.page
    page.idle()
    steps = p.evaluate("() => window.PG.run.steps")
    frames = []
    for k in range(ANIMATION_FRAMES + 1):
        p.evaluate(f"() => window.PG.apply({round(k * steps / ANIMATION_FRAMES)})")
        p.wait_for_timeout(120)  # the frame is drawn on the next animation frame
        png = p.screenshot(clip=ANIMATION_CLIP)
        frames.append(Image.open(io.BytesIO(png)).convert("RGB").resize(ANIMATION_SIZE, Image.LANCZOS))
    durations = [ANIMATION_MS] * ANIMATION_FRAMES + [ANIMATION_HOLD_MS]  # the outcome stays a moment
    frames[0].save(
        OUT / "race.webp", save_all=True, append_images=frames[1:], duration=durations,
        loop=0, quality=70, method=6,
    )  # fmt: skip
    page.ctx.close()


def phone(browser, base: str) -> None:
    page = Page(browser, base + "/", *PHONE, touch=True)
    _to_end(page)
    page.page.screenshot(path=str(OUT / "phone.png"))
    page.ctx.close()


def presenter(browser, base: str) -> None:
    lesson = LESSONS[0]
    page = Page(browser, f"{base}/?{lesson.query}&lesson={lesson.id}", 1280, 720)
    _to_end(page)
    page.page.click("#button-presenter")
    page.page.wait_for_timeout(1000)  # the plots refit their new boxes
    page.page.screenshot(path=str(OUT / "presenter.png"))
    page.ctx.close()


def share(browser, base: str) -> None:
    page = Page(browser, base + "/", *DESK)
    page.page.click("#button-share")
    page.page.wait_for_selector("#img-qr[src]", state="visible", timeout=15000)
    page.page.wait_for_function("() => document.querySelector('#img-qr').complete", timeout=15000)
    page.page.wait_for_timeout(600)  # the modal's fade
    page.page.screenshot(path=str(OUT / "share.png"))
    page.ctx.close()


def live(browser, base: str) -> None:
    page = Page(browser, base + "/", *DESK)
    p = page.page
    p.click("#button-live")
    p.wait_for_selector("#link-live-student[href*='/live/']", timeout=30000)
    p.wait_for_function("() => document.querySelector('#img-live-qr').complete", timeout=15000)
    p.wait_for_timeout(600)
    p.screenshot(path=str(OUT / "live.png"))
    page.ctx.close()


def maps(browser, base: str) -> None:
    lesson = next(le for le in LESSONS if "view=maps" in le.query)
    page = Page(browser, f"{base}/?{lesson.query}&lesson={lesson.id}", *DESK)
    page.page.wait_for_function(
        "() => document.querySelector('#div-maps-progress').innerText.includes('Done')", timeout=120000
    )
    page.idle()
    page.page.screenshot(path=str(OUT / "maps.png"))
    page.ctx.close()


def formula(browser, base: str) -> None:
    query = "surface=custom&f=(x%20-%201)%5E2%20%2B%203*(y%20%2B%200.5)%5E2%20%2B%200.2*sin(4*x)&opt=gd,momentum,adam"
    page = Page(browser, f"{base}/?{query}", *DESK)
    _to_end(page)
    page.page.screenshot(path=str(OUT / "formula.png"))
    page.ctx.close()


def network(browser, base: str) -> None:
    page = Page(browser, base + "/", *DESK)
    p = page.page
    p.goto(f"{base}/?view=network")
    p.wait_for_selector("#button-network-train", state="visible", timeout=30000)
    page.idle()
    p.click("#select-network-optimizers .dash-dropdown-clear")
    p.click("#select-network-optimizers")
    for label in ("Adam", "Momentum"):
        p.get_by_role("option", name=label, exact=True).click()
    p.keyboard.press("Escape")
    p.fill("#input-network-epochs", "4")
    p.click("#button-network-train")
    p.wait_for_selector("#table-network-showdown", timeout=180000)
    page.idle()
    p.wait_for_timeout(1500)
    p.locator("#table-network-showdown").scroll_into_view_if_needed()
    p.evaluate("() => window.scrollBy(0, 220)")  # the table, then the slice under it
    p.wait_for_timeout(500)
    p.screenshot(path=str(OUT / "network.png"))
    page.ctx.close()


def lessons(browser, base: str) -> None:
    (OUT / "lessons").mkdir(exist_ok=True)
    for lesson in LESSONS:
        page = Page(browser, f"{base}/?{lesson.query}&lesson={lesson.id}", *DESK)
        if "view=maps" in lesson.query:
            page.page.wait_for_function(
                "() => document.querySelector('#div-maps-progress').innerText.includes('Done')",
                timeout=120000,
            )
            page.idle()
        else:
            _to_end(page)
        page.page.screenshot(path=str(OUT / "lessons" / f"{lesson.id}.png"))
        page.ctx.close()


SHOTS: dict[str, Callable] = {
    "race": race,
    "animation": animation,
    "phone": phone,
    "presenter": presenter,
    "share": share,
    "live": live,
    "maps": maps,
    "formula": formula,
    "network": network,
    "lessons": lessons,
}


def main(names: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    chosen = names or list(SHOTS)
    unknown = [n for n in chosen if n not in SHOTS]
    if unknown:
        print(f"unknown: {', '.join(unknown)}; choose from {', '.join(SHOTS)}", file=sys.stderr)
        return 2
    port = free_port()
    server = app_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name in chosen:
                SHOTS[name](browser, f"http://127.0.0.1:{port}")
                print("saved", name, flush=True)
            browser.close()
    finally:
        server.kill()
        server.wait()
    big = [
        (p.relative_to(ROOT), p.stat().st_size)
        for p in sorted(OUT.rglob("*.png")) + sorted(OUT.rglob("*.webp"))
        if p.stat().st_size > (MAX_ANIMATION_BYTES if p.suffix == ".webp" else MAX_BYTES)
    ]
    for path, size in big:
        print(f"{path}: {size:,} bytes, over its limit", file=sys.stderr)
    return 1 if big else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
