"""``python -m playground``: the same command line as ``loss-playground``."""

from .cli import run

run()
