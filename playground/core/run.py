"""What a run is: its specification, validated once, and how it ended.

`resolve_run` is the one place a run's settings are checked and resolved; it returns a
`RunSpec`, and every loop that runs one (the engine's single-start and NumPy batch loops, the
cells' streamed loop, the compiled loop) reads its settings from that spec and nothing else.
`Outcomes` is how each run of a spec ended, without its path: what a backend that keeps no
history returns, and what `Trajectory.outcomes` derives from a full path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .hyper import ConfigError
from .optimizers import Optimizer, get_optimizer
from .schedules import resolve_schedule
from .status import inside_far
from .surfaces import Surface, SurfaceError, get_surface

MAX_STEPS = 100_000
MAX_BATCH_SIZE = 1_000_000
GTOL = 1e-6  # converged once the gradient norm is at most this...
XTOL = 1e-6  # ...or the point is this close to a global minimum


@dataclass(frozen=True, eq=False)
class RunSpec:
    """A run's settings, validated and resolved: one or many starts that share everything else.

    ``hyper`` holds every hyperparameter of ``optimizer`` (defaults filled in, ``lr`` among
    them) and ``schedule_params`` every parameter of the schedule, both read-only; ``starts``
    is ``(N, 2)`` and read-only, and ``single`` says the caller gave one point ``(2,)`` (the
    output then drops the axis of runs). ``noise`` is the per-sample gradient noise σ (already
    the optimizer's default when none was given); ``gtol``/``xtol`` are the convergence tests
    of `status.is_converged`.
    """

    surface: Surface
    optimizer: Optimizer
    hyper: Mapping[str, Any]
    steps: int
    batch_size: int
    noise: float
    seed: int
    schedule: str
    schedule_params: Mapping[str, Any]
    starts: np.ndarray
    single: bool
    gtol: float = GTOL
    xtol: float = XTOL

    @property
    def lr(self) -> float:
        """The base learning rate (the schedule's starting point)."""
        return float(self.hyper["lr"])

    @property
    def n(self) -> int:
        """How many runs: one per start."""
        return int(self.starts.shape[0])

    @property
    def work(self) -> int:
        """Run-steps the spec asks for (what decides which backend is worth it)."""
        return self.n * self.steps


@dataclass
class Outcomes:
    """How each run ended, without its path (0-d arrays for a single start).

    ``status`` is one of `status.STATUSES`, ``stopped_at`` as in `Trajectory`, ``final_point``
    the last point the run really reached (``(N, 2)``) and ``final_loss`` the loss there;
    ``minimum`` is the index into the surface's ``minima`` of the minimum nearest that point
    and ``minimum_distance`` its distance (-1 and NaN only on a surface without minima),
    whatever the status: `status.nearest_minimum`.
    """

    status: np.ndarray
    stopped_at: np.ndarray
    final_point: np.ndarray
    final_loss: np.ndarray
    minimum: np.ndarray
    minimum_distance: np.ndarray


def _validate_starts(start: ArrayLike, surface: Surface) -> tuple[np.ndarray, bool]:
    try:
        p = np.array(start, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"start must be numbers [x, y], got {start!r}") from None
    single = p.ndim == 1
    if single:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] != 2 or p.shape[0] == 0:
        raise ConfigError(f"start must have shape (2,) or (N, 2), got {np.shape(start)}")
    if not np.isfinite(p).all():
        raise ConfigError("start must be finite numbers")
    if not inside_far(surface, p).all():
        raise ConfigError(f"start lies far outside the {surface.name} domain {surface.domain}")
    p.flags.writeable = False
    return p, single


def _integer(value: object, name: str, low: int, high: int, shown: str) -> int:
    """``value`` as an int in ``[low, high]``, else a `ConfigError` naming the range ``shown``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ConfigError(f"{name} must be an integer in {shown}, got {value!r}")
    return int(value)


def _tolerance(value: object, name: str) -> float:
    """A convergence tolerance: any number but NaN (a negative one turns its test off)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ConfigError(f"{name} must be a number, got {value!r}")
    return float(value)


def resolve_run(
    surface: Surface | str,
    optimizer: Optimizer | str,
    start: ArrayLike | None = None,
    steps: int = 200,
    lr: float | None = None,
    hyper: Mapping[str, object] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, object] | None = None,
    noise: float | None = None,
    batch_size: int = 1,
    seed: int = 0,
    gtol: float = GTOL,
    xtol: float = XTOL,
) -> RunSpec:
    """Validate and resolve a run's settings (`engine.simulate` documents them); `ConfigError` if bad."""
    try:
        surf = get_surface(surface) if isinstance(surface, str) else surface
    except SurfaceError as e:
        raise ConfigError(str(e)) from None
    opt = get_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    hp = opt.resolve(lr, hyper)
    steps = _integer(steps, "steps", 0, MAX_STEPS, f"[0, {MAX_STEPS}]")
    batch_size = _integer(batch_size, "batch_size", 1, MAX_BATCH_SIZE, f"[1, {MAX_BATCH_SIZE}]")
    if noise is None:
        noise = surf.noise_scale if opt.default_noise else 0.0
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise <= 1e6:
        raise ConfigError(f"noise must be a number in [0, 1e6], got {noise!r}")
    seed = _integer(seed, "seed", 0, 2**32 - 1, "[0, 2^32)")
    sched_name, sched_params = resolve_schedule(schedule, schedule_params, steps)
    starts, single = _validate_starts(start if start is not None else surf.start, surf)
    return RunSpec(
        surface=surf,
        optimizer=opt,
        hyper=MappingProxyType(hp),
        steps=steps,
        batch_size=batch_size,
        noise=float(noise),
        seed=seed,
        schedule=sched_name,
        schedule_params=MappingProxyType(sched_params),
        starts=starts,
        single=single,
        gtol=_tolerance(gtol, "gtol"),
        xtol=_tolerance(xtol, "xtol"),
    )
