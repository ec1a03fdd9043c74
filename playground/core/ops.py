"""Element-wise operations that take NumPy arrays or plain Python floats.

The update rules also run on one point held in Python floats (the engine's fast path for
single runs). These helpers give the same IEEE result as the NumPy ufunc on either kind
of input; a float never goes through NumPy, which costs ~20x more per call on a scalar.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def sqrt(a: Any) -> Any:
    """``np.sqrt``; ``math.sqrt`` for a float (both correctly rounded)."""
    return math.sqrt(a) if type(a) is float else np.sqrt(a)


def maximum(a: Any, b: Any) -> Any:
    """``np.maximum``, NaN-propagating; on ties it returns ``b`` as NumPy does (signed zeros)."""
    if type(a) is float and type(b) is float:
        return a if a > b or a != a else b
    return np.maximum(a, b)


def minimum(a: Any, b: Any) -> Any:
    """``np.minimum``, NaN-propagating."""
    if type(a) is float and type(b) is float:
        return a if a < b or a != a else b
    return np.minimum(a, b)


def sign(a: Any) -> Any:
    """``np.sign``: -1, 0 or 1, NaN stays NaN."""
    if type(a) is float:
        return 1.0 if a > 0 else -1.0 if a < 0 else a if a != a else 0.0
    return np.sign(a)


def copy(a: Any) -> Any:
    """A fresh copy of an array; a float is immutable already."""
    return a if type(a) is float else a.copy()


def where(cond: Any, a: Any, b: Any) -> Any:
    """``np.where``; a plain ``a if cond else b`` for a Python bool."""
    return (a if cond else b) if type(cond) is bool else np.where(cond, a, b)


def row_sum(a: Any) -> Any:
    """The sum of each row of ``(N, 2)``, as a column ``(N, 1)``, for the rules that mix the
    coordinates (``np.add.reduce``: ``np.sum``'s wrapper costs ~30% of a coupled step)."""
    return np.add.reduce(a, axis=-1, keepdims=True)


def row_norm(a: Any) -> Any:
    """The Euclidean norm of each row, as a column ``(N, 1)``."""
    return np.sqrt(row_sum(a * a))
