"""Loss-landscape playground: optimizers racing on analytic surfaces."""

from .engine import Trajectory, simulate
from .hyper import ConfigError
from .optimizers import OPTIMIZERS, Optimizer, get_optimizer
from .schedules import SCHEDULES

__all__ = ["OPTIMIZERS", "SCHEDULES", "ConfigError", "Optimizer", "Trajectory", "get_optimizer", "simulate"]
