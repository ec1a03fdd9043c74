"""Reading one value a browser sent: numbers, names and hyperparameters, never raising.

A value of the wrong content falls back to a default (or is clamped) and says so in
`Messages`, under the control it came from. The kinds of settings (kinds.py) and the
validation of a whole configuration (validate.py) are built from these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from playground.batch.fair import fair_lr
from playground.core.hyper import ConfigError, Hyper
from playground.core.optimizers import OPTIMIZERS
from playground.core.surfaces import Surface, SurfaceError, custom, get_surface

from .limits import LR_RANGE

MAX_TEXT = 64
COPY = "~"  # a second copy of an optimizer races as "adam~2"


def base_name(key: str) -> str:
    """The optimizer of a racer's key ("adam~2" -> "adam")."""
    return key.split(COPY, 1)[0]


def num(v: float) -> str:
    """Shortest text that reads back as exactly the same float (links reproduce runs bit for bit)."""
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def as_text(value: object) -> str:
    """Exact text of a setting: floats shortest round-trip, booleans lower case."""
    if isinstance(value, bool):
        return str(value).lower()
    return num(value) if isinstance(value, float) else str(value)


@dataclass
class Messages:
    items: list[tuple[str, str]] = field(default_factory=list)
    # a refused text's place: control -> (the text as typed, index where reading stopped)
    marks: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, control: str, text: str, mark: tuple[str, int] | None = None) -> None:
        self.items.append((control, text))
        if mark is not None:
            self.marks[control] = mark

    def for_control(self, control: str) -> list[str]:
        return [t for c, t in self.items if c == control]


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."


def as_name(
    value: object, choices: Iterable[str], default: str, control: str, msgs: Messages, what: str
) -> str:
    if isinstance(value, str) and len(value) <= MAX_TEXT and value in choices:
        return value
    if value not in (None, ""):
        msgs.add(control, f"unknown {what} {short(value)}; using {default}")
    return default


def parsed(value: object) -> float | None:
    """The number a box holds: a number, or text that reads as one; None for anything else (NaN too)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and len(value) <= MAX_TEXT:
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return None if math.isnan(number) else number


def junk(value: object) -> bool:
    """A value typed into a number box that is no finite number at all (empty boxes mean "default")."""
    if value is None or value == "" or isinstance(value, bool):
        return False
    number = parsed(value)
    return number is None or not math.isfinite(number)


def as_number(
    value: object,
    default: float | None,
    low: float,
    high: float,
    control: str,
    msgs: Messages,
    label: str,
    integer: bool = False,
) -> float | None:
    """A finite number clamped to ``[low, high]``; text is parsed; junk gives ``default``."""
    if value is None or value == "":
        return default
    number = parsed(value)
    if number is None:
        using = "the default" if default is None else f"{default:g}"
        msgs.add(control, f"{label} must be a number, got {short(value)}; using {using}")
        return default
    if integer and math.isfinite(number):
        number = float(round(number))
    if number < low or number > high:
        clamped = min(max(number, low), high)
        msgs.add(
            control, f"{label} must be in [{low:g}, {high:g}]; {short(value)} was clamped to {clamped:g}"
        )
        number = clamped
    return int(number) if integer else number


_SPEC_DEFAULT = object()


def coerce_hyper(
    spec: Hyper, owner: str, value: object, control: str, msgs: Messages, default: Any = _SPEC_DEFAULT
) -> Any:
    """``value`` checked against ``spec``; none or junk gives ``default`` (the spec's own unless
    given: a racer's page start), junk with a note under ``control``."""
    default = spec.default if default is _SPEC_DEFAULT else default
    if value is None or value == "" or (isinstance(value, (list, dict))):
        if isinstance(value, (list, dict)):
            msgs.add(control, f"{owner}: {spec.name} has the wrong type; using {default}")
        return default
    try:
        return spec.coerce(owner, value)
    except ConfigError as e:
        msgs.add(control, f"{e}; using {default}")
        return default


@dataclass(frozen=True)
class Racer:
    optimizer: str
    lr: float
    hyper: tuple[tuple[str, Any], ...]  # resolved, without lr; hashable for caching


LR_NOTE = "lr:"  # a racer's learning-rate notes file under "lr:<racer key>": shown under its own box


def lr_control(raw: dict, index: int) -> str:
    """Where a racer's learning-rate notes are filed: under its key, else (no key: a JSON
    configuration) under the racer."""
    key = raw.get("key")
    return LR_NOTE + key if isinstance(key, str) else f"racer-{index}"


def racer_lr(given: object, surface: str, name: str, control: str, msgs: Messages) -> float:
    """A racer's learning rate: the one given, or for none the fair one on its surface
    (playground.fair), the same whichever way the racer came (dropdown, link, lesson)."""
    opt = OPTIMIZERS[name]
    fallback = fair_lr(surface, name) if given is None or given == "" else opt.lr_for_page
    return as_number(given, fallback, *LR_RANGE, control, msgs, f"{opt.title}: learning rate")  # type: ignore[return-value]


def racer(raw: object, index: int, msgs: Messages, surface: str) -> Racer | None:
    control = f"racer-{index}"
    if not isinstance(raw, dict):
        msgs.add(control, "racer settings must be an object; dropped")
        return None
    name = raw.get("optimizer")
    if not (isinstance(name, str) and name in OPTIMIZERS):
        msgs.add(control, f"unknown optimizer {short(name)}; dropped")
        return None
    opt = OPTIMIZERS[name]
    specs = {h.name: h for h in opt.hypers}
    lr = racer_lr(raw.get("lr"), surface, name, lr_control(raw, index), msgs)
    given = raw.get("hyper")
    given = given if isinstance(given, dict) else {}
    start = opt.on_page  # what a setting left out is, whichever way the racer came (box, link, lesson)
    hyper = []
    for h in opt.hypers:
        if h.name == "lr":
            continue
        hyper.append((h.name, coerce_hyper(h, opt.title, given.get(h.name), control, msgs, start[h.name])))
    unknown = [k for k in given if k not in specs][:3]
    for k in unknown:
        msgs.add(control, f"{opt.title}: unknown setting {short(k)} ignored")
    return Racer(name, float(lr), tuple(hyper))


def surface_of(cfg: Any) -> Surface:
    """The configuration's surface; its family's default one where a custom domain is refused
    (the formula field reports why)."""
    try:
        return get_surface(cfg.surface, **surface_kwargs(cfg))
    except SurfaceError:
        return get_surface(cfg.surface)


def surface_kwargs(cfg: Any) -> dict:
    """What `surfaces.get_surface` needs of a configuration besides the name: the parameters,
    and the formula for the custom surface."""
    if cfg.surface == custom.NAME:
        return {"formula": cfg.formula, **cfg.surface_params}
    return dict(cfg.surface_params)
