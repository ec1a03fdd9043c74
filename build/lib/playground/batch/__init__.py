"""Many runs at once: start grids and learning-rate sweeps as cells, the compiled loop,
outcome maps and fair tuning. Built on the core only."""
