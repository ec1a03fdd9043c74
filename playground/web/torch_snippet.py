"""The page's "Copy as PyTorch": the same script `python -m playground trajectory --format torch`
prints, for every racer of the page at once (see :mod:`playground.torch_export`)."""

from __future__ import annotations

from playground.export.pytorch import torch_script

from . import runs
from .state.validate import Config


def torch_snippet(cfg: Config, labels: list[str]) -> str:
    """A self-contained script that reruns each racer in PyTorch and prints its points.

    The runs come from the engine's bounded cache: the page computed them a moment ago."""
    surface, _, trajs = runs.run_all(cfg)
    return torch_script(surface, list(zip(labels, trajs)))
