"""Many runs at once, keeping only how each ended: the engine of the outcome maps and tuning.

A map cell is one run: a start point, a learning rate and a noise seed. `run_cells` runs every
cell of a map as one batched computation (all cells advance together, each step is a few
NumPy operations over all of them) and streams each run's outcome instead of storing its
path: memory is a few arrays of the number of cells, whatever the number of steps.

Every cell equals `playground.engine.simulate` of the same settings bit for bit (status,
stopped_at, final point and loss, minimum): the update is the optimizer record's own rule
(``rule.update`` on ``(N, 2)`` arrays, as in the engine's batch path), a per-cell learning
rate is an ``(N, 1)`` column where the engine has one number, and the outcome is decided by
the same tests as `engine._finish`, taken one step at a time. Runs whose outcome is settled
are dropped from the batch every `CHECK_EVERY` steps (the rules are element-wise over runs,
so the rest are unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from playground.core.engine import CHECK_EVERY, gradient_noise, register_outcome_backend, surface_closure
from playground.core.hyper import ConfigError
from playground.core.optimizers import Optimizer
from playground.core.outcome import Outcome, outcomes, rest_reasons
from playground.core.run import GTOL, XTOL, Outcomes, RunSpec, resolve_run
from playground.core.schedules import Plateau, build_schedule
from playground.core.status import critical_kind, grad_norm, inside_far, is_converged, nearest_minimum
from playground.core.surfaces import Surface
from playground.core.surfaces.base import pack_gradient

from . import compiled as fused

MAX_CELLS = 40_000  # one map or sweep; the page's work budget is smaller (see web.views.maps)
# A rule that steps each run in its own Python loop (L-BFGS's line search: `Optimizer.closure`)
# costs ~40x a vectorised one per cell and step here (20 us against 0.5 us, measured), about 4x
# what its step_cost says for a single run
PYTHON_LOOP = 4


def cell_cost(optimizer: Optimizer, hyper: Mapping[str, object]) -> int:
    """Work units one cell's step costs in a batch (1 for the element-wise rules)."""
    return optimizer.step_cost(dict(hyper)) * (PYTHON_LOOP if optimizer.closure else 1)


@dataclass
class Cells(Outcomes):
    """How each run ended (one entry per cell, in the order given): the `Outcomes` of every
    cell, and what the cells vary."""

    surface: str
    optimizer: str
    hyper: dict
    steps: int
    start: np.ndarray  # (N, 2)
    lr: np.ndarray  # (N,)
    seed: np.ndarray  # (N,)
    # the step from which a run still moving by the engine's tests no longer changed its
    # point (`outcome.rest_step` of its path; -1: it moved to the end, or it settled) and why
    # (`outcome.rest_reasons`; "" where rest is -1)
    rest: np.ndarray  # (N,)
    why: np.ndarray  # (N,) of str

    def outcomes(self, surface: Surface) -> list[Outcome]:
        """Each cell's outcome, from the same function and in the same words as a single
        run's (`outcome.of_run`): the loss at its start tells a run that left downhill, its
        rest step and reason a run that stopped by itself."""
        return outcomes(
            surface, self.status, self.final_point, self.stopped_at, self.final_loss, surface.value(self.start),
            self.rest, self.why.tolist(),
        )  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        """JSON-ready, one dict per cell (``minimum`` null on a surface without minima)."""
        return [
            {
                "lr": float(self.lr[i]),
                "start": self.start[i].tolist(),
                "seed": int(self.seed[i]),
                "status": str(self.status[i]),
                "stopped_at": int(self.stopped_at[i]),
                "final_loss": _finite_or_none(self.final_loss[i]),
                "final_point": [_finite_or_none(v) for v in self.final_point[i]],
                "minimum": int(self.minimum[i]) if self.minimum[i] >= 0 else None,
                "minimum_distance": _finite_or_none(self.minimum_distance[i]),
                "rest_step": int(self.rest[i]) if self.rest[i] >= 0 else None,
            }
            for i in range(len(self.status))
        ]


def _finite_or_none(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _column(values: ArrayLike | None, n: int, name: str, default: Any) -> np.ndarray:
    given = np.asarray(default if values is None else values)
    if given.shape not in ((), (n,)):
        raise ConfigError(f"{name} must be one value or one per start, got shape {given.shape}")
    return np.broadcast_to(given, (n,))


def run_cells(
    surface: Surface | str,
    optimizer: Optimizer | str,
    starts: ArrayLike,
    lr: ArrayLike | None = None,
    seeds: ArrayLike | None = None,
    steps: int = 200,
    hyper: Mapping[str, object] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, object] | None = None,
    noise: float | None = None,
    batch_size: int = 1,
    gtol: float = GTOL,
    xtol: float = XTOL,
    compiled: bool | None = None,
) -> Cells:
    """Run one cell per row of ``starts`` ``(N, 2)``; ``lr`` and ``seeds`` are one value or one
    per cell (``lr=None``: the optimizer's default). Settings as in `engine.simulate`.
    ``compiled``: run the compiled loop (`playground.fused`) when the rule and surface allow it
    (None: when it is ready or the job is big enough to wait for it; False: the NumPy loop)."""
    starts = np.asarray(starts, dtype=np.float64).reshape(-1, 2) if np.size(starts) else starts
    n = int(np.shape(starts)[0]) if np.ndim(starts) == 2 else 0
    if not 1 <= n <= MAX_CELLS:
        raise ConfigError(f"a map has between 1 and {MAX_CELLS} cells, got {n}")
    spec = resolve_run(
        surface, optimizer, starts, steps, None, hyper, schedule, schedule_params, noise, batch_size,
        gtol=gtol, xtol=xtol,
    )  # fmt: skip
    lrs = _column(lr, n, "lr", spec.lr).astype(np.float64)
    seed = _column(seeds, n, "seeds", 0)
    for v in np.unique(lrs):  # each learning rate is checked like the race's
        spec.optimizer.resolve(float(v), spec.hyper)
    for s in np.unique(seed):
        resolve_run(spec.surface, spec.optimizer, spec.starts[:1], 0, None, spec.hyper, seed=int(s))
    stream = _Stream(spec, lrs, seed.astype(np.int64))
    out = stream.go(compiled)
    rest = stream.rest(out.status)
    at_rest = rest >= 0
    why = np.full(n, "", dtype=object)
    if at_rest.any():  # a point at rest is its final point
        why[at_rest] = rest_reasons(
            spec.surface,
            spec.optimizer.name,
            spec.hyper,
            out.final_point[at_rest],
            stream.zero_lr(rest)[at_rest],
        )
    return Cells(
        **vars(out), surface=spec.surface.name, optimizer=spec.optimizer.name, hyper=dict(spec.hyper),
        steps=spec.steps, start=np.array(spec.starts), lr=lrs, seed=seed, rest=rest, why=why,
    )  # fmt: skip


def spec_outcomes(spec: RunSpec, compiled: bool | None = None) -> Outcomes:
    """Every start of ``spec`` as a cell (its learning rate and seed): the engine's backend for
    runs of many starts whose paths are not kept (`engine.run_outcomes`)."""
    lrs = np.full(spec.n, spec.lr)
    return _Stream(spec, lrs, np.full(spec.n, spec.seed, np.int64)).go(compiled)


register_outcome_backend(spec_outcomes)


class _Stream:
    """The batched loop with streamed outcomes (one object per `run_cells` call)."""

    def __init__(self, spec: RunSpec, lrs: np.ndarray, seeds: np.ndarray):
        self.spec, self.gtol, self.xtol = spec, spec.gtol, spec.xtol
        n, steps = len(lrs), spec.steps
        self.n = n
        uniq, self.lr_col = np.unique(lrs, return_inverse=True)
        sched = [build_schedule(spec.schedule, float(v), dict(spec.schedule_params)) for v in uniq]
        self.plateau = sched[0] if isinstance(sched[0], Plateau) else None
        self.lr_table = (
            None
            if self.plateau
            else np.array([[s(t) for s in sched] for t in range(steps)]).reshape(steps, -1)
        )
        self.lrs = lrs
        useeds, self.seed_col = np.unique(seeds, return_inverse=True)
        # each seed's noise, as the engine draws it (shared by the cells of that seed)
        noise = [gradient_noise(spec.surface, steps, spec.noise, spec.batch_size, int(s)) for s in useeds]
        self.batches = None if noise[0][0] is None else [b for b, _ in noise]
        self.kicks = None if noise[0][1] is None else np.stack([k for _, k in noise], 1)  # (steps, seeds, 2)
        never = steps + 1
        self.first_nan = np.full(n, never)
        self.first_far = np.full(n, never)
        self.first_conv = np.full(n, never)
        self.final_p = np.array(spec.starts)
        self.final_f = np.full(n, np.nan)
        # the last position each cell's step changed (0: none yet); a settled cell's stops
        # counting, and only a cell still running at the end reads it (`rest`)
        self.moved = np.zeros(n, np.int64)
        # the plateau schedule's last step with a learning rate other than 0, per cell (-1: none)
        self.lr_live = np.full(n, -1, np.int64)

    def go(self, compiled: bool | None = None) -> Outcomes:
        spec = self.spec
        surf, opt = spec.surface, spec.optimizer
        rule = opt.rule(dict(spec.hyper))
        idx = np.arange(self.n)  # the cells still running, as rows of the batch
        p = np.array(spec.starts)
        state = rule.init(p, lr=self.lrs[:, None])
        loops = self._compiled(rule, compiled)
        if loops is not None:
            fused.run(loops, self, rule, state)
            return self._outcome()
        pstate = self.plateau.init(self.n)._replace(lr=self.lrs.copy()) if self.plateau else None
        closure = surface_closure(surf) if opt.closure else None
        grad, prev = surf.gradient, None
        with np.errstate(all="ignore"):
            for t in range(spec.steps + 1):
                g_here = grad(p)
                f_here = surf.value(p)
                self._observe(t, idx, p, f_here, grad_norm(g_here), prev)
                if t == spec.steps:
                    break
                if t % CHECK_EVERY == 0:
                    keep = self._open(idx)
                    if not keep.any():
                        break
                    if not keep.all():
                        idx, p, g_here, f_here = idx[keep], p[keep], g_here[keep], f_here[keep]
                        state, pstate = _take(state, keep, len(keep)), _take(pstate, keep, len(keep))
                q = p if rule.look is None else rule.lookahead(p, state)
                if self.batches is not None:  # the mini-batch's gradient instead of the full one
                    g = self._batch_gradient(t, idx, q)
                else:
                    g = g_here if rule.look is None else grad(q)
                if self.kicks is not None:
                    g = g + (
                        self.kicks[t, 0] if self.kicks.shape[1] == 1 else self.kicks[t, self.seed_col[idx]]
                    )
                aux = surf.hessian(q) if opt.second_order else closure
                prev = (p, f_here)
                if pstate is not None:
                    self.lr_live[idx[pstate.lr != 0]] = t
                p, state = rule.update(g, state, p, q, self._lr_at(t, idx, pstate), aux)
                self.moved[idx[(p[:, 0] != prev[0][:, 0]) | (p[:, 1] != prev[0][:, 1])]] = t + 1
                if pstate is not None:
                    pstate = self.plateau.update(pstate, f_here)
        self._settle_running(idx, p, f_here)
        return self._outcome()

    def _compiled(self, rule: Any, compiled: bool | None) -> Any:
        """The compiled loop for this job, when it has one (see `playground.fused`)."""
        spec = self.spec
        if compiled is False or self.batches is not None or self.plateau is not None or spec.steps == 0:
            return None
        if not fused.eligible(spec.optimizer, rule):
            return None
        return fused.kernel(rule, spec.surface, self.kicks is not None, self.n * spec.steps, compiled)

    def _batch_gradient(self, t: int, idx: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Step ``t``'s mini-batch gradient at ``q`` for the rows ``idx``, each from its seed's batches."""
        if len(self.batches) == 1:
            return pack_gradient(self.batches[0][t], q)
        g, cols = np.empty_like(q), self.seed_col[idx]
        for k, dfs in enumerate(self.batches):
            rows = cols == k
            if rows.any():
                g[rows] = pack_gradient(dfs[t], q[rows])
        return g

    def _lr_at(self, t: int, idx: np.ndarray, pstate: Any) -> Any:
        """Step ``t``'s learning rate: one number when every cell shares it, else a column."""
        if pstate is not None:
            return pstate.lr[:, None]
        if self.lr_table.shape[1] == 1:
            return self.lr_table[t, 0]
        return self.lr_table[t, self.lr_col[idx]][:, None]

    def _open(self, idx: np.ndarray) -> np.ndarray:
        """Which of the rows ``idx`` have no outcome yet."""
        never = self.spec.steps + 1
        return (
            (self.first_nan[idx] == never) & (self.first_far[idx] == never) & (self.first_conv[idx] == never)
        )

    def _observe(self, t: int, idx: np.ndarray, p: np.ndarray, f: np.ndarray, gn: np.ndarray, prev) -> None:
        """`engine._finish`'s tests at position ``t`` for the rows ``idx``: the first to fire
        settles a run. A cheap screen first (most steps settle nothing): a sum of the values
        is finite only if each is, and the exact tests run on the rows it flags."""
        surf = self.spec.surface
        quick = f + gn
        quick += p[:, 0]
        quick += p[:, 1]
        near = inside_far(surf, p)
        event = is_converged(surf, gn, p, self.gtol, self.xtol) | ~(np.isfinite(quick) & near)
        if not event.any():
            return
        rows = np.flatnonzero(event)
        rows = rows[self._open(idx[rows])]
        pr, fr, gr = p[rows], f[rows], gn[rows]
        finite = np.isfinite(fr + gr) & np.isfinite(pr).all(-1)
        near = near[rows]
        conv = is_converged(surf, gr, pr, self.gtol, self.xtol) & finite & near
        cells = idx[rows]
        for flags, first in (
            (~finite, self.first_nan),
            (~near & finite, self.first_far),
            (conv, self.first_conv),
        ):
            first[cells[flags]] = t
        self.final_p[cells[conv]], self.final_f[cells[conv]] = pr[conv], fr[conv]
        bad = ~(finite & near)
        if prev is not None and bad.any():  # the path ends just before the bad step
            self.final_p[cells[bad]], self.final_f[cells[bad]] = prev[0][rows[bad]], prev[1][rows[bad]]

    def _settle_running(self, idx: np.ndarray, p: np.ndarray, f: np.ndarray) -> None:
        """Runs still open at the end stop where the last step put them."""
        still = self._open(idx)
        self.final_p[idx[still]], self.final_f[idx[still]] = p[still], f[still]

    def rest(self, status: np.ndarray) -> np.ndarray:
        """Each cell's `outcome.rest_step`: for a run still moving by the engine's tests (its
        last position is the last step's), the step from which its point no longer changed,
        where that is before the end; else -1."""
        steps = self.spec.steps
        at_rest = (status == "running") & (self.moved < steps) & (steps >= 1)
        return np.where(at_rest, self.moved, -1)

    def zero_lr(self, rest: np.ndarray) -> np.ndarray:
        """Whether each cell's learning rate was 0 at every step from ``rest`` on (its steps'
        rates, as `Trajectory.lr` holds them)."""
        if self.plateau is not None:  # its rates, counted in the loop
            return self.lr_live < rest
        nonzero = self.lr_table != 0
        steps = nonzero.shape[0]
        live = np.where(nonzero.any(0), steps - 1 - np.argmax(nonzero[::-1], 0), -1)  # per rate
        return live[self.lr_col] < rest

    def _outcome(self) -> Outcomes:
        spec, steps = self.spec, self.spec.steps
        first_bad = np.minimum(self.first_nan, self.first_far)
        bad = first_bad <= steps
        converged = self.first_conv <= steps
        stopped_at = np.where(bad, first_bad, np.where(converged, self.first_conv, steps))
        status = np.where(bad, np.where(self.first_nan <= self.first_far, "blew_up", "left"), "running")
        status = status.astype("<U8")
        status[converged] = critical_kind(spec.surface, self.final_p[converged], self.xtol)
        minimum, distance = nearest_minimum(spec.surface, self.final_p)
        return Outcomes(status, stopped_at, self.final_p, self.final_f, minimum, distance)


def _take(tree: Any, keep: np.ndarray, n: int) -> Any:
    """The rows ``keep`` of every per-run array in a state (counters and scalars pass through)."""
    if isinstance(tree, np.ndarray):
        return tree[keep] if tree.ndim and tree.shape[0] == n else tree
    if isinstance(tree, tuple):
        parts = [_take(x, keep, n) for x in tree]
        return type(tree)(*parts) if hasattr(tree, "_fields") else tuple(parts)
    return tree


def log_grid(lo: float, hi: float, num: int) -> np.ndarray:
    """``num`` learning rates evenly spaced in log between ``lo`` and ``hi`` (both included)."""
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo <= hi) or not 1 <= num <= 1000:
        raise ConfigError(f"a learning-rate range needs 0 < LO <= HI and 1 <= N <= 1000, got {lo}:{hi}:{num}")
    return np.geomspace(lo, hi, num) if num > 1 else np.array([float(lo)])


def start_grid(domain: Sequence[Sequence[float]], nx: int, ny: int) -> np.ndarray:
    """``nx`` × ``ny`` start points at the centres of a grid over ``domain``, rows of y."""
    (x0, x1), (y0, y1) = domain
    xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], -1)
