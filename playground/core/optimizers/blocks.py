r"""The blocks update rules are chained from: decay, scaling rules, momenta, learning rate.

Each block follows the arithmetic of its ``torch.optim`` counterpart operation by
operation, so a chain matches PyTorch in float64 to rounding. ``lit`` writes a
hyperparameter into LaTeX-free PyTorch source exactly (``repr`` of the float).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..ops import copy, maximum, sign, sqrt, where
from .base import HP, Array, Block


def lit(v: object) -> str:
    """Python source for a hyperparameter value that reads back exactly."""
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, float):
        r = repr(v)
        return r if r not in ("inf", "-inf", "nan") else f"float({r!r})"
    return repr(v)


def lerp(a: Any, b: Any, w: float) -> Any:
    """``a + w (b - a)`` the way ``torch.lerp`` rounds it (exponential moving average)."""
    if w < 0.5:
        return a + w * (b - a)
    return b - (b - a) * (1 - w)


def ema_sq(v: Any, g: Any, beta: float) -> Any:
    """``beta v + (1 - beta) g^2`` (torch: ``v.mul_(beta).addcmul_(g, g, value=1-beta)``)."""
    return v * beta + (1 - beta) * (g * g)


def _zeros(params: Array) -> Array:
    return np.zeros_like(params)


def zero_state(cls: type) -> dict[str, Any]:
    """``init`` and ``torch_init`` of a block whose state fields all start at zero."""
    n = len(cls._fields)  # type: ignore[attr-defined]
    return {
        # one zeros array for every field: the blocks never write in place
        "init": lambda params, hp: cls(*[_zeros(params)] * n),
        "torch_init": lambda hp: [f"{name} = torch.zeros(2)" for name in cls._fields],  # type: ignore[attr-defined]
    }


_TORCH_LERP = "{a} = torch.lerp({a}, upd, 1 - {b})"
_TORCH_EMA_SQ = "{v} = {v} * {b} + (1 - {b}) * (upd * upd)"

# -- weight decay -----------------------------------------------------------------------------


def _coupled_update(u, s, p, q, lr, t, hp, aux):
    wd = hp["weight_decay"]
    return (u + wd * q if wd else u), s, p, None


def coupled_decay(at: str = r"\theta_t") -> Block:
    """L2 penalty through the gradient, ``g + λθ`` (taken at the gradient point ``at``)."""
    return Block(
        "coupled_decay",
        _coupled_update,
        lambda hp, u: ([rf"{u} &\leftarrow {u} + \lambda{at}"], u),
        lambda hp: [f"upd = upd + {lit(hp['weight_decay'])} * q"],
        active=lambda hp: bool(hp["weight_decay"]),
    )


def _decoupled_update(u, s, p, q, lr, t, hp, aux):
    wd = hp["weight_decay"]
    return u, s, (p * (1 - lr * wd) if wd else p), None


DECOUPLED_DECAY = Block(
    "decoupled_decay",
    _decoupled_update,
    lambda hp, u: ([r"\theta_t &\leftarrow (1 - \eta\lambda)\,\theta_t"], u),
    lambda hp: [f"theta = theta * (1 - lr * {lit(hp['weight_decay'])})"],
    active=lambda hp: bool(hp["weight_decay"]),
)

# -- the learning rate ------------------------------------------------------------------------


def _descend_update(u, s, p, q, lr, t, hp, aux):
    return u, s, p - lr * u, lr


DESCEND = Block(
    "descend",
    _descend_update,
    lambda hp, u: ([rf"\theta_{{t+1}} &= \theta_t - \eta\, {u}"], u),
    lambda hp: ["theta = theta - lr * upd"],
)


def _descend_decayed_update(u, s, p, q, lr, t, hp, aux):
    clr = lr / (1 + (t - 1) * hp["lr_decay"])
    return u, s, p - clr * u, clr


DESCEND_LR_DECAY = Block(
    "descend_lr_decay",
    _descend_decayed_update,
    lambda hp, u: (
        [r"\eta_t &= \frac{\eta}{1 + (t - 1)\,\delta}", rf"\theta_{{t+1}} &= \theta_t - \eta_t\, {u}"],
        u,
    ),
    lambda hp: [f"clr = lr / (1 + (t - 1) * {lit(hp['lr_decay'])})", "theta = theta - clr * upd"],
)


def _scale_by_lr_update(u, s, p, q, lr, t, hp, aux):
    return lr * u, s, p, lr


SCALE_BY_LR = Block(
    "scale_by_lr",
    _scale_by_lr_update,
    lambda hp, u: ([], rf"\eta\, {u}"),
    lambda hp: ["upd = lr * upd"],
)


def _apply_update(u, s, p, q, lr, t, hp, aux):
    return u, s, p - u, None


APPLY = Block(
    "apply",
    _apply_update,
    lambda hp, u: ([rf"\theta_{{t+1}} &= \theta_t - {u}"], u),
    lambda hp: ["theta = theta - upd"],
)

# -- momenta ------------------------------------------------------------------------------------


class Velocity(NamedTuple):
    velocity: Any


_VELOCITY = zero_state(Velocity)


def _trace_torch_update(u, s, p, q, lr, t, hp, aux):
    # torch.optim.SGD: the buffer starts as a copy of the first gradient
    buf = copy(u) if t == 1 else s.velocity * hp["momentum"] + (1 - hp["dampening"]) * u
    return buf, Velocity(buf), p, None


TRACE_TORCH = Block(
    "trace_torch",
    _trace_torch_update,
    lambda hp, u: (
        [rf"v_{{t+1}} &= \mu v_t + (1 - \tau)\, {u} \quad (\text{{first step: }} v = {u})"],
        "v_{t+1}",
    ),
    lambda hp: [
        f"velocity = upd.clone() if t == 1 else velocity * {lit(hp['momentum'])}"
        f" + (1 - {lit(hp['dampening'])}) * upd",
        "upd = velocity",
    ],
    **_VELOCITY,
)


def _trace_ema_update(u, s, p, q, lr, t, hp, aux):
    mu = hp["momentum"]
    buf = s.velocity * mu + (1 - mu) * u
    return buf, Velocity(buf), p, None


TRACE_EMA = Block(
    "trace_ema",
    _trace_ema_update,
    lambda hp, u: ([rf"v_{{t+1}} &= \mu v_t + (1 - \mu)\, {u}"], "v_{t+1}"),
    lambda hp: [
        f"velocity = velocity * {lit(hp['momentum'])} + (1 - {lit(hp['momentum'])}) * upd",
        "upd = velocity",
    ],
    **_VELOCITY,
)


def _trace_sum_update(u, s, p, q, lr, t, hp, aux):
    buf = s.velocity * hp["momentum"] + u
    return buf, Velocity(buf), p, None


def _trace_sum_latex(hp: HP, u: str) -> tuple[list[str], str]:
    return [rf"v_{{t+1}} &= \mu v_t + {u}"], "v_{t+1}"


def _trace_sum_torch(hp: HP) -> list[str]:
    return [f"velocity = velocity * {lit(hp['momentum'])} + upd", "upd = velocity"]


# classical momentum (after SCALE_BY_LR: the learning rate lives inside the velocity),
# and RMSProp's momentum on the scaled gradient
TRACE_SUM = Block("trace_sum", _trace_sum_update, _trace_sum_latex, _trace_sum_torch, **_VELOCITY)


def _look_ahead(p: Any, s: Velocity, hp: HP) -> Any:
    return p - hp["momentum"] * s.velocity


# Nesterov in its look-ahead form: the gradient is taken at theta - mu v
TRACE_LOOKAHEAD = Block(
    "trace_lookahead",
    _trace_sum_update,
    _trace_sum_latex,
    _trace_sum_torch,
    **_VELOCITY,
    lookahead=_look_ahead,
    lookahead_latex=r"\tilde\theta_t &= \theta_t - \mu v_t,\quad g_t = \nabla f(\tilde\theta_t)",
    lookahead_torch="theta - {momentum} * velocity",
)


def _nesterov_torch_update(u, s, p, q, lr, t, hp, aux):
    mu = hp["momentum"]
    buf = copy(u) if t == 1 else s.velocity * mu + u
    return u + mu * buf, Velocity(buf), p, None


NESTEROV_TORCH = Block(
    "nesterov_torch",
    _nesterov_torch_update,
    lambda hp, u: (
        [rf"v_{{t+1}} &= \mu v_t + {u} \quad (\text{{first step: }} v = {u})"],
        rf"\left({u} + \mu v_{{t+1}}\right)",
    ),
    lambda hp: [
        f"velocity = upd.clone() if t == 1 else velocity * {lit(hp['momentum'])} + upd",
        f"upd = upd + {lit(hp['momentum'])} * velocity",
    ],
    **_VELOCITY,
)

# -- scaling rules ------------------------------------------------------------------------------


def _root(var: str, hp: HP) -> str:
    """LaTeX of the denominator, with eps inside or outside the root."""
    return rf"\sqrt{{{var} + \epsilon}}" if hp["eps_inside_sqrt"] else rf"\sqrt{{{var}}} + \epsilon"


def _torch_root(var: str, hp: HP) -> str:
    eps = lit(hp["eps"])
    return f"torch.sqrt({var} + {eps})" if hp["eps_inside_sqrt"] else f"torch.sqrt({var}) + {eps}"


class SumSq(NamedTuple):
    sum_sq: Any


def _rss_update(u, s, p, q, lr, t, hp, aux):
    acc = s.sum_sq + u * u
    std = sqrt(acc + hp["eps"]) if hp["eps_inside_sqrt"] else sqrt(acc) + hp["eps"]
    return u / std, SumSq(acc), p, 1.0 / std


SCALE_BY_RSS = Block(  # AdaGrad
    "scale_by_rss",
    _rss_update,
    lambda hp, u: (
        [rf"G_{{t+1}} &= G_t + {u}^2 \quad (G_0 = G_{{\text{{init}}}})"],
        rf"\frac{{{u}}}{{{_root('G_{t+1}', hp)}}}",
    ),
    lambda hp: ["sum_sq = sum_sq + upd * upd", f"upd = upd / ({_torch_root('sum_sq', hp)})"],
    init=lambda params, hp: SumSq(np.full_like(params, hp["initial_accumulator_value"])),
    torch_init=lambda hp: [f"sum_sq = torch.full((2,), {lit(float(hp['initial_accumulator_value']))})"],
)


class MeanSquare(NamedTuple):
    sq_avg: Any
    grad_avg: Any


def _rms_update(u, s, p, q, lr, t, hp, aux):
    alpha = hp["alpha"]
    sq = ema_sq(s.sq_avg, u, alpha)
    ga = s.grad_avg
    if hp["centered"]:
        ga = lerp(ga, u, 1 - alpha)
        var = maximum(sq - ga * ga, 0.0)  # never negative from rounding
    else:
        var = sq
    avg = sqrt(var + hp["eps"]) if hp["eps_inside_sqrt"] else sqrt(var) + hp["eps"]
    return u / avg, MeanSquare(sq, ga), p, 1.0 / avg


def _rms_latex(hp: HP, u: str) -> tuple[list[str], str]:
    lines = [rf"s_{{t+1}} &= \alpha s_t + (1 - \alpha)\, {u}^2"]
    var = "s_{t+1}"
    if hp["centered"]:
        lines.append(rf"m_{{t+1}} &= \alpha m_t + (1 - \alpha)\, {u}")
        var = "s_{t+1} - m_{t+1}^2"
    return lines, rf"\frac{{{u}}}{{{_root(var, hp)}}}"


def _rms_torch(hp: HP) -> list[str]:
    a = lit(hp["alpha"])
    lines = [_TORCH_EMA_SQ.format(v="sq_avg", b=a)]
    var = "sq_avg"
    if hp["centered"]:
        lines += [
            _TORCH_LERP.format(a="grad_avg", b=a),
            "var = (sq_avg - grad_avg * grad_avg).clamp_min(0.0)",
        ]
        var = "var"
    return [*lines, f"upd = upd / ({_torch_root(var, hp)})"]


SCALE_BY_RMS = Block(  # RMSProp
    "scale_by_rms",
    _rms_update,
    _rms_latex,
    _rms_torch,
    **zero_state(MeanSquare),
)


class DeltaSquare(NamedTuple):
    sq_avg: Any
    sq_delta: Any


def _adadelta_update(u, s, p, q, lr, t, hp, aux):
    rho, eps = hp["rho"], hp["eps"]
    sq = ema_sq(s.sq_avg, u, rho)
    scale = sqrt(s.sq_delta + eps) / sqrt(sq + eps)
    delta = scale * u
    return delta, DeltaSquare(sq, ema_sq(s.sq_delta, delta, rho)), p, scale


SCALE_BY_ADADELTA = Block(
    "scale_by_adadelta",
    _adadelta_update,
    lambda hp, u: (
        [
            rf"s_{{t+1}} &= \rho s_t + (1 - \rho)\, {u}^2",
            rf"\Delta_t &= \frac{{\sqrt{{u_t + \epsilon}}}}{{\sqrt{{s_{{t+1}} + \epsilon}}}}\, {u}",
            r"u_{t+1} &= \rho u_t + (1 - \rho)\, \Delta_t^2",
        ],
        r"\Delta_t",
    ),
    lambda hp: [
        _TORCH_EMA_SQ.format(v="sq_avg", b=lit(hp["rho"])),
        f"upd = torch.sqrt(sq_delta + {lit(hp['eps'])}) / torch.sqrt(sq_avg + {lit(hp['eps'])}) * upd",
        _TORCH_EMA_SQ.format(v="sq_delta", b=lit(hp["rho"])),
    ],
    **zero_state(DeltaSquare),
)

# -- the Adam family ------------------------------------------------------------------------------


class Moments(NamedTuple):
    m: Any
    v: Any
    v_max: Any


def _adam_update(u, s, p, q, lr, t, hp, aux):
    b1, b2 = hp["beta1"], hp["beta2"]
    m = lerp(s.m, u, 1 - b1)
    v = ema_sq(s.v, u, b2)
    v_max = maximum(s.v_max, v) if hp["amsgrad"] else s.v_max
    if hp["bias_correction"]:
        bc1, bc2_sqrt = 1 - b1**t, (1 - b2**t) ** 0.5
    else:
        bc1, bc2_sqrt = 1.0, 1.0
    denom = sqrt(v_max if hp["amsgrad"] else v) / bc2_sqrt + hp["eps"]
    return (m / denom) / bc1, Moments(m, v, v_max), p, 1.0 / (bc1 * denom)


def _adam_latex(hp: HP, u: str) -> tuple[list[str], str]:
    lines = [
        rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u}",
        rf"v_t &= \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2",
    ]
    vv = "v_t"
    if hp["amsgrad"]:
        lines.append(r"\hat v^{\max}_t &= \max(\hat v^{\max}_{t-1}, v_t)")
        vv = r"\hat v^{\max}_t"
    if not hp["bias_correction"]:
        return lines, rf"\frac{{m_t}}{{\sqrt{{{vv}}} + \epsilon}}"
    lines.append(
        rf"\hat m_t &= \frac{{m_t}}{{1 - \beta_1^t}},\quad \hat v_t = \frac{{{vv}}}{{1 - \beta_2^t}}"
    )
    return lines, r"\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"


def _adam_torch(hp: HP) -> list[str]:
    b1, b2 = lit(hp["beta1"]), lit(hp["beta2"])
    lines = [_TORCH_LERP.format(a="m", b=b1), _TORCH_EMA_SQ.format(v="v", b=b2)]
    vv = "v"
    if hp["amsgrad"]:
        lines.append("v_max = torch.maximum(v_max, v)")
        vv = "v_max"
    if hp["bias_correction"]:
        lines.append(f"bc1, bc2_sqrt = 1 - {b1} ** t, (1 - {b2} ** t) ** 0.5")
    else:
        lines.append("bc1, bc2_sqrt = 1.0, 1.0")
    return [*lines, f"upd = (m / (torch.sqrt({vv}) / bc2_sqrt + {lit(hp['eps'])})) / bc1"]


SCALE_BY_ADAM = Block("scale_by_adam", _adam_update, _adam_latex, _adam_torch, **zero_state(Moments))


class NadamMoments(NamedTuple):
    m: Any
    v: Any
    mu_product: float


def _nadam_update(u, s, p, q, lr, t, hp, aux):
    b1, b2, psi = hp["beta1"], hp["beta2"], hp["momentum_decay"]
    mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
    mu_product = s.mu_product * mu
    m = lerp(s.m, u, 1 - b1)
    v = ema_sq(s.v, u, b2)
    denom = sqrt(v / (1 - b2**t)) + hp["eps"]
    c_grad = (1.0 - mu) / (1.0 - mu_product)
    c_m = mu_next / (1.0 - mu_product * mu_next)
    return c_grad * (u / denom) + c_m * (m / denom), NadamMoments(m, v, mu_product), p, (c_grad + c_m) / denom


SCALE_BY_NADAM = Block(
    "scale_by_nadam",
    _nadam_update,
    lambda hp, u: (
        [
            r"\mu_t &= \beta_1\left(1 - \tfrac{1}{2}\, 0.96^{t\psi}\right)",
            rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u},\quad v_t = \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2",
            # the two momentum terms on a line of their own: one line of the whole is too wide to read
            rf"\delta_t &= \frac{{(1 - \mu_t)\, {u}}}{{1 - \prod_{{i \le t}}\mu_i}}"
            r" + \frac{\mu_{t+1} m_t}{1 - \prod_{i \le t+1}\mu_i}",
        ],
        r"\frac{\delta_t}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}",
    ),
    lambda hp: [
        f"mu = {lit(hp['beta1'])} * (1.0 - 0.5 * 0.96 ** (t * {lit(hp['momentum_decay'])}))",
        f"mu_next = {lit(hp['beta1'])} * (1.0 - 0.5 * 0.96 ** ((t + 1) * {lit(hp['momentum_decay'])}))",
        "mu_product = mu_product * mu",
        _TORCH_LERP.format(a="m", b=lit(hp["beta1"])),
        _TORCH_EMA_SQ.format(v="v", b=lit(hp["beta2"])),
        f"denom = torch.sqrt(v / (1 - {lit(hp['beta2'])} ** t)) + {lit(hp['eps'])}",
        "upd = (1.0 - mu) / (1.0 - mu_product) * (upd / denom)"
        " + mu_next / (1.0 - mu_product * mu_next) * (m / denom)",
    ],
    init=lambda params, hp: NadamMoments(_zeros(params), _zeros(params), 1.0),
    torch_init=lambda hp: ["m = torch.zeros(2)", "v = torch.zeros(2)", "mu_product = 1.0"],
)


class MeanAndSquare(NamedTuple):
    m: Any
    v: Any


def _radam_update(u, s, p, q, lr, t, hp, aux):
    b1, b2 = hp["beta1"], hp["beta2"]
    m = lerp(s.m, u, 1 - b1)
    v = ema_sq(s.v, u, b2)
    bc1, bc2 = 1 - b1**t, 1 - b2**t
    m_hat = m / bc1
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    state = MeanAndSquare(m, v)
    if rho_t > 5.0:  # the variance of the adaptive rate is tractable: rectify it
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = bc2**0.5 / (sqrt(v) + hp["eps"])
        return m_hat * adaptive * rect, state, p, adaptive * rect / bc1
    return m_hat, state, p, 1.0 / bc1  # early steps: momentum SGD on the bias-corrected mean


SCALE_BY_RADAM = Block(
    "scale_by_radam",
    _radam_update,
    lambda hp, u: (
        [
            rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u},\quad v_t = \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2",
            r"\rho_\infty &= \tfrac{2}{1 - \beta_2} - 1,\quad \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1 - \beta_2^t}",
            r"r_t &= \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}",
        ],
        r"\frac{m_t}{1 - \beta_1^t}\cdot\begin{cases} r_t\,\frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}"
        r" & \rho_t > 5\\ 1 & \text{otherwise}\end{cases}",
    ),
    lambda hp: [
        _TORCH_LERP.format(a="m", b=lit(hp["beta1"])),
        _TORCH_EMA_SQ.format(v="v", b=lit(hp["beta2"])),
        f"b2 = {lit(hp['beta2'])}",
        f"bc1, bc2 = 1 - {lit(hp['beta1'])} ** t, 1 - b2 ** t",
        "rho_inf = 2 / (1 - b2) - 1",
        "rho_t = rho_inf - 2 * t * b2 ** t / bc2",
        "if rho_t > 5.0:",
        "    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5",
        f"    upd = m / bc1 * (bc2 ** 0.5 / (torch.sqrt(v) + {lit(hp['eps'])})) * rect",
        "else:",
        "    upd = m / bc1",
    ],
    **zero_state(MeanAndSquare),
)


class InfinityNorm(NamedTuple):
    m: Any
    u: Any


def _adamax_update(u, s, p, q, lr, t, hp, aux):
    b1 = hp["beta1"]
    m = lerp(s.m, u, 1 - b1)
    norm = maximum(s.u * hp["beta2"], abs(u) + hp["eps"])
    bc1 = 1 - b1**t
    return (m / norm) / bc1, InfinityNorm(m, norm), p, 1.0 / (bc1 * norm)


SCALE_BY_ADAMAX = Block(
    "scale_by_adamax",
    _adamax_update,
    lambda hp, u: (
        [
            rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u}",
            rf"u_t &= \max(\beta_2 u_{{t-1}},\ |{u}| + \epsilon)",
        ],
        r"\frac{1}{1 - \beta_1^t}\,\frac{m_t}{u_t}",
    ),
    lambda hp: [
        _TORCH_LERP.format(a="m", b=lit(hp["beta1"])),
        f"u = torch.maximum(u * {lit(hp['beta2'])}, upd.abs() + {lit(hp['eps'])})",
        f"upd = (m / u) / (1 - {lit(hp['beta1'])} ** t)",
    ],
    **zero_state(InfinityNorm),
)


class SignMomentum(NamedTuple):
    m: Any


def _lion_update(u, s, p, q, lr, t, hp, aux):
    b1, b2 = hp["beta1"], hp["beta2"]
    direction = sign(s.m * b1 + (1 - b1) * u)
    return direction, SignMomentum(s.m * b2 + (1 - b2) * u), p, None


SCALE_BY_LION = Block(
    "scale_by_lion",
    _lion_update,
    lambda hp, u: (
        [
            rf"c_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u}",
            rf"m_t &= \beta_2 m_{{t-1}} + (1 - \beta_2)\, {u}",
        ],
        r"\operatorname{sign}(c_t)",
    ),
    lambda hp: [
        f"c = m * {lit(hp['beta1'])} + (1 - {lit(hp['beta1'])}) * upd",
        f"m = m * {lit(hp['beta2'])} + (1 - {lit(hp['beta2'])}) * upd",
        "upd = torch.sign(c)",
    ],
    **zero_state(SignMomentum),
)

# -- Newton ---------------------------------------------------------------------------------------


def eig2(hxx: Any, hxy: Any, hyy: Any) -> tuple[Any, Any, Any, Any]:
    """Closed-form eigen-decomposition of symmetric 2x2 matrices, element by element.

    Returns ``(lam1, lam2, c, s)`` with eigenvectors ``(c, s)`` for ``lam1`` and
    ``(-s, c)`` for ``lam2``. Element-wise, so a batch gives bit-identical results to
    single points; floats in give floats out.
    """
    mean = (hxx + hyy) / 2
    rad = np.hypot((hxx - hyy) / 2, hxy)
    phi = 0.5 * np.arctan2(2 * hxy, hxx - hyy)
    out = mean + rad, mean - rad, np.cos(phi), np.sin(phi)
    return tuple(map(float, out)) if type(mean) is float else out  # type: ignore[return-value]


def newton_xy(gx: Any, gy: Any, hxx: Any, hxy: Any, hyy: Any, damping: float, saddle_free: bool):
    """The two components of ``(H + damping I)^{-1} g`` (or with ``|H|``), arrays or floats.

    Goes through the eigen-decomposition; directions whose shifted eigenvalue is
    numerically zero are left out (a pseudo-inverse), so a singular Hessian never crashes.
    """
    l1, l2, c, s = eig2(hxx, hxy, hyy)
    if saddle_free:
        l1, l2 = abs(l1), abs(l2)
    l1, l2 = l1 + damping, l2 + damping
    tiny = 1e-12 * maximum(maximum(abs(l1), abs(l2)), 1e-300)
    inv1 = where(abs(l1) > tiny, 1.0 / where(l1 == 0, 1.0, l1), 0.0)
    inv2 = where(abs(l2) > tiny, 1.0 / where(l2 == 0, 1.0, l2), 0.0)
    a1 = (c * gx + s * gy) * inv1
    a2 = (-s * gx + c * gy) * inv2
    return a1 * c - a2 * s, a1 * s + a2 * c


def newton_direction(g: Array, hess: Array, damping: float, saddle_free: bool) -> Array:
    """``(H + damping I)^{-1} g`` for points ``(..., 2)`` and Hessians ``(..., 2, 2)``."""
    hxx, hxy, hyy = hess[..., 0, 0], hess[..., 0, 1], hess[..., 1, 1]
    dx, dy = newton_xy(g[..., 0], g[..., 1], hxx, hxy, hyy, damping, saddle_free)
    out = np.empty_like(g)
    out[..., 0] = dx
    out[..., 1] = dy
    return out


def newton_gain(d: Any, g: Any) -> Any:
    """``|d| / |g|`` per coordinate (0 where the gradient vanishes): the step per unit of lr."""
    if type(g) is float:
        return abs(d) / abs(g) if g != 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(g != 0, np.abs(d) / np.abs(np.where(g == 0, 1.0, g)), 0.0)


def _newton_update(u, s, p, q, lr, t, hp, aux):
    d = newton_direction(u, aux, hp["damping"], hp["saddle_free"])
    return d, s, p, newton_gain(d, u)


def _newton_latex(hp: HP, u: str) -> tuple[list[str], str]:
    h = r"|H_t|" if hp["saddle_free"] else "H_t"
    extra = r",\quad |H| = Q|\Lambda|Q^\top" if hp["saddle_free"] else ""
    return [r"H_t &= \nabla^2 f(\theta_t)" + extra], rf"\left({h} + \delta I\right)^{{-1}} {u}"


def _newton_torch(hp: HP) -> list[str]:
    lam = "lam.abs()" if hp["saddle_free"] else "lam"
    return [
        "lam, vecs = torch.linalg.eigh(torch.autograd.functional.hessian(lambda w: f(w[0], w[1]), q))",
        f"lam = {lam} + {lit(hp['damping'])}",
        "keep = lam.abs() > 1e-12 * lam.abs().max().clamp_min(1e-300)  # a pseudo-inverse",
        "inv = torch.where(keep, 1.0 / torch.where(lam == 0, 1.0, lam), 0.0)",
        "upd = vecs @ (inv * (vecs.T @ upd))",
    ]


NEWTON = Block("newton", _newton_update, _newton_latex, _newton_torch)
