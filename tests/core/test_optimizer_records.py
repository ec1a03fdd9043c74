"""The optimizer records: one chain of blocks behind the engine, the page's LaTeX and the exports."""

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
        fields = [f for b in opt.chain(hp) for f in getattr(b.init(np.zeros((1, 2)), hp), "_fields", ())]
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
