"""`python -m playground showdown`: output shape, determinism per seed, one-line refusals."""

import csv
import io
import json
import subprocess
import sys

import pytest

from playground.batch.fair import GRID
from playground.cli.main import main
from playground.network.presets import SEED_SIX, tuned_lr

pytestmark = pytest.mark.slow  # runs the command line in subprocesses

ROW_KEYS = {"optimizer", "val_accuracy", "val_loss", "train_loss", "seconds"}


def _json(capsys, *argv):
    assert main(["showdown", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _without_seconds(data):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in data["rows"]]


def test_json_has_the_rows_and_the_settings(capsys):
    data = _json(capsys, "--epochs", "1")
    assert {"dataset", "model", "epochs", "preset", "rows"} <= set(data)
    assert data["epochs"] == 1 and data["preset"] == "seed" and "digits" in data["dataset"]
    assert [r["optimizer"] for r in data["rows"]] == list(SEED_SIX)
    for r in data["rows"]:
        assert set(r) >= ROW_KEYS
        assert 0.0 <= r["val_accuracy"] <= 1.0 and r["val_loss"] > 0 and r["seconds"] > 0
    lrs = {r["optimizer"]: r["lr"] for r in data["rows"]}
    assert lrs["adadelta"] == 0.001 and lrs["sgd"] == 0.01  # the Keras (TF 2) defaults


def test_same_seed_same_rows_other_seed_other_rows(capsys):
    argv = ("--epochs", "1", "--optimizers", "adam,momentum", "--seed", "3")
    a, b = _json(capsys, *argv), _json(capsys, *argv)
    c = _json(capsys, "--epochs", "1", "--optimizers", "adam,momentum", "--seed", "4")
    assert _without_seconds(a) == _without_seconds(b)
    assert _without_seconds(a) != _without_seconds(c)


def test_csv_has_one_row_per_optimizer(capsys):
    assert main(["showdown", "--epochs", "1", "--optimizers", "adam,lion", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["optimizer"] for r in rows] == ["adam", "lion"]
    assert ROW_KEYS | {"dataset", "model", "epochs", "preset"} <= set(rows[0])
    assert float(rows[0]["val_loss"]) > 0 and rows[0]["epochs"] == "1"


def test_tuned_picks_the_grid_rate_with_the_lowest_validation_loss(capsys):
    data = _json(capsys, "--epochs", "1", "--optimizers", "sgd", "--preset", "tuned", "--batch-size", "128")
    lr, scores = tuned_lr("sgd", 128, 0)
    assert len(scores) == len(GRID) and lr == GRID[scores.index(min(scores))]
    assert data["rows"][0]["lr"] == lr
    assert lr > 0.001  # plain SGD with 11 steps an epoch and TUNE_EPOCHS epochs needs a large rate


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--optimizers", "newton"], "Hessian"),
        (["--optimizers", "lbfgs"], "line-search steps"),
        (["--optimizers", "muon"], "element-wise"),
        (["--optimizers", "nope"], "unknown optimizer 'nope'; choose from: gd,"),
        (["--optimizers", ""], "unknown optimizer ''"),
        (["--epochs", "0"], "epochs must be in [1, 100]"),
        (["--epochs", "x"], "invalid int value"),
        (["--batch-size", "5000"], "batch size must be in [1, 1438]"),
        (["--seed", "-1"], "seed must be"),
        (["--preset", "keras"], "invalid choice"),
        (["--format", "torch"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, says):
    try:
        code = main(["showdown", *argv])
    except SystemExit as e:  # argparse's own refusals exit from inside the parser
        code = e.code
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    assert out.err.count("\n") == 1 and says in out.err, out.err


def test_the_process_exits_2():
    out = subprocess.run(
        [sys.executable, "-m", "playground", "showdown", "--epochs", "-3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and out.stderr == "error: epochs must be in [1, 100], got -3\n"
