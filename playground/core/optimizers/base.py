r"""The optimizer record and the chain of blocks every update rule is made of.

In the spirit of optax's chained transforms, an update rule is a short chain of
:class:`Block`\ s: coupled weight decay, a scaling rule, a momentum, decoupled weight decay
and the learning rate. A block is built by a factory that binds its hyperparameters, e.g.
``scale_by_adam(beta1, beta2, eps, amsgrad, bias_correction)``, and owns four things: its pure
``init``/``update`` pair over a small ``NamedTuple`` state, the LaTeX lines it adds to the
rule shown on the page, and the PyTorch lines it adds to an exported script, all printed
from the same bound values. The page's formula and the exported script are built from the
same chain the engine runs, so they cannot drift from it.

Every block works on NumPy arrays (a batch of points ``(N, 2)``) and, unchanged, on one
coordinate held in a Python float (the engine's fast path for single runs): the same IEEE
operations run in both, so a batch equals single runs bit for bit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from ..hyper import ConfigError, Hyper, resolve

Array = np.ndarray
HP = Mapping[str, Any]
# (u, state, h, *needs) -> (u, state, gain), or (u, state, p, gain) for a block that takes p
UpdateFn = Callable[..., tuple[Any, ...]]
# what a block may ask its update for, in this order: the parameters, the point where the
# gradient was taken, the learning rate, the step number (from 1), the Hessian or the closure
NEEDS = ("p", "q", "lr", "t", "aux")

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


def _no_state(params: Array, lr: Any) -> None:
    return None


def _no_lines() -> list[str]:
    return []


@dataclass(frozen=True)
class Block:
    """One link of an update rule, its hyperparameters bound when it was built.

    ``update(u, s, h, *needs)`` takes the running update ``u`` (the gradient at the start of
    the chain), the block's state ``s``, its bound hyperparameters ``h`` (the values of the
    NamedTuple :attr:`hyper` as a plain tuple, which the update unpacks: Python unpacks an
    exact tuple faster than a subclass's) and, in the order of `NEEDS`, only what it declares
    in :attr:`needs`: the parameters ``p``, the gradient point ``q``, the learning rate ``lr``,
    the step number ``t`` (from 1), ``aux`` (the Hessian or the surface's closure). It returns
    ``(u, s, gain)``, or ``(u, s, p, gain)`` when it takes ``p``; ``gain`` (or ``None``)
    multiplies into the effective step size the inspect chart shows. ``update`` is a
    module-level function, the same for every value of ``h``: the compiled loop keys its
    kernels on it and passes ``h`` at run time, so a sweep over a hyperparameter compiles once.

    ``init(params, lr)`` gives the state (``lr``: each run's base learning rate, for a state
    that starts from it). ``latex(u)`` returns ``(lines, u')``: the aligned LaTeX lines this
    block adds and the symbol of the update it hands on. ``torch_init()`` / ``torch_step()``
    return the lines of an exported PyTorch script (tensors ``upd`` for the running update,
    ``theta``, ``q``, the float ``lr`` and the int ``t``; state tensors keep the names of the
    block's state fields).
    """

    name: str
    update: UpdateFn = field(repr=False)
    latex: Callable[[str], tuple[list[str], str]] = field(repr=False)
    torch_step: Callable[[], list[str]] = field(repr=False)
    hyper: tuple = ()  # the bound hyperparameters (a NamedTuple), passed to update as h
    needs: tuple[str, ...] = ()  # what update takes after (u, s, h), a sub-sequence of NEEDS
    init: Callable[[Array, Any], Any] = field(default=_no_state, repr=False)
    torch_init: Callable[[], list[str]] = field(default=_no_lines, repr=False)
    # the point where the gradient is taken, when not the parameters (NAG's look-ahead):
    # ``(p, s, h) -> q`` (``h`` as update's), and the same in LaTeX and in torch
    lookahead: Callable[[Any, Any, tuple], Any] | None = field(default=None, repr=False)
    lookahead_latex: str = ""
    lookahead_torch: str = ""
    # False where the block is the identity for its values (weight decay 0): the engine then
    # skips it, the page still shows it
    active: bool = True

    def __post_init__(self) -> None:
        if tuple(n for n in NEEDS if n in self.needs) != self.needs:
            raise ValueError(f"block {self.name}: needs {self.needs} must be in the order {NEEDS}")

    @property
    def moves(self) -> bool:
        """Whether the block takes (and so hands back) the parameters."""
        return "p" in self.needs

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the block's state fields (none for a stateless block)."""
        return getattr(self.init(np.zeros((1, 2)), 1.0), "_fields", ())

    def call(self, fn: str, u: str, s: str, h: str, out: str = "u", k: str = "k") -> str:
        """Source of the call of this block's update named ``fn`` in a generated chain:
        ``out, s[, p], k = fn(u, s, h, <needs>)`` (the Python chain and the compiled loop)."""
        got = f"{out}, {s}, p, {k}" if self.moves else f"{out}, {s}, {k}"
        return f"{got} = {fn}({', '.join([u, s, h, *self.needs])})"


class ChainState(NamedTuple):
    t: int  # steps taken
    blocks: tuple  # one state per block (None for stateless blocks)
    step_size: Any = 0.0  # the last step's effective step size (the product of the gains)


_new_state = tuple.__new__  # a NamedTuple without its Python-level __new__ (runs per coordinate)


class Rule:
    """An optimizer's chain bound to resolved hyperparameters: what the engine runs."""

    __slots__ = ("blocks", "hp", "look", "look_hyper", "look_index", "recorded", "records", "update")

    def __init__(self, blocks: Sequence[Block], hp: HP):
        self.hp = dict(hp)
        self.blocks = tuple(b for b in blocks if b.active)
        looks = [i for i, b in enumerate(self.blocks) if b.lookahead is not None]
        self.look_index = looks[0] if looks else -1
        # the look-ahead of the block that has one, and its values (a plain tuple, as update's h)
        self.look = self.blocks[looks[0]].lookahead if looks else None
        self.look_hyper = tuple(self.blocks[looks[0]].hyper) if looks else ()
        # record every state field the inspect chart knows, once (the first block that has it)
        seen: dict[str, tuple[int, int]] = {}
        for i, b in enumerate(self.blocks):
            for j, name in enumerate(b.fields):
                if name in INSPECT_LABELS and name not in seen:
                    seen[name] = (i, j)
        self.recorded = tuple(seen.values())
        self.records: tuple[str, ...] = (*seen, "step_size")  # what `info` gives, in this order
        # update(g, state, params, q, lr, aux) -> (params, state): one step of the chain
        self.update: Callable[..., tuple[Any, ChainState]] = chain_step(self.blocks)

    def init(self, params: Array, lr: Any = None) -> ChainState:
        """The state before the first step; ``lr`` (one value per run, an ``(N, 1)`` column)
        replaces ``hp['lr']`` for a state that starts from the learning rate (Rprop's steps)."""
        lr = self.hp["lr"] if lr is None else lr
        return ChainState(0, tuple(b.init(params, lr) for b in self.blocks))

    def lookahead(self, p: Any, s: ChainState) -> Any:
        """Where the gradient is taken: ``p`` itself unless a block looks ahead."""
        if self.look is None:
            return p
        return self.look(p, s.blocks[self.look_index], self.look_hyper)

    def info(self, s: ChainState) -> tuple:
        """The values of :attr:`records` in state ``s`` (what the inspect chart draws)."""
        return (*[s.blocks[i][j] for i, j in self.recorded], s.step_size)


def chain_step(blocks: Sequence[Block]) -> Callable[..., tuple[Any, ChainState]]:
    """The chain as one generated function ``(g, s, p, q, lr, aux) -> (p, state)``.

    It runs once per coordinate and step in a single run, so it is written out, as the
    unrolled chains were (a loop over the blocks cost ~30% more): each block's update called
    with exactly the arguments it declares, the functions and bound values closure locals."""
    n = len(blocks)
    body = ["t = s[0] + 1", f"{''.join(f's{i}, ' for i in range(n))}= s[1]" if n else "gain = 1.0"]
    for i, b in enumerate(blocks):
        body.append(
            b.call(f"f{i}", "g" if i == 0 else "u", f"s{i}", f"h{i}", "u" if i < n - 1 else "_", f"k{i}")
        )
        if i == 0:
            body.append("gain = 1.0 if k0 is None else 1.0 * k0")
        else:
            body.append(f"gain = gain if k{i} is None else gain * k{i}")
    states = "".join(f"s{i}, " for i in range(n))
    body.append(f"return p, _new_state(ChainState, (t, ({states}), gain))")
    names = [f"{x}{i}" for i in range(n) for x in "fh"]
    src = f"def make({', '.join(names)}):\n    def step(g, s, p, q, lr, aux):\n"
    src += "".join(f"        {line}\n" for line in body) + "    return step\n"
    scope: dict[str, Any] = {"_new_state": _new_state, "ChainState": ChainState}
    exec(src, scope)  # our own source, from the blocks' declared needs: never user text
    return scope["make"](*[x for b in blocks for x in (b.update, tuple(b.hyper))])


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
    # the values a racer on the page starts with where they are not the defaults (which are the
    # reference's): L-BFGS's one iteration per step (a step of the race is one iteration of each
    # racer); ``lr``, a rate that shows the rule at work, where no fair rate is picked for the
    # racer (the page's first race, a second-order rule, a rate typed as junk: playground.batch.fair).
    # See :attr:`on_page`.
    page_start: Mapping[str, Any] = field(default_factory=dict, hash=False)
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
    # rules that couple the coordinates (Newton): ``update_pair(hp)`` binds the values and gives
    # the update on one point held as floats, ``(g, state, (x, y), lr, (hxx, hxy, hyy)) ->
    # ((x, y), state)``
    update_pair: Callable[[HP], Callable[..., tuple[tuple, Any]]] | None = field(default=None, repr=False)

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
            more, u = b.latex(u)
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "page_start", MappingProxyType(dict(self.page_start)))  # read-only
        self.resolve(None, self.page_start)  # a page start that is no valid setting fails at import

    @property
    def on_page(self) -> dict:
        """The resolved hyperparameters a racer on the page starts with: the defaults,
        :attr:`page_start` over them (the page's boxes, its links and its lessons fill what
        they leave out from these)."""
        return self.resolve(None, self.page_start)

    @property
    def lr_for_page(self) -> float:
        """The learning rate of :attr:`on_page`: where no fair rate is picked (see page_start)."""
        return float(self.on_page["lr"])


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
