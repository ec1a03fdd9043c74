"""Importing a library with some of its optional dependencies hidden.

A few libraries import a heavy optional package as soon as it is installed, for a feature the
playground never uses: Dash imports IPython (and requests) for its Jupyter display, SymPy's
PyTorch printer imports torch only to note its version. Hidden while such a library loads, the
package reads as not installed, so the library takes the path it has for a machine without it,
and a server does not carry it (benchmarks/startup.py). It is importable again once the block
ends, and a package that is already imported is left alone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def hidden(*names: str) -> Iterator[None]:
    """Within the block, ``import name`` raises ImportError for each of ``names`` not yet imported."""
    hide = [name for name in names if name not in sys.modules]
    for name in hide:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's documented blocker
    try:
        yield
    finally:
        for name in hide:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
