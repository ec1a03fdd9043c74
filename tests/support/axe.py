"""axe-core on a page of the real app (a packaged copy from ``axe-playwright-python``, never
fetched at run time) against the WCAG 2.1 A and AA rules: no serious or critical violation.
Every finding (moderate and minor too) is saved per scene to ``artifacts/axe/<scene>.json``
for docs/guide/accessibility.md. The page must be opened with ``bypass_csp=True``: the page's
Content-Security-Policy refuses the injected script."""

from __future__ import annotations

import json

from axe_playwright_python.sync_playwright import Axe

from tests.support.browser import ARTIFACTS, Page

# the WCAG 2.1 A/AA rules block; axe's best-practice rules run too, for the record only
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RULES = {"runOnly": {"type": "tag", "values": [*WCAG, "best-practice"]}}
BLOCKING = {"serious", "critical"}
AXE = Axe()


def blocking(results: dict) -> list[str]:
    """One line per element of each serious or critical violation: rule, impact, selector."""
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} - {v['help']}"
        for v in results["violations"]
        if v["impact"] in BLOCKING and set(v["tags"]) & set(WCAG)
        for node in v["nodes"]
    ]


def audit(page: Page, scene: str) -> list[str]:
    """axe on the page as it is: every finding saved for the record, the blocking ones returned."""
    results = AXE.run(page.page, options=RULES).response
    found = {v["id"]: {"impact": v["impact"], "help": v["help"], "wcag": bool(set(v["tags"]) & set(WCAG)),
                       "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"]]}
             for v in results["violations"]}  # fmt: skip
    out = ARTIFACTS / "axe"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{scene}.json").write_text(json.dumps(found, indent=1))
    return blocking(results)


def check(page: Page, scene: str) -> None:
    found = audit(page, scene)
    assert not found, f"{scene}: {len(found)} serious or critical:\n" + "\n".join(found)
