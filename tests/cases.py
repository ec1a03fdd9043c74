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


def torch_class_path(name: str, surface: str, start, hp: dict, steps: int):
    """Points of the record's own torch.optim equivalent fed the surface's exact gradient."""
    import numpy as np
    import torch

    from surfaces import get_surface

    s = get_surface(surface)
    theta = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = eval(
        OPTIMIZERS[name].torch_class(hp), {"torch": torch, "theta": theta}
    )  # our source, not user text
    out = [theta.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        theta.grad = torch.tensor(s.gradient(theta.detach().numpy()), dtype=torch.float64)
        opt.step()
        out.append(theta.detach().numpy().copy())
    return np.array(out)
