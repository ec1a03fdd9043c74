"""The PyTorch export reproduces every run: the script, run by python, prints the engine's points.

One script per surface holds every optimizer in every convention (choice and boolean
hyperparameters), with and without weight decay, plus schedules and noise; each run's
points must equal the engine's to 1e-9 relative (1e-12 absolute near zero).

The script takes gradients by autograd of the traced formula, the engine from the
hand-written derivative: they differ in the last bit. Where a run is chaotic (AdaDelta at
lr 1 on Rosenbrock doubles a one-ulp change of its start every step after ~200 steps) no
two implementations can agree to 1e-9 for long, so each run is compared over its
*horizon*: the steps over which the engine's own run, started one ulp away (in x, or in
y), stays within 1e-10. Nearly every run keeps its horizon for all the steps (asserted).
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from playground import OPTIMIZERS, simulate
from playground.core.surfaces import get_surface
from playground.export.pytorch import torch_script
from tests.support.cases import convention_id, conventions

pytestmark = pytest.mark.slow  # runs the exported scripts under torch in subprocesses

STEPS = 250
SURFACES = [("rosenbrock", (-1.2, 1.0)), ("himmelblau", (0.5, -0.5))]
# (optimizer, extra settings): schedules, noise and batches on top of the conventions
EXTRAS = [
    ("adam", {"schedule": "plateau", "schedule_params": {"patience": 5, "factor": 0.5}}),
    ("momentum", {"hyper": {"form": "classical"}, "schedule": "warmup",
                  "schedule_params": {"warmup_steps": 30, "then": "cosine"}}),
    ("nag", {"schedule": "cosine_restarts", "schedule_params": {"t_0": 40, "t_mult": 2}}),
    ("rmsprop", {"schedule": "step", "schedule_params": {"step_size": 60, "gamma": 0.5}}),
    ("adagrad", {"schedule": "inverse_time", "schedule_params": {"decay": 0.01}}),
    ("adamw", {"schedule": "exponential", "schedule_params": {"gamma": 0.995}}),
    ("sgd", {"noise": 2.0, "batch_size": 4, "seed": 7}),
    ("adam", {"noise": 1.0, "seed": 3, "schedule": "plateau"}),
]  # fmt: skip


def _cases():
    for name in OPTIMIZERS:
        for hp in conventions(name):
            yield convention_id(name, hp), name, {"hyper": hp}
            if "weight_decay" in hp:
                yield convention_id(name, hp) + "+wd", name, {"hyper": {**hp, "weight_decay": 0.01}}
    for i, (name, extra) in enumerate(EXTRAS):
        yield f"{name}+{extra.get('schedule', 'noise')}#{i}", name, extra


def _run(surface, start, name, extra):
    # every run races at the page's lr (a convention's resolved hyperparameters carry the default lr)
    hyper = {**extra.get("hyper", {}), "lr": OPTIMIZERS[name].lr_for_page}
    return simulate(surface, name, start, steps=STEPS, **{**extra, "hyper": hyper}, record_state=False)


def _horizon(surface, start, name, extra, tr) -> int:
    """Steps before a one-ulp change of the start, in x or in y, moves the run by more than
    1e-10 (relative)."""
    out = STEPS
    x, y = start
    for nudged_start in ((np.nextafter(x, np.inf), y), (x, np.nextafter(y, np.inf))):
        nudged = _run(surface, nudged_start, name, extra).positions
        off = (np.abs(nudged - tr.positions) / (np.abs(tr.positions) + 1e-3)).max(axis=1) > 1e-10
        out = min(out, int(np.argmax(off)) - 1 if off.any() else STEPS)
    return out


@pytest.mark.parametrize("surface,start", SURFACES, ids=[s for s, _ in SURFACES])
def test_the_script_reproduces_every_optimizer_and_convention(surface, start, tmp_path):
    s = get_surface(surface)
    cases = list(_cases())
    runs = [(label, _run(s, start, name, extra)) for label, name, extra in cases]
    horizons = [_horizon(s, start, name, extra, tr) for (_, name, extra), (_, tr) in zip(cases, runs)]
    script = tmp_path / "race.py"
    script.write_text(torch_script(s, runs))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Warning" not in done.stderr, done.stderr[-2000:]
    printed = json.loads(done.stdout)["runs"]
    assert [r["label"] for r in printed] == [label for label, _ in runs]
    moved = 0
    for (label, tr), out, h in zip(runs, printed, horizons):
        points = np.array(out["points"])
        assert points.shape == tr.positions.shape, label
        np.testing.assert_allclose(
            points[: h + 1], tr.positions[: h + 1], rtol=1e-9, atol=1e-12, err_msg=label
        )
        moved += np.abs(tr.positions[-1] - tr.positions[0]).max() > 1e-3
    assert moved >= 0.8 * len(runs)  # the comparison is about runs that really went somewhere
    # most runs are compared over every step; the most sensitive (Prodigy at lr 1 on Rosenbrock,
    # whose d estimate jumps early) still over 40 or more
    assert sum(h == STEPS for h in horizons) >= 0.8 * len(runs), horizons
    assert min(horizons) >= 40, horizons


def test_the_cli_prints_a_script_that_prints_the_clis_points(tmp_path):
    args = ["--surface", "beale", "--optimizer", "nag", "--set", "form=pytorch", "--lr", "0.002",
            "--start", "1", "1.2", "--steps", "300", "--schedule", "cosine", "--noise", "0.5", "--seed", "11"]  # fmt: skip
    cli = [sys.executable, "-m", "playground", "trajectory", *args]
    points = json.loads(subprocess.run(cli, capture_output=True, text=True, check=True).stdout)["points"]
    script = tmp_path / "nag.py"
    script.write_text(
        subprocess.run([*cli, "--format", "torch"], capture_output=True, text=True, check=True).stdout
    )
    assert "torch.optim.SGD(" in script.read_text() and "nesterov=True" in script.read_text()
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    np.testing.assert_allclose(json.loads(out)["points"], points, rtol=1e-9, atol=1e-12)


def test_conventions_outside_torch_optim_are_written_out():
    s = get_surface("quadratic_bowl")
    for name, hp in [("momentum", {"form": "ema"}), ("nag", {"form": "lookahead"}),
                     ("adam", {"bias_correction": False}), ("rmsprop", {"eps_inside_sqrt": True}),
                     ("lion", {}), ("newton", {"saddle_free": True})]:  # fmt: skip
        src = torch_script(s, [(name, simulate(s, name, (1.0, 1.0), steps=3, hyper=hp))])
        assert "torch.optim." not in src.split("def run_1")[1].split("lr_scheduler")[0], name
        assert "the update rule written out" in src
