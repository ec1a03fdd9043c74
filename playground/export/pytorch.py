"""A self-contained PyTorch script that reproduces playground runs (``--format torch``).

Everything in the script is derived from the records the engine ran: the surface's
formula is traced from its one definition (:mod:`surfaces.symbolic`), the optimizer is
its ``torch.optim`` class when the hyperparameters follow PyTorch's convention and
otherwise the chain's own blocks written out in torch, the schedule is its
``torch.optim.lr_scheduler`` equivalent, and gradient noise replays NumPy's generator
with the run's seed. Running the script prints ``{"points": [...]}`` (one run) or
``{"runs": [{"label", "points"}, ...]}``, equal to the playground's points to rounding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from playground.core.engine import Trajectory
from playground.core.optimizers import OPTIMIZERS
from playground.core.optimizers.blocks import lit
from playground.core.schedules import torch_scheduler
from playground.core.surfaces import Surface

_HEADER = '''"""{title}

Reproduces {what} of the loss-landscape playground with PyTorch in float64.
Run it with `python` (needs torch{numpy}); it prints the points as JSON.
"""

import json

{imports}import torch

torch.set_default_dtype(torch.float64)


def f(x, y):
    """{surface}, written with torch operations."""
    return {formula}


def gradient(q):
    """The exact gradient of f at the point q (autograd)."""
    q = q.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(q[0], q[1]), q)
    return g
'''

_PAD = (
    "    # the playground stops a run once it has converged (or blows up) and holds it there\n"
    "    return points + [points[-1]] * ({steps} - (len(points) - 1))\n"
)


def steps_kept(tr: Trajectory) -> int:
    """How many steps the run really took before the engine held it (see engine._finish)."""
    return int(tr.last_kept)


def _sigma(tr: Trajectory) -> float:
    """The noise added to each gradient coordinate (the engine's sigma / sqrt(B))."""
    return float(tr.noise) / math.sqrt(tr.batch_size) if tr.noise and tr.lr.shape[0] else 0.0


def _noise_lines(tr: Trajectory) -> list[str]:
    sigma, steps = _sigma(tr), int(tr.lr.shape[0])
    if sigma <= 0:
        return []
    # the engine draws its noise with NumPy's generator: replaying it is exact
    return [
        f"    sigma = {lit(sigma)}  # noise {lit(float(tr.noise))} / sqrt(batch size {tr.batch_size})",
        f"    kicks = torch.from_numpy(np.random.default_rng({tr.seed}).standard_normal(({steps}, 2)) * sigma)",
    ]


def _scheduler(tr: Trajectory, on: str) -> list[str]:
    source = torch_scheduler(tr.schedule, tr.schedule_params)
    return [] if source is None else [f"    sched = {source.replace('(opt', f'({on}')}"]


def _sched_step(tr: Trajectory, indent: str) -> list[str]:
    if tr.schedule == "constant":
        return []
    if tr.schedule == "plateau":
        return [f"{indent}sched.step(loss)"]
    return [f"{indent}sched.step()"]


def _start(tr: Trajectory) -> str:
    x, y = (float(v) for v in tr.positions[0])
    return f"[{lit(x)}, {lit(y)}]"


def _class_run(fn: str, tr: Trajectory, source: str) -> list[str]:
    """The run with the optimizer's torch.optim class: the usual training loop."""
    n = steps_kept(tr)
    lines = [f"def {fn}():", f"    theta = torch.tensor({_start(tr)}, requires_grad=True)",
             f"    opt = {source}", *_scheduler(tr, "opt"), *_noise_lines(tr)]  # fmt: skip
    if OPTIMIZERS[tr.optimizer].torch_closure:  # L-BFGS evaluates f itself: it steps with a closure
        return _closure_run(lines, tr, n)
    lines += ["    points = [theta.tolist()]", f"    for t in range({n}):", "        opt.zero_grad()",
              "        loss = f(theta[0], theta[1])", "        loss.backward()"]  # fmt: skip
    if _sigma(tr):
        lines.append("        theta.grad += kicks[t]")
    lines.append("        opt.step()")
    if tr.schedule == "plateau":  # the loss where the step started, as the engine feeds it
        lines.append("        loss = loss.item()")
    lines += _sched_step(tr, "        ")
    return [*lines, "        points.append(theta.tolist())"]


def _closure_run(lines: list[str], tr: Trajectory, n: int) -> list[str]:
    """The loop for ``opt.step(closure)``; the noise goes on the gradient the step starts from
    (the first call), as the engine adds it."""
    lines += ["    points = [theta.tolist()]", f"    for t in range({n}):", "        calls = [0]", "",
              "        def closure():", "            opt.zero_grad()", "            loss = f(theta[0], theta[1])",
              "            loss.backward()"]  # fmt: skip
    if _sigma(tr):
        lines += ["            if calls[0] == 0:", "                theta.grad += kicks[t]"]
    lines += ["            calls[0] += 1", "            return loss", "", "        loss = opt.step(closure)"]
    if tr.schedule == "plateau":
        lines.append("        loss = loss.item()")
    lines += _sched_step(tr, "        ")
    return [*lines, "        points.append(theta.tolist())"]


def _explicit_run(fn: str, tr: Trajectory) -> list[str]:
    """The run written out block by block, for rules or conventions torch.optim lacks."""
    opt = OPTIMIZERS[tr.optimizer]
    hp, blocks = tr.hyper, [b for b in opt.chain(tr.hyper) if b.active]
    look = next((b for b in blocks if b.lookahead is not None), None)
    lines = [f"def {fn}():", f"    theta = torch.tensor({_start(tr)})"]
    if tr.schedule != "constant":  # an optimizer with no parameters of its own drives the schedule
        lines += [f"    driver = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr={lit(hp['lr'])})",
                  *_scheduler(tr, "driver")]  # fmt: skip
    lines += _noise_lines(tr)
    # the base learning rate, which a state may start from (Rprop's steps); each step sets its own
    lines.append(f"    lr = {lit(hp['lr'])}")
    lines += [f"    {line}" for b in blocks for line in b.torch_init()]
    lines += ["    points = [theta.tolist()]", f"    for t in range(1, {steps_kept(tr)} + 1):"]
    if tr.schedule != "constant":
        lines.append('        lr = driver.param_groups[0]["lr"]')
    lines.append(f"        q = {look.lookahead_torch if look else 'theta'}")
    if tr.schedule == "plateau":  # the loss where the step started, as the engine feeds it
        lines.append("        loss = f(theta[0], theta[1]).item()")
    lines.append("        upd = gradient(q)" + (" + kicks[t - 1]" if _sigma(tr) else ""))
    lines += [f"        {line}" for b in blocks for line in b.torch_step()]
    lines.append("        points.append(theta.tolist())")
    if tr.schedule != "constant":
        lines += ["        driver.step()  # no gradients: only keeps the scheduler's bookkeeping in order",
                  *_sched_step(tr, "        ")]  # fmt: skip
    return lines


def run_function(fn: str, tr: Trajectory) -> tuple[list[str], str]:
    """``def fn(): ... return points`` for one run, and how it runs the optimizer."""
    opt = OPTIMIZERS[tr.optimizer]
    source = opt.torch_class(tr.hyper) if opt.torch_exact else None
    if source is not None:
        lines, how = _class_run(fn, tr, source), source.split("(")[0]
    else:
        lines, how = _explicit_run(fn, tr), "the update rule written out"
    return [*lines, _PAD.format(steps=tr.positions.shape[0] - 1).rstrip("\n")], how


def torch_script(surface: Surface, runs: Sequence[tuple[str, Trajectory]]) -> str:
    """The script for ``runs`` (``(label, trajectory)``, all on ``surface``)."""
    # the tracer and its printer (SymPy) load on the first export: the page that offers
    # "Copy as PyTorch" imports this module without them (tests/web/test_lean_serving.py)
    from playground.core.surfaces.symbolic import torch_source

    noisy = any(_sigma(tr) for _, tr in runs)
    params = ", ".join(f"{k}={v:g}" for k, v in surface.params.items())
    title = f"{', '.join(label for label, _ in runs)} on {surface.title}" + (f" ({params})" if params else "")
    head = _HEADER.format(
        title=title,
        what="this run" if len(runs) == 1 else f"these {len(runs)} runs",
        numpy=" and numpy" if noisy else "",
        imports="import numpy as np\n" if noisy else "",
        surface=surface.title,
        formula=torch_source(surface),
    )
    body: list[str] = []
    for i, (label, tr) in enumerate(runs):
        lines, how = run_function(f"run_{i + 1}", tr)
        body += ["", "", f"# {label}: {how}", *lines]
    calls = [f"run_{i + 1}()" for i in range(len(runs))]
    if len(runs) == 1:
        out = f'print(json.dumps({{"points": {calls[0]}}}))'
    else:
        pairs = ", ".join(f'{{"label": {label!r}, "points": {c}}}' for (label, _), c in zip(runs, calls))
        out = f'print(json.dumps({{"runs": [{pairs}]}}))'
    return head + "\n".join(body) + "\n\n\n" + out + "\n"
