"""Many runs at once: start grids and learning-rate sweeps as cells, the compiled loop,
outcome maps and fair tuning. Built on the core only.

Importing it gives the core's runner its batch backends (`cells.spec_outcomes`: the streamed
NumPy loop and the compiled loop) for `simulate(..., history=False)` with many starts.
"""

from . import cells  # noqa: F401  (registers the backends)
