"""Case tables shared by the optimizer tests, derived from the registry (no names by hand)."""

import itertools

from playground import OPTIMIZERS


def conventions(name: str) -> list[dict]:
    """Every combination of the record's choice and boolean hyperparameters, resolved."""
    opt = OPTIMIZERS[name]
    axes = [(h.name, h.choices if h.kind == "choice" else (False, True))
            for h in opt.hypers if h.kind in ("choice", "bool")]  # fmt: skip
    names = [n for n, _ in axes]
    return [opt.resolve(None, dict(zip(names, combo))) for combo in itertools.product(*[v for _, v in axes])]


def convention_id(name: str, hp: dict) -> str:
    opt = OPTIMIZERS[name]
    flags = [
        f"{h.name}={hp[h.name]}"
        for h in opt.hypers
        if h.kind in ("choice", "bool") and hp[h.name] != h.default
    ]
    return f"{name}[{','.join(flags)}]" if flags else name


def reference_path(surface: str, start, make, steps: int):
    """``(points, optimizer)`` of a reference torch optimizer ``make(theta)`` fed the
    surface's exact gradient for ``steps`` steps."""
    import numpy as np
    import torch

    from playground.core.surfaces import get_surface

    s = get_surface(surface)
    theta = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make(theta)
    out = [theta.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        theta.grad = torch.tensor(s.gradient(theta.detach().numpy()), dtype=torch.float64)
        opt.step()
        out.append(theta.detach().numpy().copy())
    return np.array(out), opt


def torch_class_path(name: str, surface: str, start, hp: dict, steps: int):
    """Points of the record's own torch.optim equivalent fed the surface's exact gradient."""
    import torch

    source = OPTIMIZERS[name].torch_class(hp)
    # our generated source, never user text
    return reference_path(
        surface, start, lambda theta: eval(source, {"torch": torch, "theta": theta}), steps
    )[0]


def assert_batch_equals_single(surface, name: str, count: int, draw: int, **kw) -> None:
    """``count`` random starts over the domain run as one batch equal each run alone, bit for
    bit: positions, losses, learning rates, statuses and every recorded state."""
    import numpy as np

    from playground import simulate

    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(draw)  # where the starts are drawn
    starts = np.column_stack([rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)])
    batch = simulate(surface, name, starts, **kw)
    for i, p in enumerate(starts):
        one = simulate(surface, name, p, **kw)
        np.testing.assert_array_equal(batch.positions[:, i], one.positions)
        np.testing.assert_array_equal(batch.loss[:, i], one.loss)
        np.testing.assert_array_equal(batch.lr[:, i], one.lr)
        assert batch.status[i] == one.status and batch.stopped_at[i] == one.stopped_at
        for k in one.state:
            np.testing.assert_array_equal(batch.state[k][:, i], one.state[k])
