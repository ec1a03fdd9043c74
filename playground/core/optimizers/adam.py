"""Adam and its relatives: moments of the gradient, bias-corrected, and the sign rule Lion."""

from __future__ import annotations

from ..hyper import Hyper
from . import blocks as B
from .base import HP, Optimizer, beta_hyper, eps_hyper, lr_hyper, wd_hyper

ORDER = 30
_B1 = beta_hyper("beta1", 0.9, r"\beta_1", "decay of the first moment")
_B2 = beta_hyper("beta2", 0.999, r"\beta_2", "decay of the second moment")
_AMS = Hyper("amsgrad", False, "bool", help="use the running maximum of v (AMSGrad)")
_BC = Hyper("bias_correction", True, "bool", help="divide the moments by 1 - beta^t")
_DECOUPLED = "decoupled weight decay"
# torch.optim.Adam, NAdam and RAdam(decoupled_weight_decay=False): True decays the weights as
# AdamW does (NAdamW, RAdamW) instead of adding the decay to the gradient
_DWD = Hyper("decoupled_weight_decay", False, "bool", help="decay the weights directly, as AdamW")
_WD = wd_hyper("weight decay (an L2 penalty unless decoupled_weight_decay)")


def _decay(hp: HP):
    """The weight-decay block the ``decoupled_weight_decay`` flag picks."""
    wd = hp["weight_decay"]
    return B.decoupled_decay(wd) if hp["decoupled_weight_decay"] else B.coupled_decay(wd)


def _adam_chain(hp: HP) -> tuple:
    scale = B.scale_by_adam(hp["beta1"], hp["beta2"], hp["eps"], hp["amsgrad"], hp["bias_correction"])
    return (_decay(hp), scale, B.DESCEND)


def _adamw_chain(hp: HP) -> tuple:
    scale = B.scale_by_adam(hp["beta1"], hp["beta2"], hp["eps"], hp["amsgrad"], hp["bias_correction"])
    return (B.decoupled_decay(hp["weight_decay"]), scale, B.DESCEND)


def _nadam_chain(hp: HP) -> tuple:
    return (
        _decay(hp),
        B.scale_by_nadam(hp["beta1"], hp["beta2"], hp["eps"], hp["momentum_decay"]),
        B.DESCEND,
    )


def _betas(hp: HP) -> str:
    return f"lr={B.lit(hp['lr'])}, betas=({B.lit(hp['beta1'])}, {B.lit(hp['beta2'])}), eps={B.lit(hp['eps'])}"


def _more(hp: HP, extra: tuple[str, ...]) -> str:
    """``, name=value`` for the ``extra`` hyperparameters the torch class takes (those the record has)."""
    return "".join(f", {k}={B.lit(hp[k])}" for k in extra if k in hp)


def _adam_class(cls: str, *extra: str):
    def make(hp: HP) -> str | None:
        if not hp["bias_correction"]:
            return None  # torch.optim.Adam always corrects the bias
        return (
            f"torch.optim.{cls}([theta], {_betas(hp)}, amsgrad={hp['amsgrad']}, "
            f"weight_decay={B.lit(hp['weight_decay'])}{_more(hp, extra)})"
        )

    return make


def _plain_class(cls: str, *extra: str):
    def make(hp: HP) -> str:
        return f"torch.optim.{cls}([theta], {_betas(hp)}, weight_decay={B.lit(hp['weight_decay'])}{_more(hp, extra)})"

    return make


RECORDS = (
    Optimizer(
        "adam", "Adam", (lr_hyper(1e-3), _B1, _B2, eps_hyper(1e-8), _AMS, _BC, _WD, _DWD),
        _adam_chain,
        page_start={"lr": 0.05}, accumulator="v", torch_class=_adam_class("Adam", "decoupled_weight_decay"),
        summary="Momentum on the gradient plus RMSProp scaling, both bias-corrected.",
    ),
    Optimizer(
        "adamw", "AdamW",
        (lr_hyper(1e-3), _B1, _B2, eps_hyper(1e-8), _AMS, _BC, wd_hyper(_DECOUPLED, 1e-2)),
        _adamw_chain,
        accumulator="v", torch_class=_adam_class("AdamW"),
        summary="Adam with weight decay applied to the weights, not through the gradient.",
    ),
    Optimizer(
        "nadam", "NAdam",
        (lr_hyper(2e-3), _B1, _B2, eps_hyper(1e-8),
         Hyper("momentum_decay", 4e-3, low=0.0, high=1.0, symbol=r"\psi", help="momentum decay"),
         _WD, _DWD),
        _nadam_chain,
        accumulator="v", torch_class=_plain_class("NAdam", "momentum_decay", "decoupled_weight_decay"),
        summary="Adam with a Nesterov-style look-ahead on the first moment.",
    ),
    Optimizer(
        "radam", "RAdam", (lr_hyper(1e-3), _B1, _B2, eps_hyper(1e-8), _WD, _DWD),
        lambda hp: (_decay(hp), B.scale_by_radam(hp["beta1"], hp["beta2"], hp["eps"]), B.DESCEND),
        accumulator="v", torch_class=_plain_class("RAdam", "decoupled_weight_decay"),
        summary="Adam that switches its adaptive rate on only once the variance estimate is reliable.",
    ),
    Optimizer(
        "adamax", "Adamax", (lr_hyper(2e-3), _B1, _B2, eps_hyper(1e-8), wd_hyper()),
        lambda hp: (B.coupled_decay(hp["weight_decay"]), B.scale_by_adamax(hp["beta1"], hp["beta2"], hp["eps"]),
                    B.DESCEND),
        accumulator="u", torch_class=_plain_class("Adamax"),
        summary="Adam with the infinity norm in place of the root mean square.",
    ),
    Optimizer(
        "lion", "Lion",
        (lr_hyper(1e-4), _B1, beta_hyper("beta2", 0.99, r"\beta_2", "decay of the momentum"),
         wd_hyper(_DECOUPLED)),
        lambda hp: (B.decoupled_decay(hp["weight_decay"]), B.scale_by_lion(hp["beta1"], hp["beta2"]), B.DESCEND),
        summary="Steps of fixed size in the sign of an interpolated momentum.",
    ),
)  # fmt: skip
