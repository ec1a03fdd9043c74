"""What the command line's run commands share: the settings of a run and the surface they name."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from playground.core.hyper import ConfigError
from playground.core.surfaces import FAMILIES, Surface, get_surface


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
    t.add_argument("--surface", default="rosenbrock")
    t.add_argument("--surface-set", action="append", metavar="NAME=VALUE")
    t.add_argument("--formula", help='with --surface custom: f(x, y), e.g. "(1 - x)^2 + 100*(y - x^2)^2"')
    t.add_argument(
        "--domain",
        nargs=4,
        type=float,
        metavar=("X0", "X1", "Y0", "Y1"),
        help="with --surface custom: the domain [X0, X1] x [Y0, Y1] (default -2 2 -2 2)",
    )
    t.add_argument("--optimizer", default="adam")
    if lr:
        t.add_argument("--lr", type=float)
    t.add_argument("--set", action="append", metavar="NAME=VALUE", dest="hyper")
    t.add_argument("--steps", type=int, default=200)
    t.add_argument("--schedule", default="constant")
    t.add_argument("--schedule-set", action="append", metavar="NAME=VALUE")
    t.add_argument("--noise", type=float)
    t.add_argument("--batch-size", type=int, default=1)
    t.add_argument("--seed", type=int, default=0)


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
