"""Run a validated configuration and pack it compactly for the browser.

Float arrays travel as base64 float32 (paths and losses need no more than the seven
digits a screen shows); exact float64 values for the results table travel as JSON.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from playground.core.engine import Trajectory, batch_indices, simulate
from playground.core.optimizers import OPTIMIZERS
from playground.core.outcome import of_run
from playground.core.surfaces import Surface, custom, get_surface

from . import contract, fans
from .plots import alt, charts, landscape, terrain
from .plots.wire import b64
from .state.validate import Config, Racer
from .state.values import surface_kwargs, surface_of

# each racer's base64 float32 fields: the browser decodes the ones the run lists into `<field>A`
FLOAT32_FIELDS = (
    "xy", "loss", "gap", "z", "dist", "lr", "iterate",
    *(a.data for a in contract.ARROWS), *(a.length for a in contract.ARROWS),
)  # fmt: skip


def label(r: Racer, others: list[Racer]) -> str:
    """The optimizer's title, plus, when it races copies of itself, the settings in which
    the copies differ ("Momentum (form classical)", "Newton (saddle free)", "GD (lr 0.3)")."""
    title = OPTIMIZERS[r.optimizer].title
    same = [{"lr": o.lr, **dict(o.hyper)} for o in others if o.optimizer == r.optimizer]
    if len(same) < 2:
        return title
    mine = {"lr": r.lr, **dict(r.hyper)}
    parts = []
    for name, value in mine.items():
        if len({repr(s[name]) for s in same}) == 1:
            continue  # the same in every copy: says nothing
        words = name.replace("_", " ")
        if isinstance(value, bool):
            parts += [words] if value else []
        else:
            parts.append(f"{words} {value:g}" if isinstance(value, float) else f"{words} {value}")
    return f"{title} ({', '.join(parts)})" if parts else title


def simulate_racer(
    surface_key: tuple[str, tuple[tuple[str, Any], ...]],
    racer: Racer,
    schedule: str,
    schedule_items: tuple[tuple[str, Any], ...],
    noise: float | None,
    batch_size: int,
    seed: int,
    start: tuple[float, float],
    steps: int,
) -> Trajectory:
    surface = get_surface(surface_key[0], **dict(surface_key[1]))
    return simulate(
        surface,
        racer.optimizer,
        start,
        steps=steps,
        lr=racer.lr,
        hyper=dict(racer.hyper),
        schedule=schedule,
        schedule_params=dict(schedule_items),
        noise=noise,
        batch_size=batch_size,
        seed=seed,
    )


# bounded; identical configurations (lessons, defaults) are shared
run_racer = lru_cache(maxsize=512)(simulate_racer)


def racer_args(cfg: Config, racer: Racer, seed: int) -> tuple:
    """The arguments of `simulate_racer` / `run_racer` for one racer of ``cfg`` with ``seed``."""
    start = cfg.start if cfg.start is not None else surface_of(cfg).start
    key = (cfg.surface, tuple(sorted(surface_kwargs(cfg).items())))
    sched_items = tuple(sorted(cfg.schedule_params.items()))
    return (key, racer, cfg.schedule, sched_items, cfg.noise, cfg.batch_size, seed, start, cfg.steps)


def run_all(cfg: Config) -> tuple[Surface, tuple[float, float], list[Trajectory]]:
    surface = surface_of(cfg)
    start = cfg.start if cfg.start is not None else surface.start
    trajs = [run_racer(*racer_args(cfg, r, cfg.seed)) for r in cfg.racers]
    return surface, start, trajs


@lru_cache(maxsize=64)  # bounded: a fan is K runs, kept per racer and settings
def _fan(args: tuple, k: int) -> fans.Fan:
    seed = args[6]  # member 0 is the racer's own run, already in run_racer's cache
    return fans.from_runs(
        [run_racer(*args)] + [simulate_racer(*args[:6], seed + i, *args[7:]) for i in range(1, k)]
    )


def fan_all(cfg: Config) -> list[fans.Fan | None]:
    """The seed fan of each racer of ``cfg`` (fans.py): ``None`` when the fan is off or the racer
    does not depend on its seed."""
    if cfg.fan <= 0:
        return [None] * len(cfg.racers)
    surface, _, trajs = run_all(cfg)
    return [
        _fan(racer_args(cfg, r, cfg.seed), cfg.fan) if fans.stochastic(surface, t) else None
        for r, t in zip(cfg.racers, trajs)
    ]


@lru_cache(maxsize=64)  # bounded: one series per racer and settings
def _batch_loss(args: tuple) -> np.ndarray:
    t = run_racer(*args)
    surface = get_surface(args[0][0], **dict(args[0][1]))
    p = t.positions
    batches = batch_indices(surface.n_samples, int(t.last_kept), args[5], args[6])
    return np.array([float(surface.batch(idx)[0](p[k, 0], p[k, 1])) for k, idx in enumerate(batches)])  # type: ignore[misc]


def batch_loss_all(cfg: Config) -> list[np.ndarray | None]:
    """Each racer's mini-batch loss on a data-backed surface: at step k, the loss of the batch
    the engine drew for step k (engine.batch_indices) at the point the step started from;
    ``None`` for a racer that takes the full gradient or an analytic surface."""
    if surface_of(cfg).batch is None:
        return [None] * len(cfg.racers)
    surface, _, trajs = run_all(cfg)
    return [
        _batch_loss(racer_args(cfg, r, cfg.seed)) if fans.stochastic(surface, t) else None
        for r, t in zip(cfg.racers, trajs)
    ]


def racer_meta(cfg: Config) -> list[dict]:
    colors = contract.racer_colors(cfg.keys or [r.optimizer for r in cfg.racers])
    return [
        {
            "label": label(r, cfg.racers),
            "color": c,
            "width": contract.path_width("contour", i),
            **contract.racer_look(i),
        }
        for i, (r, c) in enumerate(zip(cfg.racers, colors))
    ]


def _heading(v: np.ndarray, sign: int) -> np.ndarray:
    """Direction of an arrow at each step, in radians (NaN: no arrow). Arrows are drawn at a
    length given apart (`_arrow_length`)."""
    with np.errstate(invalid="ignore", over="ignore"):
        ok = np.isfinite(v).all(axis=1) & (np.hypot(v[:, 0], v[:, 1]) > 0)
        return np.where(ok, np.arctan2(sign * v[:, 1], sign * v[:, 0]), np.nan)


def _arrow_length(v: np.ndarray) -> np.ndarray:
    """Length of an arrow at each step as a share of the full span: log10 of the vector's size,
    the run's largest at 1 and `contract.ARROW_DECADES` decades smaller at 0, so the arrows
    shrink as the steps do and vanish at a minimum."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        size = np.hypot(v[:, 0], v[:, 1])
        finite = size[np.isfinite(size) & (size > 0)]
        if not finite.size:
            return np.zeros(len(v))
        share = 1 + np.log10(size / finite.max()) / contract.ARROW_DECADES
        return np.where(np.isfinite(share), np.clip(share, 0, 1), 0.0)


def _inspect(surface: Surface, tr: Trajectory, optimizer: str, meta: dict) -> dict:
    """What the inspect panel shows of one racer: its arrows' headings and its state chart."""
    move = np.zeros_like(tr.positions)
    move[:-1] = tr.positions[1:] - tr.positions[:-1]  # the step the optimizer takes next
    with np.errstate(invalid="ignore", over="ignore"):
        vectors = {"grad": surface.gradient(tr.positions), "move": move}
    state = charts.state_figure(meta, tr.state, OPTIMIZERS[optimizer].inspect)
    return {
        **{a.data: b64(_heading(vectors[a.vector], a.sign)) for a in contract.ARROWS},
        **{a.length: b64(_arrow_length(vectors[a.vector])) for a in contract.ARROWS},
        "state": state["data"],
        "state_axis": state["layout"]["yaxis2"]["title"]["text"],  # the right axis: what it draws
        "state_alt": state["layout"]["meta"]["alt"],  # its text alternative (the browser sets it)
    }


def _gap(surface: Surface, loss: np.ndarray) -> np.ndarray | None:
    """f - f* for the log-scale loss chart (never 0), in float64 before rounding: near the
    minimum float32 losses would cancel. None where it adds nothing: the surface has no
    known f* (no log scale), or f* = 0 and the losses are the gap already (the browser
    then plots the losses)."""
    if surface.fglob is None:
        return None
    with np.errstate(invalid="ignore"):
        gap = np.maximum(loss - surface.fglob, 1e-16)
    return None if np.array_equal(gap, loss, equal_nan=True) else gap


def _iterate(tr: Trajectory) -> str | None:
    """Where a schedule-free racer's iterate z is at each step (x is the drawn path); z is
    recorded after each step, so the start comes first."""
    if "z" not in tr.state:
        return None
    return b64(np.vstack([tr.positions[:1], tr.state["z"]]))


def _racer(cfg: Config, surface: Surface, i: int, meta: dict, tr: Trajectory) -> dict:
    last = int(tr.last_kept)
    lr = tr.lr
    with np.errstate(invalid="ignore", over="ignore"):
        dist = surface.nearest_minimum_distance(tr.positions)
    gap = _gap(surface, tr.loss)
    ending = of_run(surface, tr)  # the CLI's and the exports' words: the table shows them whole
    return {
        **meta,
        "status": ending.status,
        "outcome": ending.words,
        "tone": ending.tone,
        # the step the playback reaches the outcome at (the bad step of a run that left)
        "stopped_at": ending.at,
        "last": last,
        "final_loss": float(tr.loss[last]),
        "xy": b64(tr.positions),
        "loss": b64(tr.loss),
        "gap": b64(gap) if gap is not None else None,
        "z": b64(terrain.path_heights(surface, tr.positions, tr.loss)),
        "dist": b64(dist),
        "lr": b64(lr) if lr.size and np.ptp(lr) > 0 else None,
        "lr0": float(lr[0]) if lr.size else float(cfg.racers[i].lr),
        "iterate": _iterate(tr),
        **_inspect(surface, tr, cfg.racers[i].optimizer, meta),
    }


def _spread(fan: fans.Fan | None) -> dict | None:
    """What the race table shows of a fan: the seeds and the 10/50/90 % final losses."""
    return None if fan is None else {"seeds": len(fan.seeds), "final": list(fan.spread())}


def _epochs(cfg: Config, batches: list[np.ndarray | None]) -> tuple[int, int] | None:
    """(steps per epoch, steps) when a racer draws mini-batches: a pass over the data takes
    ceil(samples / batch size) steps (the last batch holds what is left)."""
    if all(b is None for b in batches):
        return None
    return -(-surface_of(cfg).n_samples // cfg.batch_size), cfg.steps


def view(cfg: Config) -> dict[str, Any]:
    """What the plots show for a configuration: the run store, the four figures and the
    inspect choices. The engine callback sends it on a change; the page's layout carries
    the default configuration's from the first response (no callback before the plots)."""
    surface, _, trajs = run_all(cfg)
    meta = racer_meta(cfg)
    fan = fan_all(cfg)
    batches = batch_loss_all(cfg)
    # a fan is drawn into the contour map: then every run needs its own map
    fanned = repr(cfg) if any(f is not None for f in fan) else None
    window = frame(cfg, surface, trajs)
    return {
        "run": pack(cfg, surface, trajs, window),
        "surface": landscape.surface_3d(surface, meta),
        "contour": landscape.contour_map(surface, meta, fan, window),
        # drawn for the log scale where f* is known; the browser applies the switch
        "loss": charts.loss_figure(
            meta, surface.fglob is not None, surface.fglob, fan, batches, _epochs(cfg, batches)
        ),
        "schedule": charts.schedule_figure(meta, [t.lr for t in trajs]),
        "inspect": [{"label": m["label"], "value": str(i)} for i, m in enumerate(meta)],
        # the drawn mesh and racers: the same key keeps the drawn landscape figures
        "key": json.dumps(
            [cfg.surface, surface_kwargs(cfg), [(m["label"], m["color"]) for m in meta], fanned, window]
        ),
    }


def frame(cfg: Config, surface: Surface, trajs: list[Trajectory]) -> terrain.Window:
    """What the contour map shows: the domain, or the part of it the drawn paths cover."""
    if cfg.frame == "paths":
        return terrain.paths_window(surface, [t.positions[: int(t.last_kept) + 1] for t in trajs])
    return surface.domain


def scene(cfg: Config, lesson: str | None = None) -> str:
    """What a new run starts from step 0 for when it changes: the surface (a typed one's
    formula too: another formula is another surface), the racer set or the lesson (a change
    of anything else, a learning rate say, keeps the step)."""
    formula = cfg.formula if cfg.surface == custom.NAME else None
    return json.dumps([cfg.surface, formula, [r.optimizer for r in cfg.racers], lesson])


def pack(
    cfg: Config, surface: Surface, trajs: list[Trajectory], window: terrain.Window | None = None
) -> dict:
    """The store the browser animates from: every racer's arrays, inspect data included, so
    choosing the inspected racer or the loss scale needs no server. ``window``: the contour
    map's frame (`frame`), when the caller has it already."""
    (x0, x1), _ = surface.domain
    meta = racer_meta(cfg)
    return {
        "steps": int(cfg.steps),
        "scene": scene(cfg),
        "float32": list(FLOAT32_FIELDS),
        "can_log": surface.fglob is not None,  # f - f* is known: the loss chart may go log
        "arrow_span": contract.ARROW_SPAN * (x1 - x0),
        "has_minima": bool(surface.minima),  # else the table's distance column says so
        # the contour map's frame: end marks stay inside it
        "view": [c for pair in window or frame(cfg, surface, trajs) for c in pair],
        "loss_axes": {"log": charts.loss_yaxis(True), "linear": charts.loss_yaxis(False)},
        "state_layout": charts.state_figure(None, None)["layout"],
        # each plot's accessible name and description (the browser sets them on the graphs)
        "alt": alt.plot_texts(
            surface.title, terrain.map_height_title(surface), terrain.height_title(surface), meta
        ),
        "racers": [
            {**_racer(cfg, surface, i, m, tr), "fan": _spread(f)}
            for i, (m, tr, f) in enumerate(zip(meta, trajs, fan_all(cfg)))
        ],
    }
