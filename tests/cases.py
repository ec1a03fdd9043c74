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
