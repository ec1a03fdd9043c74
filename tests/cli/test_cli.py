"""The command line: output schema, CSV, listings and clean failures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from playground.core.status import STATUSES

pytestmark = pytest.mark.slow  # runs the command line in subprocesses

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "playground", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_trajectory_json_schema():
    r = cli(
        "trajectory",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "adam",
        "--lr",
        "0.05",
        "--set",
        "beta1=0.9",
        "--set",
        "beta2=0.999",
        "--start",
        "-1.5",
        "2",
        "--steps",
        "300",
        "--schedule",
        "cosine",
        "--schedule-set",
        "t_max=300",
        "--noise",
        "0.5",
        "--batch-size",
        "8",
        "--seed",
        "1",
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert len(d["points"]) == 301 and d["points"][0] == [-1.5, 2.0]
    assert len(d["loss"]) == 301 and len(d["grad_norm"]) == 301 and len(d["lr"]) == 300
    assert d["lr"][0] == 0.05 and d["lr"][150] == pytest.approx(0.025)
    assert d["status"] in STATUSES and isinstance(d["stopped_at"], int)
    assert d["hyperparameters"] == {
        "lr": 0.05,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "amsgrad": False,
        "bias_correction": True,
        "weight_decay": 0.0,
        "decoupled_weight_decay": False,
    }
    assert d["loss"][0] == 12.5


def test_trajectory_csv():
    r = cli("trajectory", "--optimizer", "gd", "--lr", "0.001", "--steps", "3", "--format", "csv")
    lines = r.stdout.strip().splitlines()
    assert lines[0] == "step,x,y,loss,grad_norm,lr,outcome,nearest_x,nearest_y,nearest_minimum_distance"
    assert len(lines) == 5
    assert lines[1].startswith("0,-1.5,2.0,12.5,")


@pytest.mark.parametrize("what", ["surfaces", "optimizers", "schedules"])
def test_listings(what):
    r = cli(what)
    assert r.returncode == 0
    assert {"surfaces": "rosenbrock", "optimizers": "beta1=0.9", "schedules": "cosine_restarts"}[
        what
    ] in r.stdout


def test_the_optimizers_list_shows_each_default_as_the_reference_has_it():
    """A default the reference derives when the argument is None (L-BFGS's max_eval,
    Prodigy's beta3) is listed as its rule; every other one as its value."""
    from playground.core.optimizers import OPTIMIZERS

    lines = {line.split()[0]: line for line in cli("optimizers").stdout.splitlines()}
    derived = [(o.name, h) for o in OPTIMIZERS.values() for h in o.hypers if h.derived]
    assert {(name, h.name) for name, h in derived} >= {("lbfgs", "max_eval"), ("prodigy", "beta3")}
    for name, h in derived:
        assert f"{h.name}={h.derived[0]}" in lines[name]
    assert "max_eval=max_iter * 5 // 4" in lines["lbfgs"]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--optimizer", "adamm"], "choose one of: gd, sgd"),
        (["--surface", "banana"], "choose one of: rosenbrock"),
        (["--set", "beta1=2"], "beta1 must be"),
        (["--set", "beta1"], "NAME=VALUE"),
        (["--lr", "-3"], "lr must be"),
        (["--steps", "many"], "invalid int"),
        (["--steps", "100000000"], "steps must be"),
        (["--schedule", "cosine", "--schedule-set", "t_max=-1"], "t_max must be"),
        (["--surface", "ravine", "--surface-set", "condition=1e9"], "condition must be"),
        (["--start", "1e300", "0"], "outside"),
        (["--format", "xml"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, needle):
    r = cli("trajectory", *args)
    assert r.returncode == 2
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
