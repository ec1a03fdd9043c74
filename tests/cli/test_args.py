"""The command line explains itself: every option's help and default; values that start with '-'."""

import argparse
import re

import pytest

from playground.cli.main import build_parser, main


def _commands() -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _option_blocks(text: str) -> dict[str, str]:
    """``--option -> its help`` from ``--help`` output (a block starts at an indented '-')."""
    body = text.split("options:", 1)[1]
    blocks = re.split(r"\n  (?=-)", "\n" + body)
    out = {}
    for block in blocks[1:]:
        name = block.split()[0].rstrip(",")
        out[name] = " ".join(block.split())
    return out


def test_every_command_is_listed():
    assert set(_commands()) >= {"serve", "trajectory", "sweep", "tune", "showdown", "surfaces", "optimizers"}


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_option_has_help_and_shows_its_default(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    blocks = _option_blocks(capsys.readouterr().out)
    options = [a for a in _commands()[command]._actions if not isinstance(a, argparse._HelpAction)]
    for action in options:
        name = action.option_strings[0]
        assert action.help, f"{command} {name} has no help"
        shown = blocks[name]
        assert "default:" in shown, f"{command} {name} shows no default: {shown!r}"
        assert "default: None" not in shown, f"{command} {name} shows None, not what it means"
    assert len(blocks) == len(options) + 1  # every option the parser has is in the text, and --help


@pytest.mark.parametrize(
    "argv,field,value",
    [
        (["sweep", "--starts", "-4:4:6,-4:4:5"], "starts", "-4:4:6,-4:4:5"),
        (["sweep", "--lr", "-3:0:7"], "lr", "-3:0:7"),
        (["sweep", "--start", "-1", "2"], "start", [-1.0, 2.0]),
        (["trajectory", "--start", "-1", "2"], "start", [-1.0, 2.0]),
        (["trajectory", "--start", "-1e-3", "-.5"], "start", [-1e-3, -0.5]),
        (["tune", "--start", "-.5", "-2E1"], "start", [-0.5, -20.0]),
        (["trajectory", "--domain", "-2e0", "2", "-3", "3"], "domain", [-2.0, 2.0, -3.0, 3.0]),
        (["trajectory", "--lr", "-1e-3"], "lr", -1e-3),  # parsed; the run then refuses it by name
    ],
)
def test_values_that_start_with_a_minus_sign_parse_without_equals(argv, field, value):
    args = build_parser().parse_args(argv)
    assert getattr(args, field) == value


def test_options_still_read_as_options_and_typos_still_fail(capsys):
    args = build_parser().parse_args(["trajectory", "--steps", "3", "--start", "-1", "2", "--seed", "4"])
    assert (args.steps, args.start, args.seed) == (3, [-1.0, 2.0], 4)
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["trajectory", "--start", "-1", "--steps"])
    assert done.value.code == 2
    with pytest.raises(SystemExit):
        build_parser().parse_args(["trajectory", "--stepz", "3"])
    assert "unrecognized arguments: --stepz" in capsys.readouterr().err


def test_a_negative_range_gets_the_ranges_own_message(capsys):
    assert main(["sweep", "--lr", "-3:0:7", "--steps", "2"]) == 2
    err = capsys.readouterr().err
    assert "0 < LO <= HI" in err and "expected one argument" not in err
