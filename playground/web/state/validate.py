"""One validation layer for everything a browser sends.

A client can post any JSON for any input, so every value goes through here before it
reaches the engine: wrong types, out-of-range numbers, unknown names and oversized lists
are replaced by defaults (or clamped) and each replacement yields a message for the
control it came from. Nothing here raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.core.cost import step_units
from playground.core.optimizers import OPTIMIZERS

from . import settings
from .limits import MAX_RACERS, MAX_STEPS, MIN_STEPS
from .values import Messages, Racer, junk, lr_control, short, surface_of

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


def _default(name: str) -> Any:
    return settings.BY_NAME[name].default


@dataclass
class Config:
    """A validated configuration: what one run of the race depends on (and the map's frame).
    Its defaults are the schema's (settings.FIELDS)."""

    surface: str = _default("surface")
    surface_params: dict[str, float] = field(default_factory=dict)
    formula: str = _default("formula")  # the custom surface's f(x, y) (unused by the others)
    racers: list[Racer] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # "adam", or "adam~2" for a second Adam
    schedule: str = _default("schedule")
    schedule_params: dict[str, Any] = field(default_factory=dict)
    noise: float | None = _default("noise")
    batch_size: int = _default("batch_size")
    seed: int = _default("seed")
    fan: int = _default("fan")  # seeds per stochastic racer drawn as a fan (0: none)
    start: tuple[float, float] | None = None
    frame: str = _default("frame")  # what the contour map frames (settings.FRAMES); not part of a run
    steps: int = _default("steps")


def keep_last_good(raw: dict[str, Any], last: dict[str, Any], msgs: Messages) -> dict[str, Any]:
    """``raw`` where each number box holding no number takes the value of the last good run
    (``last``: the raw configuration of its link), said beside the box; the box stays red."""
    out = dict(raw)
    for f in settings.fields(settings.RUN):
        if f.kind.numeric and junk(raw.get(f.name)) and last.get(f.name) is not None:
            out[f.name] = last[f.name]
            msgs.add(f.controls[0], f"{f.label} must be a number, got {short(raw[f.name])}; "
                                    f"kept {last[f.name]}, the last good value")  # fmt: skip
    before = {r.get("key"): r.get("lr") for r in last.get("racers") or [] if isinstance(r, dict)}
    racers = raw.get("racers")
    if isinstance(racers, list):
        out["racers"] = [_keep_lr(r, i, before, msgs) for i, r in enumerate(racers)]
    return out


def _keep_lr(r: object, index: int, before: dict, msgs: Messages) -> object:
    if not isinstance(r, dict) or not junk(r.get("lr")) or before.get(r.get("key")) is None:
        return r
    title = OPTIMIZERS[r["optimizer"]].title if r.get("optimizer") in OPTIMIZERS else "this racer"
    msgs.add(lr_control(r, index), f"{title}: learning rate must be a number, got {short(r['lr'])}; "
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
        f.kind.read(f, raw, cfg, msgs)
        if f.name == "steps":  # the budget needs the racers, the schedule and the steps
            _fit_budget(cfg, msgs)
            _fit_fan(cfg, msgs)
    return cfg, msgs


def work_per_step(cfg: Config) -> int:
    """Step units one step of every racer costs on the surface (see WORK_BUDGET)."""
    extra = COST_PLATEAU if cfg.schedule == "plateau" else 0
    gradient = surface_of(cfg).cost.run
    return sum(
        step_units(OPTIMIZERS[r.optimizer].step_cost(dict(r.hyper)) + extra, gradient) for r in cfg.racers
    )


def _costly(cfg: Config) -> list[str]:
    """What the racers cost per step, for the message that cuts the steps."""
    costs = {
        OPTIMIZERS[r.optimizer].title: OPTIMIZERS[r.optimizer].step_cost(dict(r.hyper)) for r in cfg.racers
    }
    out = [f"{title} counts {cost}x" for title, cost in costs.items() if cost > 1]
    surface = surface_of(cfg)
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
