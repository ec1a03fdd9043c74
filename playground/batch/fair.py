"""The learning rate a racer gets when nobody chose one: one rule, whichever way it was added.

The rule: on the chosen surface (its default parameters, from its own start), run the
optimizer for `STEPS` steps at each learning rate of `GRID` (half decades from 1e-4 to 1) and
take the one with the lowest final loss; runs that left the region or blew up do not count.
A fixed per-optimizer number cannot be fair: Adam's 0.001 barely leaves the start on
Rosenbrock while gradient descent's 0.01 blows up there. The sweep is small, deterministic and
cached per (surface, optimizer): about 80 ms the first time, nothing after. It is the outcome
maps' learning-rate sweep (`maps.sweep`) with a single probe, so the two cannot disagree.

Methods that use the Hessian (Newton) keep their full step (their page default, lr = 1): the
step of the local quadratic model is their point, and scored by final loss a tiny step that
stays put would beat the full step that walks to a saddle.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from playground.core.optimizers import OPTIMIZERS
from playground.core.surfaces import get_surface

from . import maps

GRID = tuple(float(10.0 ** (k / 2)) for k in range(-8, 1))  # 1e-4, 3.16e-4, ..., 1
STEPS = 200


def lr_sweep(surface: str, optimizer: str) -> maps.Sweep:
    """The map's learning-rate sweep (`maps.sweep`) over `GRID` with one probe: the surface's
    own start (or seed 0 where the gradient is noisy), `STEPS` steps, the settings a racer
    added on the page starts with (`Optimizer.on_page`: L-BFGS's one iteration per step)."""
    opt = OPTIMIZERS[optimizer]
    hyper = {k: v for k, v in opt.on_page.items() if k != "lr"}
    setup = maps.Setup(get_surface(surface), optimizer, opt.lr_for_page, hyper=hyper, steps=STEPS)
    return maps.sweep(setup, np.array(GRID), k=1)


def sweep(surface: str, optimizer: str) -> tuple[tuple[float, float], ...]:
    """``(learning rate, score)`` for every rate of `GRID`: the final loss, or ``inf`` where
    the run left the region or blew up."""
    return tuple(zip(GRID, lr_sweep(surface, optimizer).score.tolist()))


@lru_cache(maxsize=1024)  # bounded: surfaces x optimizers
def fair_lr(surface: str, optimizer: str) -> float:
    """The learning rate `optimizer` races with on `surface` when none was given."""
    opt = OPTIMIZERS[optimizer]
    if opt.second_order:
        return opt.lr_for_page
    best = lr_sweep(surface, optimizer).best  # the lowest score; ties: the smaller rate
    return GRID[best] if best is not None else opt.lr_for_page
