"""Real-network benchmark: seconds per epoch for every trainable optimizer, the default study
(the seed's six, 10 epochs, PCA slice) and the slice's parts. Prints markdown tables.

python -m benchmarks.network [--epochs 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from playground.network import landscape as L
from playground.network.presets import SEED_SIX, seed_hp
from playground.network.study import study
from playground.network.train import eligible, train


def per_epoch(epochs: int) -> None:
    print("| optimizer | s per epoch (batch 64, 23 steps, metrics included) | val acc after |")
    print("|---|---:|---:|")
    for name in eligible():
        run = train(name, seed_hp(name), epochs=epochs, batch_size=64, seed=0)
        print(f"| {name} | {run.seconds / epochs:.3f} | {run.val_accuracy[-1]:.4f} |")


def default_study() -> None:
    t0 = time.perf_counter()
    st = study(SEED_SIX, 10, "seed", "pca")
    total = time.perf_counter() - t0
    train_s = sum(r.seconds for r in st.showdown.runs)
    center = st.showdown.runs[0].final
    d1, d2, _ = L.pca_plane(center, np.concatenate([r.path for r in st.showdown.runs]))
    t1 = time.perf_counter()
    L.slice_grid(center, d1, d2, (-1, 1, -1, 1))
    grid_s = time.perf_counter() - t1
    print()
    print("| default study (seed's six, 10 epochs, PCA plane) | seconds |")
    print("|---|---:|")
    print(f"| training (6 runs) | {train_s:.1f} |")
    print(f"| 41x41 slice on the validation set | {grid_s:.1f} |")
    print(f"| total, projections included | {total:.1f} |")


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.network")
    p.add_argument("--epochs", type=int, default=3)
    args = p.parse_args()
    per_epoch(args.epochs)
    default_study()


if __name__ == "__main__":
    main()
