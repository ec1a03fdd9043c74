"""The reference pages, generated from the code at build time (mkdocs-gen-files).

Every fact on these pages is read from the place the code keeps it: the settings schema, the
command-line parser, the optimizer registry, the surface catalogue, the schedules, the lessons,
the browser contract, the caps in their modules and the environment variables the package reads.
Nothing here restates a number. The sources are imported in one block below, so a module that
moves is one line to fix.

Run by `mkdocs build` (see mkdocs.yml); `python docs/gen_ref.py OUT` writes the pages into the
folder OUT instead, for a look without MkDocs.
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package from this checkout, installed or not

# ---- the sources: every page below reads these names, and only these ------------------------------
import dash  # noqa: E402  (ships the MathJax the page itself renders its formulas with)

import playground  # noqa: E402
from playground.batch import cells as batch_cells  # noqa: E402
from playground.batch import fair as batch_fair  # noqa: E402
from playground.batch import tune as batch_tune  # noqa: E402
from playground.cli.main import build_parser  # noqa: E402
from playground.core import outcome as core_outcome  # noqa: E402
from playground.core import status as core_status  # noqa: E402
from playground.core.optimizers import OPTIMIZERS  # noqa: E402
from playground.core.schedules import SCHEDULES, resolve_schedule, torch_scheduler  # noqa: E402
from playground.core.surfaces import FAMILIES, get_surface  # noqa: E402
from playground.core.surfaces import custom as custom_surface  # noqa: E402
from playground.core.surfaces import formula as formula_rules  # noqa: E402
from playground.core.surfaces import notation as formula_reading  # noqa: E402
from playground.live import Limits as LiveLimits  # noqa: E402
from playground.web import contract, server  # noqa: E402
from playground.web.lessons import LESSONS  # noqa: E402
from playground.web.state import limits, settings, urlstate, validate, values  # noqa: E402
from playground.web.views import maps as maps_view  # noqa: E402
from playground.web.views import network as network_view  # noqa: E402
from playground.web.views import view_ids  # noqa: E402

PACKAGE_DIR = Path(playground.__file__).resolve().parent
MATHJAX = Path(dash.__file__).resolve().parent / "dcc" / "async-mathjax.js"
# ------------------------------------------------------------------------------------------------

PLAYGROUND_URL = "http://127.0.0.1:8050/"  # replaced by mkdocs.yml's extra.playground_url
IMAGES = ROOT / "docs" / "img"
HELP_WIDTH = "100"  # columns argparse wraps the help at, so the page does not depend on a terminal


# ---- what the code holds as a name but the reader needs in words ------------------------------
# The reference each optimizer is checked against in float64 (tests/oracle). A new optimizer
# without an entry fails the docs test, so this table cannot fall behind the registry.
REFERENCES = {
    "gd": "`torch.optim.SGD` (rtol 1e-11) and the published rule",
    "sgd": "`torch.optim.SGD` on the same noisy gradients (rtol 1e-11)",
    "momentum": "`torch.optim.SGD(momentum=…)` (rtol 1e-11); the EMA and classical forms against their published rules",
    "nag": "`torch.optim.SGD(nesterov=True)` for PyTorch's form (rtol 1e-11); the look-ahead form against Sutskever et al. 2013",
    "adagrad": "`torch.optim.Adagrad` (rtol 1e-11)",
    "rmsprop": "`torch.optim.RMSprop` (rtol 1e-11)",
    "adadelta": "`torch.optim.Adadelta` (rtol 1e-11)",
    "rprop": "`torch.optim.Rprop` (bit-exact, 300 steps)",
    "adam": "`torch.optim.Adam` (rtol 1e-11)",
    "adamw": "`torch.optim.AdamW` (rtol 1e-11)",
    "nadam": "`torch.optim.NAdam` (rtol 1e-11)",
    "radam": "`torch.optim.RAdam` (rtol 1e-11)",
    "adamax": "`torch.optim.Adamax` (rtol 1e-11)",
    "lion": "the Lion paper's rule (Chen et al. 2023), restated in the tests",
    "adafactor": "`torch.optim.Adafactor` on the point as a vector (rtol 1e-10, 300 steps)",
    "muon": "`torch.optim.Muon` on the point as a 1×2 matrix, Newton–Schulz in float64 "
    "(torch runs it in bfloat16; a test bounds that gap)",
    "prodigy": "`pytorch_optimizer.Prodigy` (rtol 1e-10, 300 steps)",
    "sgd_schedulefree": "`schedulefree.SGDScheduleFree`, reference and production classes",
    "adamw_schedulefree": "`schedulefree.AdamWScheduleFree`, reference and production classes",
    "lbfgs": "`torch.optim.LBFGS` with and without strong-Wolfe line search (rtol 1e-10, 250 steps)",
    "newton": "the exact Hessian: plain, damped or saddle-free, against the closed-form step",
}

# Caps: (where, name, what it bounds). The value is read from the module; a cap that moves or is
# renamed stops the build instead of printing a stale number.
CAPS: list[tuple[str, object, str, str]] = [
    ("A race (one request)", limits, "MAX_RACERS", "optimizers racing at once"),
    ("A race (one request)", limits, "MAX_STEPS", "steps of a run"),
    ("A race (one request)", limits, "LR_RANGE", "a learning rate typed on the page"),
    ("A race (one request)", limits, "MAX_BATCH", "batch size"),
    ("A race (one request)", limits, "MAX_NOISE", "noise σ"),
    ("A race (one request)", limits, "MAX_SEED", "seed"),
    ("A race (one request)", limits, "MAX_FAN", "seeds of a fan (0: no fan)"),
    ("A race (one request)", validate, "WORK_BUDGET",
     "step units one request simulates: a step costs its optimizer's units (see Optimizers); beyond it the steps are cut and a note says so"),
    ("A race (one request)", validate, "FAN_BUDGET", "step units a seed fan may add (more seeds are cut, said under the fan box)"),
    ("A race (one request)", validate, "COST_PLATEAU", "units the reduce-on-plateau schedule adds to a step"),
    ("A race (one request)", values, "MAX_TEXT", "characters of a text setting"),
    ("HTTP", server, "MAX_BODY", "bytes of a request body"),
    ("HTTP", urlstate, "MAX_QUERY", "characters of a link's query string that are read"),
    ("Your own formula", formula_reading, "MAX_LENGTH", "characters of a formula"),
    ("Your own formula", formula_reading, "MAX_NODES", "expression-tree nodes"),
    ("Your own formula", formula_reading, "MAX_DEPTH", "nesting depth"),
    ("Your own formula", formula_rules, "MAX_LITERAL", "size of a number typed"),
    ("Your own formula", formula_rules, "MAX_CONSTANT", "size of any constant, after folding"),
    ("Your own formula", formula_rules, "MAX_EXPONENT", "size of a constant exponent"),
    ("Your own formula", custom_surface, "MAX_GRADIENT", "expression nodes of each gradient entry"),
    ("Your own formula", formula_rules, "MAX_DERIVED", "expression nodes of the gradient or the Hessian"),
    ("Your own formula", custom_surface, "MAX_INSTRUCTIONS", "interpreter instructions of f, gradient and Hessian together"),
    ("Your own formula", custom_surface, "DOMAIN_LIMIT", "|x0|, |x1|, |y0|, |y1|"),
    ("Your own formula", custom_surface, "MIN_WIDTH", "the narrowest side of the domain"),
    ("Your own formula", custom_surface, "MIN_FINITE", "share of a probe grid where f and its gradient must be finite"),
    ("Outcome maps", maps_view, "SIZES", "cells a side: (default, least, most) per map kind"),
    ("Outcome maps", maps_view, "MAP_WORK", "cell-steps one map may run (beyond it each run is cut to fewer steps)"),
    ("Outcome maps", maps_view, "CHUNK_WORK", "cell-steps one request of a map runs"),
    ("Outcome maps", maps_view, "TUNE_WORK", "cell-steps one tuning may run"),
    ("Outcome maps", batch_tune, "BUDGET", "tries each racer gets when tuned"),
    ("Outcome maps", batch_cells, "MAX_CELLS", "cells of one map or command-line sweep"),
    ("Default learning rate", batch_fair, "GRID", "the rates a racer added without one is tried at"),
    ("Default learning rate", batch_fair, "STEPS", "steps of each try"),
    ("The real network", network_view, "MAX_OPTIMIZERS", "optimizers trained at once"),
    ("The real network", network_view, "MAX_EPOCHS", "epochs per optimizer"),
    ("The real network", network_view, "WORK_EPOCHS", "epochs one request trains, tuning included"),
]  # fmt: skip
LIVE_CAPS = {
    "ttl": "seconds a session lives without the lecturer's page (LIVE_TTL)",
    "max_sessions": "sessions open at once (LIVE_MAX_SESSIONS)",
    "events_per_second": "lecturer events per second and session (LIVE_EVENTS_PER_S)",
    "follower_window": "seconds a follower counts as present after its last report",
    "max_followers": "followers counted per session",
    "poll_ms": "how often a follower's page asks for news, in ms",
}

# What each environment variable the package reads does. A variable found in the code without
# an entry here is printed as undocumented and fails the docs test.
ENVIRONMENT = {
    "HOST": "address `loss-playground serve` listens on; `0.0.0.0` to be reached from other machines (a lecture hall's phones)",
    "PORT": "port it listens on",
    "PUBLIC_URL": "the address students reach (e.g. behind a proxy): share links and QR codes use it; `serve --public-url` sets it",
    "WORKERS": "gunicorn worker processes (default: one per core)",
    "THREADS": "threads per worker",
    "ACCESS_LOG": "any value: gunicorn logs every request to standard output",
    "LOG_LEVEL": "gunicorn's log level",
    "REDIS_URL": "live sessions in Redis, shared by every replica (`redis://host:6379/0`); unset: one SQLite file per machine",
    "LIVE_DB": "the SQLite file of live sessions when REDIS_URL is unset",
    "LIVE_TTL": "seconds a live session lives without its lecturer's page",
    "LIVE_MAX_SESSIONS": "live sessions open at once on the deployment",
    "LIVE_EVENTS_PER_S": "lecturer events per second a session accepts",
    "DOCS_URL": "where the page's help links point (default `/docs/`, this documentation served by the playground itself)",
    "DOCS_DIR": "the built documentation site `/docs/` serves (default: the checkout's `site/`, written by `mkdocs build`)",
    "PG_COMPILED": "`0` turns the compiled (numba) loop of big sweeps off",
}


# ---- helpers ------------------------------------------------------------------------------------
def num(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        return f"{v:g}"
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if v is None:
        return "—"
    if isinstance(v, (tuple, list)):
        return ", ".join(num(x) for x in v)
    return str(v)


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", r"\|").replace("\n", " ")


def table(head: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def math_inline(tex: str) -> str:
    return rf"\({tex}\)" if tex else ""


def math_block(tex: str) -> str:
    return "\n$$\n" + tex + "\n$$\n"


def lesson_link(lesson) -> str:
    return f"{PLAYGROUND_URL}?{urlstate.lesson_search(lesson.id)}"


def image(name: str, alt: str, depth: int = 1) -> str:
    """An image of docs/img, when the screenshot script has made it (`tools/screenshots.py`)."""
    if not (IMAGES / name).exists():
        return ""
    return f"![{alt}]({'../' * depth}img/{name})\n"


# ---- pages --------------------------------------------------------------------------------------
def page_index() -> str:
    return f"""# Reference

Every page in this section is generated from the code when the site is built, so it says what
the installed version does: add an optimizer to the registry, a surface to the catalogue or a
setting to the schema, and it appears here.

| page | read from |
|---|---|
| [URL parameters](url.md) | the settings schema of the page |
| [Command line](cli.md) | the `loss-playground` parser, each subcommand's own help |
| [Optimizers](optimizers.md) | the optimizer registry ({len(OPTIMIZERS)} optimizers) |
| [Surfaces](surfaces.md) | the surface catalogue ({len(FAMILIES)} surfaces) |
| [Schedules](schedules.md) | the schedule registry ({len(SCHEDULES)} schedules) |
| [Lessons](lessons.md) | the lessons ({len(LESSONS)}) |
| [Statuses and keys](statuses.md) | the browser contract |
| [Caps and limits](limits.md) | the modules that enforce them |
| [Environment variables](environment.md) | every variable the package reads |
"""


def page_url() -> str:
    lines = [
        "# URL parameters\n",
        "The page's address holds its settings: a link reproduces the race exactly. Each parameter "
        "below is one entry of the page's settings schema; a value out of range is clamped or "
        "replaced by its default, with a note beside its control. Parameters not written in a link "
        "take their defaults.\n",
    ]
    rows = []
    for f in settings.FIELDS:
        if not f.url:
            continue
        key = f.url
        if f.kind.name == "params":
            key = f"{f.url}<name>"
        elif f.kind.name == "lr":
            key = f"{f.url}<racer>"
        elif f.kind.name == "hyper":
            key = "<racer>.<name>"
        if f.kind.name in ("name", "page") and f.choices:
            allowed = ", ".join(f"`{c}`" for c in f.choices)
        elif f.kind.name in ("number", "int", "lr") and (math.isfinite(f.low) or math.isfinite(f.high)):
            allowed = f"{num(f.low)} … {num(f.high)}" + (" (integer)" if f.kind.name == "int" else "")
        else:
            allowed = ""
        default = f.default
        if isinstance(default, tuple):
            default = ",".join(default)
        rows.append([f"`{key}`", f.label or f.name, _URL_MEANING.get(f.kind.name, ""), allowed,
                     num(default) if default not in (None, "") else "", "yes" if f.always else ""])  # fmt: skip
    lines.append(
        table(["parameter", "setting", "what it holds", "allowed", "default", "always written"], rows)
    )
    within = [f for f in settings.FIELDS if f.within]
    for f in within:
        parent = settings.BY_NAME[f.within]
        lines.append(
            f"\n`{parent.url}{f.name}` — the {f.label} travels inside the {parent.name.replace('_', ' ')}: "
            f"one of {', '.join(f'`{c}`' for c in f.choices)} (default `{f.default}`).\n"
        )
    lines.append(
        f"""
## Racers

`opt` lists the racers, comma-separated, in order; an optimizer may race up to three times,
its copies written `adam{values.COPY}2`, `adam{values.COPY}3`. A racer's key names its own
settings: `lr.adam=0.05` is its learning rate, `adam.beta1=0.8` one of its hyperparameters (the
names are PyTorch's, see [Optimizers](optimizers.md)). A racer without `lr.` gets the best rate of a
short sweep on the chosen surface (see [Caps and limits](limits.md), "Default learning rate"). A
hyperparameter a link leaves out takes its page start: PyTorch's default, but where the "page start"
column of [Optimizers](optimizers.md) says otherwise ({_page_starts()}).

## Surface, schedule and pages

`p.<name>` sets a surface parameter (see [Surfaces](surfaces.md)), `s.<name>` a schedule
parameter (see [Schedules](schedules.md)). `lesson=<id>` opens a lesson's text beside the race
(see [Lessons](lessons.md)); alone, with no setting, it opens the lesson with its own settings; `view=` picks the page's view: {", ".join(f"`{v}`" for v in view_ids())}.

Example, the first lesson:

```
{PLAYGROUND_URL}?{LESSONS[0].query}
```
"""
    )
    return "\n".join(lines)


_URL_MEANING = {
    "name": "one name",
    "params": "a family of named numbers",
    "text": "text",
    "racers": "racer keys, comma-separated",
    "lr": "a racer's learning rate",
    "hyper": "a racer's hyperparameter",
    "number": "a number (empty: none)",
    "int": "an integer",
    "point": "two numbers, `x,y`",
    "lesson": "a lesson's id",
    "page": "the view shown",
}


@contextmanager
def _help_width() -> Iterator[None]:
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_WIDTH
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def page_cli() -> str:
    parser = build_parser()
    with _help_width():
        top = parser.format_help()
        subs = {name: p.format_help() for name, p in subcommands(parser).items()}
    lines = [
        "# Command line\n",
        "`loss-playground` (or `python -m playground`) runs the playground's engine without a browser "
        "and serves the page. Bad input exits with code 2 and one line that names the valid choices. "
        "Below is each command's own `--help`.\n",
        "```text\n" + top.rstrip() + "\n```\n",
    ]
    for name, text in subs.items():
        lines += [f"## `{name}`\n", "```text\n" + text.rstrip() + "\n```\n"]
    return "\n".join(lines)


def _hyper_rows(hypers) -> list[list[object]]:
    return [[f"`{h.name}`", math_inline(h.symbol), num(h.default), h.rule(), h.help] for h in hypers]


def _page_start(o) -> str:
    """What a racer on the page starts with where it is not the default (``lr=0.5, max_iter=1``)."""
    return ", ".join(f"`{k}={num(v)}`" for k, v in o.page_start.items())


def _page_starts() -> str:
    """The page starts that change more than the learning rate, e.g. L-BFGS's ``max_iter=1``."""
    return "; ".join(
        f"{o.title}: {_page_start(o)}" for o in OPTIMIZERS.values() if set(o.page_start) - {"lr"}
    )


def page_optimizers() -> str:
    lines = [
        "# Optimizers\n",
        f"{len(OPTIMIZERS)} optimizers, each one record in the registry. The hyperparameters keep "
        "PyTorch's names and defaults; the update rule below is printed from the same chain of blocks "
        "the engine runs (the page shows the same formula), with every hyperparameter at its default. "
        'A racer on the page starts from these defaults but for the values under "page start"; '
        "its learning rate, when none is given, is the best of a short sweep (see [URL parameters](url.md)), "
        "the page start's where the sweep gives none and in the page's first race. The command line "
        "starts from the defaults. "
        "A step's cost counts against the work a request may do (see [Caps and limits](limits.md)).\n",
    ]
    lines.append(table(["optimizer", "key", "default lr", "page start", "cost per step (at the page start)", "checked against"],
                       [[f"[{o.title}](#{o.name})", f"`{o.name}`", num(o.resolve()["lr"]), _page_start(o),
                         f"{o.step_cost(o.resolve())} ({o.step_cost(o.on_page)})",
                         REFERENCES.get(o.name, "**undocumented**")]
                        for o in OPTIMIZERS.values()]))  # fmt: skip
    for o in OPTIMIZERS.values():
        hp = o.resolve()
        lines += [f"\n## {o.title} {{#{o.name}}}\n", f"Key `{o.name}`. {o.summary}\n"]
        if o.page_start:
            lines.append(f"Page start: {_page_start(o)}.\n")
        lines.append(
            table(["hyperparameter", "symbol", "default", "allowed", "meaning"], _hyper_rows(o.hypers))
        )
        lines.append("\nUpdate rule at the defaults:\n" + math_block(o.latex(hp)))
        for h in o.hypers:
            if h.kind == "choice":
                for choice in h.choices:
                    if choice != h.default:
                        lines.append(
                            f"\nWith `{h.name}={choice}`:\n"
                            + math_block(o.latex(o.resolve(hyper={h.name: choice})))
                        )
        torch = o.torch_class(hp)
        if torch:
            lines.append(f"\nIn PyTorch, at these defaults:\n\n```python\n{torch}\n```\n")
        else:
            lines.append(
                "\nNo `torch.optim` class follows this convention: an exported script writes the rule's steps out in torch.\n"
            )
        lines.append(f"\nChecked against: {REFERENCES.get(o.name, '**undocumented**')}.\n")
        extras = [w for w, flag in (("needs the Hessian", o.second_order), ("evaluates the surface in a line search", o.closure),
                                    ("mixes the two coordinates", o.coupled), ("noisy gradient by default", o.default_noise)) if flag]  # fmt: skip
        if extras:
            lines.append("Notes: " + "; ".join(extras) + ".\n")
    return "\n".join(lines)


MAX_POINTS = 12  # critical points listed per surface (Rastrigin has hundreds)
_KINDS = {"global_min": "global minimum", "local_min": "local minimum", "saddle": "saddle", "max": "maximum"}


def page_surfaces() -> str:
    lines = [
        "# Surfaces\n",
        f"{len(FAMILIES)} surfaces. Each is defined once with its exact gradient and Hessian; its critical "
        "points are found near hand-written (or, for your own formula, grid) seeds and polished by "
        "Newton's method on the exact derivatives. Every surface can be turned by an angle φ "
        "(`p.rotation`). The facts below are at the default parameters.\n",
    ]
    lines.append(table(["surface", "key", "f*", "minima", "saddles"],
                       [[f"[{fam.title}](#{fam.name})", f"`{fam.name}`", num(s.fglob) if s.fglob is not None else "unbounded below",
                         len(s.minima), len(s.saddles)] for fam, s in ((f, get_surface(f.name)) for f in FAMILIES.values())]))  # fmt: skip
    for fam in FAMILIES.values():
        s = get_surface(fam.name)
        (x0, x1), (y0, y1) = s.domain
        lines += [
            f"\n## {fam.title} {{#{fam.name}}}\n",
            f"Key `{fam.name}`.\n",
            math_block(s.latex),
            f"\n{s.note}\n",
        ]
        formula = getattr(s, "formula", None)
        if formula:
            lines.append(f"\nThe default formula, as typed: `{formula}`\n")
        lines.append(
            f"\nDomain \\([{num(x0)}, {num(x1)}] \\times [{num(y0)}, {num(y1)}]\\), default start "
            f"({num(s.start[0])}, {num(s.start[1])}), heights drawn on a {'log' if s.log_z else 'linear'} scale"
            + (f", the mean over {s.n_samples} samples (real mini-batches)" if s.n_samples else "")
            + ".\n"
        )
        if s.critical_points:
            shown = s.critical_points[:MAX_POINTS]
            rows = [[_KINDS[c.kind], f"{c.x:.6g}", f"{c.y:.6g}", f"{c.value:.6g}"] for c in shown]
            lines.append("\n" + table(["critical point", "x", "y", "f"], rows))
            if len(s.critical_points) > MAX_POINTS:
                counts = ", ".join(f"{sum(c.kind == k for c in s.critical_points)} {w}s" for k, w in _KINDS.items()
                                   if any(c.kind == k for c in s.critical_points))  # fmt: skip
                lines.append(
                    f"\nThe first {MAX_POINTS} of {len(s.critical_points)} critical points ({counts}), lowest first.\n"
                )
        lines.append("\n" + table(["parameter", "default", "range", "meaning"],
                                  [[f"`{p.name}`", num(p.default), f"[{num(p.low)}, {num(p.high)}]", p.description] for p in fam.params]))  # fmt: skip
    return "\n".join(lines)


def page_schedules() -> str:
    lines = [
        "# Schedules\n",
        "A schedule gives the learning rate of every step, \\(\\eta_t\\), from the racer's own rate "
        "\\(\\eta\\). Each gives the values its `torch.optim.lr_scheduler` equivalent reports when "
        "`scheduler.step()` is called once per optimizer step (the tests compare them).\n",
    ]
    steps = settings.BY_NAME["steps"].default
    for s in SCHEDULES.values():
        _, params = resolve_schedule(s.name, {}, steps)
        torch = torch_scheduler(s.name, params)
        lines += [
            f"\n## {s.title} {{#{s.name}}}\n",
            f"Key `{s.name}` (`schedule={s.name}`).\n",
            math_block(s.latex),
        ]
        if s.hypers:
            lines.append("\n" + table(["parameter", "default", "allowed", "meaning"],
                                      [[f"`s.{h.name}`", num(h.default), h.rule(), h.help] for h in s.hypers]))  # fmt: skip
        lines.append(
            f"\nIn PyTorch, at the defaults and {steps} steps:\n\n```python\n{torch}\n```\n"
            if torch
            else "\nIn PyTorch: no scheduler.\n"
        )
    return "\n".join(lines)


def page_lessons() -> str:
    lines = [
        "# Lessons\n",
        f"{len(LESSONS)} guided lessons. Each opens a race set up to show one idea, with its text and a "
        "chart of the quantity the text is about beside the race. Choose one from **Guided lessons…** "
        f"in the page's header, or open its link (here pointing at `{PLAYGROUND_URL}`).\n",
    ]
    for lesson in LESSONS:
        link = lesson_link(lesson)
        lines += [
            f"\n## {lesson.title} {{#{lesson.id}}}\n",
            image(f"lessons/{lesson.id}.png", lesson.title),
            f"\n{lesson.text}\n",
            f"\n[Open this lesson]({link}) · id `{lesson.id}`\n",
            f"\n```text\n?{lesson.query}&lesson={lesson.id}\n```\n",
        ]
    return "\n".join(lines)


def page_statuses() -> str:
    example = {"at": "k", "last": "k", "which": "global minimum (1, 1)", "where": "(x, y)",
               "why": "its own tolerance, tolerance_change = 1e-09"}  # fmt: skip
    words = [*core_outcome.WORDING.items(), (contract.IN_PROGRESS, core_outcome.PENDING)]
    rows = [[f"`{k}`", w.key, w.text.format(**example), w.tone] for k, w in words]
    marks = [[m[3], m[1]] for m in contract.CRITICAL_MARKS] + [[g, w] for g, w in contract.END_MARKS]
    keys = [[f"<kbd>{s.label}</kbd>", s.text] for s in contract.SHORTCUTS]
    return (
        "# Statuses and keys\n\n"
        "## Statuses\n\nEvery run ends with one status; the engine, the results table, the markers, "
        f"the exports and the command line use the same words. The engine decides {len(core_status.STATUSES)} "
        f"({', '.join(f'`{s}`' for s in core_status.STATUSES)}); the page tells a few more cases apart "
        "while playing.\n\n"
        + table(["status", "chip", "the table says", "tone"], rows)
        + "\n## Marks on the map\n\n"
        + table(["mark", "means"], marks)
        + "\n## Keys\n\nThe same list opens with <kbd>?</kbd> on the page.\n\n"
        + table(["key", "does"], keys)
    )


def page_limits() -> str:
    lines = [
        "# Caps and limits\n",
        "Limits are sizes, not timers: a link gives the same run at any load. A value beyond a cap is "
        "clamped or cut, and a note beside its control says so.\n",
    ]
    group = None
    rows: list[list[object]] = []
    for where, module, name, what in CAPS:
        if where != group:
            if rows:
                lines.append(table(["limit", "value", "in the code"], rows))
            lines.append(f"\n## {where}\n")
            group, rows = where, []
        value = getattr(module, name)
        rows.append([what, num(value), f"`{module.__name__}.{name}`"])
    lines.append(table(["limit", "value", "in the code"], rows))
    base = LiveLimits()
    lines.append("\n## Live lectures\n")
    lines.append(table(["limit", "default", "in the code"],
                       [[w, num(getattr(base, k)), f"`Limits.{k}`"] for k, w in LIVE_CAPS.items()]))  # fmt: skip
    lines.append(f"\nOne step of an optimizer costs its units (see [Optimizers](optimizers.md)); "
                 f"stop rule: a run has left the region beyond {num(core_status.FAR)} domain widths.\n")  # fmt: skip
    return "\n".join(lines)


def environment_variables() -> dict[str, list[tuple[str, str]]]:
    """Every environment variable the package reads: ``name -> [(module, default), ...]``.

    Found in the syntax trees: ``os.environ.get("X", d)``, ``os.environ["X"]`` and
    ``env.get("X", d)`` on a mapping named ``env``.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
        for node in ast.walk(tree):
            name = default = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
            ):
                owner = ast.unparse(node.func.value)
                if (
                    (owner in ("os.environ", "env", "environ"))
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    name = node.args[0].value
                    default = ast.unparse(node.args[1]) if len(node.args) > 1 else ""
            elif (
                isinstance(node, ast.Subscript)
                and ast.unparse(node.value) == "os.environ"
                and isinstance(node.slice, ast.Constant)
            ):
                name, default = node.slice.value, "(required)"
            if isinstance(name, str) and name.isupper():
                found.setdefault(name, []).append((module, default or ""))
    return found


def page_environment() -> str:
    found = environment_variables()
    rows = []
    for name in sorted(found, key=lambda n: (list(ENVIRONMENT).index(n) if n in ENVIRONMENT else 99, n)):
        defaults = sorted({d for _, d in found[name] if d})
        modules = sorted({m for m, _ in found[name]})
        rows.append([f"`{name}`", ENVIRONMENT.get(name, "**undocumented**"), ", ".join(f"`{d}`" for d in defaults),
                     ", ".join(f"`{m}`" for m in modules)])  # fmt: skip
    return (
        "# Environment variables\n\n"
        "Everything a deployment sets, found in the package's code (every `os.environ` read). "
        "`loss-playground serve` passes the server ones to gunicorn; its options override them.\n\n"
        + table(["variable", "what it does", "default", "read in"], rows)
        + "\nSee [Deploying](../guide/deploying.md) for one machine, Docker and several replicas.\n"
    )


PAGES: dict[str, Callable[[], str]] = {
    "reference/index.md": page_index,
    "reference/url.md": page_url,
    "reference/cli.md": page_cli,
    "reference/optimizers.md": page_optimizers,
    "reference/surfaces.md": page_surfaces,
    "reference/schedules.md": page_schedules,
    "reference/lessons.md": page_lessons,
    "reference/statuses.md": page_statuses,
    "reference/limits.md": page_limits,
    "reference/environment.md": page_environment,
}
MATHJAX_OUT = "javascripts/dash-mathjax.js"


def generate(write_text: Callable[[str, str], None], copy_file: Callable[[Path, str], None]) -> None:
    for path, make in PAGES.items():
        write_text(path, make())
    copy_file(MATHJAX, MATHJAX_OUT)


def _with_mkdocs() -> None:
    import mkdocs_gen_files

    global PLAYGROUND_URL
    PLAYGROUND_URL = mkdocs_gen_files.config.extra.get("playground_url", PLAYGROUND_URL)

    def write_text(path: str, text: str) -> None:
        with mkdocs_gen_files.open(path, "w") as f:
            f.write(text)

    def copy_file(src: Path, dest: str) -> None:
        with mkdocs_gen_files.open(dest, "wb") as f:
            f.write(src.read_bytes())

    generate(write_text, copy_file)


def _to_folder(out: Path) -> None:
    def write_text(path: str, text: str) -> None:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")

    def copy_file(src: Path, dest: str) -> None:
        (out / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out / dest)

    generate(write_text, copy_file)


if __name__ == "__main__":
    _to_folder(Path(sys.argv[1]))
elif __name__ == "<run_path>":  # mkdocs-gen-files runs the script with runpy.run_path
    _with_mkdocs()
