"""Run a validated configuration and pack it compactly for the browser.

Float arrays travel as base64 float32 (paths and losses need no more than the seven
digits a screen shows); exact float64 values for the results table travel as JSON.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

import numpy as np

from surfaces import Surface, get_surface

from ..engine import Trajectory, simulate
from ..optimizers import OPTIMIZERS
from .figures import PALETTE, mesh, z_transform
from .validate import Config, Racer


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def label(r: Racer, others: list[Racer]) -> str:
    title = OPTIMIZERS[r.optimizer].title
    same = [o for o in others if o.optimizer == r.optimizer]
    if len(same) > 1:
        hp = dict(r.hyper)
        extra = " saddle-free" if hp.get("saddle_free") else ""
        return f"{title}{extra} (lr {r.lr:g})"
    return title


@lru_cache(maxsize=512)  # bounded; identical configurations (lessons, defaults) are shared
def run_racer(
    surface_key: tuple[str, tuple[tuple[str, float], ...]],
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


def surface_of(cfg: Config) -> Surface:
    return get_surface(cfg.surface, **cfg.surface_params)


def run_all(cfg: Config) -> tuple[Surface, tuple[float, float], list[Trajectory]]:
    surface = surface_of(cfg)
    start = cfg.start if cfg.start is not None else surface.start
    key = (cfg.surface, tuple(sorted(cfg.surface_params.items())))
    sched_items = tuple(sorted(cfg.schedule_params.items()))
    trajs = [
        run_racer(key, r, cfg.schedule, sched_items, cfg.noise, cfg.batch_size, cfg.seed, start, cfg.steps)
        for r in cfg.racers
    ]
    return surface, start, trajs


def racer_meta(cfg: Config) -> list[dict]:
    return [
        {"label": label(r, cfg.racers), "color": PALETTE[i % len(PALETTE)], "optimizer": r.optimizer}
        for i, r in enumerate(cfg.racers)
    ]


def pack(cfg: Config, surface: Surface, trajs: list[Trajectory], inspect: int) -> dict:
    """The store the browser animates from."""
    _, _, z, floor = mesh(surface, 72)
    zt = z_transform(surface, z, floor)
    lift = 0.012 * float(zt.max() - zt.min() or 1.0)
    racers = []
    for i, (meta, tr) in enumerate(zip(racer_meta(cfg), trajs)):
        status = str(tr.status)
        stop = int(tr.stopped_at)
        last = stop - 1 if status == "diverged" else stop
        final = tr.positions[last]
        dist = float(surface.nearest_minimum_distance(final))
        lr = tr.lr
        entry = {
            **meta,
            "status": status,
            "stopped_at": stop,
            "last": last,
            "final_loss": float(tr.loss[last]),
            "final_xy": [float(final[0]), float(final[1])],
            "final_dist": dist if np.isfinite(dist) else None,
            "xy": b64(tr.positions),
            "loss": b64(tr.loss),
            "lr": b64(lr) if lr.size and np.ptp(lr) > 0 else None,
            "lr0": float(lr[0]) if lr.size else float(cfg.racers[i].lr),
        }
        if i == inspect:
            g = surface.gradient(tr.positions)
            entry["grad"] = b64(g)
            move = np.zeros_like(tr.positions)
            move[:-1] = tr.positions[1:] - tr.positions[:-1]  # the step the optimizer takes next
            entry["move"] = b64(move)
        racers.append(entry)
    return {
        "steps": int(cfg.steps),
        "surface": surface.name,
        "domain": [list(surface.domain[0]), list(surface.domain[1])],
        "fglob": surface.fglob,
        # the browser derives path heights from the losses: z = log10(max(f - floor, 0) + 1e-3) + lift
        "zinfo": {"log": surface.log_z, "floor": float(floor), "lift": lift},
        "minima": [list(c.xy) for c in surface.minima][:200],
        "inspect": inspect,
        "racers": racers,
    }
