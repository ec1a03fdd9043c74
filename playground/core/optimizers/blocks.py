r"""The blocks update rules are chained from: decay, scaling rules, momenta, learning rate.

Each block follows the arithmetic of its ``torch.optim`` counterpart operation by
operation, so a chain matches PyTorch in float64 to rounding. A block with hyperparameters
is built by a factory (``scale_by_adam(beta1, beta2, eps, ...)``, as optax's transforms are)
that binds them in a small NamedTuple, the ``h`` its update unpacks; one without is a
constant (`DESCEND`). ``lit`` writes a value into PyTorch source exactly (``repr`` of the
float).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..ops import copy, maximum, sign, sqrt, where
from .base import Array, Block


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
        "init": lambda params, lr: cls(*[_zeros(params)] * n),
        "torch_init": lambda: [f"{name} = torch.zeros(2)" for name in cls._fields],  # type: ignore[attr-defined]
    }


_TORCH_LERP = "{a} = torch.lerp({a}, upd, 1 - {b})"
_TORCH_EMA_SQ = "{v} = {v} * {b} + (1 - {b}) * (upd * upd)"

# -- weight decay -----------------------------------------------------------------------------


class Decay(NamedTuple):
    weight_decay: float


def _coupled_update(u, s, h, q):
    (wd,) = h
    return (u + wd * q if wd else u), s, None


def coupled_decay(weight_decay: float, at: str = r"\theta_t") -> Block:
    """L2 penalty through the gradient, ``g + λθ`` (taken at the gradient point ``at``)."""
    return Block(
        "coupled_decay",
        _coupled_update,
        lambda u: ([rf"{u} &\leftarrow {u} + \lambda{at}"], u),
        lambda: [f"upd = upd + {lit(weight_decay)} * q"],
        Decay(weight_decay),
        ("q",),
        active=bool(weight_decay),
    )


def _decoupled_update(u, s, h, p, lr):
    (wd,) = h
    return u, s, (p * (1 - lr * wd) if wd else p), None


def decoupled_decay(weight_decay: float) -> Block:
    """Weight decay on the parameters themselves, ``θ(1 - ηλ)`` (AdamW)."""
    return Block(
        "decoupled_decay",
        _decoupled_update,
        lambda u: ([r"\theta_t &\leftarrow (1 - \eta\lambda)\,\theta_t"], u),
        lambda: [f"theta = theta * (1 - lr * {lit(weight_decay)})"],
        Decay(weight_decay),
        ("p", "lr"),
        active=bool(weight_decay),
    )


# -- the learning rate ------------------------------------------------------------------------


def _descend_update(u, s, h, p, lr):
    return u, s, p - lr * u, lr


DESCEND = Block(
    "descend",
    _descend_update,
    lambda u: ([rf"\theta_{{t+1}} &= \theta_t - \eta\, {u}"], u),
    lambda: ["theta = theta - lr * upd"],
    needs=("p", "lr"),
)


class LrDecay(NamedTuple):
    lr_decay: float


def _descend_decayed_update(u, s, h, p, lr, t):
    (lr_decay,) = h
    clr = lr / (1 + (t - 1) * lr_decay)
    return u, s, p - clr * u, clr


def descend_lr_decay(lr_decay: float) -> Block:
    """Steps of ``η / (1 + (t - 1) δ)`` (AdaGrad's learning-rate decay)."""
    return Block(
        "descend_lr_decay",
        _descend_decayed_update,
        lambda u: (
            [r"\eta_t &= \frac{\eta}{1 + (t - 1)\,\delta}", rf"\theta_{{t+1}} &= \theta_t - \eta_t\, {u}"],
            u,
        ),
        lambda: [f"clr = lr / (1 + (t - 1) * {lit(lr_decay)})", "theta = theta - clr * upd"],
        LrDecay(lr_decay),
        ("p", "lr", "t"),
    )


def _scale_by_lr_update(u, s, h, lr):
    return lr * u, s, lr


SCALE_BY_LR = Block(
    "scale_by_lr",
    _scale_by_lr_update,
    lambda u: ([], rf"\eta\, {u}"),
    lambda: ["upd = lr * upd"],
    needs=("lr",),
)


def _apply_update(u, s, h, p):
    return u, s, p - u, None


APPLY = Block(
    "apply",
    _apply_update,
    lambda u: ([rf"\theta_{{t+1}} &= \theta_t - {u}"], u),
    lambda: ["theta = theta - upd"],
    needs=("p",),
)

# -- momenta ------------------------------------------------------------------------------------


class Velocity(NamedTuple):
    velocity: Any


class Momentum(NamedTuple):
    momentum: float


class Dampened(NamedTuple):
    momentum: float
    dampening: float


_VELOCITY = zero_state(Velocity)


def _trace_torch_update(u, s, h, t):
    # torch.optim.SGD: the buffer starts as a copy of the first gradient
    mu, tau = h
    buf = copy(u) if t == 1 else s.velocity * mu + (1 - tau) * u
    return buf, Velocity(buf), None


def trace_torch(momentum: float, dampening: float) -> Block:
    """torch.optim.SGD's momentum buffer: ``v = μv + (1 - τ)g``, ``v = g`` at the first step."""
    mu, tau = lit(momentum), lit(dampening)
    return Block(
        "trace_torch",
        _trace_torch_update,
        lambda u: (
            [rf"v_{{t+1}} &= \mu v_t + (1 - \tau)\, {u} \quad (\text{{first step: }} v = {u})"],
            "v_{t+1}",
        ),
        lambda: [
            f"velocity = upd.clone() if t == 1 else velocity * {mu} + (1 - {tau}) * upd",
            "upd = velocity",
        ],
        Dampened(momentum, dampening),
        ("t",),
        **_VELOCITY,
    )


def _trace_ema_update(u, s, h):
    (mu,) = h
    buf = s.velocity * mu + (1 - mu) * u
    return buf, Velocity(buf), None


def trace_ema(momentum: float) -> Block:
    """An exponential moving average of the updates, ``v = μv + (1 - μ)g``."""
    mu = lit(momentum)
    return Block(
        "trace_ema",
        _trace_ema_update,
        lambda u: ([rf"v_{{t+1}} &= \mu v_t + (1 - \mu)\, {u}"], "v_{t+1}"),
        lambda: [f"velocity = velocity * {mu} + (1 - {mu}) * upd", "upd = velocity"],
        Momentum(momentum),
        **_VELOCITY,
    )


def _trace_sum_update(u, s, h):
    (mu,) = h
    buf = s.velocity * mu + u
    return buf, Velocity(buf), None


def _look_ahead(p: Any, s: Velocity, h: Momentum) -> Any:
    (mu,) = h
    return p - mu * s.velocity


def trace_sum(momentum: float, lookahead: bool = False) -> Block:
    """``v = μv + u``: classical momentum (after `SCALE_BY_LR`: the learning rate lives inside
    the velocity) and RMSProp's momentum on the scaled gradient. ``lookahead``: Nesterov in its
    look-ahead form, the gradient taken at ``θ - μv``."""
    mu = lit(momentum)
    look: dict[str, Any] = {}
    if lookahead:
        look = {
            "lookahead": _look_ahead,
            "lookahead_latex": r"\tilde\theta_t &= \theta_t - \mu v_t,\quad g_t = \nabla f(\tilde\theta_t)",
            "lookahead_torch": f"theta - {mu} * velocity",
        }
    return Block(
        "trace_lookahead" if lookahead else "trace_sum",
        _trace_sum_update,
        lambda u: ([rf"v_{{t+1}} &= \mu v_t + {u}"], "v_{t+1}"),
        lambda: [f"velocity = velocity * {mu} + upd", "upd = velocity"],
        Momentum(momentum),
        **_VELOCITY,
        **look,
    )


def _nesterov_torch_update(u, s, h, t):
    (mu,) = h
    buf = copy(u) if t == 1 else s.velocity * mu + u
    return u + mu * buf, Velocity(buf), None


def nesterov_torch(momentum: float) -> Block:
    """torch.optim.SGD(nesterov=True): ``v = μv + g`` (``v = g`` first), the update ``g + μv``."""
    mu = lit(momentum)
    return Block(
        "nesterov_torch",
        _nesterov_torch_update,
        lambda u: (
            [rf"v_{{t+1}} &= \mu v_t + {u} \quad (\text{{first step: }} v = {u})"],
            rf"\left({u} + \mu v_{{t+1}}\right)",
        ),
        lambda: [
            f"velocity = upd.clone() if t == 1 else velocity * {mu} + upd",
            f"upd = upd + {mu} * velocity",
        ],
        Momentum(momentum),
        ("t",),
        **_VELOCITY,
    )


# -- scaling rules ------------------------------------------------------------------------------


def _root(var: str, inside: bool) -> str:
    """LaTeX of the denominator, with eps inside or outside the root."""
    return rf"\sqrt{{{var} + \epsilon}}" if inside else rf"\sqrt{{{var}}} + \epsilon"


def _torch_root(var: str, eps: float, inside: bool) -> str:
    return f"torch.sqrt({var} + {lit(eps)})" if inside else f"torch.sqrt({var}) + {lit(eps)}"


class SumSq(NamedTuple):
    sum_sq: Any


class Rss(NamedTuple):
    eps: float
    eps_inside_sqrt: bool
    initial_accumulator_value: float  # the state's start (init)


def _rss_update(u, s, h):
    eps, inside, _ = h
    acc = s.sum_sq + u * u
    std = sqrt(acc + eps) if inside else sqrt(acc) + eps
    return u / std, SumSq(acc), 1.0 / std


def scale_by_rss(eps: float, initial_accumulator_value: float, eps_inside_sqrt: bool) -> Block:
    """AdaGrad: the update over the root of the sum of all squared updates."""
    start = initial_accumulator_value
    return Block(
        "scale_by_rss",
        _rss_update,
        lambda u: (
            [rf"G_{{t+1}} &= G_t + {u}^2 \quad (G_0 = G_{{\text{{init}}}})"],
            rf"\frac{{{u}}}{{{_root('G_{t+1}', eps_inside_sqrt)}}}",
        ),
        lambda: [
            "sum_sq = sum_sq + upd * upd",
            f"upd = upd / ({_torch_root('sum_sq', eps, eps_inside_sqrt)})",
        ],
        Rss(eps, eps_inside_sqrt, initial_accumulator_value),
        init=lambda params, lr: SumSq(np.full_like(params, start)),
        torch_init=lambda: [f"sum_sq = torch.full((2,), {lit(float(start))})"],
    )


class MeanSquare(NamedTuple):
    sq_avg: Any
    grad_avg: Any


class Rms(NamedTuple):
    alpha: float
    eps: float
    centered: bool
    eps_inside_sqrt: bool


def _rms_update(u, s, h):
    alpha, eps, centered, inside = h
    sq = ema_sq(s.sq_avg, u, alpha)
    ga = s.grad_avg
    if centered:
        ga = lerp(ga, u, 1 - alpha)
        var = maximum(sq - ga * ga, 0.0)  # never negative from rounding
    else:
        var = sq
    avg = sqrt(var + eps) if inside else sqrt(var) + eps
    return u / avg, MeanSquare(sq, ga), 1.0 / avg


def _rms_latex(u: str, centered: bool, inside: bool) -> tuple[list[str], str]:
    lines = [rf"s_{{t+1}} &= \alpha s_t + (1 - \alpha)\, {u}^2"]
    var = "s_{t+1}"
    if centered:
        lines.append(rf"m_{{t+1}} &= \alpha m_t + (1 - \alpha)\, {u}")
        var = "s_{t+1} - m_{t+1}^2"
    return lines, rf"\frac{{{u}}}{{{_root(var, inside)}}}"


def _rms_torch(h: Rms) -> list[str]:
    a = lit(h.alpha)
    lines = [_TORCH_EMA_SQ.format(v="sq_avg", b=a)]
    var = "sq_avg"
    if h.centered:
        lines += [
            _TORCH_LERP.format(a="grad_avg", b=a),
            "var = (sq_avg - grad_avg * grad_avg).clamp_min(0.0)",
        ]
        var = "var"
    return [*lines, f"upd = upd / ({_torch_root(var, h.eps, h.eps_inside_sqrt)})"]


def scale_by_rms(alpha: float, eps: float, centered: bool, eps_inside_sqrt: bool) -> Block:
    """RMSProp: the update over the root of a moving average of its squares (centred: of its
    estimated variance)."""
    h = Rms(alpha, eps, centered, eps_inside_sqrt)
    return Block(
        "scale_by_rms",
        _rms_update,
        lambda u: _rms_latex(u, centered, eps_inside_sqrt),
        lambda: _rms_torch(h),
        h,
        **zero_state(MeanSquare),
    )


class DeltaSquare(NamedTuple):
    sq_avg: Any
    sq_delta: Any


class Adadelta(NamedTuple):
    rho: float
    eps: float


def _adadelta_update(u, s, h):
    rho, eps = h
    sq = ema_sq(s.sq_avg, u, rho)
    scale = sqrt(s.sq_delta + eps) / sqrt(sq + eps)
    delta = scale * u
    return delta, DeltaSquare(sq, ema_sq(s.sq_delta, delta, rho)), scale


def scale_by_adadelta(rho: float, eps: float) -> Block:
    """AdaDelta: RMSProp whose step is scaled by the root mean square of past steps."""
    r, e = lit(rho), lit(eps)
    return Block(
        "scale_by_adadelta",
        _adadelta_update,
        lambda u: (
            [
                rf"s_{{t+1}} &= \rho s_t + (1 - \rho)\, {u}^2",
                rf"\Delta_t &= \frac{{\sqrt{{u_t + \epsilon}}}}{{\sqrt{{s_{{t+1}} + \epsilon}}}}\, {u}",
                r"u_{t+1} &= \rho u_t + (1 - \rho)\, \Delta_t^2",
            ],
            r"\Delta_t",
        ),
        lambda: [
            _TORCH_EMA_SQ.format(v="sq_avg", b=r),
            f"upd = torch.sqrt(sq_delta + {e}) / torch.sqrt(sq_avg + {e}) * upd",
            _TORCH_EMA_SQ.format(v="sq_delta", b=r),
        ],
        Adadelta(rho, eps),
        **zero_state(DeltaSquare),
    )


# -- the Adam family ------------------------------------------------------------------------------


class Moments(NamedTuple):
    m: Any
    v: Any
    v_max: Any


class Adam(NamedTuple):
    beta1: float
    beta2: float
    eps: float
    amsgrad: bool
    bias_correction: bool


def _adam_update(u, s, h, t):
    b1, b2, eps, amsgrad, bias_correction = h
    m = lerp(s.m, u, 1 - b1)
    v = ema_sq(s.v, u, b2)
    v_max = maximum(s.v_max, v) if amsgrad else s.v_max
    if bias_correction:
        bc1, bc2_sqrt = 1 - b1**t, (1 - b2**t) ** 0.5
    else:
        bc1, bc2_sqrt = 1.0, 1.0
    denom = sqrt(v_max if amsgrad else v) / bc2_sqrt + eps
    return (m / denom) / bc1, Moments(m, v, v_max), 1.0 / (bc1 * denom)


def _adam_latex(u: str, amsgrad: bool, bias_correction: bool) -> tuple[list[str], str]:
    lines = [
        rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u}",
        rf"v_t &= \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2",
    ]
    vv = "v_t"
    if amsgrad:
        lines.append(r"\hat v^{\max}_t &= \max(\hat v^{\max}_{t-1}, v_t)")
        vv = r"\hat v^{\max}_t"
    if not bias_correction:
        return lines, rf"\frac{{m_t}}{{\sqrt{{{vv}}} + \epsilon}}"
    lines.append(
        rf"\hat m_t &= \frac{{m_t}}{{1 - \beta_1^t}},\quad \hat v_t = \frac{{{vv}}}{{1 - \beta_2^t}}"
    )
    return lines, r"\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"


def _adam_torch(h: Adam) -> list[str]:
    b1, b2 = lit(h.beta1), lit(h.beta2)
    lines = [_TORCH_LERP.format(a="m", b=b1), _TORCH_EMA_SQ.format(v="v", b=b2)]
    vv = "v"
    if h.amsgrad:
        lines.append("v_max = torch.maximum(v_max, v)")
        vv = "v_max"
    if h.bias_correction:
        lines.append(f"bc1, bc2_sqrt = 1 - {b1} ** t, (1 - {b2} ** t) ** 0.5")
    else:
        lines.append("bc1, bc2_sqrt = 1.0, 1.0")
    return [*lines, f"upd = (m / (torch.sqrt({vv}) / bc2_sqrt + {lit(h.eps)})) / bc1"]


def scale_by_adam(
    beta1: float, beta2: float, eps: float, amsgrad: bool = False, bias_correction: bool = True
) -> Block:
    """Adam's scaling: the first moment over the root of the second, both bias-corrected."""
    h = Adam(beta1, beta2, eps, amsgrad, bias_correction)
    return Block(
        "scale_by_adam",
        _adam_update,
        lambda u: _adam_latex(u, amsgrad, bias_correction),
        lambda: _adam_torch(h),
        h,
        ("t",),
        **zero_state(Moments),
    )


class NadamMoments(NamedTuple):
    m: Any
    v: Any
    mu_product: float


class Nadam(NamedTuple):
    beta1: float
    beta2: float
    eps: float
    momentum_decay: float


def _nadam_update(u, s, h, t):
    b1, b2, eps, psi = h
    mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
    mu_product = s.mu_product * mu
    m = lerp(s.m, u, 1 - b1)
    v = ema_sq(s.v, u, b2)
    denom = sqrt(v / (1 - b2**t)) + eps
    c_grad = (1.0 - mu) / (1.0 - mu_product)
    c_m = mu_next / (1.0 - mu_product * mu_next)
    return c_grad * (u / denom) + c_m * (m / denom), NadamMoments(m, v, mu_product), (c_grad + c_m) / denom


def _nadam_torch(h: Nadam) -> list[str]:
    b1, b2, psi = lit(h.beta1), lit(h.beta2), lit(h.momentum_decay)
    return [
        f"mu = {b1} * (1.0 - 0.5 * 0.96 ** (t * {psi}))",
        f"mu_next = {b1} * (1.0 - 0.5 * 0.96 ** ((t + 1) * {psi}))",
        "mu_product = mu_product * mu",
        _TORCH_LERP.format(a="m", b=b1),
        _TORCH_EMA_SQ.format(v="v", b=b2),
        f"denom = torch.sqrt(v / (1 - {b2} ** t)) + {lit(h.eps)}",
        "upd = (1.0 - mu) / (1.0 - mu_product) * (upd / denom)"
        " + mu_next / (1.0 - mu_product * mu_next) * (m / denom)",
    ]


def scale_by_nadam(beta1: float, beta2: float, eps: float, momentum_decay: float) -> Block:
    """NAdam's scaling: Adam with a Nesterov look-ahead on the first moment."""
    h = Nadam(beta1, beta2, eps, momentum_decay)
    return Block(
        "scale_by_nadam",
        _nadam_update,
        lambda u: (
            [
                r"\mu_t &= \beta_1\left(1 - \tfrac{1}{2}\, 0.96^{t\psi}\right)",
                rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u},\quad v_t = \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2",
                # the two momentum terms on a line of their own: one line of the whole is too wide to read
                rf"\delta_t &= \frac{{(1 - \mu_t)\, {u}}}{{1 - \prod_{{i \le t}}\mu_i}}"
                r" + \frac{\mu_{t+1} m_t}{1 - \prod_{i \le t+1}\mu_i}",
            ],
            r"\frac{\delta_t}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}",
        ),
        lambda: _nadam_torch(h),
        h,
        ("t",),
        init=lambda params, lr: NadamMoments(_zeros(params), _zeros(params), 1.0),
        torch_init=lambda: ["m = torch.zeros(2)", "v = torch.zeros(2)", "mu_product = 1.0"],
    )


class MeanAndSquare(NamedTuple):
    m: Any
    v: Any


class Betas(NamedTuple):
    beta1: float
    beta2: float
    eps: float


def _radam_update(u, s, h, t):
    b1, b2, eps = h
    m = lerp(s.m, u, 1 - b1)
    v = ema_sq(s.v, u, b2)
    bc1, bc2 = 1 - b1**t, 1 - b2**t
    m_hat = m / bc1
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    state = MeanAndSquare(m, v)
    if rho_t > 5.0:  # the variance of the adaptive rate is tractable: rectify it
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = bc2**0.5 / (sqrt(v) + eps)
        return m_hat * adaptive * rect, state, adaptive * rect / bc1
    return m_hat, state, 1.0 / bc1  # early steps: momentum SGD on the bias-corrected mean


def _radam_torch(h: Betas) -> list[str]:
    return [
        _TORCH_LERP.format(a="m", b=lit(h.beta1)),
        _TORCH_EMA_SQ.format(v="v", b=lit(h.beta2)),
        f"b2 = {lit(h.beta2)}",
        f"bc1, bc2 = 1 - {lit(h.beta1)} ** t, 1 - b2 ** t",
        "rho_inf = 2 / (1 - b2) - 1",
        "rho_t = rho_inf - 2 * t * b2 ** t / bc2",
        "if rho_t > 5.0:",
        "    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5",
        f"    upd = m / bc1 * (bc2 ** 0.5 / (torch.sqrt(v) + {lit(h.eps)})) * rect",
        "else:",
        "    upd = m / bc1",
    ]


def scale_by_radam(beta1: float, beta2: float, eps: float) -> Block:
    """RAdam's scaling: Adam's adaptive rate, rectified, once its variance is tractable."""
    h = Betas(beta1, beta2, eps)
    return Block(
        "scale_by_radam",
        _radam_update,
        lambda u: (
            [
                rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u},\quad v_t = \beta_2 v_{{t-1}} + (1 - \beta_2)\, {u}^2",
                r"\rho_\infty &= \tfrac{2}{1 - \beta_2} - 1,\quad \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1 - \beta_2^t}",
                r"r_t &= \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}",
            ],
            r"\frac{m_t}{1 - \beta_1^t}\cdot\begin{cases} r_t\,\frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}"
            r" & \rho_t > 5\\ 1 & \text{otherwise}\end{cases}",
        ),
        lambda: _radam_torch(h),
        h,
        ("t",),
        **zero_state(MeanAndSquare),
    )


class InfinityNorm(NamedTuple):
    m: Any
    u: Any


def _adamax_update(u, s, h, t):
    b1, b2, eps = h
    m = lerp(s.m, u, 1 - b1)
    norm = maximum(s.u * b2, abs(u) + eps)
    bc1 = 1 - b1**t
    return (m / norm) / bc1, InfinityNorm(m, norm), 1.0 / (bc1 * norm)


def scale_by_adamax(beta1: float, beta2: float, eps: float) -> Block:
    """Adamax's scaling: the first moment over an infinity norm of the updates."""
    b1 = lit(beta1)
    return Block(
        "scale_by_adamax",
        _adamax_update,
        lambda u: (
            [
                rf"m_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u}",
                rf"u_t &= \max(\beta_2 u_{{t-1}},\ |{u}| + \epsilon)",
            ],
            r"\frac{1}{1 - \beta_1^t}\,\frac{m_t}{u_t}",
        ),
        lambda: [
            _TORCH_LERP.format(a="m", b=b1),
            f"u = torch.maximum(u * {lit(beta2)}, upd.abs() + {lit(eps)})",
            f"upd = (m / u) / (1 - {b1} ** t)",
        ],
        Betas(beta1, beta2, eps),
        ("t",),
        **zero_state(InfinityNorm),
    )


class SignMomentum(NamedTuple):
    m: Any


class LionBetas(NamedTuple):
    beta1: float
    beta2: float


def _lion_update(u, s, h):
    b1, b2 = h
    direction = sign(s.m * b1 + (1 - b1) * u)
    return direction, SignMomentum(s.m * b2 + (1 - b2) * u), None


def scale_by_lion(beta1: float, beta2: float) -> Block:
    """Lion: the sign of an interpolated momentum."""
    b1, b2 = lit(beta1), lit(beta2)
    return Block(
        "scale_by_lion",
        _lion_update,
        lambda u: (
            [
                rf"c_t &= \beta_1 m_{{t-1}} + (1 - \beta_1)\, {u}",
                rf"m_t &= \beta_2 m_{{t-1}} + (1 - \beta_2)\, {u}",
            ],
            r"\operatorname{sign}(c_t)",
        ),
        lambda: [
            f"c = m * {b1} + (1 - {b1}) * upd",
            f"m = m * {b2} + (1 - {b2}) * upd",
            "upd = torch.sign(c)",
        ],
        LionBetas(beta1, beta2),
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


class Damping(NamedTuple):
    damping: float
    saddle_free: bool


def _newton_update(u, s, h, aux):
    damping, saddle_free = h
    d = newton_direction(u, aux, damping, saddle_free)
    return d, s, newton_gain(d, u)


def _newton_latex(u: str, saddle_free: bool) -> tuple[list[str], str]:
    h = r"|H_t|" if saddle_free else "H_t"
    extra = r",\quad |H| = Q|\Lambda|Q^\top" if saddle_free else ""
    return [r"H_t &= \nabla^2 f(\theta_t)" + extra], rf"\left({h} + \delta I\right)^{{-1}} {u}"


def _newton_torch(damping: float, saddle_free: bool) -> list[str]:
    lam = "lam.abs()" if saddle_free else "lam"
    return [
        "lam, vecs = torch.linalg.eigh(torch.autograd.functional.hessian(lambda w: f(w[0], w[1]), q))",
        f"lam = {lam} + {lit(damping)}",
        "keep = lam.abs() > 1e-12 * lam.abs().max().clamp_min(1e-300)  # a pseudo-inverse",
        "inv = torch.where(keep, 1.0 / torch.where(lam == 0, 1.0, lam), 0.0)",
        "upd = vecs @ (inv * (vecs.T @ upd))",
    ]


def newton(damping: float, saddle_free: bool) -> Block:
    """Newton's direction ``(H + δI)^{-1} g`` on the Hessian ``aux`` (or ``|H|``: saddle-free)."""
    return Block(
        "newton",
        _newton_update,
        lambda u: _newton_latex(u, saddle_free),
        lambda: _newton_torch(damping, saddle_free),
        Damping(damping, saddle_free),
        ("aux",),
    )
