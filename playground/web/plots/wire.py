"""The wire encoding to the browser: arrays as compact, exact-enough payloads.

Float arrays travel as base64 little-endian float32 (Plotly's typed-array specs, or plain
base64 strings the playback scripts decode): a screen shows no more than float32's seven
digits. Long series are thinned evenly before they are sent.
"""

from __future__ import annotations

import base64
import math

import numpy as np

FAN_POINTS = 300  # points per seed's path and per band edge drawn of a fan (thinned evenly beyond)


def little_endian(a: np.ndarray, dtype: str = "f4") -> np.ndarray:
    """``a`` as the browser reads it: little-endian ``dtype``. A float beyond float32's range
    becomes ±inf, as a diverged run's values already are, so the cast's overflow is expected."""
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(a, dtype="<" + dtype)


def typed(a: np.ndarray, dtype: str = "f4") -> dict:
    """A Plotly typed array (base64), 2-D arrays keep their shape."""
    arr = little_endian(a, dtype)
    spec = {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}
    if arr.ndim == 2:
        spec["shape"] = f"{arr.shape[0]}, {arr.shape[1]}"
    return spec


def b64(a: np.ndarray) -> str:
    """``a`` as base64 little-endian float32 (the run store's arrays, decoded by 20-pg-decode.js)."""
    return base64.b64encode(little_endian(a).tobytes()).decode("ascii")


def plain(a: np.ndarray | None) -> list | None:
    """JSON-ready values (None where not finite): the browser swaps them in as they are."""
    return None if a is None else [float(v) if math.isfinite(v) else None for v in a]


def thinned(n: int, points: int = FAN_POINTS) -> np.ndarray:
    """At most ``points`` step indices spread evenly over ``n`` steps, the last one included."""
    return np.unique(np.linspace(0, n - 1, min(n, points)).round().astype(int))
