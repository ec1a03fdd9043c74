r"""The optimizer registry: every module of this package with a ``RECORDS`` tuple adds to it.

Adding an optimizer is one module (its record, built from :mod:`.blocks` or from blocks of
its own) plus its oracle test; the engine, the page, the CLI, the exports, the tests and
the benchmarks all iterate :data:`OPTIMIZERS`.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import INSPECT_LABELS, Block, ChainState, Optimizer, Rule, get
from .blocks import lerp, newton_direction

_modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for mod in sorted((m for m in _modules if hasattr(m, "RECORDS")), key=lambda m: (m.ORDER, m.__name__))
    for o in mod.RECORDS
}


def get_optimizer(name: object) -> Optimizer:
    """The record called ``name``; a `ConfigError` naming the choices otherwise."""
    return get(OPTIMIZERS, name)


__all__ = [
    "INSPECT_LABELS",
    "OPTIMIZERS",
    "Block",
    "ChainState",
    "Optimizer",
    "Rule",
    "get_optimizer",
    "lerp",
    "newton_direction",
]
