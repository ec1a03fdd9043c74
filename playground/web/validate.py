"""One validation layer for everything a browser sends.

A client can post any JSON for any input, so every value goes through here before it
reaches the engine: wrong types, out-of-range numbers, unknown names and oversized lists
are replaced by defaults (or clamped) and each replacement yields a message for the
control it came from. Nothing here raises.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from playground.batch.fair import fair_lr
from playground.core.cost import step_units
from playground.core.hyper import ConfigError, Hyper
from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES, SurfaceError, custom, get_surface

from . import settings
from .settings import LR_RANGE, MAX_RACERS, MAX_STEPS, MIN_STEPS, Field

MAX_TEXT = 64
# One request may simulate at most WORK_BUDGET step units (12 racers x 5000 steps). A step
# of an optimizer costs its record's ``cost`` units (Newton, a 2x2 eigen-decomposition per
# step, costs 3) and the plateau schedule adds COST_PLATEAU (a loss evaluation per step),
# measured with benchmarks/server.py; L-BFGS's cost is a bound on its evaluations per step
# for its hyperparameters (Optimizer.step_cost). Each unit pays what one gradient of the
# surface costs (core/cost.py: 1 on the analytic surfaces, more on data and long formulas).
# Fixed costs, not a timer: the same link always gives the same run, on any machine.
WORK_BUDGET = MAX_RACERS * MAX_STEPS
# a seed fan runs its racers again once per seed: at most FAN_BUDGET step units more (a fan of
# 20 seeds of 3 racers over 2000 steps; the largest fans take ~3 s on the shared 2-core VM)
FAN_BUDGET = 2 * WORK_BUDGET
COST_PLATEAU = 1

DEFAULT_RACERS = settings.default_racers()


def num(v: float) -> str:
    """Shortest text that reads back as exactly the same float (links reproduce runs bit for bit)."""
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


@dataclass(frozen=True)
class Racer:
    optimizer: str
    lr: float
    hyper: tuple[tuple[str, Any], ...]  # resolved, without lr; hashable for caching


@dataclass
class Config:
    surface: str = "rosenbrock"
    surface_params: dict[str, float] = field(default_factory=dict)
    formula: str = custom.DEFAULT_FORMULA  # the custom surface's f(x, y) (unused by the others)
    racers: list[Racer] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # "adam", or "adam~2" for a second Adam
    schedule: str = "constant"
    schedule_params: dict[str, Any] = field(default_factory=dict)
    noise: float | None = None
    batch_size: int = 1
    seed: int = 0
    fan: int = 0  # seeds per stochastic racer drawn as a fan (0: none)
    start: tuple[float, float] | None = None
    frame: str = "domain"  # what the contour map frames (figures.FRAMES); not part of a run
    steps: int = 500


@dataclass
class Messages:
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, control: str, text: str) -> None:
        self.items.append((control, text))

    def for_control(self, control: str) -> list[str]:
        return [t for c, t in self.items if c == control]


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."


def as_name(value: object, choices, default: str, control: str, msgs: Messages, what: str) -> str:
    if isinstance(value, str) and len(value) <= MAX_TEXT and value in choices:
        return value
    if value not in (None, ""):
        msgs.add(control, f"unknown {what} {_short(value)}; using {default}")
    return default


def _parsed(value: object) -> float | None:
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
    number = _parsed(value)
    if number is None:
        using = "the default" if default is None else f"{default:g}"
        msgs.add(control, f"{label} must be a number, got {_short(value)}; using {using}")
        return default
    if integer and math.isfinite(number):
        number = float(round(number))
    if number < low or number > high:
        clamped = min(max(number, low), high)
        msgs.add(
            control, f"{label} must be in [{low:g}, {high:g}]; {_short(value)} was clamped to {clamped:g}"
        )
        number = clamped
    return int(number) if integer else number


def coerce_hyper(spec: Hyper, owner: str, value: object, control: str, msgs: Messages) -> Any:
    if value is None or value == "" or (isinstance(value, (list, dict))):
        if isinstance(value, (list, dict)):
            msgs.add(control, f"{owner}: {spec.name} has the wrong type; using {spec.default}")
        return spec.default
    try:
        return spec.coerce(owner, value)
    except ConfigError as e:
        msgs.add(control, f"{e}; using {spec.default}")
        return spec.default


def racer_lr(given: object, surface: str, name: str, control: str, msgs: Messages) -> float:
    """A racer's learning rate: the one given, or for none the fair one on its surface
    (playground.fair), the same whichever way the racer came (dropdown, link, lesson)."""
    opt = OPTIMIZERS[name]
    fallback = fair_lr(surface, name) if given is None or given == "" else opt.lr_for_page
    return as_number(given, fallback, *LR_RANGE, control, msgs, f"{opt.title}: learning rate")


def racer(raw: object, index: int, msgs: Messages, surface: str = "rosenbrock") -> Racer | None:
    control = f"racer-{index}"
    if not isinstance(raw, dict):
        msgs.add(control, "racer settings must be an object; dropped")
        return None
    name = raw.get("optimizer")
    if not (isinstance(name, str) and name in OPTIMIZERS):
        msgs.add(control, f"unknown optimizer {_short(name)}; dropped")
        return None
    opt = OPTIMIZERS[name]
    specs = {h.name: h for h in opt.hypers}
    lr = racer_lr(raw.get("lr"), surface, name, control, msgs)
    given = raw.get("hyper")
    given = given if isinstance(given, dict) else {}
    hyper = []
    for h in opt.hypers:
        if h.name == "lr":
            continue
        hyper.append((h.name, coerce_hyper(h, opt.title, given.get(h.name), control, msgs)))
    unknown = [k for k in given if k not in specs][:3]
    for k in unknown:
        msgs.add(control, f"{opt.title}: unknown setting {_short(k)} ignored")
    return Racer(name, float(lr), tuple(hyper))  # type: ignore[arg-type]


def _name(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    setattr(cfg, f.name, as_name(raw.get(f.name), f.choices, f.default, f.controls[0], msgs, f.label))


def _number(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    value = as_number(
        raw.get(f.name), f.default, f.low, f.high, f.controls[0], msgs, f.label, f.kind == "int"
    )
    setattr(cfg, f.name, value)


def _surface_params(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    fam = FAMILIES[cfg.surface]
    sp = raw.get(f.name) if isinstance(raw.get(f.name), dict) else {}
    for p in fam.params:
        cfg.surface_params[p.name] = as_number(  # type: ignore[assignment]
            sp.get(p.name), p.default, p.low, p.high, f.controls[0], msgs, f"{fam.title}: {p.name}"
        )


def _formula(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    """The custom surface's formula, and its domain (the surface parameters), or the defaults
    with the reason beside the box."""
    if cfg.surface != custom.NAME:
        return
    text = raw.get(f.name) or None  # none: the default formula (its domain is still checked)
    try:
        get_surface(custom.NAME, formula=text, **cfg.surface_params)
        cfg.formula = text or cfg.formula
        return
    except SurfaceError as e:
        reason = str(e)
    try:  # the formula may be fine and the domain not: keep the formula on the default domain
        get_surface(custom.NAME, formula=text)
        cfg.formula = text or cfg.formula
    except SurfaceError:
        msgs.add(f.controls[0], f"formula refused: {reason}; showing {custom.DEFAULT_FORMULA}")
        cfg.surface_params = {**cfg.surface_params, **custom.FAMILY.defaults()}  # the rotation stays
        return
    msgs.add(f.controls[0], f"{reason}; using the default domain")
    cfg.surface_params = {**cfg.surface_params, **custom.FAMILY.defaults()}


def _racers(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    racers = raw.get("racers")
    if not isinstance(racers, list):
        racers = list(DEFAULT_RACERS) if racers is None else []
    if len(racers) > MAX_RACERS:
        msgs.add(f.controls[0], f"at most {MAX_RACERS} optimizers race at once; kept the first {MAX_RACERS}")
        racers = racers[:MAX_RACERS]
    for i, raw_r in enumerate(racers):
        r = racer(raw_r, i, msgs, cfg.surface)
        if r is None:
            continue
        key = raw_r.get("key") if isinstance(raw_r, dict) else None
        if not (isinstance(key, str) and re.fullmatch(re.escape(r.optimizer) + r"(~([2-9]|1[0-2]))?", key)):
            key = r.optimizer
        while key in cfg.keys:  # the same optimizer twice: number the copies
            n = int(key.split("~")[1]) + 1 if "~" in key else 2
            key = f"{r.optimizer}~{n}"
        cfg.racers.append(r)
        cfg.keys.append(key)


def _schedule_params(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    given = raw.get(f.name) if isinstance(raw.get(f.name), dict) else {}
    specs = list(SCHEDULES[cfg.schedule].hypers)
    if cfg.schedule == "warmup":
        then = settings.BY_NAME["then"]
        choice = as_name(given.get("then"), then.choices, then.default, f.controls[0], msgs, then.label)
        specs += [h for h in SCHEDULES[choice].hypers]
    for h in specs:
        value = coerce_hyper(h, SCHEDULES[cfg.schedule].title, given.get(h.name), f.controls[0], msgs)
        if value is not None:
            cfg.schedule_params[h.name] = value


def _start(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    start = raw.get(f.name)
    if isinstance(start, (list, tuple)) and len(start) == 2:
        (x0, x1), (y0, y1) = _domain(cfg)  # the contour map's frame: a start is always in sight
        x = as_number(start[0], None, x0, x1, f.controls[0], msgs, "start x")
        y = as_number(start[1], None, y0, y1, f.controls[1], msgs, "start y")
        cfg.start = (x, y) if x is not None and y is not None else None
    elif start is not None:
        msgs.add(f.also[0], "start must be two numbers; using the surface's start")


def _nothing(f: Field, raw: dict, cfg: Config, msgs: Messages) -> None:
    """lr and hyper are read with their racer."""


_READ = {"name": _name, "number": _number, "int": _number, "racers": _racers, "lr": _nothing,
         "hyper": _nothing, "point": _start, "text": _formula}  # fmt: skip
_PARAMS = {"surface_params": _surface_params, "schedule_params": _schedule_params}


def _junk(value: object) -> bool:
    """A value typed into a number box that is no finite number at all (empty boxes mean "default")."""
    if value is None or value == "" or isinstance(value, bool):
        return False
    number = _parsed(value)
    return number is None or not math.isfinite(number)


def keep_last_good(raw: dict[str, Any], last: dict[str, Any], msgs: Messages) -> dict[str, Any]:
    """``raw`` where each number box holding no number takes the value of the last good run
    (``last``: the raw configuration of its link), said beside the box; the box stays red."""
    out = dict(raw)
    for f in settings.fields(settings.RUN):
        if f.kind in ("number", "int") and _junk(raw.get(f.name)) and last.get(f.name) is not None:
            out[f.name] = last[f.name]
            msgs.add(f.controls[0], f"{f.label} must be a number, got {_short(raw[f.name])}; "
                                    f"kept {last[f.name]}, the last good value")  # fmt: skip
    before = {r.get("key"): r.get("lr") for r in last.get("racers") or [] if isinstance(r, dict)}
    racers = raw.get("racers")
    if isinstance(racers, list):
        out["racers"] = [_keep_lr(r, i, before, msgs) for i, r in enumerate(racers)]
    return out


def _keep_lr(r: object, index: int, before: dict, msgs: Messages) -> object:
    if not isinstance(r, dict) or not _junk(r.get("lr")) or before.get(r.get("key")) is None:
        return r
    title = OPTIMIZERS[r["optimizer"]].title if r.get("optimizer") in OPTIMIZERS else "this racer"
    msgs.add(f"racer-{index}", f"{title}: learning rate must be a number, got {_short(r['lr'])}; "
                               f"kept {before[r['key']]}, the last good value")  # fmt: skip
    return {**r, "lr": before[r["key"]]}


def config(raw: dict[str, Any], msgs: Messages | None = None) -> tuple[Config, Messages]:
    """Build a safe `Config` from whatever the browser sent, setting by setting (settings.FIELDS);
    its notes go after those already in ``msgs``."""
    msgs = msgs if msgs is not None else Messages()
    cfg = Config()
    for f in settings.fields(settings.RUN):
        if f.within:  # read by the setting it travels in
            continue
        (_PARAMS[f.name] if f.kind == "params" else _READ[f.kind])(f, raw, cfg, msgs)
        if f.name == "steps":  # the budget needs the racers, the schedule and the steps
            _fit_budget(cfg, msgs)
            _fit_fan(cfg, msgs)
    return cfg, msgs


def work_per_step(cfg: Config) -> int:
    """Step units one step of every racer costs on the surface (see WORK_BUDGET)."""
    extra = COST_PLATEAU if cfg.schedule == "plateau" else 0
    gradient = _surface(cfg).cost.run
    return sum(
        step_units(OPTIMIZERS[r.optimizer].step_cost(dict(r.hyper)) + extra, gradient) for r in cfg.racers
    )


def _costly(cfg: Config) -> list[str]:
    """What the racers cost per step, for the message that cuts the steps."""
    costs = {
        OPTIMIZERS[r.optimizer].title: OPTIMIZERS[r.optimizer].step_cost(dict(r.hyper)) for r in cfg.racers
    }
    out = [f"{title} counts {cost}x" for title, cost in costs.items() if cost > 1]
    surface = _surface(cfg)
    if surface.cost.run > 1:
        out.append(f"a gradient of {surface.title} counts {surface.cost.run:.1f}x")
    return out or ["a step counts 1"]


def _fit_budget(cfg: Config, msgs: Messages) -> None:
    per_step = work_per_step(cfg)
    if per_step * cfg.steps > WORK_BUDGET:
        fit = max(MIN_STEPS, WORK_BUDGET // per_step)
        msgs.add(
            "input-steps",
            f"{cfg.steps} steps of these racers is more work than one request may do "
            f"({', '.join(_costly(cfg))}, the plateau schedule +{COST_PLATEAU}); ran {fit} steps",
        )
        cfg.steps = fit


def _fit_fan(cfg: Config, msgs: Messages) -> None:
    work = work_per_step(cfg) * cfg.steps
    if cfg.fan * work > FAN_BUDGET:  # the race itself fits WORK_BUDGET: 2 seeds always fit
        fit = FAN_BUDGET // work
        msgs.add(
            settings.BY_NAME["fan"].controls[0],
            f"a fan of {cfg.fan} seeds of these racers over {cfg.steps} steps is more work than one "
            f"request may do; ran {fit} seeds",
        )
        cfg.fan = fit


def surface_kwargs(cfg: Config) -> dict:
    """What `surfaces.get_surface` needs besides the name: the parameters, and the formula
    for the custom surface."""
    if cfg.surface == custom.NAME:
        return {"formula": cfg.formula, **cfg.surface_params}
    return dict(cfg.surface_params)


def _surface(cfg: Config):
    try:
        return get_surface(cfg.surface, **surface_kwargs(cfg))
    except SurfaceError:  # a bad custom domain: the formula field reports it
        return get_surface(cfg.surface)


def _domain(cfg: Config):
    return _surface(cfg).domain
