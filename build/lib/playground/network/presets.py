"""The hyperparameters of a showdown: ``seed`` (what the seed's table most likely ran) and
``tuned`` (the same tuning budget for every optimizer).

**seed**: the table's Adadelta (0.8375 after 10 epochs) and Adagrad (0.9286) only make sense
with the defaults of TensorFlow 2's ``tf.keras.optimizers`` (TF 2.0–2.15 and Keras 3 keep
them), where Adadelta's learning rate is 0.001 and Adagrad's 0.001 with an initial
accumulator of 0.1. Standalone Keras 2.x (≤ 2.3) had Adadelta at lr 1.0 and Adagrad at 0.01,
and its own MNIST example reached ~99% with that Adadelta: it cannot be what the table ran.
Sources: the TF 2 API docs / ``keras/optimizers`` signatures (``SGD(learning_rate=0.01,
momentum=0.0)``, ``RMSprop(0.001, rho=0.9, epsilon=1e-07)``, ``Adam(0.001, 0.9, 0.999,
1e-07)``, ``Adagrad(0.001, initial_accumulator_value=0.1, epsilon=1e-07)``,
``Adadelta(0.001, rho=0.95, epsilon=1e-07)``); "SGD w/ momentum" is ``SGD(momentum=0.9)``,
the usual choice (the seed does not say). Mapped onto PyTorch's names: RMSprop's ``rho`` is
``alpha``; TF ≤ 2.10's RMSprop adds epsilon inside the square root (``eps_inside_sqrt``);
Keras's Adam puts epsilon outside the bias correction ("epsilon hat"), a difference of at most
a factor √(1−β₂ᵗ) on a 1e-7 term, kept as PyTorch's form. Optimizers that are not in the
seed's table keep their record's defaults (PyTorch's).

**tuned**: every optimizer gets the same budget: `TUNE_EPOCHS` epochs at each learning rate of
the playground's fixed grid (``playground.fair.GRID``, half decades 1e-4 … 1, the rule racers
get their default rate by), other hyperparameters at their defaults; the rate with the lowest
validation loss wins (diverged runs are out), then the full run. The choice uses the
validation set, as any tuning on it does: the tuned table is optimistic by that much.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from playground.batch.fair import GRID
from playground.core.optimizers import OPTIMIZERS

from .train import train

PRESETS = ("seed", "tuned")
TUNE_EPOCHS = 2

# the seed's six, in the seed's table order, with its row labels
SEED_SIX = ("adam", "rmsprop", "momentum", "sgd", "adagrad", "adadelta")
SEED_TABLE: dict[str, tuple[str, float, float, str]] = {  # label, val acc, val loss, time
    "adam": ("Adam", 0.9908, 0.0297, "7:20 min"),
    "rmsprop": ("RMSprop", 0.9857, 0.0501, "10:01 min"),
    "momentum": ("SGD w/ Momentum", 0.9697, 0.1008, "7:04 min"),
    "sgd": ("SGD", 0.9693, 0.1040, "6:42 min"),
    "adagrad": ("Adagrad", 0.9286, 0.2519, "7:33 min"),
    "adadelta": ("Adadelta", 0.8375, 0.9026, "8:02 min"),
}
SEED_SETUP = "MNIST 28×28, Conv2D → MaxPooling → Dropout → Dense, 10 epochs, batch 64, Keras"

KERAS_TF2: dict[str, dict[str, Any]] = {
    "sgd": {"lr": 0.01},
    "momentum": {"lr": 0.01, "momentum": 0.9},
    "rmsprop": {"lr": 0.001, "alpha": 0.9, "eps": 1e-7, "eps_inside_sqrt": True},
    "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
    "adagrad": {"lr": 0.001, "initial_accumulator_value": 0.1, "eps": 1e-7},
    "adadelta": {"lr": 0.001, "rho": 0.95, "eps": 1e-7},
}


def seed_hp(name: str) -> dict[str, Any]:
    return OPTIMIZERS[name].resolve(hyper=KERAS_TF2.get(name, {}))


@lru_cache(maxsize=64)
def tuned_lr(name: str, batch_size: int, seed: int) -> tuple[float, tuple[float, ...]]:
    """The grid's best learning rate for ``name`` and the validation loss at every rate."""
    scores = []
    for lr in GRID:
        run = train(
            name, OPTIMIZERS[name].resolve(lr=lr), epochs=TUNE_EPOCHS, batch_size=batch_size, seed=seed
        )
        final = run.val_loss[-1]
        scores.append(final if (math.isfinite(final) and not run.blew_up) else math.inf)
    best = min(range(len(GRID)), key=lambda i: scores[i])
    return GRID[best], tuple(scores)


def preset_hp(preset: str, name: str, batch_size: int, seed: int) -> dict[str, Any]:
    """Resolved hyperparameters of ``name`` under ``preset``."""
    if preset == "seed":
        return seed_hp(name)
    if preset == "tuned":
        return OPTIMIZERS[name].resolve(lr=tuned_lr(name, batch_size, seed)[0])
    raise ValueError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
