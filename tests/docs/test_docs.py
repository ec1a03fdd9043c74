"""The documentation site builds with `mkdocs build --strict`, and its generated reference holds every
optimizer, surface, schedule, lesson, URL parameter, CLI option and environment variable the code has."""

from __future__ import annotations

import argparse
import html
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from playground.cli.main import build_parser
from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES
from playground.web.lessons import LESSONS
from playground.web.state.settings import FIELDS

pytestmark = pytest.mark.slow  # builds the whole site (~15 s)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "DISABLE_MKDOCS_2_WARNING": "true",
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def page(site: Path, name: str) -> str:
    return html.unescape((site / "reference" / name / "index.html").read_text(encoding="utf-8"))


def words(site: Path, name: str) -> str:
    """The page's text without its tags (highlighted code is split into spans)."""
    return html.unescape(
        re.sub(r"<[^>]+>", "", (site / "reference" / name / "index.html").read_text(encoding="utf-8"))
    )


def test_every_optimizer_has_its_section_rule_and_reference(site):
    text = page(site, "optimizers")
    assert "undocumented" not in text
    for name, opt in OPTIMIZERS.items():
        assert f'id="{name}"' in text, name
        assert opt.title in text
        for h in opt.hypers:
            assert f"<code>{h.name}</code>" in text, (name, h.name)
    # one rendered rule per optimizer at least, typeset by the MathJax copied into the site
    assert text.count('class="arithmatex"') >= len(OPTIMIZERS)
    assert (site / "javascripts" / "dash-mathjax.js").stat().st_size > 100_000


def test_every_surface_schedule_and_lesson_is_listed(site):
    surfaces, schedules, lessons = page(site, "surfaces"), page(site, "schedules"), page(site, "lessons")
    for name in FAMILIES:
        assert f'id="{name}"' in surfaces, name
    for name, spec in SCHEDULES.items():
        assert f'id="{name}"' in schedules, name
        if spec.torch:
            assert spec.torch.split("(")[0] in words(site, "schedules"), name
    for lesson in LESSONS:
        assert f'id="{lesson.id}"' in lessons, lesson.id
        assert f"lesson={lesson.id}" in lessons
        assert lesson.title in lessons


def test_every_url_parameter_is_listed(site):
    text = page(site, "url")
    for f in FIELDS:
        if f.url:
            assert f"<code>{f.url}" in text or f.url == "<key>.", f.url
    assert "<code>&lt;racer&gt;.&lt;name&gt;</code>" in html.escape(text) or "<racer>.<name>" in text


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_cli_command_and_option_is_listed(site):
    text = page(site, "cli")
    subs = _subcommands(build_parser())
    assert subs
    for name, sub in subs.items():
        assert f"usage: loss-playground {name}" in text, name
        for action in sub._actions:
            for option in action.option_strings:
                assert option in text, (name, option)


def test_every_environment_variable_is_documented(site):
    text = page(site, "environment")
    assert "undocumented" not in text
    found = set()
    for path in (ROOT / "playground").rglob("*.py"):
        found |= set(
            re.findall(r"""(?:environ|env)\.get\(\s*["']([A-Z_]+)["']""", path.read_text(encoding="utf-8"))
        )
    assert {"HOST", "PORT", "WORKERS", "THREADS", "REDIS_URL"} <= found
    for name in found:
        assert f"<code>{name}</code>" in text, name


def test_the_names_the_guides_cite_exist():
    """A guide or recipe that names `playground.x.y.NAME` names something that is there."""
    cited = set()
    for path in DOCS.rglob("*.md"):
        cited |= set(re.findall(r"`(playground(?:\.\w+)+)`", path.read_text(encoding="utf-8")))
    assert cited
    for dotted in sorted(cited):
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
                break
            except ModuleNotFoundError:
                continue
        for attr in parts[cut:]:
            assert hasattr(obj, attr), dotted
            obj = getattr(obj, attr)


def test_every_page_the_playground_links_to_is_in_the_site(site):
    """The page's help links (docs_site.PAGES) and each lesson's "Read more" anchor exist."""
    from playground.web import docs_site

    for what, source in docs_site.PAGES.items():
        path = docs_site.url(source).removeprefix(docs_site.PREFIX)
        assert (site / path / "index.html").is_file(), f"{what}: {source} is not in the site"
    lessons = site / docs_site.url(docs_site.PAGES["lessons"]).removeprefix(docs_site.PREFIX) / "index.html"
    text = lessons.read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert f'id="{lesson.id}"' in text, lesson.id
