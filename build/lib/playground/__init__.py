"""Loss-landscape playground: optimizers racing on analytic surfaces."""

from playground.core.engine import Trajectory, simulate
from playground.core.hyper import ConfigError
from playground.core.optimizers import OPTIMIZERS, Optimizer, get_optimizer
from playground.core.schedules import SCHEDULES

__all__ = ["OPTIMIZERS", "SCHEDULES", "ConfigError", "Optimizer", "Trajectory", "get_optimizer", "simulate"]
