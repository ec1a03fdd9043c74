r"""Learning-rate schedules: plain functions ``step -> lr``, with PyTorch's values.

``step`` counts optimizer steps from 0: ``fn(t)`` is the learning rate used by step
``t + 1``, the value ``scheduler.get_last_lr()`` reports before that step when
``scheduler.step()`` is called once per optimizer step. ``warmup`` composes with any
other step schedule. ``plateau`` reacts to the loss, so it is a small vectorised state
record (one learning rate per run) instead of a function of the step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .hyper import ConfigError, Hyper, resolve
from .ops import maximum, where

Schedule = Callable[[int], float]


def constant(lr0: float) -> Schedule:
    return lambda t: lr0


def step_decay(lr0: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """StepLR: ``lr0 * gamma ** (t // step_size)``."""
    return lambda t: lr0 * gamma ** (t // step_size)


def exponential(lr0: float, gamma: float) -> Schedule:
    """ExponentialLR: ``lr0 * gamma ** t``."""
    return lambda t: lr0 * gamma**t


def inverse_time(lr0: float, decay: float) -> Schedule:
    """``lr0 / (1 + decay t)`` (a LambdaLR in PyTorch)."""
    return lambda t: lr0 / (1 + decay * t)


def cosine(lr0: float, t_max: int, eta_min: float = 0.0) -> Schedule:
    """CosineAnnealingLR's closed form (it continues periodically past ``t_max``)."""
    return lambda t: eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2


def cosine_restarts(lr0: float, t_0: int, t_mult: int = 1, eta_min: float = 0.0) -> Schedule:
    """CosineAnnealingWarmRestarts (SGDR): restart every ``t_0``, ``t_0 t_mult``, ... steps."""

    def fn(t: int) -> float:
        t_i, t_cur = t_0, t
        while t_cur >= t_i:  # integer arithmetic, as the scheduler counts
            t_cur -= t_i
            t_i *= t_mult
        return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2

    return fn


def warmup(after: Schedule, warmup_steps: int, start_factor: float = 1 / 3) -> Schedule:
    """LinearLR from ``start_factor * lr0`` up to ``lr0`` over ``warmup_steps``, then ``after``.

    Same as ``SequentialLR([LinearLR(start_factor, total_iters=warmup_steps), after],
    milestones=[warmup_steps])``; ``after`` starts from its own step 0.
    """
    lr0 = after(0)

    def fn(t: int) -> float:
        if t < warmup_steps:
            return lr0 * (start_factor + (1 - start_factor) * t / warmup_steps)
        return after(t - warmup_steps)

    return fn


class PlateauState(NamedTuple):
    lr: np.ndarray
    best: np.ndarray
    num_bad: np.ndarray
    cooldown_counter: np.ndarray


@dataclass(frozen=True)
class Plateau:
    """ReduceLROnPlateau (mode ``min``, relative threshold), one learning rate per run."""

    lr0: float
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    min_lr: float = 0.0
    cooldown: int = 0
    eps: float = 1e-8

    def init(self, n: int) -> PlateauState:
        z = np.zeros(n, dtype=np.int64)
        return PlateauState(np.full(n, self.lr0), np.full(n, np.inf), z, z)

    def init_one(self) -> PlateauState:
        """The state of a single run in plain floats and ints (the engine's fast path)."""
        return PlateauState(float(self.lr0), math.inf, 0, 0)  # type: ignore[arg-type]

    def update(self, s: PlateauState, loss: Any) -> PlateauState:
        """One step; arrays of runs or, for a single run, floats give the same results."""
        with np.errstate(invalid="ignore", over="ignore"):
            better = loss < s.best * (1.0 - self.threshold)
        best = where(better, loss, s.best)
        num_bad = where(better, 0, s.num_bad + 1)
        cooling = s.cooldown_counter > 0
        counter = where(cooling, s.cooldown_counter - 1, s.cooldown_counter)
        num_bad = where(cooling, 0, num_bad)
        reduce = num_bad > self.patience
        new_lr = maximum(s.lr * self.factor, self.min_lr)
        lr = where(reduce & (s.lr - new_lr > self.eps), new_lr, s.lr)
        counter = where(reduce, self.cooldown, counter)
        num_bad = where(reduce, 0, num_bad)
        return PlateauState(lr, best, num_bad, counter)


# -- registry -------------------------------------------------------------------------------

_ETA_MIN = Hyper("eta_min", 0.0, low=0.0, high=1e6, help="lowest learning rate")
_STEPS = Hyper("t_max", None, "int", low=1, high=1_000_000, help="half period (default: the run's steps)")


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    title: str
    hypers: tuple[Hyper, ...]
    build: Callable[..., Any] = field(repr=False)
    latex: str = ""
    # the torch.optim.lr_scheduler equivalent on an optimizer ``opt``, formatted with the
    # resolved parameters (Python literals); empty for the constant schedule
    torch: str = ""


SCHEDULES: dict[str, ScheduleSpec] = {
    s.name: s
    for s in (
        ScheduleSpec("constant", "Constant", (), constant, r"\eta_t = \eta"),
        ScheduleSpec("step", "Step decay", (
            Hyper("step_size", 100, "int", low=1, high=1_000_000, help="steps between decays"),
            Hyper("gamma", 0.1, low=0.0, high=1.0, low_open=True, help="factor at each decay"),
        ), step_decay, r"\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}",
            "torch.optim.lr_scheduler.StepLR(opt, step_size={step_size}, gamma={gamma})"),
        ScheduleSpec("exponential", "Exponential", (
            Hyper("gamma", 0.99, low=0.0, high=1.0, low_open=True, help="factor per step"),
        ), exponential, r"\eta_t = \eta\,\gamma^{t}", "torch.optim.lr_scheduler.ExponentialLR(opt, gamma={gamma})"),
        ScheduleSpec("inverse_time", "Inverse time", (
            Hyper("decay", 0.01, low=0.0, high=1e3, help="decay rate"),
        ), inverse_time, r"\eta_t = \frac{\eta}{1 + d\,t}",
            "torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + {decay} * t))"),
        ScheduleSpec("cosine", "Cosine annealing", (_STEPS, _ETA_MIN), cosine,
                     r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta - \eta_{\min})\left(1 + \cos\frac{\pi t}{T_{\max}}\right)",
                     "torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max={t_max}, eta_min={eta_min})"),
        ScheduleSpec("cosine_restarts", "Cosine with warm restarts", (
            Hyper("t_0", 50, "int", low=1, high=1_000_000, help="length of the first cycle"),
            Hyper("t_mult", 1, "int", low=1, high=10, help="growth of each next cycle"),
            _ETA_MIN,
        ), cosine_restarts,
            r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta - \eta_{\min})\left(1 + \cos\frac{\pi T_{\text{cur}}}{T_i}\right)",
            "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0={t_0}, T_mult={t_mult}, eta_min={eta_min})"),
        ScheduleSpec("warmup", "Linear warmup, then …", (
            Hyper("warmup_steps", 20, "int", low=1, high=1_000_000, help="length of the warmup"),
            Hyper("start_factor", 1 / 3, low=0.0, high=1.0, low_open=True, help="first lr as a fraction"),
            Hyper("then", "constant", "choice",
                  choices=("constant", "step", "exponential", "inverse_time", "cosine", "cosine_restarts"),
                  help="schedule after the warmup"),
        ), warmup, r"\eta_t = \eta\left(f_0 + (1 - f_0)\tfrac{t}{W}\right)\ (t < W),\ \text{then } \eta^{\text{after}}_{t - W}",
            "torch.optim.lr_scheduler.SequentialLR(opt, [torch.optim.lr_scheduler.LinearLR(opt, "
            "start_factor={start_factor}, total_iters={warmup_steps}), {then}], milestones=[{warmup_steps}])"),
        ScheduleSpec("plateau", "Reduce on plateau", (
            Hyper("factor", 0.1, low=0.0, high=1.0, low_open=True, high_open=True, help="factor at each reduction"),
            Hyper("patience", 10, "int", low=0, high=1_000_000, help="steps without improvement allowed"),
            Hyper("threshold", 1e-4, low=0.0, high=1.0, help="relative improvement that counts"),
            Hyper("min_lr", 0.0, low=0.0, high=1e6, help="lowest learning rate"),
            Hyper("cooldown", 0, "int", low=0, high=1_000_000, help="steps to wait after a reduction"),
        ), Plateau, r"\eta \leftarrow \max(\gamma\eta, \eta_{\min}) \text{ after } p \text{ steps without improvement}",
            "torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor={factor}, patience={patience}, "
            "threshold={threshold}, min_lr={min_lr}, cooldown={cooldown}, eps={eps})"),
    )
}  # fmt: skip


def _split(name: str, params: Mapping[str, object]) -> tuple[dict, dict]:
    """Warmup's own parameters and those meant for the schedule after it."""
    spec = SCHEDULES[name]
    own_names = {h.name for h in spec.hypers}
    own = {k: v for k, v in params.items() if k in own_names}
    rest = {k: v for k, v in params.items() if k not in own_names}
    return own, rest


def resolve_schedule(name: str | None, params: Mapping[str, object] | None, steps: int) -> tuple[str, dict]:
    """Validated parameters with defaults (``t_max`` defaults to ``steps``)."""
    name = name or "constant"
    if name not in SCHEDULES:
        raise ConfigError(f"unknown schedule {name!r}; choose one of: {', '.join(SCHEDULES)}")
    params = dict(params or {})
    if name == "warmup":
        own, rest = _split(name, params)
        resolved = resolve(name, SCHEDULES[name].hypers, own)
        _, inner = resolve_schedule(resolved["then"], rest, max(1, steps - resolved["warmup_steps"]))
        return name, {**resolved, **inner}
    resolved = resolve(name, SCHEDULES[name].hypers, params)
    if "t_max" in resolved and resolved["t_max"] is None:
        resolved["t_max"] = max(1, steps)
    return name, resolved


def build_schedule(name: str, lr0: float, params: Mapping[str, Any]) -> Schedule | Plateau:
    """The schedule function (or `Plateau` record) for already-resolved ``params``."""
    spec = SCHEDULES[name]
    if name == "warmup":
        then = params["then"]
        inner = build_schedule(then, lr0, {h.name: params[h.name] for h in SCHEDULES[then].hypers})
        return warmup(inner, params["warmup_steps"], params["start_factor"])  # type: ignore[arg-type]
    return spec.build(lr0, **{h.name: params[h.name] for h in spec.hypers})


def torch_scheduler(name: str, params: Mapping[str, Any]) -> str | None:
    """Source of the ``torch.optim.lr_scheduler`` that gives the same learning rates on an
    optimizer named ``opt`` (``None`` for the constant schedule)."""
    from .optimizers.blocks import lit  # literals that read back exactly

    if name == "constant":
        return None
    if name == "warmup":
        then = params["then"]
        after = torch_scheduler(then, {h.name: params[h.name] for h in SCHEDULES[then].hypers})
        inner = after or "torch.optim.lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=0)"
        own = {k: lit(params[k]) for k in ("start_factor", "warmup_steps")}
        return SCHEDULES[name].torch.format(then=inner, **own)
    values = {h.name: lit(params[h.name]) for h in SCHEDULES[name].hypers}
    if name == "plateau":
        values["eps"] = lit(Plateau.eps)
    return SCHEDULES[name].torch.format(**values)


def schedule_values(name: str, lr0: float, params: Mapping[str, Any], steps: int) -> np.ndarray:
    """Learning rates for steps ``0 .. steps-1`` of a step-based schedule."""
    fn = build_schedule(name, lr0, params)
    if isinstance(fn, Plateau):
        raise ConfigError("plateau: the learning rate depends on the loss; run the engine")
    return np.array([fn(t) for t in range(steps)], dtype=np.float64)
