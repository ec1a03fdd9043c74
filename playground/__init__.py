"""Loss-landscape playground: optimizers racing on analytic surfaces."""

from playground.core.engine import Trajectory, simulate
from playground.core.hyper import ConfigError
from playground.core.optimizers import OPTIMIZERS, Optimizer, get_optimizer
from playground.core.run import Outcomes, RunSpec, resolve_run
from playground.core.schedules import SCHEDULES

# the batch layer gives `simulate` its streamed and compiled backends (many starts, outcomes only)
import playground.batch  # noqa: F401  isort: skip

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "ConfigError",
    "Optimizer",
    "Outcomes",
    "RunSpec",
    "Trajectory",
    "get_optimizer",
    "resolve_run",
    "simulate",
]
