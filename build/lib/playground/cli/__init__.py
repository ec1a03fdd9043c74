"""The command line (``loss-playground`` or ``python -m playground``)."""

from .main import main, run

__all__ = ["main", "run"]
