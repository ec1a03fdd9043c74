"""Analytic loss surfaces: one registry, exact gradients and Hessians.

>>> s = get_surface("rosenbrock")
>>> s.value([1.0, 1.0])
array(0.)
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

from . import catalog, custom, data
from .base import CriticalPoint, FormulaError, Param, Surface, SurfaceFamily
from .rotation import ROTATION, rotate

# the catalog's analytic surfaces, the data-backed ones (data.py, real mini-batches), then the
# user's own formula ("custom", see custom.py); every one may be rotated (rotation.py)
FAMILIES: dict[str, SurfaceFamily] = {
    fam.name: dataclasses.replace(fam, params=(*fam.params, ROTATION))
    for fam in (*catalog.FAMILIES.values(), *data.FAMILIES.values(), custom.FAMILY)
}

__all__ = [
    "FAMILIES",
    "CriticalPoint",
    "FormulaError",
    "Param",
    "Surface",
    "SurfaceError",
    "SurfaceFamily",
    "get_surface",
    "resolve_surface_params",
    "surface_names",
]


class SurfaceError(ValueError):
    """An unknown surface, an out-of-range surface parameter or a refused formula; ``position``
    is where in the formula's text reading stopped (None: not known or not a formula's fault)."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


def surface_names() -> list[str]:
    return list(FAMILIES)


def resolve_surface_params(name: str, params: dict[str, object] | None = None) -> dict[str, float]:
    """Defaults merged with ``params``, validated; raises `SurfaceError` with a clear message."""
    fam = FAMILIES.get(name)
    if fam is None:
        raise SurfaceError(f"unknown surface {name!r}; choose one of: {', '.join(FAMILIES)}")
    resolved = fam.defaults()
    for key, raw in (params or {}).items():
        spec = next((p for p in fam.params if p.name == key), None)
        if spec is None:
            valid = ", ".join(p.name for p in fam.params) or "none"
            raise SurfaceError(f"{name}: unknown parameter {key!r}; valid parameters: {valid}")
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SurfaceError(f"{name}: {key} must be a number, got {raw!r}") from None
        if not math.isfinite(value) or not spec.low <= value <= spec.high:
            raise SurfaceError(f"{name}: {key} must be in [{spec.low:g}, {spec.high:g}], got {raw!r}")
        resolved[key] = value
    return resolved


def get_surface(name: str, formula: str | None = None, **params: object) -> Surface:
    """The surface ``name`` built with ``params`` (defaults for the rest).

    ``formula`` is the text of the "custom" surface (its default formula when ``None``);
    a refused formula raises `SurfaceError` with the reason.
    """
    resolved = resolve_surface_params(name, params)
    if formula is not None and name != custom.NAME:
        raise SurfaceError(f"a formula is only for the {custom.NAME!r} surface, not {name!r}")
    try:
        return _build(name, tuple(sorted(resolved.items())), formula)
    except FormulaError as e:
        raise SurfaceError(str(e), e.position) from None


@lru_cache(maxsize=64)  # bounded: critical points are refined once per parameter set
def _build(name: str, items: tuple[tuple[str, float], ...], formula: str | None) -> Surface:
    params = dict(items)
    degrees = params.pop(ROTATION.name, 0.0)
    if name == custom.NAME:
        base = custom.custom_surface(custom.DEFAULT_FORMULA if formula is None else formula, **params)
    else:
        base = FAMILIES[name].build(**params)
    return rotate(base, degrees) if degrees else base
