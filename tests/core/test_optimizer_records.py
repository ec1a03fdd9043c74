"""The optimizer records: one chain of blocks behind the engine, the page's LaTeX and the exports."""

import inspect

import numpy as np
import pytest

from playground import OPTIMIZERS, simulate
from playground.core.optimizers import INSPECT_LABELS
from tests.support.cases import conventions

NAMES = list(OPTIMIZERS)


@pytest.mark.parametrize("name", NAMES)
def test_every_symbol_of_a_record_appears_in_its_rule(name):
    """The LaTeX is built from the chain the engine runs: a hyperparameter the rule uses
    (weight decay included, the term RAdam and Adamax once left out) shows in it."""
    opt = OPTIMIZERS[name]
    # terms that vanish at 0 (weight decay, RMSProp's momentum) are switched on
    on = {h.name: 0.5 for h in opt.hypers if h.kind == "float" and h.default == 0 and h.low <= 0.5 <= h.high}
    shown = " ".join(opt.latex({**hp, **on}) for hp in conventions(name))
    for symbol, hyper in opt.symbols:
        assert symbol in shown, (name, hyper, symbol)


@pytest.mark.parametrize("name", NAMES)
def test_the_inspect_chart_keys_are_recorded_by_the_chain(name):
    opt = OPTIMIZERS[name]
    for hp in conventions(name):
        rule = opt.rule(hp)
        assert set(dict(opt.inspect)) <= set(rule.records) <= set(INSPECT_LABELS)


@pytest.mark.parametrize("name", NAMES)
def test_no_two_blocks_of_a_chain_share_a_state_name(name):
    """The exported script names state tensors after the fields: they must not collide."""
    opt = OPTIMIZERS[name]
    for hp in conventions(name):
        fields = [f for b in opt.chain(hp) for f in b.fields]
        assert len(fields) == len(set(fields)), (name, fields)


# the records whose weight decay is off by default (the others have none, or decay by default)
DECAY_OFF = [n for n in NAMES if OPTIMIZERS[n].resolve().get("weight_decay", None) == 0]


def test_most_records_have_weight_decay_off_by_default():
    assert len(DECAY_OFF) >= len(NAMES) // 2, DECAY_OFF


@pytest.mark.parametrize("name", DECAY_OFF)
def test_a_zero_weight_decay_block_is_skipped_but_shown(name):
    opt = OPTIMIZERS[name]
    hp = opt.resolve()
    assert len(opt.rule(hp).blocks) == len(opt.chain(hp)) - 1
    assert r"\lambda" in opt.latex(hp)


@pytest.mark.parametrize("name", NAMES)
def test_records_own_page_settings(name):
    opt = OPTIMIZERS[name]
    assert opt.title and opt.summary and opt.cost >= 1
    assert 0 < opt.lr_for_page <= 10
    tr = simulate("quadratic_bowl", name, (1.0, -1.0), steps=3, lr=opt.lr_for_page)
    assert np.isfinite(tr.positions).all()


def _chains(name):
    opt = OPTIMIZERS[name]
    return [(hp, opt.chain(hp)) for hp in conventions(name)]


@pytest.mark.parametrize("name", NAMES)
def test_a_block_takes_only_what_it_declares(name):
    """``update(u, s, h, *needs)``: the signature is the declaration (the generated chains call
    it so), and the function is module-level, one per block kind whatever its values (the
    compiled loop keys its kernels on it)."""
    for _, blocks in _chains(name):
        for b in blocks:
            params = list(inspect.signature(b.update).parameters)
            assert params == ["u", "s", "h", *b.needs], (name, b.name, params)
            for fn in (b.update, b.lookahead):
                assert fn is None or "<locals>" not in fn.__qualname__, (name, b.name)


def _other_value(h):
    """A valid value of ``h`` other than its default."""
    if h.kind == "int":
        return (h.default or h.low) + 1
    default = h.default if h.default is not None else h.derived[1]({"max_iter": 1, "beta2": 0.999})
    return h.low if default != h.low and not h.low_open else (default + h.high) / 2


@pytest.mark.parametrize("name", NAMES)
def test_every_hyperparameter_is_bound_in_a_block(name):
    """Hyperparameters are bound when the chain is built: each one the rule has (but the
    learning rate, a run-time argument) changes the values its blocks hold."""
    opt = OPTIMIZERS[name]

    def bound(hp):
        return [tuple(b.hyper) for b in opt.chain(hp)]

    base = opt.resolve()
    for h in opt.hypers:
        if h.kind in ("float", "int") and h.name != "lr":
            other = opt.resolve(None, {h.name: _other_value(h)})
            assert bound(other) != bound(base), (name, h.name)
    assert all(b.hyper == () for b in opt.chain(base) if b.name in ("descend", "apply"))
