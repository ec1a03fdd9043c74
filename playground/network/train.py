"""Training the network with the playground's own optimizer records.

Each parameter array gets its state from the record's rule (``rule.init(param)``) and is
stepped by ``rule.update(g, state, param, q, lr, None)``: the same chain of blocks that draws
the paths on the surfaces, applied element-wise to a weight tensor. There is no second
implementation of any optimizer here; the torch oracle (tests/test_network_oracle.py) checks
the result against ``torch.optim``.

Which records can train a network is read from their flags (:func:`excluded_reason`), not
from a list of names.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.core.optimizers import OPTIMIZERS, Optimizer

from . import model as M
from .data import Digits, load

CHECKPOINTS = 60  # weights kept along a run for the projected path (plus the start and the end)


def excluded_reason(opt: Optimizer) -> str | None:
    """Why a record cannot train the network, or ``None`` when it can."""
    if opt.second_order:
        return "needs the Hessian at every step"
    if opt.closure:
        return "takes line-search steps at points of its own"
    if opt.coupled:
        # norms, factored moments or orthogonalisation over rows of (N, 2) points
        return "mixes the coordinates of a point, so it is not element-wise over a weight tensor"
    return None


def eligible() -> tuple[str, ...]:
    """The records that train the network, in registry order."""
    return tuple(name for name, opt in OPTIMIZERS.items() if excluded_reason(opt) is None)


def excluded() -> dict[str, str]:
    return {n: r for n, o in OPTIMIZERS.items() if (r := excluded_reason(o)) is not None}


def plan(seed: int, epochs: int, batch_size: int, n: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """``(epoch, sample indices, dropout mask)`` for every step: a fresh seeded shuffle each
    epoch (the last batch keeps the remainder, as Keras does) and an inverted-dropout mask.

    The plan depends on the seed only, so every optimizer sees the same batches and masks.
    """
    rng = np.random.default_rng([seed, 1])
    keep = 1.0 - M.DROPOUT
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            mask = (rng.random((idx.shape[0], M.FEATURES)) < keep) / keep
            yield epoch, idx, mask


def initial_params(seed: int) -> M.Params:
    return M.init_params(np.random.default_rng([seed, 0]))


@dataclass(frozen=True)
class Run:
    optimizer: str
    hp: dict[str, Any]
    # per epoch, index 0 before training (so len = epochs + 1 unless the run blew up)
    val_loss: tuple[float, ...]
    val_accuracy: tuple[float, ...]
    train_loss: tuple[float, ...]
    seconds: float
    blew_up: bool
    path: np.ndarray  # (k, 1610) flat weights at steps `path_steps`, the start first, the end last
    path_steps: tuple[int, ...]
    steps_per_epoch: int

    @property
    def final(self) -> np.ndarray:
        return self.path[-1]


def _checkpoint_every(epochs: int, batch_size: int, n: int) -> int:
    total = epochs * math.ceil(n / batch_size)
    return max(1, math.ceil(total / CHECKPOINTS))


def _metrics(params: M.Params, data: Digits) -> tuple[float, float, float]:
    vl, va = M.evaluate(params, data.x_val, data.y_val)
    tl, _ = M.evaluate(params, data.x_train, data.y_train)  # dropout off: the weights' own loss
    return vl, va, tl


def train(
    name: str,
    hp: Mapping[str, Any],
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    data: Digits | None = None,
) -> Run:
    """Train a fresh network (seeded init) with record ``name`` at resolved ``hp``."""
    data = data or load()
    opt = OPTIMIZERS[name]
    if (why := excluded_reason(opt)) is not None:
        raise ValueError(f"{name} cannot train the network: {why}")
    rule, lr = opt.rule(hp), hp["lr"]
    params = initial_params(seed)
    states = {k: rule.init(v) for k, v in params.items()}
    every = _checkpoint_every(epochs, batch_size, data.y_train.shape[0])
    curves = [_metrics(params, data)]
    path, steps, step, blew_up = [M.flatten(params)], [0], 0, False
    t0 = time.perf_counter()
    with np.errstate(all="ignore"):  # a diverging run is detected by its loss, not by warnings
        for _epoch, idx, mask in plan(seed, epochs, batch_size, data.y_train.shape[0]):
            q = params if rule.look is None else {k: rule.lookahead(v, states[k]) for k, v in params.items()}
            loss, grads = M.loss_and_grad(q, data.x_train[idx], data.y_train[idx], mask)
            for k in params:
                params[k], states[k] = rule.update(grads[k], states[k], params[k], q[k], lr, None)
            step += 1
            if not math.isfinite(loss):
                blew_up = True
                break
            if step % every == 0:
                path.append(M.flatten(params))
                steps.append(step)
            if _epoch_done(step, data.y_train.shape[0], batch_size):
                curves.append(_metrics(params, data))
    if steps[-1] != step:
        path.append(M.flatten(params))
        steps.append(step)
    seconds = time.perf_counter() - t0
    vl, va, tl = zip(*curves)
    return Run(
        name,
        dict(hp),
        vl,
        va,
        tl,
        seconds,
        blew_up,
        np.array(path),
        tuple(steps),
        math.ceil(data.y_train.shape[0] / batch_size),
    )


def _epoch_done(step: int, n: int, batch_size: int) -> bool:
    return step % math.ceil(n / batch_size) == 0
