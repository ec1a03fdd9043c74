"""The URL is the state: a readable query string, guided lessons, exports, PyTorch snippets.

Query string (every part optional)::

    ?surface=ravine&p.condition=100&opt=gd,momentum&lr.gd=0.019&momentum.momentum=0.9
     &schedule=cosine&s.t_max=300&noise=0.5&batch=8&seed=1&start=-2.8,0.8&steps=300

A second copy of an optimizer is written ``gd~2`` (``lr.gd~2=...``). Unknown or invalid
parts fall back to defaults, and the page names what it ignored.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import segno

from surfaces import get_surface

from ..engine import Trajectory
from ..optimizers import OPTIMIZERS
from ..schedules import resolve_schedule
from .validate import Config, num

MAX_QUERY = 4000
COPY = "~"


def base_name(key: str) -> str:
    return key.split(COPY, 1)[0]


def to_query(cfg: Config, lesson: str | None = None) -> str:
    """Canonical query string of a validated configuration, plus the lesson it belongs to."""
    q: list[tuple[str, str]] = [("surface", cfg.surface)]
    q += [(f"p.{k}", num(v)) for k, v in cfg.surface_params.items()]
    q.append(("opt", ",".join(cfg.keys)))
    for key, r in zip(cfg.keys, cfg.racers):
        q.append((f"lr.{key}", num(r.lr)))
        defaults = {h.name: h.default for h in OPTIMIZERS[r.optimizer].hypers}
        for name, value in r.hyper:
            if value != defaults.get(name):
                q.append((f"{key}.{name}", str(value).lower() if isinstance(value, bool) else num(value)
                          if isinstance(value, float) else str(value)))  # fmt: skip
    if cfg.schedule != "constant":
        q.append(("schedule", cfg.schedule))
        q += [(f"s.{k}", num(v) if isinstance(v, float) else str(v)) for k, v in cfg.schedule_params.items()]
    if cfg.noise is not None:
        q.append(("noise", num(cfg.noise)))
    if cfg.batch_size != 1:
        q.append(("batch", str(cfg.batch_size)))
    if cfg.seed:
        q.append(("seed", str(cfg.seed)))
    if cfg.start is not None:
        q.append(("start", f"{num(cfg.start[0])},{num(cfg.start[1])}"))
    q.append(("steps", str(cfg.steps)))
    if lesson:
        q.append(("lesson", lesson))
    return urlencode(q, safe=",~")


def search_of(href: object) -> str:
    """The query part of a link (``""`` for anything that is not a string)."""
    return href.partition("?")[2].partition("#")[0] if isinstance(href, str) else ""


def lesson_in(href: object) -> str | None:
    """The id of the (known) lesson a link was opened with, if any."""
    lesson = from_query(search_of(href))[2]
    return lesson if lesson in LESSON_BY_ID else None


def from_query(search: object) -> tuple[dict, list[str], str | None]:
    """``(raw config, ignored parts, lesson id)`` from ``location.search``; never raises."""
    notices: list[str] = []
    if not isinstance(search, str) or not search.strip("?"):
        return {}, notices, None
    if len(search) > MAX_QUERY:
        return {}, [f"the link is longer than {MAX_QUERY} characters"], None
    pairs = parse_qsl(search.lstrip("?"), keep_blank_values=True, max_num_fields=200)
    seen: dict[str, str] = {}
    for k, v in pairs:
        if k in seen:
            notices.append(f"'{k[:30]}' given twice (kept the first)")
            continue
        seen[k] = v
    raw: dict = {"surface_params": {}, "schedule_params": {}}
    opts = [o for o in seen.pop("opt", "").split(",") if o][:12] if "opt" in seen else None
    known = {"surface", "schedule", "noise", "batch", "seed", "start", "steps", "lesson"}
    for k, v in seen.items():
        if k in known:
            continue
        prefix, _, name = k.partition(".")
        if prefix == "p" and name:
            raw["surface_params"][name] = v
        elif prefix == "s" and name:
            raw["schedule_params"][name] = v
        elif prefix == "lr" or (opts and prefix in opts):
            continue
        else:
            notices.append(f"unknown parameter '{k[:30]}'")
    raw["surface"] = seen.get("surface")
    raw["schedule"] = seen.get("schedule")
    raw["noise"] = seen.get("noise")
    raw["batch_size"] = seen.get("batch")
    raw["seed"] = seen.get("seed")
    raw["steps"] = seen.get("steps")
    if "start" in seen:
        raw["start"] = seen["start"].split(",")
    if opts is not None:
        racers = []
        for key in opts:
            hyper = {k.split(".", 1)[1]: v for k, v in seen.items() if k.startswith(key + ".")}
            racers.append(
                {"optimizer": base_name(key), "key": key, "lr": seen.get(f"lr.{key}"), "hyper": hyper}
            )
        raw["racers"] = racers
    return raw, notices, seen.get("lesson")


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    text: str
    query: str


LESSONS = (
    Lesson("ravine", "SGD zig-zags in a ravine; momentum fixes it",
           "The walls are 100 times steeper than the floor. Gradient descent needs a learning rate below 2/100 "
           "to stay stable across the valley, so it bounces from wall to wall and creeps along the floor. "
           "Momentum averages the bouncing away and keeps the speed along the floor.",
           "surface=ravine&opt=gd,momentum&lr.gd=0.019&lr.momentum=0.019&steps=300&start=-2.8,0.8"),
    Lesson("nag", "Nesterov overshoots less than momentum",
           "Both use the same learning rate and momentum 0.95. Classical momentum swings past the valley floor "
           "again and again; NAG measures the slope where it is about to land and brakes earlier.",
           "surface=ravine&opt=momentum,nag&lr.momentum=0.01&lr.nag=0.01&momentum.momentum=0.95"
           "&nag.momentum=0.95&steps=300&start=-2.8,0.8"),
    Lesson("adagrad-rmsprop", "AdaGrad's step size dies, RMSProp's holds",
           "AdaGrad divides by the root of all past squared gradients, a sum that only grows, so its steps "
           "shrink for ever (watch the step-size chart). RMSProp forgets old gradients and keeps its stride.",
           "surface=rosenbrock&opt=adagrad,rmsprop&lr.adagrad=0.1&lr.rmsprop=0.01&steps=1500"),
    Lesson("beale", "Adam against RMSProp and SGD on Beale",
           "Beale's gradients range over many orders of magnitude. Plain gradient descent is stuck with one "
           "step size; RMSProp and Adam normalise each coordinate, and Adam's momentum smooths the path.",
           "surface=beale&opt=gd,rmsprop,adam&lr.gd=0.001&lr.rmsprop=0.01&lr.adam=0.05&steps=1000"),
    Lesson("noise", "Noisy mini-batch gradients against the full batch",
           "SGD sees the true gradient plus noise, as a mini-batch would; GD sees the exact gradient. The noisy "
           "path wanders around the exact one and never settles exactly.",
           "surface=rosenbrock&opt=gd,sgd&lr.gd=0.001&lr.sgd=0.001&steps=1000"),
    Lesson("batch", "A larger batch shrinks the noise",
           "The same noisy SGD with batch size 16: the noise has a quarter of the spread (σ/√B), and the path "
           "hugs the full-batch one. Try batch sizes 1, 4, 64.",
           "surface=rosenbrock&opt=gd,sgd&lr.gd=0.001&lr.sgd=0.001&batch=16&steps=1000"),
    Lesson("lr", "Too large diverges, too small crawls",
           "On a bowl with curvature 2, gradient descent is stable only for learning rates below 1. At 1.05 each "
           "step overshoots a little more and the run diverges; at 0.005 it is stable but barely moves.",
           "surface=quadratic_bowl&opt=gd,gd~2,gd~3&lr.gd=1.05&lr.gd~2=0.005&lr.gd~3=0.3&steps=200"),
    Lesson("schedule-step", "Step decay",
           "The learning rate drops tenfold every 300 steps: big strides early, fine steps late.",
           "surface=rosenbrock&opt=momentum,adam&lr.momentum=0.002&lr.adam=0.1&schedule=step"
           "&s.step_size=300&s.gamma=0.1&steps=1000"),
    Lesson("schedule-cosine", "Cosine annealing",
           "The learning rate glides from its start value to zero along half a cosine over the run.",
           "surface=rosenbrock&opt=momentum,adam&lr.momentum=0.002&lr.adam=0.1&schedule=cosine&steps=1000"),
    Lesson("schedule-restarts", "Warm restarts",
           "Cosine cycles that restart at the full learning rate: each restart can kick the run out of a "
           "narrow spot.",
           "surface=six_hump_camel&opt=momentum,adam&lr.momentum=0.02&lr.adam=0.1&schedule=cosine_restarts"
           "&s.t_0=100&s.t_mult=2&steps=700&start=-1.9,1.1"),
    Lesson("schedule-warmup", "Warmup, then cosine",
           "The learning rate ramps up linearly over 100 steps before the cosine decay, so the large early "
           "gradients do not throw the run off.",
           "surface=rosenbrock&opt=momentum,adam&lr.momentum=0.002&lr.adam=0.1&schedule=warmup"
           "&s.warmup_steps=100&s.then=cosine&steps=1000"),
    Lesson("newton-bowl", "Newton lands on a bowl's minimum in one step",
           "On a quadratic the local model is exact, so one Newton step jumps to the minimum while gradient "
           "descent takes many.",
           "surface=quadratic_bowl&opt=gd,newton&lr.gd=0.1&lr.newton=1&steps=60"),
    Lesson("newton-saddle", "Newton walks into a saddle; saddle-free Newton escapes",
           "Newton's method looks for any point with zero gradient, so on a saddle it jumps straight onto it. "
           "Using the absolute eigenvalues |H| turns the uphill direction around and the run escapes.",
           "surface=saddle&opt=newton,newton~2,gd&lr.newton=0.5&lr.newton~2=0.5&newton~2.saddle_free=true"
           "&lr.gd=0.05&start=-1.5,0.3&steps=60"),
    Lesson("adamw", "Adam with L2 against AdamW",
           "Same weight decay 0.5, two places to apply it. Adam adds it to the gradient, where the adaptive "
           "scaling weakens it; AdamW shrinks the weights directly. They settle at different points.",
           "surface=rosenbrock&opt=adam,adamw&lr.adam=0.02&lr.adamw=0.02&adam.weight_decay=0.5"
           "&adamw.weight_decay=0.5&steps=1500"),
    Lesson("plateau", "Vanishing gradients on a plateau",
           "Far from the well the gradient is almost zero: gradient descent barely moves. Adam divides by the "
           "gradient's own size and walks at about the learning rate.",
           "surface=plateau&opt=gd,adam&lr.gd=0.1&lr.adam=0.05&steps=300"),
)  # fmt: skip
LESSON_BY_ID = {lesson.id: lesson for lesson in LESSONS}


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI, drawn large for the back of a hall."""
    svg = segno.make(url, error="m").svg_inline(scale=8, dark="#1f2a33", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def export_json(cfg: Config, labels: list[str], trajs: list[Trajectory]) -> str:
    out = []
    for label, tr in zip(labels, trajs):
        d = tr.to_dict()
        d["label"] = label
        out.append(d)
    return json.dumps({"surface_params": cfg.surface_params, "steps": cfg.steps, "runs": out})


def export_csv(labels: list[str], trajs: list[Trajectory]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["optimizer", "step", "x", "y", "loss", "grad_norm", "lr", "status"])
    for label, tr in zip(labels, trajs):
        last = int(tr.last_kept)
        for i in range(last + 1):
            lr = repr(float(tr.lr[i])) if i < tr.lr.shape[0] else ""
            w.writerow([label, i, repr(float(tr.positions[i, 0])), repr(float(tr.positions[i, 1])),
                        repr(float(tr.loss[i])), repr(float(tr.grad_norm[i])), lr, str(tr.status)])  # fmt: skip
    return buf.getvalue()


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
