"""Every record whose rule is a ``torch.optim`` class keeps that class's defaults, derived ones
included (the developers' guide: PyTorch's names and defaults).

The record's own PyTorch source at its defaults (``torch_class(resolve())``) is built and its
``defaults`` compared with those of the class built from its signature alone: what torch
derives in its constructor (L-BFGS's ``max_eval = max_iter * 5 // 4``) is compared resolved.
"""

import inspect

import pytest

from playground import OPTIMIZERS

torch = pytest.importorskip("torch")

# the records whose torch class is called with more than ``params``, and why
NAMED_BY = {
    # torch has no momentum optimizer: SGD's default momentum 0 is plain SGD; the record is
    # SGD with the momentum everyone writes
    "momentum": {"momentum": 0.9},
}
# torch's None that torch resolves at step time, not in its constructor: the value it uses
AT_STEP_TIME = {
    # Adafactor: eps1 None is the parameter dtype's eps (float64 here, tests/oracle/test_adafactor.py)
    ("adafactor", "eps"): lambda eps: (torch.finfo(torch.float64).eps if eps[0] is None else eps[0], eps[1]),
    # Muon: adjust_lr_fn None is "original" (torch.optim._muon._adjust_lr)
    ("muon", "adjust_lr_fn"): lambda fn: "original" if fn is None else fn,
}
WITH_CLASS = [n for n, o in OPTIMIZERS.items() if o.torch_class(o.resolve()) is not None]


def _built(name: str):
    opt = OPTIMIZERS[name]
    theta = torch.zeros(opt.torch_shape, dtype=torch.float64, requires_grad=True)
    return eval(opt.torch_class(opt.resolve()), {"torch": torch, "theta": theta})


def _torchs(name: str, cls) -> dict:
    theta = torch.zeros(OPTIMIZERS[name].torch_shape, dtype=torch.float64, requires_grad=True)
    defaults = dict(cls([theta], **NAMED_BY.get(name, {})).defaults)
    for (owner, key), resolved in AT_STEP_TIME.items():
        if owner == name:
            defaults[key] = resolved(defaults[key])
    return defaults


def test_the_classes_cover_the_records_that_follow_torch():
    assert {"sgd", "momentum", "adam", "adamw", "rprop", "adafactor", "muon", "lbfgs"} <= set(WITH_CLASS)
    assert set(NAMED_BY) <= set(WITH_CLASS) and {n for n, _ in AT_STEP_TIME} <= set(WITH_CLASS)


@pytest.mark.parametrize("name", WITH_CLASS)
def test_the_recorded_defaults_are_torchs(name):
    ours = _built(name)
    cls = type(ours)
    theirs = _torchs(name, cls)
    mine = dict(ours.defaults)
    assert mine.keys() == theirs.keys()
    differ = {k: (mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]}
    assert not differ, f"{name}: (recorded, {cls.__name__}'s) {differ}"
    # the record's learning rate is the signature's default (torch stores it as given)
    assert OPTIMIZERS[name].resolve()["lr"] == inspect.signature(cls.__init__).parameters["lr"].default


def test_lbfgs_at_its_defaults_is_torchs_twenty_iterations_and_twenty_five_evaluations():
    """The case the guide's rule was written for: the record once defaulted to max_iter=1."""
    defaults = _built("lbfgs").defaults
    assert (defaults["max_iter"], defaults["max_eval"]) == (20, 25)
    assert (
        OPTIMIZERS["lbfgs"].resolve()["max_iter"]
        == inspect.signature(torch.optim.LBFGS).parameters["max_iter"].default
    )
