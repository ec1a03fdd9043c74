"""The showdown: several optimizers train the same network from the same weights on the same
batches; one row per optimizer (the CLI's ``showdown`` and the "Real network" view)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from playground.core.hyper import ConfigError
from playground.core.optimizers import OPTIMIZERS

from . import data, model
from .presets import PRESETS, SEED_SIX, preset_hp
from .train import Run, eligible, excluded_reason, train

MAX_EPOCHS = 100
COLUMNS = ("optimizer", "val_accuracy", "val_loss", "train_loss", "seconds", "lr")


@dataclass(frozen=True)
class Showdown:
    runs: tuple[Run, ...]
    epochs: int
    batch_size: int
    seed: int
    preset: str


def check(names: Sequence[str], epochs: int, batch_size: int, seed: int, preset: str) -> tuple[str, ...]:
    """The optimizer names, or a `ConfigError` naming what is wrong and the valid choices."""
    names = tuple(dict.fromkeys(names))  # repeated names run once
    if not names:
        raise ConfigError("choose at least one optimizer")
    for n in names:
        if n not in OPTIMIZERS:
            raise ConfigError(f"unknown optimizer {n!r}; choose from: {', '.join(eligible())}")
        if (why := excluded_reason(OPTIMIZERS[n])) is not None:
            raise ConfigError(f"{n} cannot train the network: it {why}")
    if not 1 <= epochs <= MAX_EPOCHS:
        raise ConfigError(f"epochs must be in [1, {MAX_EPOCHS}], got {epochs}")
    n_train = data.load().y_train.shape[0]
    if not 1 <= batch_size <= n_train:
        raise ConfigError(f"batch size must be in [1, {n_train}], got {batch_size}")
    if not 0 <= seed < 2**32:
        raise ConfigError(f"seed must be in [0, 2**32), got {seed}")
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    return names


def run_showdown(
    names: Sequence[str] = SEED_SIX,
    *,
    epochs: int = 10,
    batch_size: int = 64,
    seed: int = 0,
    preset: str = "seed",
    progress: Callable[[int, int, str], None] | None = None,
) -> Showdown:
    """Train every optimizer of ``names``; ``progress(done, total, name)`` before each one."""
    names = check(names, epochs, batch_size, seed, preset)
    runs = []
    for i, name in enumerate(names):
        if progress is not None:
            progress(i, len(names), name)
        hp = preset_hp(preset, name, batch_size, seed)
        runs.append(train(name, hp, epochs=epochs, batch_size=batch_size, seed=seed))
    return Showdown(tuple(runs), epochs, batch_size, seed, preset)


def _num(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None  # JSON has no NaN or infinity


def row(run: Run) -> dict[str, Any]:
    return {
        "optimizer": run.optimizer,
        "val_accuracy": _num(run.val_accuracy[-1]),
        "val_loss": _num(run.val_loss[-1]),
        "train_loss": _num(run.train_loss[-1]),
        "seconds": round(run.seconds, 3),
        "lr": run.hp["lr"],
        "blew_up": run.blew_up,
    }


def to_dict(sd: Showdown) -> dict[str, Any]:
    return {
        "dataset": data.NAME,
        "model": model.MODEL,
        "epochs": sd.epochs,
        "batch_size": sd.batch_size,
        "seed": sd.seed,
        "preset": sd.preset,
        "rows": [row(r) | {"hyperparameters": r.hp} for r in sd.runs],
    }
