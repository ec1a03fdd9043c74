"""What a run costs, in the work units the budgets count: the one rule for every budget.

One unit is a step of a coordinate-wise optimizer on the catalog's dearest analytic surface
(Ackley): the work the page's cap (`web.state.validate.WORK_BUDGET`: 12 racers x 5,000 steps under
1 s of CPU) and the maps' caps were set for. A step costs the optimizer's units
(`Optimizer.step_cost`: its evaluations of the surface, a 2x2 eigen-decomposition), each
paying what one gradient of the surface costs in Ackley's gradients (`Surface.cost`): 1 for
the catalog's surfaces, more for a mean over data samples or a long typed formula.

A gradient costs differently in the two loops that run it, so a surface declares both:
``run``, one run with its point in two Python floats (the page's race), where the fixed cost
of each NumPy call dominates; ``cell``, one run of a batch in arrays (maps, tuning), where
the arithmetic per element dominates.

How the constants were measured (shared 2-core VM, 2026-12-07, medians of 5): ``run`` is the
CPU time per step of ``simulate(surface, "adam", steps=3000)`` over Ackley's (8.1 us): linreg
(24 samples) 1.48, logreg (24) 2.42, iris (100) 2.68; typed formulas 1.79, 4.52 and 5.89 for
gradients of 17, 63 and 88 instructions. ``cell`` is the CPU time of ``maps.basin`` (1,000
cells x 200 steps, Adam) over Ackley's compiled loop: linreg 1.3, iris 15, the default formula
0.8. The rules below round those up; `benchmarks/server.py`'s surface table checks the result
(the largest request on every surface under 1 s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class GradientCost:
    """One gradient of a surface, in gradients of the catalog's dearest analytic surface."""

    run: float = 1.0  # in a single run, the point in Python floats (the page's race)
    cell: float = 1.0  # per run of a batch, in arrays (maps, tuning)


ANALYTIC = GradientCost()

# a mean over samples: (fixed part of a run's gradient, a run's part per sample, a cell's part
# per sample), by loss; the log loss pays exp/log per sample, the squared error does not
_SAMPLES = {"squared": (1.5, 1 / 250, 1 / 16), "logistic": (2.4, 1 / 250, 1 / 6)}
# a typed formula's gradient: interpreter instructions per analytic gradient, in a run and a cell
_INSTRUCTIONS_RUN = 16
_INSTRUCTIONS_CELL = 20


def of_samples(n_samples: int, loss: str) -> GradientCost:
    """A loss that is the mean over ``n_samples`` samples (data.py); a mini-batch costs at most
    this (its fixed part dominates in a run)."""
    base, per_sample_run, per_sample_cell = _SAMPLES[loss]
    return GradientCost(run=base + per_sample_run * n_samples, cell=max(1.0, per_sample_cell * n_samples))


def of_formula(instructions: int) -> GradientCost:
    """A typed formula whose gradient is ``instructions`` interpreter instructions (custom.py)."""
    return GradientCost(
        run=1.0 + instructions / _INSTRUCTIONS_RUN, cell=max(1.0, instructions / _INSTRUCTIONS_CELL)
    )


def step_units(optimizer_units: int, gradient: float) -> int:
    """Work units of one step: the optimizer's units, each paying the surface's gradient
    (``GradientCost.run`` or ``.cell``); whole units, rounded up."""
    return math.ceil(optimizer_units * gradient - 1e-9)
