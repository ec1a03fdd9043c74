"""``python -m playground sweep`` and ``tune``: the outcome maps' runs on the command line.

``sweep`` prints ``cells``, one per (learning rate, start, seed) in that order, each what
``trajectory`` gives for the same settings; ``tune`` prints each optimizer's tuning table.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable

import numpy as np

from playground.batch.cells import MAX_CELLS, Cells, log_grid, run_cells, start_grid
from playground.batch.maps import Setup
from playground.batch.tune import BUDGET, tune
from playground.core.hyper import ConfigError
from playground.core.optimizers import get_optimizer
from playground.core.surfaces import Surface
from playground.export.records import OUTCOME_COLUMNS, exact, outcome_cells

from .args import pairs, start_arg

CSV_COLUMNS = (
    "lr",
    "x0",
    "y0",
    "seed",
    "status",
    "stopped_at",
    "final_loss",
    "x",
    "y",
    "minimum",
    *OUTCOME_COLUMNS,
)
MAX_SEEDS = 100


LOOPS = {"auto": None, "numpy": False, "compiled": True}  # --loop -> run_cells(compiled=...)


def add_map_commands(sub: argparse._SubParsersAction, add_run_args: Callable) -> None:
    s = sub.add_parser(
        "sweep", help="run a grid of learning rates x start points x seeds; print each outcome"
    )
    add_run_args(s, lr=False)
    s.add_argument(
        "--lr", default="1e-4:1:60", metavar="LO:HI:N", help="N learning rates evenly spaced in log"
    )
    where = s.add_mutually_exclusive_group()
    where.add_argument(
        "--starts",
        metavar="X0:X1:NX,Y0:Y1:NY",
        help="a grid of start points (cell centres), e.g. -4:4:6,-4:4:5 (default: the surface's start)",
    )
    start_arg(where)
    s.add_argument("--seeds", type=int, default=1, help="K noise seeds per cell: --seed .. --seed+K-1")
    s.add_argument(
        "--format", choices=("json", "csv"), default="json", help="json, or csv with one row per cell"
    )
    s.add_argument(
        "--loop", choices=tuple(LOOPS), default="auto",
        help="numpy, compiled (numba: a few seconds to compile, then ~6x faster; the same"
        " numbers) or auto (compiled for a very big sweep)",
    )  # fmt: skip
    t = sub.add_parser("tune", help=f"give each optimizer the same {BUDGET} tries at its learning rate")
    add_run_args(t)
    t.add_argument("--optimizers", help="comma-separated (default: --optimizer)")
    start_arg(t)


def _lr_range(text: str) -> np.ndarray:
    parts = text.split(":")
    try:
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
        if len(parts) != 3:
            raise ValueError
    except (ValueError, IndexError):
        raise ConfigError(f"--lr expects LO:HI:N, got {text!r}") from None
    return log_grid(lo, hi, n)


def _starts(args: argparse.Namespace, surface: Surface) -> np.ndarray:
    if args.start is not None:
        return np.array([args.start], dtype=np.float64)
    if args.starts is None:
        return np.array([surface.start], dtype=np.float64)
    try:
        (x0, x1, nx), (y0, y1, ny) = (axis.split(":") for axis in args.starts.split(","))
        box, counts = ((float(x0), float(x1)), (float(y0), float(y1))), (int(nx), int(ny))
    except ValueError:
        raise ConfigError(f"--starts expects X0:X1:NX,Y0:Y1:NY, got {args.starts!r}") from None
    if min(counts) < 1 or counts[0] * counts[1] > MAX_CELLS:
        raise ConfigError(f"--starts needs NX, NY >= 1 and NX*NY <= {MAX_CELLS}")
    return start_grid(box, *counts)


def _sweep(args: argparse.Namespace, surface: Surface) -> None:
    lrs, starts = _lr_range(args.lr), _starts(args, surface)
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise ConfigError(f"--seeds must be from 1 to {MAX_SEEDS}, got {args.seeds}")
    seeds = args.seed + np.arange(args.seeds)
    total = len(lrs) * len(starts) * len(seeds)
    if total > MAX_CELLS:
        raise ConfigError(f"{total} cells is more than one sweep may run ({MAX_CELLS})")
    # lr major, then start, then seed: the order the cells are printed in
    lr_col = np.repeat(lrs, len(starts) * len(seeds))
    start_col = np.tile(np.repeat(starts, len(seeds), 0), (len(lrs), 1))
    seed_col = np.tile(seeds, len(lrs) * len(starts))
    c = run_cells(
        surface, args.optimizer, start_col, lr=lr_col, seeds=seed_col, steps=args.steps,
        hyper=pairs(args.hyper, "--set"), schedule=args.schedule,
        schedule_params=pairs(args.schedule_set, "--schedule-set"), noise=args.noise, batch_size=args.batch_size,
        compiled=LOOPS[args.loop],
    )  # fmt: skip
    _print_cells(c, surface, args.format)


def _print_cells(c: Cells, surface: Surface, fmt: str) -> None:
    rows, endings = c.rows(), c.outcomes(surface)  # in the words the page uses
    if fmt == "json":
        cells = [{**r, **o.fields()} for r, o in zip(rows, endings)]
        json.dump({"surface": c.surface, "optimizer": c.optimizer, "hyperparameters": c.hyper,
                   "steps": c.steps, "cells": cells}, sys.stdout)  # fmt: skip
        sys.stdout.write("\n")
        return
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r, o in zip(rows, endings):
        (x0, y0), (x, y) = r["start"], r["final_point"]
        values = (
            r["lr"],
            x0,
            y0,
            r["seed"],
            r["status"],
            r["stopped_at"],
            r["final_loss"],
            x,
            y,
            r["minimum"],
        )
        w.writerow([*(exact(v) for v in values), *outcome_cells(o)])


def _tune(args: argparse.Namespace, surface: Surface) -> None:
    names = [args.optimizer] if args.optimizers is None else [n.strip() for n in args.optimizers.split(",")]
    rows = []
    for name in names:
        opt = get_optimizer(name)
        hp = opt.resolve(args.lr, pairs(args.hyper, "--set"))
        setup = Setup(
            surface, opt.name, float(hp.pop("lr")), hp, tuple(args.start) if args.start else None,
            args.steps, args.schedule, pairs(args.schedule_set, "--schedule-set"), args.noise,
            args.batch_size, args.seed,
        )  # fmt: skip
        rows.append(tune(setup).to_dict())
    json.dump({"surface": surface.name, "steps": args.steps, "budget": BUDGET, "rows": rows}, sys.stdout)
    sys.stdout.write("\n")


MAP_COMMANDS: dict[str, Callable[[argparse.Namespace, Surface], None]] = {"sweep": _sweep, "tune": _tune}
