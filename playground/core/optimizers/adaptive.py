"""Per-coordinate step sizes from the gradients' history: AdaGrad, RMSProp, AdaDelta."""

from __future__ import annotations

from ..hyper import Hyper
from . import blocks as B
from .base import HP, Optimizer, beta_hyper, eps_hyper, lr_hyper, wd_hyper

ORDER = 20
_EPS_INSIDE = Hyper("eps_inside_sqrt", False, "bool", help="write eps inside the square root")


def _adagrad_class(hp: HP) -> str | None:
    if hp["eps_inside_sqrt"]:
        return None
    return (
        f"torch.optim.Adagrad([theta], lr={B.lit(hp['lr'])}, lr_decay={B.lit(hp['lr_decay'])}, "
        f"eps={B.lit(hp['eps'])}, initial_accumulator_value={B.lit(hp['initial_accumulator_value'])}, "
        f"weight_decay={B.lit(hp['weight_decay'])})"
    )


def _adagrad_chain(hp: HP) -> tuple:
    scale = B.scale_by_rss(hp["eps"], hp["initial_accumulator_value"], hp["eps_inside_sqrt"])
    return (B.coupled_decay(hp["weight_decay"]), scale, B.descend_lr_decay(hp["lr_decay"]))


def _rmsprop_chain(hp: HP) -> tuple:
    momentum = (B.trace_sum(hp["momentum"]),) if hp["momentum"] > 0 else ()
    scale = B.scale_by_rms(hp["alpha"], hp["eps"], hp["centered"], hp["eps_inside_sqrt"])
    return (B.coupled_decay(hp["weight_decay"]), scale, *momentum, B.DESCEND)


def _rmsprop_class(hp: HP) -> str | None:
    if hp["eps_inside_sqrt"]:
        return None
    return (
        f"torch.optim.RMSprop([theta], lr={B.lit(hp['lr'])}, alpha={B.lit(hp['alpha'])}, "
        f"eps={B.lit(hp['eps'])}, momentum={B.lit(hp['momentum'])}, centered={hp['centered']}, "
        f"weight_decay={B.lit(hp['weight_decay'])})"
    )


def _adadelta_class(hp: HP) -> str:
    return (
        f"torch.optim.Adadelta([theta], lr={B.lit(hp['lr'])}, rho={B.lit(hp['rho'])}, "
        f"eps={B.lit(hp['eps'])}, weight_decay={B.lit(hp['weight_decay'])})"
    )


RECORDS = (
    Optimizer(
        "adagrad", "AdaGrad",
        (lr_hyper(1e-2),
         Hyper("lr_decay", 0.0, low=0.0, high=1e3, symbol=r"\delta", help="learning-rate decay"),
         eps_hyper(1e-10),
         Hyper("initial_accumulator_value", 0.0, low=0.0, high=1e6, symbol=r"G_{\text{init}}",
               help="starting value of the sum of squares"),
         _EPS_INSIDE, wd_hyper()),
        _adagrad_chain,
        accumulator="sum_sq", torch_class=_adagrad_class,
        summary="Per-coordinate steps divided by the root of all past squared gradients.",
    ),
    Optimizer(
        "rmsprop", "RMSProp",
        (lr_hyper(1e-2), beta_hyper("alpha", 0.99, r"\alpha", "smoothing constant"), eps_hyper(1e-8),
         Hyper("centered", False, "bool", help="divide by the estimated variance"),
         Hyper("momentum", 0.0, low=0.0, high=1.0, high_open=True, symbol=r"\mu", help="momentum"),
         _EPS_INSIDE, wd_hyper()),
        _rmsprop_chain, accumulator="sq_avg", torch_class=_rmsprop_class,
        summary="AdaGrad with a forgetting average of squared gradients.",
    ),
    Optimizer(
        "adadelta", "AdaDelta",
        (lr_hyper(1.0), beta_hyper("rho", 0.9, r"\rho", "decay of both averages"), eps_hyper(1e-6), wd_hyper()),
        lambda hp: (B.coupled_decay(hp["weight_decay"]), B.scale_by_adadelta(hp["rho"], hp["eps"]), B.DESCEND),
        accumulator="sq_avg", torch_class=_adadelta_class,
        summary="RMSProp whose step is scaled by the average size of past steps.",
    ),
)  # fmt: skip
