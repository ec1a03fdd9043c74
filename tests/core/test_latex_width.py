"""Every optimizer's update rule fits the math panel: no line of its LaTeX is wider than
LATEX_WIDTH visible characters (the panel is half the page; L-BFGS's and Muon's lines ran off
its right edge), whatever its convention switches."""

import itertools

import pytest

from playground.core.optimizers import OPTIMIZERS
from playground.core.optimizers.base import LATEX_WIDTH, visible_width, wrapped


def _variants(opt):
    """The record's default hyperparameters with every combination of its choices and switches."""
    choices = [h for h in opt.hypers if h.kind == "choice" or isinstance(h.default, bool)]
    values = [h.choices if h.kind == "choice" else (False, True) for h in choices]
    for combo in itertools.product(*values):
        yield opt.resolve(hyper={h.name: v for h, v in zip(choices, combo)})


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_line_of_every_rule_fits_the_panel(name):
    opt = OPTIMIZERS[name]
    for hp in _variants(opt):
        body = opt.latex(hp).removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
        for line in body.split(r"\\ "):
            assert visible_width(line) <= LATEX_WIDTH, (name, hp, line)


def test_a_long_line_breaks_at_its_separators_into_aligned_continuations():
    line = (r"\theta_{t+1} &= \theta_t + \alpha_t d_t \quad (\text{up to } k_{\max} \text{ times and } "
            r"e_{\max} \text{ evaluations per step}) \quad (\text{no step once } \|g_t\|_\infty \le \epsilon_g)")  # fmt: skip
    head, *rest = wrapped(line)
    assert head == r"\theta_{t+1} &= \theta_t + \alpha_t d_t"
    assert rest and all(p.startswith(r"&\qquad (\text{") for p in rest)
    assert wrapped(r"m_t &= \beta m_{t-1}") == [r"m_t &= \beta m_{t-1}"]  # short: as it is
    assert visible_width(r"\text{ab} \frac{x}{y}") == len("ab") + 1 + 2
