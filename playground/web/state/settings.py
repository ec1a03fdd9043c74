"""Every setting of the page, declared once (like tensorflow/playground's state.ts).

A `Field` says where a setting lives in the URL, which Dash component holds it, what shape
the browser may send, its range and default, the message box its notes appear in and
whether its text box turns red. The callbacks' Inputs, the raw-config gathering, the
scalar validation, the URL codec, the message tables and the benchmark payloads are all
derived from `FIELDS`. Adding a control = one entry here + its widget in its view's layout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, State

from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES
from playground.core.surfaces.custom import DEFAULT_FORMULA

from ..views import RACE, view_ids
from . import kinds
from .kinds import Kind
from .limits import (
    LR_RANGE,
    MAX_BATCH,
    MAX_FAN,
    MAX_NOISE,
    MAX_SEED,
    MAX_STEPS,
    MIN_STEPS,
)
from .shapes import SCALAR, TEXT, Shape, list_of

DEFAULT_SURFACE = "rosenbrock"
DEFAULT_SCHEDULE = "constant"
DEFAULT_OPTIMIZERS = ("momentum", "rmsprop", "adam")
SCHEDULE_THEN = SCHEDULES["warmup"].hypers[2].choices
LR_PREFIX = "lr."  # a racer's learning rate in a link: lr.<key>=0.01
# what the contour map frames: the whole domain, or the part the paths cover (plots.terrain.paths_window)
FRAMES = {"domain": "whole domain", "paths": "zoomed to the paths"}

Component = str | dict | tuple[str, ...]  # an id, an ALL pattern, or several boxes of one setting


@dataclass(frozen=True)
class Field:
    """One setting. Its ``kind`` (kinds.py) reads, checks and links it: a name (one of
    ``choices``), a number clamped to [low, high], a point, the racers with their learning
    rates and settings, a family of parameters, or page state outside a run (the plots'
    display, the lesson, the view shown).
    """

    name: str  # key in the raw config, the store-url record and benchmark payloads
    component: Component
    kind: Kind
    url: str | None = None  # query key, or a prefix ending in "." for a pattern family
    prop: str = "value"
    default: Any = None
    low: float = -math.inf
    high: float = math.inf
    choices: tuple[str, ...] = ()
    label: str = ""
    box: str | None = None  # the message box under the control
    flagged: bool = False  # the text box turns red while the server replaced what it holds
    always: bool = False  # written into every link, even at its default
    shape: Shape = SCALAR  # what the browser may send (anything else is refused)
    also: tuple[str, ...] = ()  # other message controls that report to the same box
    within: str | None = None  # travels inside another setting (the warmup's ``then``: s.then=cosine)

    @property
    def components(self) -> tuple[str | dict, ...]:
        return self.component if isinstance(self.component, tuple) else (self.component,)

    @property
    def controls(self) -> tuple[str, ...]:
        """Names validate.py files its notes under (a pattern files under its ``type``)."""
        return tuple(c["type"] if isinstance(c, dict) else c for c in self.components) + self.also

    @property
    def pattern(self) -> bool:
        return isinstance(self.component, dict)


def _pattern(type_: str, *keys: str) -> dict:
    return {"type": type_, **{k: ALL for k in keys}}


# the warmup's "then" travels inside the schedule's parameters (s.then=cosine)
THEN = Field("then", "select-schedule-then", kinds.NAME, default=DEFAULT_SCHEDULE, choices=SCHEDULE_THEN,
             label="schedule after warmup", box="msg-schedule", within="schedule_params")  # fmt: skip

FIELDS: tuple[Field, ...] = (
    Field("surface", "select-surface", kinds.NAME, url="surface", default=DEFAULT_SURFACE, choices=tuple(FAMILIES),
          label="surface", box="msg-surface", always=True),
    Field("surface_params", _pattern("input-surface-param", "name"), kinds.SURFACE_PARAMS, url="p.",
          box="msg-surface"),
    # the custom surface's f(x, y): read by surfaces/formula.py, never executed; its notes go
    # under the box itself, with the character where reading stopped marked (race/formula_box.py)
    Field("formula", "input-formula", kinds.FORMULA, url="f", default=DEFAULT_FORMULA, label="formula",
          box="formula-error", flagged=True, shape=TEXT),
    Field("optimizers", "select-optimizers", kinds.Racers(lr=LR_PREFIX), url="opt", default=DEFAULT_OPTIMIZERS,
          box="msg-optimizers", shape=list_of(SCALAR), also=("racer-",)),
    Field("lr", _pattern("input-lr", "opt"), kinds.LEARNING_RATES, url=LR_PREFIX, low=LR_RANGE[0],
          high=LR_RANGE[1], box="msg-optimizers"),
    # a racer's own settings travel as "<racer key>.<name>", e.g. adam.beta1=0.8
    Field("hyper", _pattern("input-hyper", "opt", "name"), kinds.RACER_SETTINGS, url="<key>.",
          box="msg-optimizers"),
    Field("schedule", "select-schedule", kinds.NAME, url="schedule", default=DEFAULT_SCHEDULE,
          choices=tuple(SCHEDULES), label="schedule", box="msg-schedule"),
    THEN,
    Field("schedule_params", _pattern("input-schedule-param", "name"), kinds.ScheduleParams(then=THEN), url="s.",
          box="msg-schedule"),
    Field("noise", "input-noise", kinds.NUMBER, url="noise", default=None, low=0.0, high=MAX_NOISE,
          label="noise σ", box="msg-noise", flagged=True),
    Field("batch_size", "input-batch", kinds.INTEGER, url="batch", default=1, low=1, high=MAX_BATCH,
          label="batch size", box="msg-noise", flagged=True),
    Field("seed", "input-seed", kinds.INTEGER, url="seed", default=0, low=0, high=MAX_SEED, label="seed",
          box="msg-noise", flagged=True),
    # a fan: every stochastic racer again with seeds seed, seed + 1, ..., seed + K - 1 (runs.fans)
    Field("fan", "input-fan", kinds.INTEGER, url="fan", default=0, low=0, high=MAX_FAN, label="fan seeds K",
          box="msg-noise", flagged=True),
    Field("start", ("input-start-x", "input-start-y"), kinds.POINT, url="start", label="start",
          box="msg-start", flagged=True, also=("input-start",)),
    # what the contour map frames: the whole domain, or only the part the paths cover
    Field("frame", "select-frame", kinds.NAME, url="frame", default="domain", choices=tuple(FRAMES),
          label="contour map frame", box="msg-start"),
    Field("steps", "input-steps", kinds.INTEGER, url="steps", default=500, low=MIN_STEPS, high=MAX_STEPS,
          label="steps", box="msg-steps", flagged=True, always=True),
    Field("inspect", "select-inspect", kinds.DISPLAY, default=0),
    Field("log_loss", "switch-log-loss", kinds.DISPLAY, default=True),
    Field("lesson", "select-lesson", kinds.LESSON, url="lesson", shape=TEXT),
    Field("view", "tabs-view", kinds.PAGE, url="view", default=RACE, choices=view_ids(), shape=TEXT),
)  # fmt: skip
BY_NAME = {f.name: f for f in FIELDS}
# what one run depends on: the fields validate.config reads
RUN = tuple(f.name for f in FIELDS if f.kind.run)
LINKED = tuple(f.name for f in FIELDS if f.url and f.kind.linked)
# the controls a link (apply_url) sets directly; the pattern families, and the start
# point (which also follows the surface), rebuild themselves from the link in store-url
FROM_LINK = tuple(f.name for f in FIELDS if isinstance(f.component, str) and f.kind.from_link)


def fields(names: Iterable[str]) -> list[Field]:
    return [BY_NAME[n] for n in names]


def inputs(names: Iterable[str], dep: type = Input) -> list:
    """Dash dependencies (``Input`` or ``State``) of the named settings, in order."""
    return [dep(c, f.prop) for f in fields(names) for c in f.components]


def states(names: Iterable[str]) -> list:
    return inputs(names, State)


def read(names: Iterable[str], specs: list) -> dict[str, Any]:
    """Values of the named settings from ``ctx.inputs_list``/``states_list`` (same order as `inputs`).

    A pattern family gives ``[(id, value), ...]``; a setting with several boxes a tuple.
    The guard (guard.py) has already checked every id and value shape.
    """
    out: dict[str, Any] = {}
    it = iter(specs)
    for f in fields(names):
        got = [next(it) for _ in f.components]
        if f.pattern:
            out[f.name] = [(s["id"], s.get("value")) for s in got[0]]
        elif len(got) > 1:
            out[f.name] = tuple(s.get("value") for s in got)
        else:
            out[f.name] = got[0].get("value")
    return out


def field_of(component: object, prop: str) -> Field | None:
    """The field a Dash dependency belongs to (pattern ids match by their ``type``)."""
    for f in FIELDS:
        for c in f.components:
            same = c == component or (
                isinstance(c, dict) and isinstance(component, dict) and c["type"] == component.get("type")
            )
            if same and f.prop == prop:
                return f
    return None


def message_boxes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(box id, controls)`` for every box, in the order of FIELDS."""
    boxes: dict[str, tuple[str, ...]] = {}
    for f in FIELDS:
        if f.box:
            boxes[f.box] = boxes.get(f.box, ()) + f.controls
    return tuple(boxes.items())


def flagged_inputs() -> tuple[str, ...]:
    return tuple(c for f in FIELDS if f.flagged for c in f.components if isinstance(c, str))
