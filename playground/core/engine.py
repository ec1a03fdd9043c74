"""The simulation engine: run an optimizer on a surface from one or many start points.

One code path serves a single start ``(2,)`` and a batch ``(N, 2)``: every operation is
element-wise over runs, so run ``i`` of a batch equals the single run from the same start
bit for bit. A single run (the web app's case) goes through the same update functions
with each coordinate held in a Python float, which skips NumPy's per-call cost on tiny
arrays; it too is bit-identical to the batch. The loop does only the arithmetic of the optimizer; when each run stopped
(converged or diverged) is decided afterwards from the whole trajectory, and positions
after that are held at the last valid point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .optimizers import Optimizer
from .run import GTOL, XTOL, Outcomes, RunSpec, resolve_run
from .schedules import Plateau, build_schedule
from .status import (
    STOPPED_BEFORE,
    all_stopped,
    critical_kind,
    grad_norm,
    inside_far,
    is_converged,
    nearest_minimum,
)
from .surfaces import Surface
from .surfaces.base import pack_gradient

CHECK_EVERY = 32  # how often the loop looks whether every run has already stopped


@dataclass
class Trajectory:
    """What a run produced. Leading axis is the step; a batch adds an axis of runs.

    ``positions[t]`` is the point after ``t`` steps (``positions[0]`` is the start),
    ``loss`` and ``grad_norm`` are taken there, ``lr[t]`` is the learning rate that step
    ``t + 1`` used and ``state[k][t]`` the optimizer's state after step ``t + 1``.
    ``stopped_at`` is the index of the last position a run reached (for a run that left
    the region or blew up, that bad step; its positions stop just before it). ``status``
    is one of `STATUSES`; ``minimum`` is the index into the surface's ``minima`` of the one
    nearest the run's final point and ``minimum_distance`` its distance, whatever the status
    (-1 and NaN only on a surface without minima: `status.nearest_minimum`).
    """

    surface: str
    optimizer: str
    hyper: dict
    schedule: str
    schedule_params: dict
    noise: float
    batch_size: int
    seed: int
    positions: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    status: np.ndarray
    stopped_at: np.ndarray
    minimum: np.ndarray
    minimum_distance: np.ndarray
    state: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def last_kept(self) -> np.ndarray:
        """Index of the last position the run really reached (the engine holds it after)."""
        return self.stopped_at - np.isin(self.status, STOPPED_BEFORE)

    def outcomes(self) -> Outcomes:
        """How each run ended, as a backend that keeps no path reports it (the path is held
        at the last point a run reached, so its final row is that point)."""
        return Outcomes(
            status=self.status,
            stopped_at=self.stopped_at,
            final_point=self.positions[-1],
            final_loss=self.loss[-1],
            minimum=self.minimum,
            minimum_distance=self.minimum_distance,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: lists of floats and the resolved settings."""
        return {
            "surface": self.surface,
            "optimizer": self.optimizer,
            "hyperparameters": self.hyper,
            "schedule": self.schedule,
            "schedule_params": self.schedule_params,
            "noise": self.noise,
            "batch_size": self.batch_size,
            "seed": self.seed,
            "points": self.positions.tolist(),
            "loss": self.loss.tolist(),
            "lr": self.lr.tolist(),
            "grad_norm": self.grad_norm.tolist(),
            "status": self.status.tolist(),
            "stopped_at": self.stopped_at.tolist(),
            "minimum": self.minimum.tolist(),
            # JSON has no NaN: on a surface without minima there is no distance
            "minimum_distance": np.where(self.minimum < 0, None, self.minimum_distance).tolist(),
        }


OutcomeBackend = Callable[[RunSpec, "bool | None"], "Outcomes | None"]
# Backends that run a spec's starts keeping only outcomes, asked in turn (None: not for this
# spec). The core has none: it would need the batch layer above it. `playground.batch` adds its
# streamed and compiled loops when imported (the Python API `playground` imports it).
_OUTCOME_BACKENDS: list[OutcomeBackend] = []


def register_outcome_backend(backend: OutcomeBackend) -> None:
    """Let ``backend(spec, compiled)`` run specs of many starts whose paths are not kept."""
    if backend not in _OUTCOME_BACKENDS:
        _OUTCOME_BACKENDS.append(backend)


def simulate(
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
    record_state: bool = True,
    history: bool = True,
    compiled: bool | None = None,
) -> Any:
    """Run ``optimizer`` on ``surface`` for ``steps`` steps from ``start`` (a point, or ``(N, 2)``
    points: a batch of runs that share every other setting).

    ``noise`` is the per-sample gradient noise σ: each step adds ``N(0, σ²/batch_size)``
    to each gradient coordinate, drawn from ``numpy.random.default_rng(seed)`` and shared
    by every run of a batch (common random numbers make runs comparable). ``None`` means
    the optimizer's default: the surface's ``noise_scale`` for ``sgd``, zero otherwise.
    On a data-backed surface (``surface.batch``) noise > 0 means real mini-batches of
    ``batch_size`` samples instead (`batch_indices`, seeded the same way; σ's size plays no
    part), and a batch of all the data is the full gradient.
    A run is ``converged`` once its gradient norm is ``<= gtol`` or it is within ``xtol``
    of a global minimum, ``diverged`` once its point, loss or gradient is not finite or it
    leaves the domain by more than ten domain widths, and ``max_steps`` otherwise.

    Returns the whole path, a `Trajectory` (``record_state=False`` skips the optimizer's
    state), or with ``history=False`` only how each run ended, `Outcomes`: many starts then
    run in the batch layer's streamed loop, or its compiled loop when that pays
    (``compiled``: True compiles it if need be, False never, None when it is built or the
    work is big enough to wait for it; see `playground.batch.compiled`). Every backend gives
    the same numbers to the bit.
    """
    spec = resolve_run(
        surface, optimizer, start, steps, lr, hyper, schedule, schedule_params, noise, batch_size, seed,
        gtol, xtol,
    )  # fmt: skip
    return run_path(spec, record_state) if history else run_outcomes(spec, compiled)


def run_outcomes(spec: RunSpec, compiled: bool | None = None) -> Outcomes:
    """How each run of ``spec`` ended, by the backend its size calls for: a single start takes
    the float loop, many starts a registered batch backend (the NumPy loop when none is)."""
    if spec.n > 1:
        for backend in _OUTCOME_BACKENDS:
            out = backend(spec, compiled)
            if out is not None:
                return out
    return run_path(spec, record_state=False).outcomes()


def run_path(spec: RunSpec, record_state: bool = True) -> Trajectory:
    """Every step of every run of ``spec``: the float loop for one start where the rule
    allows it, else the NumPy loop over all starts at once (equal to the bit)."""
    surf, opt, steps, n = spec.surface, spec.optimizer, spec.steps, spec.n
    sched = build_schedule(spec.schedule, spec.lr, dict(spec.schedule_params))
    plateau = sched if isinstance(sched, Plateau) else None
    if plateau is None:  # one column shared by every run, broadcast on output
        lrs = np.array([sched(t) for t in range(steps)], dtype=np.float64).reshape(steps, 1)
    else:
        lrs = np.empty((steps, n))
    noise = gradient_noise(surf, steps, spec.noise, spec.batch_size, spec.seed)
    rule = opt.rule(dict(spec.hyper))
    records = {k: np.zeros((steps, n, 2)) for k in rule.records} if record_state else {}
    p = np.array(spec.starts)
    state = rule.init(p)
    fast = None
    if n == 1 and not opt.coupled and (not opt.second_order or opt.update_pair is not None):
        fast = _run_floats(spec, rule, state, lrs, plateau, noise, records)
    if fast is not None:
        positions, last = fast
        gnorm = np.empty((steps + 1, n))
        gnorm_from = 0
    else:
        positions, gnorm, last, gnorm_from = _run_arrays(spec, rule, state, lrs, plateau, noise, records)
    with np.errstate(all="ignore"):
        for a, b in _blocks(gnorm_from, last + 1, n):
            gnorm[a:b] = grad_norm(surf.gradient(positions[a:b]))
    traj = _finish(surf, positions, gnorm, lrs, records, last, spec.gtol, spec.xtol)
    return _trajectory(spec, *traj)


def _run_arrays(spec: RunSpec, rule, state, lrs, plateau, noise, records) -> tuple:
    """The NumPy loop: every run of ``spec`` as rows of ``(N, 2)`` arrays. Returns
    ``(positions, gnorm, last, gnorm_from)``: the gradient norms before ``gnorm_from`` are
    filled (taken in the loop while the gradient is hot in cache), the rest are not."""
    surf, opt, steps, n = spec.surface, spec.optimizer, spec.steps, spec.n
    batch_dfs, kicks = noise
    p = np.array(spec.starts)
    positions = np.empty((steps + 1, n, 2))
    positions[0] = p
    gnorm = np.empty((steps + 1, n))
    pstate = plateau.init(n) if plateau is not None else None
    grad, update, look = surf.gradient, rule.update, rule.look
    closure = surface_closure(surf) if opt.closure else None
    last = steps
    # large batches: take the gradient norm while g is hot in cache; small ones: one bulk call after
    norm_in_loop = look is None and n > 1024
    with np.errstate(all="ignore"):  # non-finite runs are found and cut afterwards
        for t in range(steps):
            if pstate is not None:
                lr_t: Any = pstate.lr[:, None]
                lrs[t] = pstate.lr
            else:
                lr_t = lrs[t, 0]
            q = p if look is None else rule.lookahead(p, state)
            g = grad(q) if batch_dfs is None or norm_in_loop else None
            if norm_in_loop:  # (only without a look-ahead: q is p)
                gnorm[t] = grad_norm(g)  # the exact gradient here, before noise
            if batch_dfs is not None:  # the mini-batch's gradient instead of the full one
                g = pack_gradient(batch_dfs[t], q)
            if kicks is not None:
                g = g + kicks[t]
            p, state = update(g, state, p, q, lr_t, surf.hessian(q) if opt.second_order else closure)
            positions[t + 1] = p
            if records:
                for arr, value in zip(records.values(), rule.info(state)):
                    arr[t] = value
            if pstate is not None:
                pstate = plateau.update(pstate, surf.value(positions[t]))  # type: ignore[union-attr]
            if (t + 1) % CHECK_EVERY == 0 and all_stopped(surf, p, spec.gtol, spec.xtol):
                last = t + 1
                break
    return positions, gnorm, last, (last if norm_in_loop else 0)


def _trajectory(spec: RunSpec, status, stopped_at, positions, loss, gnorm, lrs, records) -> Trajectory:
    """The `Trajectory` of ``spec`` from `_finish`'s arrays (a single start drops the runs' axis)."""
    minimum, minimum_distance = nearest_minimum(spec.surface, positions[-1])
    if spec.single:
        positions, loss, gnorm, lrs = positions[:, 0], loss[:, 0], gnorm[:, 0], lrs[:, 0]
        records = {k: v[:, 0] for k, v in records.items()}
        status, stopped_at = status[0], stopped_at[0]
        minimum, minimum_distance = minimum[0], minimum_distance[0]
    return Trajectory(
        surface=spec.surface.name,
        optimizer=spec.optimizer.name,
        hyper=dict(spec.hyper),
        schedule=spec.schedule,
        schedule_params=dict(spec.schedule_params),
        noise=spec.noise,
        batch_size=spec.batch_size,
        seed=spec.seed,
        positions=positions,
        loss=loss,
        grad_norm=gnorm,
        lr=lrs,
        status=np.asarray(status),
        stopped_at=np.asarray(stopped_at),
        minimum=np.asarray(minimum),
        minimum_distance=np.asarray(minimum_distance),
        state=records,
    )


def gaussian_kicks(seed: int, steps: int, sigma: float) -> np.ndarray | None:
    """The noise added to each step's gradient, ``(steps, 2)``, from ``default_rng(seed)``
    (None without noise): one draw per step, shared by every run with that seed."""
    return np.random.default_rng(seed).standard_normal((steps, 2)) * sigma if sigma > 0 else None


def gradient_noise(
    surf: Surface, steps: int, noise: float, batch_size: int, seed: int
) -> tuple[list | None, np.ndarray | None]:
    """What seed ``seed`` adds to each step's gradient: ``(mini-batch gradients, None)`` on a
    data-backed surface (its own data is the noise, never a Gaussian; None for a batch of all
    the data), else ``(None, Gaussian kicks of σ/√B)`` (None without noise)."""
    sigma = float(noise) / np.sqrt(batch_size)
    if surf.batch is not None:
        return (_minibatches(surf, steps, batch_size, seed) if sigma > 0 else None), None
    return None, gaussian_kicks(seed, steps, sigma)


def batch_indices(n: int, steps: int, batch_size: int, seed: int) -> list[np.ndarray]:
    """The samples of each step's mini-batch: every epoch visits each of the ``n`` samples once,
    in an order shuffled by ``default_rng(seed)``, in batches of ``batch_size`` (the epoch's last
    one holds what is left). Sorted: a batch's sum does not depend on the order it was drawn in."""
    rng, out = np.random.default_rng(seed), []
    while len(out) < steps:
        order = rng.permutation(n)
        out += [np.sort(order[a : a + batch_size]) for a in range(0, n, batch_size)]
    return out[:steps]


def _minibatches(surf: Surface, steps: int, batch_size: int, seed: int) -> list | None:
    """Real mini-batches of a data-backed surface: for each step, the gradient components of the
    mean over its batch (``surf.batch``, batches from `batch_indices`). The same sequence
    serves every run of a batch (common random numbers). ``None`` (the exact gradient) for an
    analytic surface or a batch that holds all the data."""
    if surf.batch is None or batch_size >= surf.n_samples:
        return None
    cache: dict[bytes, Any] = {}  # a batch drawn again (small data, small batches) is built once
    out = []
    for idx in batch_indices(surf.n_samples, steps, batch_size, seed):
        key = idx.tobytes()
        if key not in cache:
            cache[key] = surf.batch(idx)[1]
        out.append(cache[key])
    return out


def _run_floats(spec: RunSpec, rule, state, lrs, plateau, noise, records):
    """One run with the point held in two Python floats: ~5x faster than (1, 2) arrays.

    Coordinate-wise rules call ``rule.update`` once per coordinate, coupled ones (Newton)
    ``opt.update_pair`` once per point, each with the same IEEE operations the array loop
    does, so the result is the same to the bit (``tests/test_optimizers.py`` checks every
    case on every surface). Python raises where NumPy returns inf or NaN (``1.0 / 0.0``);
    such a run returns ``None`` and the array loop runs it instead. Returns
    ``(positions, last)``; fills ``records`` and, for the plateau schedule, ``lrs``.
    """
    surf, opt, gtol, xtol, p = spec.surface, spec.optimizer, spec.gtol, spec.xtol, spec.starts
    batch_dfs, kicks = noise
    steps = lrs.shape[0]
    f, df, d2f, look = surf.f, surf.df, surf.d2f, rule.look
    pair = None if opt.update_pair is None else opt.update_pair(rule.hp)
    update = rule.update
    x, y = float(p[0, 0]), float(p[0, 1])
    if pair is not None:
        sp = state
    else:
        sx, sy = _coord(state, 0), _coord(state, 1)
    lr_list = lrs[:, 0].tolist() if plateau is None else None
    pstate = plateau.init_one() if plateau is not None else None
    kick = kicks.tolist() if kicks is not None else None
    # the states themselves are kept (they hold what the inspect chart draws): no tuple built
    # per step just for the records
    xs, ys, states_x, states_y = [x], [y], [], []
    last = steps
    # stopping early is only a saving: a stopped run is held at its stop point by _finish,
    # so checking less often than the array loop changes no output, and costs less
    check = 4 * CHECK_EVERY
    try:
        with np.errstate(all="ignore"):  # NumPy scalars from transcendental surfaces
            for t in range(steps):
                if pstate is None:
                    lr = lr_list[t]  # type: ignore[index]
                else:
                    lr = lrs[t, 0] = pstate.lr
                if look is None:
                    qx, qy = x, y
                else:
                    qx, qy = rule.lookahead(x, sx), rule.lookahead(y, sy)
                gx, gy = (df if batch_dfs is None else batch_dfs[t])(qx, qy)
                gx, gy = float(gx), float(gy)  # a NumPy scalar from np.exp etc. would spread
                if kick is not None:
                    gx, gy = gx + kick[t][0], gy + kick[t][1]
                x0, y0 = x, y
                if pair is None:
                    x, sx = update(gx, sx, x, qx, lr, None)
                    y, sy = update(gy, sy, y, qy, lr, None)
                    states_x.append(sx)
                    states_y.append(sy)
                else:
                    hess = tuple(float(h) for h in d2f(qx, qy))
                    (x, y), sp = pair((gx, gy), sp, (x, y), lr, hess)
                    states_x.append(sp)
                xs.append(x)
                ys.append(y)
                if pstate is not None:  # the loss where this step started, as the array loop
                    pstate = plateau.update(pstate, float(f(x0, y0)))
                if (t + 1) % check == 0 and all_stopped(surf, np.array([[x, y]]), gtol, xtol):
                    last = t + 1
                    break
    except (ArithmeticError, ValueError):
        return None
    positions = np.empty((steps + 1, 1, 2))
    positions[: last + 1, 0, 0] = xs
    positions[: last + 1, 0, 1] = ys
    if pair is not None:  # one state per step for the point: its step size is the pair (x, y)
        if records:
            records["step_size"][:last, 0] = [s.step_size for s in states_x]
        return positions, last
    # one pass per recorded field (the order of Rule.records: state fields, then the step size)
    where = [*((1, i, j) for i, j in rule.recorded), (2,)]
    for arr, path in zip(records.values(), where):
        for c, states in enumerate((states_x, states_y)):
            arr[:last, 0, c] = (
                [s[2] for s in states] if len(path) == 1 else [s[1][path[1]][path[2]] for s in states]
            )
    return positions, last


def surface_closure(surf: Surface):
    """``(x, y) -> (f, (gx, gy))`` (``f`` alone with ``grad=False``): the ``aux`` of rules that
    evaluate the surface at points of their own (L-BFGS's line search); element-wise, on
    floats or arrays."""
    f, df = surf.f, surf.df
    return lambda x, y, grad=True: (f(x, y), df(x, y)) if grad else f(x, y)


def _coord(v: Any, i: int) -> Any:
    """Coordinate ``i`` of a state as floats, through nested (named) tuples; counters,
    scalars and ``None`` pass through."""
    if isinstance(v, np.ndarray):
        return float(v[0, i])
    if isinstance(v, tuple):
        parts = [_coord(x, i) for x in v]
        return type(v)(*parts) if hasattr(v, "_fields") else tuple(parts)
    return v


def _blocks(a: int, b: int, n: int, size: int = 1 << 16):
    """Step ranges covering ``[a, b)`` with about ``size`` points each (cache-sized work)."""
    per = max(1, size // max(n, 1))
    return [(i, min(i + per, b)) for i in range(a, b, per)]


def _finish(surf, positions, gnorm, lrs, records, last, gtol, xtol):
    """Decide each run's status from its whole path and hold it after it stopped."""
    steps = positions.shape[0] - 1
    n = positions.shape[1]
    never = last + 1
    loss = np.empty((steps + 1, n))
    first_nan, first_far, first_conv = (np.full(n, never) for _ in range(3))
    with np.errstate(all="ignore"):
        for a, b in _blocks(0, last + 1, n):
            pos = positions[a:b]
            loss[a:b] = f = surf.value(pos)
            gn = gnorm[a:b]
            finite = np.isfinite(f + gn) & np.isfinite(pos).all(-1)
            near = inside_far(surf, pos)
            conv = is_converged(surf, gn, pos, gtol, xtol) & finite & near
            for flags, first in ((~finite, first_nan), (~near & finite, first_far), (conv, first_conv)):
                hit = flags.any(0) & (first == never)
                first[hit] = a + np.argmax(flags[:, hit], axis=0)
    first_bad = np.minimum(first_nan, first_far)
    bad = first_bad < first_conv
    converged = ~bad & (first_conv < never)
    stopped_at = np.where(bad, first_bad, np.where(converged, first_conv, steps))
    status = np.where(bad, np.where(first_nan <= first_far, "blew_up", "left"), "running").astype("<U8")
    at = positions[np.minimum(stopped_at, steps), np.arange(n)]
    status[converged] = critical_kind(surf, at[converged], xtol)
    last_valid = np.where(bad, first_bad - 1, np.minimum(stopped_at, last))

    # hold the runs that stopped early at their last valid index: no NaN, no far points
    early = np.flatnonzero(last_valid < steps)
    if early.size:
        t_pos = np.minimum(np.arange(steps + 1)[:, None], last_valid[None, early])
        t_step = np.maximum(np.minimum(np.arange(steps)[:, None], last_valid[None, early] - 1), 0)
        cols = early[None, :]
        for arr in (positions, loss, gnorm):
            arr[:, early] = arr[t_pos, cols]
        if steps:
            if lrs.shape[1] != n:
                lrs = np.repeat(lrs, n, axis=1)  # runs now differ: give each its own column
            for arr in (lrs, *records.values()):
                arr[:, early] = arr[t_step, cols]
    lrs = np.broadcast_to(lrs, (steps, n))
    return status, stopped_at, positions, loss, gnorm, lrs, records
