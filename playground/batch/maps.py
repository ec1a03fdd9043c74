r"""Outcome maps: every start point, every learning rate, every (learning rate, momentum) at once.

Each map is a grid of runs of one racer's settings that differ in one or two things, run by
`cells.run_cells` as one batched computation:

- **basin**: the start point over a grid of the domain; a cell's outcome is the minimum it
  reached, or that it left the region, blew up, stopped elsewhere or was still moving;
- **sweep**: the learning rate over a log grid, each from a few probe starts (or noise seeds
  when the gradient is noisy), scored by the median final loss;
- **phase**: the learning rate × the momentum (β₁ for the Adam family), scored by the steps
  to converge. On a quadratic surface the heavy-ball and Nesterov iterations are linear,
  ``z_{t+1} = M(ηλ, β) z_t`` per Hessian eigenvalue λ, and a run converges exactly where the
  spectral radius of every ``M`` is below 1 (Goh, "Why Momentum Really Works", Distill 2017):
  `spectral_radius` gives it, drawn on top as the stability boundary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from playground.core.optimizers import OPTIMIZERS
from playground.core.run import resolve_run
from playground.core.status import STOPPED_BEFORE
from playground.core.surfaces import Surface

from .cells import Cells, run_cells, start_grid

PROBES = 5  # start points (or noise seeds) per learning rate in a sweep
PROBE_SPREAD = 0.05  # probe starts lie within this share of the domain around the start
MOMENTUM_KEYS = ("momentum", "beta1")  # the hyperparameter a phase diagram varies, first found
HEAVY_BALL = {"momentum": "heavy ball", "nag": "Nesterov"}  # records with an analytic boundary


@dataclass(frozen=True)
class Setup:
    """One racer's settings: what every cell of its maps shares unless the map varies it."""

    surface: Surface
    optimizer: str
    lr: float
    hyper: Mapping[str, Any] = field(default_factory=dict)
    start: tuple[float, float] | None = None
    steps: int = 200
    schedule: str = "constant"
    schedule_params: Mapping[str, Any] = field(default_factory=dict)
    noise: float | None = None
    batch_size: int = 1
    seed: int = 0
    compiled: bool | None = None  # which loop runs the cells (`cells.run_cells`; None: by the work)

    @property
    def origin(self) -> np.ndarray:
        return np.array(self.start if self.start is not None else self.surface.start, dtype=np.float64)

    def cells(self, starts: np.ndarray, lr: Any = None, seeds: Any = None, **hyper: Any) -> Cells:
        """The runs from ``starts`` (one learning rate / seed each, or shared)."""
        return run_cells(
            self.surface, self.optimizer, starts, lr=self.lr if lr is None else lr,
            seeds=self.seed if seeds is None else seeds, steps=self.steps, hyper={**self.hyper, **hyper},
            schedule=self.schedule, schedule_params=self.schedule_params, noise=self.noise,
            batch_size=self.batch_size, compiled=self.compiled,
        )  # fmt: skip

    def with_(self, **changes: Any) -> Setup:
        return replace(self, **changes)


def noisy(s: Setup) -> bool:
    """Whether the gradient is noisy for this racer (then probes vary the seed, not the start):
    the engine's own rule for the noise a run gets."""
    run = resolve_run(
        s.surface, s.optimizer, s.origin, 0, s.lr, s.hyper, noise=s.noise, batch_size=s.batch_size
    )
    return run.noise > 0


# -- basin ------------------------------------------------------------------------------------


def basin(s: Setup, nx: int, ny: int, rows: tuple[int, int] | None = None) -> Cells:
    """The ``nx × ny`` start grid over the domain (centres of its cells, rows of y from the
    bottom), or only the rows ``[a, b)``: a map computed piece by piece."""
    starts = start_grid(s.surface.domain, nx, ny)
    if rows is not None:
        starts = starts[rows[0] * nx : rows[1] * nx]
    return s.cells(starts)


# -- sweep ------------------------------------------------------------------------------------


def probes(s: Setup, k: int = PROBES) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, seeds)`` of the ``k`` probes: the start and ``k - 1`` fixed nearby points, or
    for a noisy gradient the start with ``k`` consecutive seeds from the racer's."""
    o = s.origin
    if noisy(s):
        return np.repeat(o[None], k, 0), s.seed + np.arange(k)
    (x0, x1), (y0, y1) = s.surface.domain
    offsets = np.random.default_rng(0).uniform(-1, 1, (k - 1, 2)) * PROBE_SPREAD * [x1 - x0, y1 - y0]
    pts = np.clip(o + offsets, [x0, y0], [x1, y1])
    return np.vstack([o, pts]), np.full(k, s.seed)


@dataclass
class Sweep:
    lrs: np.ndarray  # (L,)
    score: np.ndarray  # (L,): the median final loss over the probes, inf where any failed
    failed: np.ndarray  # (L,): how many probes left the region or blew up
    cells: Cells  # L × probes, learning rate major

    @property
    def best(self) -> int | None:
        """Index of the best learning rate (lowest score; the smaller on ties), None if all failed."""
        ok = np.isfinite(self.score)
        return int(np.flatnonzero(ok)[np.argmin(self.score[ok])]) if ok.any() else None

    @property
    def stable(self) -> tuple[float, float] | None:
        """The learning rates from the smallest to the largest with no failed probe around the
        best one (the contiguous stable range), or None."""
        b = self.best
        if b is None:
            return None
        ok = self.failed == 0
        lo = hi = b
        while lo > 0 and ok[lo - 1]:
            lo -= 1
        while hi < len(ok) - 1 and ok[hi + 1]:
            hi += 1
        return float(self.lrs[lo]), float(self.lrs[hi])


def failed(c: Cells) -> np.ndarray:
    return np.isin(c.status, STOPPED_BEFORE) | ~np.isfinite(c.final_loss)


def sweep(s: Setup, lrs: np.ndarray, k: int = PROBES, **hyper: Any) -> Sweep:
    """Every learning rate of ``lrs`` (ascending), each run from the ``k`` probes."""
    lrs = np.asarray(lrs, dtype=np.float64)
    n = len(lrs)
    starts, seeds = probes(s, k)
    c = s.cells(np.tile(starts, (n, 1)), lr=np.repeat(lrs, k), seeds=np.tile(seeds, n), **hyper)
    bad = failed(c).reshape(n, k)
    loss = np.where(bad, np.inf, c.final_loss.reshape(n, k))
    return Sweep(lrs, np.median(loss, axis=1), bad.sum(1), c)


# -- phase diagram ----------------------------------------------------------------------------


def momentum_key(optimizer: str) -> str | None:
    """The hyperparameter a phase diagram of ``optimizer`` varies, or None."""
    names = {h.name for h in OPTIMIZERS[optimizer].hypers}
    return next((k for k in MOMENTUM_KEYS if k in names), None)


@dataclass
class Phase:
    key: str
    lrs: np.ndarray  # (L,) columns
    momenta: np.ndarray  # (M,) rows
    cells: Cells  # M × L, momentum major

    def grid(self, values: np.ndarray) -> np.ndarray:
        return values.reshape(len(self.momenta), len(self.lrs))


def phase(s: Setup, lrs: np.ndarray, momenta: np.ndarray) -> Phase:
    """Runs from the racer's start for every (momentum, learning rate) pair: one batched run
    per momentum value (a hyperparameter is one number per run of the engine)."""
    key = momentum_key(s.optimizer)
    if key is None:
        raise ValueError(f"{s.optimizer} has no momentum")
    parts = [s.cells(np.repeat(s.origin[None], len(lrs), 0), lr=lrs, **{key: float(m)}) for m in momenta]
    return Phase(key, lrs, momenta, _concat(parts))


def _concat(parts: list[Cells]) -> Cells:
    first = parts[0]
    cat = {k: np.concatenate([getattr(p, k) for p in parts]) for k in
           ("start", "lr", "seed", "status", "stopped_at", "final_point", "final_loss", "minimum",
            "minimum_distance", "rest", "why")}  # fmt: skip
    return replace(first, **cat)


def quadratic_eigenvalues(surface: Surface) -> np.ndarray | None:
    """The Hessian's eigenvalues where it is the same everywhere (a quadratic), else None."""
    (x0, x1), (y0, y1) = surface.domain
    pts = np.stack(np.meshgrid(np.linspace(x0, x1, 3), np.linspace(y0, y1, 3)), -1).reshape(-1, 2)
    h = surface.hessian(pts)
    if not np.allclose(h, h[0], rtol=1e-9, atol=1e-12):
        return None
    return np.linalg.eigvalsh(h[0])


def iteration_matrix(optimizer: str, lam: Any, lr: Any, beta: Any) -> np.ndarray:
    """``M`` with ``z_{t+1} = M z_t`` for one eigen-direction of a quadratic (curvature ``lam``),
    PyTorch's bookkeeping (dampening 0). Heavy ball on ``(θ_t, θ_{t-1})``:
    ``θ_{t+1} = θ_t − ηλθ_t + β(θ_t − θ_{t-1})``. Nesterov on ``(θ_t, b_{t-1})``:
    ``b_t = βb_{t-1} + λθ_t``, ``θ_{t+1} = θ_t − η(λθ_t + βb_t)``. Broadcasts; shape ``(..., 2, 2)``."""
    lam, lr, beta = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (lam, lr, beta)))
    m = np.empty((*lam.shape, 2, 2))
    if optimizer == "momentum":
        m[..., 0, 0], m[..., 0, 1] = 1 + beta - lr * lam, -beta
        m[..., 1, 0], m[..., 1, 1] = 1.0, 0.0
    elif optimizer == "nag":
        m[..., 0, 0], m[..., 0, 1] = 1 - lr * lam * (1 + beta), -lr * beta * beta
        m[..., 1, 0], m[..., 1, 1] = lam, beta
    else:
        raise ValueError(f"no iteration matrix for {optimizer}")
    return m


def spectral_radius(optimizer: str, eigenvalues: np.ndarray, lr: Any, beta: Any) -> np.ndarray:
    """The largest spectral radius over the Hessian's eigen-directions (< 1: converges)."""
    lr, beta = np.broadcast_arrays(np.asarray(lr, float), np.asarray(beta, float))
    out = np.zeros(lr.shape)
    for lam in eigenvalues:
        rho = np.abs(np.linalg.eigvals(iteration_matrix(optimizer, lam, lr, beta))).max(-1)
        out = np.maximum(out, rho)
    return out


def analytic_boundary(s: Setup) -> tuple[np.ndarray, str] | None:
    """``(eigenvalues, words)`` when the phase diagram of ``s`` has an analytic boundary: a
    quadratic surface, heavy ball or Nesterov with dampening and weight decay 0."""
    if s.optimizer not in HEAVY_BALL or s.hyper.get("dampening", 0) or s.hyper.get("weight_decay", 0):
        return None
    eig = quadratic_eigenvalues(s.surface)
    if eig is None or eig.min() <= 0:  # a saddle has no stable region
        return None
    return eig, HEAVY_BALL[s.optimizer]


__all__ = ["Cells", "Phase", "Setup", "Sweep", "basin", "phase", "spectral_radius", "start_grid", "sweep"]
