"""PyTorch code that reproduces a run (the optimizer records will own this; moved as is)."""

from __future__ import annotations

from surfaces import get_surface

from ..optimizers import OPTIMIZERS
from ..schedules import resolve_schedule
from .validate import Config, num

_TORCH = {
    "gd": "torch.optim.SGD([theta], lr={lr}{wd})",
    "sgd": "torch.optim.SGD([theta], lr={lr}{wd})  # feed it noisy (mini-batch) gradients",
    "momentum": "torch.optim.SGD([theta], lr={lr}, momentum={momentum}, dampening={dampening}{wd})",
    "nag": "torch.optim.SGD([theta], lr={lr}, momentum={momentum}, nesterov=True{wd})",
    "adagrad": "torch.optim.Adagrad([theta], lr={lr}, lr_decay={lr_decay}, eps={eps}, "
    "initial_accumulator_value={initial_accumulator_value}{wd})",
    "rmsprop": "torch.optim.RMSprop([theta], lr={lr}, alpha={alpha}, eps={eps}, momentum={momentum}, "
    "centered={centered}{wd})",
    "adadelta": "torch.optim.Adadelta([theta], lr={lr}, rho={rho}, eps={eps}{wd})",
    "adam": "torch.optim.Adam([theta], lr={lr}, betas=({beta1}, {beta2}), eps={eps}, amsgrad={amsgrad}{wd})",
    "adamw": "torch.optim.AdamW([theta], lr={lr}, betas=({beta1}, {beta2}), eps={eps}, amsgrad={amsgrad}{wd})",
    "nadam": "torch.optim.NAdam([theta], lr={lr}, betas=({beta1}, {beta2}), eps={eps}, "
    "momentum_decay={momentum_decay}{wd})",
    "radam": "torch.optim.RAdam([theta], lr={lr}, betas=({beta1}, {beta2}), eps={eps}{wd})",
    "adamax": "torch.optim.Adamax([theta], lr={lr}, betas=({beta1}, {beta2}), eps={eps}{wd})",
}
_SCHED = {
    "step": "torch.optim.lr_scheduler.StepLR(opt, step_size={step_size}, gamma={gamma})",
    "exponential": "torch.optim.lr_scheduler.ExponentialLR(opt, gamma={gamma})",
    "inverse_time": "torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + {decay} * t))",
    "cosine": "torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max={t_max}, eta_min={eta_min})",
    "cosine_restarts": "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0={t_0}, T_mult={t_mult}, "
    "eta_min={eta_min})",
    "plateau": "torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor={factor}, patience={patience}, "
    "threshold={threshold}, min_lr={min_lr}, cooldown={cooldown})",
}


def _fmt(v: object) -> str:
    return repr(v) if isinstance(v, (bool, str)) else num(v) if isinstance(v, float) else str(v)


def torch_snippet(cfg: Config, labels: list[str]) -> str:
    """PyTorch code that reproduces each racer's optimizer and the schedule."""
    start = cfg.start or get_surface(cfg.surface, **cfg.surface_params).start
    lines = ["import torch", ""]
    for label, r in zip(labels, cfg.racers):
        hp = {k: _fmt(v) for k, v in r.hyper}
        wd = dict(r.hyper).get("weight_decay", 0.0)
        hp["wd"] = f", weight_decay={num(wd)}" if wd or r.optimizer == "adamw" else ""
        lines.append(f"# {label}")
        lines.append(
            f"theta = torch.tensor([{num(start[0])}, {num(start[1])}], dtype=torch.float64, requires_grad=True)"
        )
        template = _TORCH.get(r.optimizer)
        if template is None:
            lines.append(
                f"# {OPTIMIZERS[r.optimizer].title} is not in torch.optim; see the update rule on the page"
            )
            lines.append("")
            continue
        lines.append("opt = " + template.format(lr=num(r.lr), **hp))
        name, resolved = resolve_schedule(cfg.schedule, cfg.schedule_params, cfg.steps)  # fills t_max
        params = {k: _fmt(v) for k, v in resolved.items()}
        if name == "warmup":
            then = resolved["then"]
            after = _SCHED.get(then, "torch.optim.lr_scheduler.ConstantLR(opt, factor=1.0)").format(**params)
            lines.append("sched = torch.optim.lr_scheduler.SequentialLR(opt, [torch.optim.lr_scheduler.LinearLR("
                         f"opt, start_factor={params['start_factor']}, total_iters={params['warmup_steps']}), "
                         f"{after}], milestones=[{params['warmup_steps']}])")  # fmt: skip
        elif name in _SCHED:
            lines.append("sched = " + _SCHED[name].format(**params))
        lines.append(f"for step in range({cfg.steps}):")
        lines.append("    opt.zero_grad()")
        lines.append("    loss = f(theta)  # the surface, written with torch operations")
        lines.append("    loss.backward()")
        lines.append("    opt.step()")
        if name == "plateau":
            lines.append("    sched.step(loss.item())")
        elif name != "constant":
            lines.append("    sched.step()")
        lines.append("")
    return "\n".join(lines)
