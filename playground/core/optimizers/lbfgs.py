r"""L-BFGS, as ``torch.optim.LBFGS`` (with or without its strong-Wolfe line search).

**One playground step is one call of** ``opt.step(closure)``. The record keeps torch's
defaults: ``max_iter=20`` iterations per call, ``max_eval=None`` derived by torch as
``max_iter * 5 // 4`` (25). A racer added on the page starts at ``max_iter=1`` instead
(:data:`PAGE_START`, the record's ``page_start``): one L-BFGS iteration per step, so a step of
the race is one iteration of every racer; ``max_eval`` then derives to 1, which leaves a
strong-Wolfe search a single trial, as torch does at ``max_iter=1``; give ``max_eval`` (e.g.
25) for a search with room. Larger ``max_iter`` run torch's inner loop, with its stopping
tests, inside one step. The page shows the value in the racer's box and its formula; its
links read a missing ``max_iter`` as the page start, and exported scripts write it out.

The rule needs the loss and the gradient at points of its own (the line search, the inner
iterations): the engine passes ``aux = closure(x, y) -> (f, (gx, gy))`` (``closure=True``).
The gradient a step starts from is the engine's (with its noise, if any); the points the
step evaluates itself are exact. Every evaluation is counted: the state field ``evals``
(evaluations this step, the first included) is recorded and shown by the inspect chart,
and :func:`max_evals` bounds it before the run for the work budget.

torch keeps one history per optimizer, i.e. per run: in a batch each run has its own
history and line search. The runs go through a Python loop on floats (the arithmetic of
``torch/optim/lbfgs.py``, statement by statement), so run ``i`` of a batch is the single
run from its start, bit for bit.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..hyper import Hyper, derived_hyper
from . import blocks as B
from .base import HP, Block, Optimizer, lr_hyper

ORDER = 80


class Lbfgs(NamedTuple):
    evals: Any  # (N, 2): evaluations of f and its gradient in the last step (both columns)
    # per run, an object array (so a batch's rows can be taken): a _Run, or None before the first step
    runs: np.ndarray


class _Run(NamedTuple):
    """torch's LBFGS state for one run (two coordinates held as floats)."""

    n_iter: int
    d: tuple
    t: float
    # torch's old_stps s, old_dirs y and ro = 1 / (y . s), one tuple (s0, s1, y0, y1, ro) per pair
    pairs: tuple
    h_diag: float
    prev_flat_grad: tuple


def _div(a: float, b: float) -> float:
    """``a / b`` with IEEE results where Python raises (torch computes these on tensors)."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _amax(a: float, b: float) -> float:
    """``max(|a|, |b|)`` propagating NaN, as ``tensor.abs().max()``."""
    a, b = abs(a), abs(b)
    return a if a >= b or a != a else b


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """torch.optim.lbfgs._cubic_interpolate on floats."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - _div(3 * (f1 - f2), x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square >= 0:
        d2 = math.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * _div(g2 + d2 - d1, g2 - g1 + 2 * d2)
        else:
            min_pos = x1 - (x1 - x2) * _div(g1 + d2 - d1, g1 - g2 + 2 * d2)
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """torch.optim.lbfgs._strong_wolfe on floats: ``obj(x, t, d) -> (f, g)``; returns
    ``(f_new, g_new, t, evaluations)``."""
    d_norm = _amax(*d)
    f_new, g_new = obj(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new[0] * d[0] + g_new[1] * d[1]
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket_gtd: list = []
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new, gtd_new
        f_new, g_new = obj(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new[0] * d[0] + g_new[1] * d[1]
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    if len(bracket) == 1:  # a NaN loss fails the test above: torch raises an IndexError, the run ends
        low_pos = 0
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new[0] * d[0] + g_new[1] * d[1]
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new, gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


class LbfgsHyper(NamedTuple):
    max_iter: int
    max_eval: int  # resolved: torch's None is derived (`torch_max_eval`)
    history_size: int
    tolerance_grad: float
    tolerance_change: float
    line_search_fn: str


def _step(
    x: tuple, g: tuple, lr: float, run: _Run | None, fg, h: LbfgsHyper
) -> tuple[tuple, _Run | None, int]:
    """One ``LBFGS.step(closure)`` for one run: ``(new point, new state, evaluations)``."""

    def evaluate(px: float, py: float) -> tuple[float, tuple]:
        f, (gx, gy) = fg(px, py)
        return float(f), (float(gx), float(gy))

    max_iter, max_eval, history_size, tolerance_grad, tolerance_change, line_search_fn = h
    loss = float(fg(*x, grad=False))  # the closure at the start; its gradient is the engine's g
    current_evals = 1
    flat_grad = g
    if _amax(*flat_grad) <= tolerance_grad:
        return x, run, current_evals
    if run is None:
        state_n_iter, d, t, pairs, h_diag, prev_flat_grad = 0, (0.0, 0.0), 0.0, (), 1.0, flat_grad
    else:
        state_n_iter, d, t, pairs, h_diag, prev_flat_grad = run
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        state_n_iter += 1
        g0, g1 = flat_grad
        if state_n_iter == 1:
            d = (-g0, -g1)
            pairs, h_diag = (), 1.0
        else:
            y0, y1 = g0 - prev_flat_grad[0], g1 - prev_flat_grad[1]
            s0, s1 = d[0] * t, d[1] * t
            ys = y0 * s0 + y1 * s1
            if ys > 1e-10:
                if len(pairs) == history_size:
                    pairs = pairs[1:]
                pairs = (*pairs, (s0, s1, y0, y1, 1.0 / ys))
                h_diag = _div(ys, y0 * y0 + y1 * y1)
            # the two-loop recursion, operation by operation as torch's
            al = []
            q0, q1 = -g0, -g1
            for s0, s1, y0, y1, ro in reversed(pairs):
                a = (s0 * q0 + s1 * q1) * ro
                al.append(a)
                q0, q1 = q0 + -a * y0, q1 + -a * y1
            r0, r1 = q0 * h_diag, q1 * h_diag
            for (s0, s1, y0, y1, ro), a in zip(pairs, reversed(al)):
                c = a - (y0 * r0 + y1 * r1) * ro
                r0, r1 = r0 + c * s0, r1 + c * s1
            d = (r0, r1)
        prev_flat_grad = flat_grad
        prev_loss = loss
        if state_n_iter == 1:
            t = min(1.0, _div(1.0, abs(g0) + abs(g1))) * lr
        else:
            t = lr
        gtd = g0 * d[0] + g1 * d[1]
        if gtd > -tolerance_change:
            break
        ls_func_evals = 0
        if line_search_fn == "strong_wolfe":

            def obj(p: tuple, step: float, direction: tuple) -> tuple[float, tuple]:
                return evaluate(p[0] + step * direction[0], p[1] + step * direction[1])

            loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                obj, x, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
            )
            x = (x[0] + t * d[0], x[1] + t * d[1])
            opt_cond = _amax(*flat_grad) <= tolerance_grad
        else:
            x = (x[0] + t * d[0], x[1] + t * d[1])
            opt_cond = False
            if n_iter != max_iter:  # torch re-evaluates except after the last iteration
                loss, flat_grad = evaluate(*x)
                opt_cond = _amax(*flat_grad) <= tolerance_grad
                ls_func_evals = 1
        current_evals += ls_func_evals
        if n_iter == max_iter or current_evals >= max_eval or opt_cond:
            break
        if _amax(d[0] * t, d[1] * t) <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
            break
    return x, _Run(state_n_iter, d, t, pairs, h_diag, prev_flat_grad), current_evals


def max_evals(hp: HP) -> int:
    """The most evaluations one step can make (torch's loop and line search, read off its code):
    the start, then without a line search one per iteration but the last, up to ``max_eval``;
    with it, each search may use the evaluations left, ``max_eval - done``, plus one."""
    max_eval = MAX_EVAL.value(hp)
    if hp["line_search_fn"] == "strong_wolfe":
        return max_eval + 1
    return 1 if hp["max_iter"] == 1 else min(hp["max_iter"], max(max_eval, 2))


def _objects(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):  # one by one: NumPy would unpack the tuples
        out[i] = item
    return out


def _update(u, s, h, p, lr, aux):
    n = p.shape[0]
    lrs = [float(lr)] * n if np.ndim(lr) == 0 else np.asarray(lr, dtype=np.float64).reshape(n).tolist()
    points, grads = p.tolist(), u.tolist()
    new, evals, gain, runs = [], [], [], []
    for i in range(n):
        g = grads[i]
        xy, run, k = _step(tuple(points[i]), tuple(g), lrs[i], s.runs[i], aux, h)
        new.append(xy)
        evals.append((k, k))
        runs.append(run)
        # the step per unit of gradient, per coordinate (0 where the gradient is 0)
        gain.append(tuple(abs(a - b) / abs(c) if c != 0 else 0.0 for a, b, c in zip(xy, points[i], g)))
    return u, Lbfgs(np.array(evals, dtype=np.float64), _objects(runs)), np.array(new), np.array(gain)


def _latex(u: str, line_search_fn: str, derived: bool) -> tuple[list[str], str]:
    search = (
        r"\alpha_t &: \text{strong Wolfe line search from } \eta"
        if line_search_fn == "strong_wolfe"
        else r"\alpha_t &= \eta \quad (\text{first step: } \eta \min(1, 1/\|g_1\|_1))"
    )
    lines = [
        r"s_k &= \theta_{k+1} - \theta_k,\quad y_k = g_{k+1} - g_k"
        r" \quad (\text{the last } m \text{ pairs with } y_k^\top s_k > 10^{-10})",
        rf"d_t &= -H_t\, {u},\quad H_t \text{{ from the two-loop recursion}},\ "
        r"H_t^0 = \frac{s^\top y}{y^\top y} I",
        search,
        r"\theta_{t+1} &= \theta_t + \alpha_t d_t \quad (\text{up to } k_{\max}"
        r" \text{ times and } e_{\max} \text{ evaluations per step})"
        r" \quad (\text{no step once } \|g_t\|_\infty \le \epsilon_g)",
    ]
    if derived:  # left out: torch derives it (MAX_EVAL)
        lines.append(r"e_{\max} &= \lfloor 5 k_{\max} / 4 \rfloor \quad (\text{torch's default})")
    return lines, r"\alpha_t d_t"


def _torch_step() -> list[str]:
    return [
        "calls = [0]",
        "def closure():",
        "    calls[0] += 1",
        "    lbfgs.zero_grad()",
        "    loss = f(w[0], w[1])",
        "    loss.backward()",
        "    if calls[0] == 1:",
        "        w.grad = upd.clone()  # the gradient the step starts from (with its noise)",
        "    return loss",
        'lbfgs.param_groups[0]["lr"] = lr',
        "lbfgs.step(closure)",
        "theta = w.detach().clone()",
    ]


def _torch_class(hp: HP) -> str:
    return f"torch.optim.LBFGS([theta], lr={B.lit(hp['lr'])}, {_torch_options(hp)})"


def _torch_options(hp: HP) -> str:
    ls = hp["line_search_fn"]
    return (
        f"max_iter={hp['max_iter']}, max_eval={hp['max_eval']}, "
        f"tolerance_grad={B.lit(hp['tolerance_grad'])}, tolerance_change={B.lit(hp['tolerance_change'])}, "
        f"history_size={hp['history_size']}, line_search_fn={B.lit(None if ls == 'none' else ls)}"
    )


def torch_max_eval(max_iter: int) -> int:
    """torch.optim.LBFGS's ``max_eval`` when none is given."""
    return max_iter * 5 // 4


def lbfgs(
    max_iter: int,
    max_eval: int | None,
    history_size: int,
    tolerance_grad: float,
    tolerance_change: float,
    line_search_fn: str,
) -> Block:
    """One ``torch.optim.LBFGS.step(closure)`` per step, per run (``aux``: the closure);
    ``max_eval=None`` is torch's, derived from ``max_iter``."""
    given = dict(max_iter=max_iter, max_eval=max_eval, history_size=history_size, tolerance_grad=tolerance_grad,
                 tolerance_change=tolerance_change, line_search_fn=line_search_fn)  # fmt: skip
    resolved = torch_max_eval(max_iter) if max_eval is None else max_eval
    h = LbfgsHyper(max_iter, resolved, history_size, tolerance_grad, tolerance_change, line_search_fn)
    return Block(
        "lbfgs",
        _update,
        lambda u: _latex(u, line_search_fn, max_eval is None),
        _torch_step,
        h,
        ("p", "lr", "aux"),
        init=lambda params, lr: Lbfgs(np.zeros_like(params), _objects([None] * params.shape[0])),
        # torch.optim.LBFGS on a copy of theta: the step feeds it upd as the gradient at theta
        # and sets its lr before each step
        torch_init=lambda: [
            "w = theta.clone().requires_grad_(True)",
            f"lbfgs = torch.optim.LBFGS([w], {_torch_options(given)})",
        ],
    )


# torch.optim.LBFGS: ``if max_eval is None: max_eval = max_iter * 5 // 4``
MAX_EVAL = derived_hyper(
    "max_eval",
    "max_iter * 5 // 4",
    lambda hp: torch_max_eval(hp["max_iter"]),
    "evaluations per step at most",
    kind="int",
    low=1,
    high=1000,
    symbol=r"e_{\max}",
)
_HYPERS = (lr_hyper(1.0),
         Hyper("max_iter", 20, "int", low=1, high=100, symbol=r"k_{\max}",
               help="L-BFGS iterations per step (a racer added on the page starts at 1)"),
         MAX_EVAL,
         Hyper("tolerance_grad", 1e-7, low=0.0, high=1e3, symbol=r"\epsilon_g", log=True,
               help="no step once the largest gradient component is this small"),
         Hyper("tolerance_change", 1e-9, low=0.0, high=1e3, log=True,
               help="stop a step's iterations when the loss or the step changes less"),
         Hyper("history_size", 100, "int", low=1, high=1000, symbol="m", help="curvature pairs kept"),
         Hyper("line_search_fn", "none", "choice", choices=("none", "strong_wolfe"),
               help="none: step lr * direction; strong_wolfe: torch's line search"))  # fmt: skip
_DEFAULTS = {h.name: h.default for h in _HYPERS}
# a racer added on the page: one iteration per step (a step of the race is one iteration of
# every racer), at a learning rate that shows the rule at work
PAGE_START = {"lr": 0.5, "max_iter": 1}


def _work(hp: HP) -> int:
    """Work units of one step, an upper bound (measured on every surface against Adam = 1): 3-7
    for an iteration with one evaluation, up to 2 per further evaluation (the worst case, see
    :func:`max_evals`: the count is only known after the run) and up to 0.05 per curvature pair
    and iteration of the two-loop recursion (Python floats)."""
    return 6 + 2 * (max_evals(hp) - 1) + math.ceil(hp["history_size"] * hp["max_iter"] / 20)


def _stop_words(hp: HP, g: tuple[float, float]) -> str:
    """Which of torch's tolerances keeps a step from moving, at a point of gradient ``g``:
    ``tolerance_grad`` before any iteration, else ``tolerance_change`` (the direction's slope
    ``g . d`` above ``-tolerance_change``: the loss would change by less)."""
    if _amax(*g) <= hp["tolerance_grad"]:
        return f"its own tolerance, tolerance_grad = {hp['tolerance_grad']:g}"
    return f"its own tolerance, tolerance_change = {hp['tolerance_change']:g}"


RECORDS = (
    Optimizer(
        "lbfgs", "L-BFGS", _HYPERS,
        lambda hp: (lbfgs(*[hp[k] for k in LbfgsHyper._fields]),),
        coupled=True, closure=True, torch_closure=True, accumulator="evals",
        stops=lambda hp, g: _stop_words(hp, g),
        cost=_work(_DEFAULTS), cost_for=_work, page_start=PAGE_START,
        torch_class=_torch_class,
        summary="A quasi-Newton method: a curvature estimate from the last steps' gradients, "
                "optionally with a line search.",
    ),
)  # fmt: skip
