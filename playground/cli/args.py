"""What the command line's commands share: the parser, its help, the settings of a run and
the surface they name."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any

from playground.core.hyper import ConfigError
from playground.core.surfaces import FAMILIES, Surface, get_surface

# A word that starts with '-' and a digit (or '-.' and a digit) is a value, not an option:
# ``--starts -4:4:6,-4:4:5``, ``--start -1e-3 2``. argparse 3.11 takes only plain negative
# numbers (-1, -.5) for values and calls the rest "expected one argument"; Python 3.13's own
# matcher is this one. No option of ours starts with a digit, so nothing is lost.
_VALUE = re.compile(r"^-\.?\d")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's help ends with its default. An option without one (``None``) says in
    its help what it defaults to (``default: the surface's own``), and shows no "None"."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, argparse.SUPPRESS):
            return text
        return text + " (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """The command line's parser: errors in one line with exit code 2 (no usage dump), help
    with defaults, values that start with a minus sign taken as values."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _VALUE

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"error: {message}\n")


def pairs(items: Sequence[str] | None, flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"{flag} expects NAME=VALUE, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def add_run_args(t: argparse.ArgumentParser, lr: bool = True) -> None:
    """The settings of a run, shared by trajectory, sweep and tune."""
    t.add_argument("--surface", default="rosenbrock", help="the loss surface (the list: surfaces)")
    t.add_argument(
        "--surface-set",
        action="append",
        metavar="NAME=VALUE",
        help="a surface parameter, e.g. b=10; repeat for more (default: the surface's own, see surfaces)",
    )
    t.add_argument(
        "--formula",
        help='with --surface custom: f(x, y), e.g. "(1 - x)^2 + 100*(y - x^2)^2" (default: none)',
    )
    t.add_argument(
        "--domain",
        nargs=4,
        type=float,
        metavar=("X0", "X1", "Y0", "Y1"),
        help="with --surface custom: the domain [X0, X1] x [Y0, Y1] (default: -2 2 -2 2)",
    )
    t.add_argument("--optimizer", default="adam", help="the optimizer (the list: optimizers)")
    if lr:
        t.add_argument("--lr", type=float, help="learning rate (default: the optimizer's, see optimizers)")
    t.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        dest="hyper",
        help="an optimizer hyperparameter with torch.optim's name, e.g. beta1=0.95; repeat for more"
        " (default: the optimizer's, see optimizers)",
    )
    t.add_argument("--steps", type=int, default=200, help="steps to run")
    t.add_argument("--schedule", default="constant", help="the learning-rate schedule (the list: schedules)")
    t.add_argument(
        "--schedule-set",
        action="append",
        metavar="NAME=VALUE",
        help="a schedule parameter, e.g. gamma=0.5; repeat for more (default: the schedule's, see schedules)",
    )
    t.add_argument(
        "--noise",
        type=float,
        help="gradient noise: sigma per sample, or mini-batches on a data surface"
        " (default: none; sgd: the surface's own noise)",
    )
    t.add_argument(
        "--batch-size", type=int, default=1, help="samples per noisy gradient (divides its variance)"
    )
    t.add_argument("--seed", type=int, default=0, help="seed of the noise")


def start_arg(t: argparse._ActionsContainer) -> argparse.Action:
    """``--start X Y`` (negative numbers as they are: ``--start -1 2``)."""
    return t.add_argument(
        "--start", nargs=2, type=float, metavar=("X", "Y"), help="start point (default: the surface's)"
    )


def surface_from_args(args: argparse.Namespace) -> Surface:
    """The surface named by ``--surface`` (``--surface-set``, ``--formula``, ``--domain``)."""
    surf_params = pairs(args.surface_set, "--surface-set")
    if args.surface not in FAMILIES:
        raise ConfigError(f"unknown surface {args.surface!r}; choose one of: {', '.join(FAMILIES)}")
    if args.domain is not None:
        if args.surface != "custom":
            raise ConfigError("--domain is only for --surface custom")
        surf_params.update(zip(("x0", "x1", "y0", "y1"), map(str, args.domain)))
    return get_surface(args.surface, formula=args.formula, **surf_params)
