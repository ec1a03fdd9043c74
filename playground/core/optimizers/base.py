r"""The optimizer record and the chain of blocks every update rule is made of.

In the spirit of optax's chained transforms, an update rule is a short chain of
:class:`Block`\ s: coupled weight decay, a scaling rule, a momentum, decoupled weight decay
and the learning rate. A block is written once and owns four things: its pure
``init``/``update`` pair over a small ``NamedTuple`` state, the LaTeX lines it adds to the
rule shown on the page, and the PyTorch lines it adds to an exported script. The page's
formula and the exported script are built from the same chain the engine runs, so they
cannot drift from it.

Every block works on NumPy arrays (a batch of points ``(N, 2)``) and, unchanged, on one
coordinate held in a Python float (the engine's fast path for single runs): the same IEEE
operations run in both, so a batch equals single runs bit for bit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from ..hyper import ConfigError, Hyper, resolve

Array = np.ndarray
HP = Mapping[str, Any]
# (u, state, params, gradient point q, lr, step t (from 1), hp, aux) -> (u, state, params, gain)
UpdateFn = Callable[..., tuple[Any, Any, Any, Any]]

# what the inspect chart can draw; a block's state field with one of these names is recorded
INSPECT_LABELS = {
    "step_size": "effective step size",
    "velocity": "velocity v",
    "m": "first moment m",
    "v": "second moment v",
    "u": "infinity norm u",
    "sum_sq": "sum of squares G",
    "sq_avg": "mean square s",
    "sq_delta": "mean square of steps u",
    "evals": "function evaluations",  # per step, line search included (L-BFGS)
    "z": "iterate z",  # schedule-free: the SGD/Adam sequence the average x follows
    "d": "distance estimate d",  # Prodigy
}


def _no_state(params: Array, hp: HP) -> None:
    return None


def _no_lines(hp: HP) -> list[str]:
    return []


@dataclass(frozen=True)
class Block:
    """One link of an update rule.

    ``update(u, s, p, q, lr, t, hp, aux)`` takes the running update ``u`` (the gradient at
    the start of the chain), the block's state, the parameters ``p``, the point ``q`` where
    the gradient was taken, the learning rate, the step number ``t`` (from 1) and, for
    second-order rules, ``aux`` (the Hessian). It returns ``(u, s, p, gain)`` where
    ``gain`` (or ``None``) multiplies into the effective step size the inspect chart shows.

    ``latex(hp, u)`` returns ``(lines, u')``: the aligned LaTeX lines this block adds and
    the symbol of the update it hands on. ``torch_init(hp)`` / ``torch_step(hp)`` return
    the lines of an exported PyTorch script (tensors ``upd`` for the running update,
    ``theta``, ``q``, the float ``lr`` and the int ``t``; state tensors keep the names of
    the block's state fields).
    """

    name: str
    update: UpdateFn = field(repr=False)
    latex: Callable[[HP, str], tuple[list[str], str]] = field(repr=False)
    torch_step: Callable[[HP], list[str]] = field(repr=False)
    init: Callable[[Array, HP], Any] = field(default=_no_state, repr=False)
    torch_init: Callable[[HP], list[str]] = field(default=_no_lines, repr=False)
    # the point where the gradient is taken, when not the parameters (NAG's look-ahead)
    lookahead: Callable[[Any, Any, HP], Any] | None = field(default=None, repr=False)
    lookahead_latex: str = ""
    lookahead_torch: str = ""
    # False where the block is the identity for these hyperparameters (weight decay 0): the
    # engine then skips it, the page still shows it
    active: Callable[[HP], bool] = field(default=lambda hp: True, repr=False)


class ChainState(NamedTuple):
    t: int  # steps taken
    blocks: tuple  # one state per block (None for stateless blocks)
    step_size: Any = 0.0  # the last step's effective step size (the product of the gains)


_new_state = tuple.__new__  # a NamedTuple without its Python-level __new__ (runs per coordinate)


class Rule:
    """An optimizer's chain bound to resolved hyperparameters: what the engine runs."""

    __slots__ = ("blocks", "hp", "look", "look_index", "recorded", "records", "update")

    def __init__(self, blocks: Sequence[Block], hp: HP):
        self.hp = dict(hp)
        self.blocks = tuple(b for b in blocks if b.active(self.hp))
        looks = [i for i, b in enumerate(self.blocks) if b.lookahead is not None]
        self.look_index = looks[0] if looks else -1
        self.look = self.blocks[looks[0]].lookahead if looks else None
        # record every state field the inspect chart knows, once (the first block that has it)
        seen: dict[str, tuple[int, int]] = {}
        for i, b in enumerate(self.blocks):
            for j, name in enumerate(getattr(b.init(np.zeros((1, 2)), self.hp), "_fields", ())):
                if name in INSPECT_LABELS and name not in seen:
                    seen[name] = (i, j)
        self.recorded = tuple(seen.values())
        self.records: tuple[str, ...] = (*seen, "step_size")  # what `info` gives, in this order
        # update(g, state, params, q, lr, aux) -> (params, state): one step of the chain
        self.update: Callable[..., tuple[Any, ChainState]] = _compile(
            tuple(b.update for b in self.blocks), self.hp
        )

    def init(self, params: Array, lr: Any = None) -> ChainState:
        """The state before the first step; ``lr`` (one value per run, an ``(N, 1)`` column)
        replaces ``hp['lr']`` for a state that starts from the learning rate (Rprop's steps)."""
        hp = self.hp if lr is None else {**self.hp, "lr": lr}
        return ChainState(0, tuple(b.init(params, hp) for b in self.blocks))

    def lookahead(self, p: Any, s: ChainState) -> Any:
        """Where the gradient is taken: ``p`` itself unless a block looks ahead."""
        if self.look is None:
            return p
        return self.look(p, s.blocks[self.look_index], self.hp)

    def info(self, s: ChainState) -> tuple:
        """The values of :attr:`records` in state ``s`` (what the inspect chart draws)."""
        return (*[s.blocks[i][j] for i, j in self.recorded], s.step_size)


def _compile(fns: tuple, hp: dict) -> Callable[..., tuple[Any, ChainState]]:
    """The chain as one closure. It runs once per coordinate and step in a single run, so
    the common lengths are unrolled and all it needs are locals (~30% faster than a loop)."""
    if len(fns) == 1:
        (f0,) = fns

        def step1(g, s, p, q, lr, aux):
            t = s[0] + 1
            _, s0, p, k0 = f0(g, s[1][0], p, q, lr, t, hp, aux)
            return p, _new_state(ChainState, (t, (s0,), 1.0 if k0 is None else 1.0 * k0))

        return step1
    if len(fns) == 2:
        f0, f1 = fns

        def step2(g, s, p, q, lr, aux):
            t = s[0] + 1
            s0, s1 = s[1]
            u, s0, p, k0 = f0(g, s0, p, q, lr, t, hp, aux)
            _, s1, p, k1 = f1(u, s1, p, q, lr, t, hp, aux)
            gain = 1.0 if k0 is None else 1.0 * k0
            return p, _new_state(ChainState, (t, (s0, s1), gain if k1 is None else gain * k1))

        return step2
    if len(fns) == 3:
        f0, f1, f2 = fns

        def step3(g, s, p, q, lr, aux):
            t = s[0] + 1
            s0, s1, s2 = s[1]
            u, s0, p, k0 = f0(g, s0, p, q, lr, t, hp, aux)
            u, s1, p, k1 = f1(u, s1, p, q, lr, t, hp, aux)
            _, s2, p, k2 = f2(u, s2, p, q, lr, t, hp, aux)
            gain = 1.0 if k0 is None else 1.0 * k0
            gain = gain if k1 is None else gain * k1
            return p, _new_state(ChainState, (t, (s0, s1, s2), gain if k2 is None else gain * k2))

        return step3

    def step(g, s, p, q, lr, aux):
        t = s[0] + 1
        u, gain, states = g, 1.0, []
        for fn, bs in zip(fns, s[1]):
            u, bs, p, k = fn(u, bs, p, q, lr, t, hp, aux)
            if k is not None:
                gain = gain * k
            states.append(bs)
        return p, _new_state(ChainState, (t, tuple(states), gain))

    return step


@dataclass(frozen=True)
class Optimizer:
    """A public optimizer: its hyperparameters and the chain of blocks it runs.

    ``chain(hp)`` gives the blocks for resolved hyperparameters (a convention switch such
    as momentum's ``form`` picks other blocks). Everything else is derived: the rule the
    engine runs (:meth:`rule`), the LaTeX on the page (:meth:`latex`), the symbols
    table, and the PyTorch export (``torch_class`` names the ``torch.optim`` class when
    the hyperparameters follow PyTorch's convention; otherwise the script spells out the
    chain's own torch lines).
    """

    name: str
    title: str
    hypers: tuple[Hyper, ...]
    chain: Callable[[HP], Sequence[Block]] = field(repr=False)
    summary: str = ""
    demo_lr: float | None = None  # the learning rate a racer added on the page starts with
    accumulator: str | None = None  # the state the inspect chart draws beside the step size
    # the optimizer's own rule for taking no step (L-BFGS's tolerances): ``(hp, gradient at the
    # point it rests at) -> words``, what a run's outcome says stopped it (core.outcome.rest_reason)
    stops: Callable[[HP, tuple[float, float]], str] | None = field(default=None, repr=False)
    cost: int = 1  # work units one step costs (see playground.web.state.validate.WORK_BUDGET)
    # when the work of a step depends on the hyperparameters (L-BFGS's evaluations per step):
    # ``hp -> work units``, an upper bound known before the run; see :meth:`step_cost`
    cost_for: Callable[[HP], int] | None = field(default=None, repr=False)
    default_noise: bool = False
    second_order: bool = False  # the chain needs the Hessian at the gradient point (aux)
    # the chain evaluates the surface at points of its own (a line search): the engine passes
    # ``aux = closure(x, y) -> (f, (gx, gy))`` (``f`` alone with ``grad=False``), element-wise
    closure: bool = False
    torch_closure: bool = False  # the torch.optim class steps with opt.step(closure) (L-BFGS)
    # the rule mixes the coordinates (norms, orthogonalisation): its blocks work on rows of
    # (N, 2) arrays and the engine never splits a run into two floats
    coupled: bool = False
    torch_class: Callable[[HP], str | None] = field(default=lambda hp: None, repr=False)
    # the shape of ``theta`` the torch_class source wants (Muon takes matrices only: (1, 2))
    torch_shape: tuple[int, ...] = (2,)
    # False where the torch.optim class does not reproduce the engine to float64 rounding
    # (Muon orthogonalises in bfloat16): the export then writes the chain's blocks out
    torch_exact: bool = True
    # rules that couple the coordinates (Newton): the update on one point held as floats,
    # ``(g, state, (x, y), lr, hp, hess=(hxx, hxy, hyy)) -> ((x, y), state)``
    update_pair: Callable[..., tuple[tuple, Any]] | None = field(default=None, repr=False)

    def resolve(self, lr: object = None, hyper: Mapping[str, object] | None = None) -> dict:
        """Validated hyperparameters, defaults filled in; ``lr`` overrides ``hyper['lr']``."""
        given = dict(hyper or {})
        if lr is not None:
            given["lr"] = lr
        return resolve(self.name, self.hypers, given)

    def step_cost(self, hp: HP) -> int:
        """Work units one step costs with the (resolved) hyperparameters ``hp``."""
        return self.cost if self.cost_for is None else self.cost_for(hp)

    def rule(self, hp: HP) -> Rule:
        """The chain for resolved ``hp``, ready to ``init`` and ``update``."""
        return Rule(self.chain(hp), hp)

    def latex(self, hp: HP) -> str:
        """The update rule for resolved ``hp``, one aligned line per block."""
        blocks = self.chain(hp)
        look = next((b for b in blocks if b.lookahead is not None), None)
        lines = [look.lookahead_latex if look else r"g_t &= \nabla f(\theta_t)"]
        u = "g_t"
        for b in blocks:
            more, u = b.latex(hp, u)
            lines += more
        return (
            r"\begin{aligned}"
            + r"\\ ".join(part for line in lines for part in wrapped(line))
            + r"\end{aligned}"
        )

    @property
    def symbols(self) -> tuple[tuple[str, str], ...]:
        """``(LaTeX symbol, hyperparameter name)`` for every hyperparameter that has a symbol."""
        return tuple((h.symbol, h.name) for h in self.hypers if h.symbol)

    @property
    def inspect(self) -> tuple[tuple[str, str], ...]:
        """``(state key, label)`` the inspect chart draws: the step size, then the accumulator."""
        keys = ("step_size", self.accumulator) if self.accumulator else ("step_size",)
        return tuple((k, INSPECT_LABELS[k]) for k in keys)

    @property
    def lr_for_page(self) -> float:
        return float(self.demo_lr if self.demo_lr is not None else self.resolve()["lr"])


# a rule's line wider than this many visible characters is broken at its separators: the math
# panel is half the page wide (about 50 characters of formula at 1440 px)
LATEX_WIDTH = 44
# where a line may break, the break kept on the continuation line (a remark in parentheses, a
# second equation after a comma)
_BREAKS = re.compile(r",?\s*\\quad\s*(?=\()|,\s*\\quad\s+")


def visible_width(latex: str) -> int:
    """About how many characters a line of LaTeX shows: text kept, a command one character,
    braces, alignment and spaces nothing."""
    shown = re.sub(r"\\(?:text|mathrm|operatorname)\{([^}]*)\}", r"\1", latex)
    shown = re.sub(r"\\[a-zA-Z]+", "x", shown)
    return len(re.sub(r"[{}&_^ ,;:!]|\\[ ,;!]", "", shown))


def wrapped(line: str) -> list[str]:
    r"""A rule's line, broken at its separators where it is wider than :data:`LATEX_WIDTH`: each
    continuation is its own aligned line, indented (``&\qquad``)."""
    if visible_width(line) <= LATEX_WIDTH:
        return [line]
    cuts = [m.start() for m in _BREAKS.finditer(line)] + [len(line)]
    parts, at = [], 0
    for cut, nxt in itertools.pairwise(cuts):
        if visible_width(line[at:nxt]) > LATEX_WIDTH and cut > at:
            parts.append(line[at:cut])
            at = cut
    parts.append(line[at:])
    head, *rest = parts
    return [head] + [r"&\qquad " + _BREAKS.sub("", p, count=1).lstrip(",") for p in rest]


# -- hyperparameter helpers shared by the records ------------------------------------------


def lr_hyper(default: float) -> Hyper:
    return Hyper("lr", default, low=0.0, high=1e6, symbol=r"\eta", help="learning rate", log=True)


def beta_hyper(name: str, default: float, symbol: str, help: str) -> Hyper:
    return Hyper(name, default, low=0.0, high=1.0, high_open=True, symbol=symbol, help=help)


def eps_hyper(default: float) -> Hyper:
    return Hyper(
        "eps", default, low=0.0, high=1.0, symbol=r"\epsilon", help="added to the denominator", log=True
    )


def wd_hyper(help: str = "L2 penalty (coupled)", default: float = 0.0) -> Hyper:
    return Hyper("weight_decay", default, low=0.0, high=1e3, symbol=r"\lambda", help=help)


def get(registry: Mapping[str, Optimizer], name: object) -> Optimizer:
    try:
        return registry[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown optimizer {name!r}; choose one of: {', '.join(registry)}") from None
