"""Gradient descent and its momenta: the chains of the first-order classics."""

from __future__ import annotations

from ..hyper import Hyper
from . import blocks as B
from .base import HP, Optimizer, beta_hyper, lr_hyper, wd_hyper

ORDER = 10
_MU = beta_hyper("momentum", 0.9, r"\mu", "momentum coefficient")
_MOMENTUM_FORMS = {
    # torch.optim.SGD: v = mu v + (1 - tau) g, theta -= lr v
    "pytorch": lambda hp: (B.trace_torch(hp["momentum"], hp["dampening"]), B.DESCEND),
    # exponential moving average of the gradients
    "ema": lambda hp: (B.trace_ema(hp["momentum"]), B.DESCEND),
    # the learning rate lives inside the velocity: v = mu v + lr g (differs once lr changes)
    "classical": lambda hp: (B.SCALE_BY_LR, B.trace_sum(hp["momentum"]), B.APPLY),
}
_NAG_FORMS = {
    # Sutskever's form: the gradient at the look-ahead point theta - mu v
    "lookahead": lambda hp: (B.SCALE_BY_LR, B.trace_sum(hp["momentum"], lookahead=True), B.APPLY),
    # torch.optim.SGD(nesterov=True): the same algorithm in shifted variables
    "pytorch": lambda hp: (B.nesterov_torch(hp["momentum"]), B.DESCEND),
}


def _nag_chain(hp: HP) -> tuple:
    at = r"\tilde\theta_t" if hp["form"] == "lookahead" else r"\theta_t"
    return (B.coupled_decay(hp["weight_decay"], at), *_NAG_FORMS[hp["form"]](hp))


def _sgd_class(hp: HP) -> str:
    return f"torch.optim.SGD([theta], lr={B.lit(hp['lr'])}, weight_decay={B.lit(hp['weight_decay'])})"


def _momentum_class(hp: HP) -> str | None:
    if hp["form"] != "pytorch":
        return None
    return (
        f"torch.optim.SGD([theta], lr={B.lit(hp['lr'])}, momentum={B.lit(hp['momentum'])}, "
        f"dampening={B.lit(hp['dampening'])}, weight_decay={B.lit(hp['weight_decay'])})"
    )


def _nag_class(hp: HP) -> str | None:
    if hp["form"] != "pytorch":
        return None
    return (
        f"torch.optim.SGD([theta], lr={B.lit(hp['lr'])}, momentum={B.lit(hp['momentum'])}, "
        f"nesterov=True, weight_decay={B.lit(hp['weight_decay'])})"
    )


RECORDS = (
    Optimizer(
        "gd", "Gradient descent", (lr_hyper(1e-3), wd_hyper()),
        lambda hp: (B.coupled_decay(hp["weight_decay"]), B.DESCEND), torch_class=_sgd_class,
        summary="Full-batch gradient descent: the exact gradient, no noise.",
    ),
    Optimizer(
        "sgd", "SGD (noisy)", (lr_hyper(1e-3), wd_hyper()),
        lambda hp: (B.coupled_decay(hp["weight_decay"]), B.DESCEND), torch_class=_sgd_class, default_noise=True,
        summary="Gradient descent on a mini-batch gradient: the exact gradient plus noise (real mini-batches on a data surface).",
    ),
    Optimizer(
        "momentum", "Momentum",
        (lr_hyper(1e-3), _MU,
         Hyper("dampening", 0.0, low=0.0, high=1.0, symbol=r"\tau", help="dampening (pytorch form)"),
         Hyper("form", "pytorch", "choice", choices=tuple(_MOMENTUM_FORMS),
               help="pytorch: v=mu v+g; ema: v=mu v+(1-mu)g; classical: v=mu v+lr g"),
         wd_hyper()),
        lambda hp: (B.coupled_decay(hp["weight_decay"]), *_MOMENTUM_FORMS[hp["form"]](hp)),
        torch_class=_momentum_class,
        summary="A heavy ball: the velocity accumulates past gradients.",
    ),
    Optimizer(
        "nag", "Nesterov (NAG)",
        (lr_hyper(1e-3), _MU,
         Hyper("form", "lookahead", "choice", choices=tuple(_NAG_FORMS),
               help="lookahead: gradient at theta - mu v; pytorch: SGD(nesterov=True)"),
         wd_hyper()),
        _nag_chain, torch_class=_nag_class,
        summary="Momentum that measures the slope where it is about to land.",
    ),
)  # fmt: skip
