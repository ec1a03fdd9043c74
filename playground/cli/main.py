"""Command line: ``loss-playground serve|trajectory|sweep|tune|showdown|surfaces|optimizers|schedules``.

``python -m playground`` is the same command.

Bad input exits with code 2 and one line on stderr that names the valid choices.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence

import numpy as np

from playground.core.engine import simulate
from playground.core.hyper import ConfigError
from playground.core.optimizers import OPTIMIZERS
from playground.core.outcome import of_run
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES, get_surface
from playground.export.pytorch import torch_script
from playground.export.records import OUTCOME_COLUMNS, exact, outcome_cells

from .args import Parser, add_run_args, pairs, start_arg, surface_from_args
from .maps import MAP_COMMANDS, add_map_commands
from .serve import add_serve_command, serve


def build_parser() -> argparse.ArgumentParser:
    """The command line: one sub-parser per command, each option with its help and default."""
    p = Parser(
        prog="loss-playground", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    add_serve_command(sub)
    t = sub.add_parser("trajectory", help="run one optimizer and print its path")
    add_run_args(t)
    start_arg(t)
    t.add_argument(
        "--format",
        choices=("json", "csv", "torch"),
        default="json",
        help="json: the run and its outcome; csv: one row per step;"
        " torch: a self-contained PyTorch script that prints the same points",
    )
    _add_showdown(sub)
    add_map_commands(sub, add_run_args)
    sub.add_parser("surfaces", help="list the surfaces and their parameters")
    sub.add_parser("optimizers", help="list the optimizers and their hyperparameters")
    sub.add_parser("schedules", help="list the learning-rate schedules")
    return p


def _add_showdown(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("showdown", help="train the real network (8x8 digits) with several optimizers")
    s.add_argument("--epochs", type=int, default=10, help="passes over the training digits")
    s.add_argument("--batch-size", type=int, default=64, help="digits per mini-batch")
    s.add_argument("--seed", type=int, default=0, help="seed of the network's weights and batches")
    s.add_argument(
        "--preset",
        choices=("seed", "tuned"),
        default="seed",
        help="seed: the seed's learning rates; tuned: each optimizer's tuned one",
    )
    s.add_argument("--optimizers", help="comma-separated (default: the seed's six)")
    s.add_argument(
        "--format", choices=("json", "csv"), default="json", help="json, or csv with one row per optimizer"
    )


def _showdown(args: argparse.Namespace) -> None:
    from playground.network.presets import SEED_SIX
    from playground.network.showdown import COLUMNS, row, run_showdown, to_dict

    names = SEED_SIX if args.optimizers is None else [n.strip() for n in args.optimizers.split(",")]
    sd = run_showdown(
        names, epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, preset=args.preset
    )
    data = to_dict(sd)
    if args.format == "json":
        json.dump(data, sys.stdout)
        sys.stdout.write("\n")
        return
    # one row per optimizer; the run's settings repeat on every row so each row stands alone
    meta = ("dataset", "model", "epochs", "preset")
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow([*COLUMNS, *meta])
    for run in sd.runs:
        r = row(run)
        w.writerow([*("" if r[c] is None else r[c] for c in COLUMNS), *(data[m] for m in meta)])


def _trajectory(args: argparse.Namespace) -> None:
    surface = surface_from_args(args)
    tr = simulate(
        surface,
        args.optimizer,
        start=args.start,
        steps=args.steps,
        lr=args.lr,
        hyper=pairs(args.hyper, "--set"),
        schedule=args.schedule,
        schedule_params=pairs(args.schedule_set, "--schedule-set"),
        noise=args.noise,
        batch_size=args.batch_size,
        seed=args.seed,
        record_state=False,
    )
    if args.format == "torch":
        label = OPTIMIZERS[tr.optimizer].title
        sys.stdout.write(torch_script(surface, [(label, tr)]))
        return
    ending = of_run(surface, tr)
    if args.format == "json":
        data = tr.to_dict()
        data["surface_params"] = dict(surface.params)
        if getattr(surface, "formula", None):
            data["formula"] = surface.formula  # type: ignore[attr-defined]
        data.update(ending.fields())
        json.dump(data, sys.stdout)
        sys.stdout.write("\n")
        return
    # every row carries the run's outcome, so a row stands alone
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["step", "x", "y", "loss", "grad_norm", "lr", *OUTCOME_COLUMNS])
    for i in range(tr.positions.shape[0]):
        lr = float(tr.lr[i]) if i < tr.lr.shape[0] else None
        x, y = tr.positions[i]
        values = (float(x), float(y), float(tr.loss[i]), float(tr.grad_norm[i]), lr)
        w.writerow([i, *(exact(v) for v in values), *outcome_cells(ending)])


def _list_surfaces() -> None:
    for fam in FAMILIES.values():
        s = get_surface(fam.name)
        params = ", ".join(f"{p.name}={p.default:g} [{p.low:g}, {p.high:g}]" for p in fam.params)
        fg = "unbounded" if s.fglob is None else f"{s.fglob:.10g}"
        print(f"{fam.name:15s} {fam.title:16s} f* = {fg:14s} {params}")


def _list_optimizers() -> None:
    for o in OPTIMIZERS.values():
        hp = ", ".join(f"{h.name}={h.shown_default}" for h in o.hypers)
        # what the page races with instead (L-BFGS's one iteration per step); its rate is a sweep's
        page = ", ".join(f"{k}={v}" for k, v in o.page_start.items() if k != "lr")
        print(f"{o.name:9s} {hp}" + (f"; the page starts at {page}" if page else ""))


def _list_schedules() -> None:
    for s in SCHEDULES.values():
        hp = ", ".join(f"{h.name}={h.shown_default}" for h in s.hypers) or "-"
        print(f"{s.name:16s} {hp}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "trajectory":
            _trajectory(args)
        elif args.command == "showdown":
            _showdown(args)
        elif args.command in MAP_COMMANDS:
            MAP_COMMANDS[args.command](args, surface_from_args(args))
        elif args.command == "surfaces":
            _list_surfaces()
        elif args.command == "optimizers":
            _list_optimizers()
        else:
            _list_schedules()
    except (ConfigError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


def run() -> None:
    """The console script: exits with :func:`main`'s code."""
    with np.errstate(all="ignore"):
        try:
            sys.exit(main())
        except BrokenPipeError:  # e.g. piped into `head`
            sys.exit(0)


if __name__ == "__main__":
    run()
