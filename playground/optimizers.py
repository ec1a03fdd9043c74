r"""Optimizers as pure ``init`` / ``update`` pairs over small state records.

Every optimizer works on a batch of points ``params`` of shape ``(N, 2)``; ``lr`` is a
scalar or an ``(N, 1)`` array (one learning rate per run, for loss-driven schedules).
``update(grad, state, params, lr, hp)`` returns ``(new_params, new_state, info)`` where
``info`` holds what a viewer shows (velocity, moments, the effective per-coordinate step
size). The arithmetic follows ``torch.optim`` operation by operation, so a run matches
PyTorch in float64 to rounding.

Coupled (L2) weight decay, ``g \leftarrow g + \lambda\theta``, is applied by the engine
before ``update`` for every optimizer with ``coupled_weight_decay``; AdamW and Lion
apply their decoupled decay themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .hyper import ConfigError, Hyper, resolve
from .ops import copy, maximum, sign, sqrt, where

Array = np.ndarray
HP = Mapping[str, Any]

# -- building blocks ------------------------------------------------------------------


def lerp(a: Array, b: Array, w: float) -> Array:
    """``a + w (b - a)`` the way ``torch.lerp`` rounds it (exponential moving average)."""
    if w < 0.5:
        return a + w * (b - a)
    return b - (b - a) * (1 - w)


def ema_sq(v: Array, g: Array, beta: float) -> Array:
    """``beta v + (1 - beta) g^2`` (torch: ``v.mul_(beta).addcmul_(g, g, value=1-beta)``)."""
    return v * beta + (1 - beta) * (g * g)


def decay_decoupled(params: Array, lr: Any, weight_decay: float) -> Array:
    """Decoupled weight decay ``theta (1 - lr lambda)`` (AdamW, Lion)."""
    return params * (1 - lr * weight_decay) if weight_decay else params


def _full(lr: Any, like: Array) -> Array:
    if type(like) is float:  # the engine's one-run fast path: one coordinate as a float
        return lr
    # np.full is ~4x cheaper than broadcast_to for the scalar learning rate of a plain schedule
    return np.full(like.shape, lr) if isinstance(lr, float) else np.broadcast_to(lr, like.shape)


# -- state records ------------------------------------------------------------------------


class Empty(NamedTuple):
    t: int


class Velocity(NamedTuple):
    t: int
    buf: Array


class Accumulator(NamedTuple):
    t: int
    sum: Array


class RMSState(NamedTuple):
    t: int
    square_avg: Array
    grad_avg: Array
    buf: Array


class AdadeltaState(NamedTuple):
    t: int
    square_avg: Array
    acc_delta: Array


class Moments(NamedTuple):
    t: int
    m: Array
    v: Array
    v_max: Array
    mu_product: float = 1.0


INSPECT_LABELS = {
    "step_size": "effective step size",
    "velocity": "velocity v",
    "m": "first moment m",
    "v": "second moment v",
    "u": "infinity norm u",
    "sum_sq": "sum of squares G",
    "sq_avg": "mean square s",
    "sq_delta": "mean square of steps u",
}

# -- optimizer record -------------------------------------------------------------------


@dataclass(frozen=True)
class Optimizer:
    """A public optimizer: hyperparameters, ``init``/``update`` and its update rule in LaTeX.

    ``lookahead`` (optional) gives the point where the gradient is evaluated (NAG).
    ``latex(hp)`` returns the rule for the resolved hyperparameters and ``symbols`` maps
    each LaTeX symbol to the hyperparameter that sets it.
    """

    name: str
    title: str
    hypers: tuple[Hyper, ...]
    init: Callable[[Array, HP], Any] = field(repr=False)
    update: Callable[[Array, Any, Array, Any, HP], tuple[Array, Any, dict]] = field(repr=False)
    latex: Callable[[HP], str] = field(repr=False)
    records: tuple[str, ...] = ("step_size",)
    lookahead: Callable[[Array, Any, HP], Array] | None = field(default=None, repr=False)
    coupled_weight_decay: bool = True
    default_noise: bool = False
    second_order: bool = False
    summary: str = ""
    # for rules that couple the coordinates (Newton): the update on one point as floats,
    # ``(g, state, (x, y), lr, hp, hess=(hxx, hxy, hyy)) -> ((x, y), state, info)``
    update_pair: Callable[..., tuple[tuple, Any, dict]] | None = field(default=None, repr=False)
    demo_lr: float | None = None  # the learning rate a racer added on the page starts with
    accumulator: str | None = None  # the state the inspect chart draws beside the step size
    cost: int = 1  # work units one step costs (see playground.web.validate.WORK_BUDGET)

    @property
    def symbols(self) -> tuple[tuple[str, str], ...]:
        """``(LaTeX symbol, hyperparameter name)`` for every hyperparameter that has a symbol."""
        return tuple((h.symbol, h.name) for h in self.hypers if h.symbol)

    @property
    def inspect(self) -> tuple[tuple[str, str], ...]:
        """``(state key, label)`` the inspect chart draws: the step size, then the accumulator."""
        keys = ("step_size", self.accumulator) if self.accumulator else ("step_size",)
        return tuple((k, INSPECT_LABELS[k]) for k in keys)

    @property
    def lr_for_page(self) -> float:
        return float(self.demo_lr if self.demo_lr is not None else self.resolve()["lr"])

    def resolve(self, lr: object = None, hyper: Mapping[str, object] | None = None) -> dict:
        """Validated hyperparameters, defaults filled in; ``lr`` overrides ``hyper['lr']``."""
        given = dict(hyper or {})
        if lr is not None:
            given["lr"] = lr
        return resolve(self.name, self.hypers, given)


def _lr(default: float) -> Hyper:
    return Hyper("lr", default, low=0.0, high=1e6, symbol=r"\eta", help="learning rate", log=True)


WD = Hyper("weight_decay", 0.0, low=0.0, high=1e3, symbol=r"\lambda", help="L2 penalty (coupled)")


def _beta(name: str, default: float, symbol: str, help: str) -> Hyper:
    return Hyper(name, default, low=0.0, high=1.0, high_open=True, symbol=symbol, help=help)


def _eps(default: float) -> Hyper:
    return Hyper(
        "eps", default, low=0.0, high=1.0, symbol=r"\epsilon", help="added to the denominator", log=True
    )


_WD_RULE = r"g_t &= \nabla f(\theta_t) + \lambda\theta_t"

# -- gradient descent --------------------------------------------------------------------


def _gd_init(params: Array, hp: HP) -> Empty:
    return Empty(0)


def _gd_update(g: Array, s: Empty, p: Array, lr: Any, hp: HP):
    return p - lr * g, Empty(s.t + 1), {"step_size": _full(lr, p)}


def _gd_latex(hp: HP) -> str:
    return r"\begin{aligned}" + _WD_RULE + r"\\ \theta_{t+1} &= \theta_t - \eta\, g_t\end{aligned}"


# -- momentum ---------------------------------------------------------------------------


def _velocity_init(params: Array, hp: HP) -> Velocity:
    return Velocity(0, np.zeros_like(params))


def _momentum_update(g: Array, s: Velocity, p: Array, lr: Any, hp: HP):
    mu, form = hp["momentum"], hp["form"]
    if form == "pytorch":
        # torch.optim.SGD: the buffer starts as a copy of the first gradient (no dampening)
        buf = copy(g) if s.t == 0 else s.buf * mu + (1 - hp["dampening"]) * g
        new = p - lr * buf
    elif form == "ema":
        buf = s.buf * mu + (1 - mu) * g
        new = p - lr * buf
    else:  # classical: the learning rate lives inside the velocity
        buf = s.buf * mu + lr * g
        new = p - buf
    return new, Velocity(s.t + 1, buf), {"velocity": buf, "step_size": _full(lr, p)}


_MOMENTUM_LATEX = {
    "pytorch": r"v_{t+1} &= \mu v_t + (1 - \tau)\, g_t \quad (v_1 = g_0)\\ \theta_{t+1} &= \theta_t - \eta\, v_{t+1}",
    "ema": r"v_{t+1} &= \mu v_t + (1 - \mu)\, g_t\\ \theta_{t+1} &= \theta_t - \eta\, v_{t+1}",
    "classical": r"v_{t+1} &= \mu v_t + \eta\, g_t\\ \theta_{t+1} &= \theta_t - v_{t+1}",
}


def _nag_lookahead(p: Array, s: Velocity, hp: HP) -> Array:
    if hp["form"] == "lookahead":
        return p - hp["momentum"] * s.buf
    return p


def _nag_update(g: Array, s: Velocity, p: Array, lr: Any, hp: HP):
    mu = hp["momentum"]
    if hp["form"] == "lookahead":  # g was taken at theta - mu v
        buf = s.buf * mu + lr * g
        return p - buf, Velocity(s.t + 1, buf), {"velocity": buf, "step_size": _full(lr, p)}
    # torch.optim.SGD(nesterov=True)
    buf = copy(g) if s.t == 0 else s.buf * mu + g
    return p - lr * (g + mu * buf), Velocity(s.t + 1, buf), {"velocity": buf, "step_size": _full(lr, p)}


_NAG_LATEX = {
    "lookahead": r"\tilde\theta_t &= \theta_t - \mu v_t\\ g_t &= \nabla f(\tilde\theta_t) + \lambda\tilde\theta_t\\ v_{t+1} &= \mu v_t + \eta\, g_t\\ \theta_{t+1} &= \theta_t - v_{t+1}",
    "pytorch": _WD_RULE
    + r"\\ b_{t+1} &= \mu b_t + g_t \quad (b_1 = g_0)\\ \theta_{t+1} &= \theta_t - \eta\,(g_t + \mu b_{t+1})",
}

# -- AdaGrad ----------------------------------------------------------------------------


def _adagrad_init(params: Array, hp: HP) -> Accumulator:
    return Accumulator(0, np.full_like(params, hp["initial_accumulator_value"]))


def _adagrad_update(g: Array, s: Accumulator, p: Array, lr: Any, hp: HP):
    t = s.t + 1
    clr = lr / (1 + (t - 1) * hp["lr_decay"])
    acc = s.sum + g * g
    std = sqrt(acc + hp["eps"]) if hp["eps_inside_sqrt"] else sqrt(acc) + hp["eps"]
    return p - clr * (g / std), Accumulator(t, acc), {"sum_sq": acc, "step_size": clr / std}


def _adagrad_latex(hp: HP) -> str:
    denom = r"\sqrt{G_{t+1} + \epsilon}" if hp["eps_inside_sqrt"] else r"\sqrt{G_{t+1}} + \epsilon"
    return (
        r"\begin{aligned}" + _WD_RULE + r"\\ \eta_t &= \frac{\eta}{1 + t\,\delta}\\ "
        r"G_{t+1} &= G_t + g_t^2 \quad (G_0 = G_{\text{init}})\\ "
        r"\theta_{t+1} &= \theta_t - \frac{\eta_t}{" + denom + r"}\, g_t\end{aligned}"
    )


# -- RMSProp ----------------------------------------------------------------------------


def _rms_init(params: Array, hp: HP) -> RMSState:
    z = np.zeros_like(params)
    return RMSState(0, z, z, z)


def _rms_update(g: Array, s: RMSState, p: Array, lr: Any, hp: HP):
    alpha, eps = hp["alpha"], hp["eps"]
    sq = ema_sq(s.square_avg, g, alpha)
    ga = s.grad_avg
    if hp["centered"]:
        ga = lerp(ga, g, 1 - alpha)
        var = maximum(sq - ga * ga, 0.0)  # never negative from rounding
    else:
        var = sq
    avg = sqrt(var + eps) if hp["eps_inside_sqrt"] else sqrt(var) + eps
    buf = s.buf
    if hp["momentum"] > 0:
        buf = buf * hp["momentum"] + g / avg
        new = p - lr * buf
    else:
        new = p - lr * (g / avg)
    info = {"sq_avg": sq, "velocity": buf, "step_size": lr / avg}
    return new, RMSState(s.t + 1, sq, ga, buf), info


def _rms_latex(hp: HP) -> str:
    var = r"s_{t+1} - m_{t+1}^2" if hp["centered"] else r"s_{t+1}"
    denom = rf"\sqrt{{{var} + \epsilon}}" if hp["eps_inside_sqrt"] else rf"\sqrt{{{var}}} + \epsilon"
    lines = [_WD_RULE, r"s_{t+1} &= \alpha s_t + (1 - \alpha)\, g_t^2"]
    if hp["centered"]:
        lines.append(r"m_{t+1} &= \alpha m_t + (1 - \alpha)\, g_t")
    if hp["momentum"] > 0:
        lines.append(r"b_{t+1} &= \mu b_t + \frac{g_t}{" + denom + "}")
        lines.append(r"\theta_{t+1} &= \theta_t - \eta\, b_{t+1}")
    else:
        lines.append(r"\theta_{t+1} &= \theta_t - \frac{\eta}{" + denom + r"}\, g_t")
    return r"\begin{aligned}" + r"\\ ".join(lines) + r"\end{aligned}"


# -- AdaDelta ---------------------------------------------------------------------------


def _adadelta_init(params: Array, hp: HP) -> AdadeltaState:
    z = np.zeros_like(params)
    return AdadeltaState(0, z, z)


def _adadelta_update(g: Array, s: AdadeltaState, p: Array, lr: Any, hp: HP):
    rho, eps = hp["rho"], hp["eps"]
    sq = ema_sq(s.square_avg, g, rho)
    std = sqrt(sq + eps)
    scale = sqrt(s.acc_delta + eps) / std
    delta = scale * g
    acc = ema_sq(s.acc_delta, delta, rho)
    info = {"sq_avg": sq, "sq_delta": acc, "step_size": lr * scale}
    return p - lr * delta, AdadeltaState(s.t + 1, sq, acc), info


def _adadelta_latex(hp: HP) -> str:
    return (
        r"\begin{aligned}" + _WD_RULE + r"\\ s_{t+1} &= \rho s_t + (1 - \rho)\, g_t^2\\ "
        r"\Delta_t &= \frac{\sqrt{u_t + \epsilon}}{\sqrt{s_{t+1} + \epsilon}}\, g_t\\ "
        r"u_{t+1} &= \rho u_t + (1 - \rho)\, \Delta_t^2\\ "
        r"\theta_{t+1} &= \theta_t - \eta\, \Delta_t\end{aligned}"
    )


# -- Adam family ------------------------------------------------------------------------


def _moments_init(params: Array, hp: HP) -> Moments:
    z = np.zeros_like(params)
    return Moments(0, z, z, z, 1.0)


def _adam_update(g: Array, s: Moments, p: Array, lr: Any, hp: HP, decoupled: bool = False):
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    t = s.t + 1
    if decoupled:
        p = decay_decoupled(p, lr, hp["weight_decay"])
    m = lerp(s.m, g, 1 - b1)
    v = ema_sq(s.v, g, b2)
    v_max = maximum(s.v_max, v) if hp["amsgrad"] else s.v_max
    if hp["bias_correction"]:
        bc1, bc2_sqrt = 1 - b1**t, (1 - b2**t) ** 0.5
    else:
        bc1, bc2_sqrt = 1.0, 1.0
    step = lr / bc1
    denom = sqrt(v_max if hp["amsgrad"] else v) / bc2_sqrt + eps
    info = {"m": m, "v": v, "step_size": step / denom}
    return p - step * (m / denom), Moments(t, m, v, v_max), info


def _adamw_update(g: Array, s: Moments, p: Array, lr: Any, hp: HP):
    return _adam_update(g, s, p, lr, hp, decoupled=True)


def _adam_latex(hp: HP, decoupled: bool = False) -> str:
    vv = r"\max(\hat v_{\max}, v_{t})" if hp["amsgrad"] else "v_t"
    if hp["bias_correction"]:
        body = (
            r"\hat m_t &= \frac{m_t}{1 - \beta_1^t},\quad \hat v_t = \frac{" + vv + r"}{1 - \beta_2^t}\\ "
            r"\theta_{t} &= \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
        )
    else:
        body = r"\theta_{t} &= \theta_{t-1} - \eta\,\frac{m_t}{\sqrt{" + vv + r"} + \epsilon}"
    first = (
        r"\theta_{t-1} &\leftarrow \theta_{t-1}(1 - \eta\lambda)\\ g_t &= \nabla f(\theta_{t-1})"
        if decoupled
        else r"g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}"
    )
    return (
        r"\begin{aligned}" + first + r"\\ m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t\\ "
        r"v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2\\ " + body + r"\end{aligned}"
    )


def _nadam_update(g: Array, s: Moments, p: Array, lr: Any, hp: HP):
    b1, b2, eps, psi = hp["beta1"], hp["beta2"], hp["eps"], hp["momentum_decay"]
    t = s.t + 1
    bc2 = 1 - b2**t
    mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
    mu_product = s.mu_product * mu
    m = lerp(s.m, g, 1 - b1)
    v = ema_sq(s.v, g, b2)
    denom = sqrt(v / bc2) + eps
    mu_product_next = mu_product * mu_next
    c_grad = lr * (1.0 - mu) / (1.0 - mu_product)
    c_m = lr * mu_next / (1.0 - mu_product_next)
    new = p - c_grad * (g / denom)
    new = new - c_m * (m / denom)
    info = {"m": m, "v": v, "step_size": (c_grad + c_m) / denom}
    return new, Moments(t, m, v, s.v_max, mu_product), info


def _nadam_latex(hp: HP) -> str:
    return (
        r"\begin{aligned}" + r"g_t &= \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}\\ "
        r"\mu_t &= \beta_1\left(1 - \tfrac{1}{2}\, 0.96^{t\psi}\right)\\ "
        r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t,\quad v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2\\ "
        r"\theta_t &= \theta_{t-1} - \eta\left(\frac{(1 - \mu_t)\, g_t}{1 - \prod_{i \le t}\mu_i}"
        r" + \frac{\mu_{t+1} m_t}{1 - \prod_{i \le t+1}\mu_i}\right)\Big/\left(\sqrt{\frac{v_t}{1 - \beta_2^t}} + \epsilon\right)"
        r"\end{aligned}"
    )


def _radam_update(g: Array, s: Moments, p: Array, lr: Any, hp: HP):
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    t = s.t + 1
    m = lerp(s.m, g, 1 - b1)
    v = ema_sq(s.v, g, b2)
    bc1, bc2 = 1 - b1**t, 1 - b2**t
    m_hat = m / bc1
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * (b2**t) / bc2
    if rho_t > 5.0:  # variance of the adaptive rate is tractable: rectify it
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = bc2**0.5 / (sqrt(v) + eps)
        new = p + m_hat * lr * adaptive * rect * -1.0
        step_size = _full(lr, p) * adaptive * rect / bc1
    else:  # early steps: plain momentum SGD on the bias-corrected mean
        new = p + m_hat * lr * -1.0
        step_size = _full(lr / bc1, p)
    return new, Moments(t, m, v, s.v_max), {"m": m, "v": v, "step_size": step_size}


def _radam_latex(hp: HP) -> str:
    return (
        r"\begin{aligned}"
        + r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t,\quad v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2\\ "
        r"\rho_\infty &= \tfrac{2}{1 - \beta_2} - 1,\quad \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1 - \beta_2^t}\\ "
        r"r_t &= \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}\\ "
        r"\theta_t &= \theta_{t-1} - \eta\,\frac{m_t}{1 - \beta_1^t}\cdot\begin{cases} r_t\,\frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon} & \rho_t > 5\\ 1 & \text{otherwise}\end{cases}"
        r"\end{aligned}"
    )


def _adamax_update(g: Array, s: Moments, p: Array, lr: Any, hp: HP):
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    t = s.t + 1
    m = lerp(s.m, g, 1 - b1)
    u = maximum(s.v * b2, abs(g) + eps)  # infinity norm: v holds u_t
    clr = lr / (1 - b1**t)
    return p - clr * (m / u), Moments(t, m, u, s.v_max), {"m": m, "u": u, "step_size": clr / u}


def _adamax_latex(hp: HP) -> str:
    return (
        r"\begin{aligned}" + r"m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t\\ "
        r"u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon)\\ "
        r"\theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\,\frac{m_t}{u_t}\end{aligned}"
    )


def _lion_update(g: Array, s: Moments, p: Array, lr: Any, hp: HP):
    b1, b2 = hp["beta1"], hp["beta2"]
    direction = sign(s.m * b1 + (1 - b1) * g)
    p = decay_decoupled(p, lr, hp["weight_decay"])
    m = s.m * b2 + (1 - b2) * g
    return p - lr * direction, Moments(s.t + 1, m, s.v, s.v_max), {"m": m, "step_size": _full(lr, p)}


def _lion_latex(hp: HP) -> str:
    return (
        r"\begin{aligned}" + r"c_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t\\ "
        r"\theta_t &= \theta_{t-1}(1 - \eta\lambda) - \eta\,\operatorname{sign}(c_t)\\ "
        r"m_t &= \beta_2 m_{t-1} + (1 - \beta_2)\, g_t\end{aligned}"
    )


# -- Newton -------------------------------------------------------------------------------


def eig2(hxx: Array, hxy: Array, hyy: Array) -> tuple[Array, Array, Array, Array]:
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


def _newton_update(g: Array, s: Empty, p: Array, lr: Any, hp: HP, hess: Array | None = None):
    assert hess is not None
    d = newton_direction(g, hess, hp["damping"], hp["saddle_free"])
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(g != 0, np.abs(lr * d) / np.abs(np.where(g == 0, 1.0, g)), 0.0)
    return p - lr * d, Empty(s.t + 1), {"step_size": size}


def _newton_update_pair(g: tuple, s: Empty, p: tuple, lr: float, hp: HP, hess: tuple):
    """`_newton_update` on one point held as floats ``(x, y)``: the same operations."""
    (gx, gy), (x, y) = g, p
    dx, dy = newton_xy(gx, gy, *hess, hp["damping"], hp["saddle_free"])
    sx = abs(lr * dx) / abs(gx) if gx != 0 else 0.0
    sy = abs(lr * dy) / abs(gy) if gy != 0 else 0.0
    return (x - lr * dx, y - lr * dy), Empty(s.t + 1), {"step_size": (sx, sy)}


def _newton_latex(hp: HP) -> str:
    h = r"|H_t|" if hp["saddle_free"] else "H_t"
    extra = r",\quad |H| = Q|\Lambda|Q^\top" if hp["saddle_free"] else ""
    return (
        r"\begin{aligned}" + r"H_t &= \nabla^2 f(\theta_t)" + extra + r"\\ "
        r"\theta_{t+1} &= \theta_t - \eta\,\left(" + h + r" + \delta I\right)^{-1}\nabla f(\theta_t)"
        r"\end{aligned}"
    )


# -- the registry -------------------------------------------------------------------------

_B1 = _beta("beta1", 0.9, r"\beta_1", "decay of the first moment")
_B2 = _beta("beta2", 0.999, r"\beta_2", "decay of the second moment")
_AMS = Hyper("amsgrad", False, "bool", help="use the running maximum of v (AMSGrad)")
_BC = Hyper("bias_correction", True, "bool", help="divide the moments by 1 - beta^t")
_MU = _beta("momentum", 0.9, r"\mu", "momentum coefficient")


def _aligned(rule: str) -> str:
    return r"\begin{aligned}" + rule + r"\end{aligned}"


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer(
            "gd", "Gradient descent", (_lr(1e-3), WD), _gd_init, _gd_update, _gd_latex,
            summary="Full-batch gradient descent: the exact gradient, no noise.",
        ),
        Optimizer(
            "sgd", "SGD (noisy)", (_lr(1e-3), WD), _gd_init, _gd_update, _gd_latex, default_noise=True,
            summary="Gradient descent on a mini-batch gradient: the exact gradient plus noise.",
        ),
        Optimizer(
            "momentum", "Momentum",
            (_lr(1e-3), _MU,
             Hyper("dampening", 0.0, low=0.0, high=1.0, symbol=r"\tau", help="dampening (pytorch form)"),
             Hyper("form", "pytorch", "choice", choices=("pytorch", "ema", "classical"),
                   help="pytorch: v=mu v+g; ema: v=mu v+(1-mu)g; classical: v=mu v+lr g"),
             WD),
            _velocity_init, _momentum_update,
            lambda hp: _aligned(_WD_RULE + r"\\ " + _MOMENTUM_LATEX[hp["form"]]),
            records=("velocity", "step_size"),
            summary="A heavy ball: the velocity accumulates past gradients.",
        ),
        Optimizer(
            "nag", "Nesterov (NAG)",
            (_lr(1e-3), _MU,
             Hyper("form", "lookahead", "choice", choices=("lookahead", "pytorch"),
                   help="lookahead: gradient at theta - mu v; pytorch: SGD(nesterov=True)"),
             WD),
            _velocity_init, _nag_update, lambda hp: _aligned(_NAG_LATEX[hp["form"]]),
            records=("velocity", "step_size"), lookahead=_nag_lookahead,
            summary="Momentum that measures the slope where it is about to land.",
        ),
        Optimizer(
            "adagrad", "AdaGrad",
            (_lr(1e-2),
             Hyper("lr_decay", 0.0, low=0.0, high=1e3, symbol=r"\delta", help="learning-rate decay"),
             _eps(1e-10),
             Hyper("initial_accumulator_value", 0.0, low=0.0, high=1e6, symbol=r"G_{\text{init}}",
                   help="starting value of the sum of squares"),
             Hyper("eps_inside_sqrt", False, "bool", help="write eps inside the square root"),
             WD),
            _adagrad_init, _adagrad_update, _adagrad_latex,
            records=("sum_sq", "step_size"), accumulator="sum_sq",
            summary="Per-coordinate steps divided by the root of all past squared gradients.",
        ),
        Optimizer(
            "rmsprop", "RMSProp",
            (_lr(1e-2), _beta("alpha", 0.99, r"\alpha", "smoothing constant"), _eps(1e-8),
             Hyper("centered", False, "bool", help="divide by the estimated variance"),
             Hyper("momentum", 0.0, low=0.0, high=1.0, high_open=True, symbol=r"\mu", help="momentum"),
             Hyper("eps_inside_sqrt", False, "bool", help="write eps inside the square root"),
             WD),
            _rms_init, _rms_update, _rms_latex,
            records=("sq_avg", "velocity", "step_size"), accumulator="sq_avg",
            summary="AdaGrad with a forgetting average of squared gradients.",
        ),
        Optimizer(
            "adadelta", "AdaDelta",
            (_lr(1.0), _beta("rho", 0.9, r"\rho", "decay of both averages"), _eps(1e-6), WD),
            _adadelta_init, _adadelta_update, _adadelta_latex,
            records=("sq_avg", "sq_delta", "step_size"), accumulator="sq_avg",
            summary="RMSProp whose step is scaled by the average size of past steps.",
        ),
        Optimizer(
            "adam", "Adam", (_lr(1e-3), _B1, _B2, _eps(1e-8), _AMS, _BC, WD),
            _moments_init, _adam_update, _adam_latex,
            records=("m", "v", "step_size"), accumulator="v", demo_lr=0.05,
            summary="Momentum on the gradient plus RMSProp scaling, both bias-corrected.",
        ),
        Optimizer(
            "adamw", "AdamW",
            (_lr(1e-3), _B1, _B2, _eps(1e-8), _AMS, _BC,
             Hyper("weight_decay", 1e-2, low=0.0, high=1e3, symbol=r"\lambda", help="decoupled weight decay")),
            _moments_init, _adamw_update, lambda hp: _adam_latex(hp, decoupled=True),
            records=("m", "v", "step_size"), accumulator="v", coupled_weight_decay=False,
            summary="Adam with weight decay applied to the weights, not through the gradient.",
        ),
        Optimizer(
            "nadam", "NAdam",
            (_lr(2e-3), _B1, _B2, _eps(1e-8),
             Hyper("momentum_decay", 4e-3, low=0.0, high=1.0, symbol=r"\psi", help="momentum decay"),
             WD),
            _moments_init, _nadam_update, _nadam_latex,
            records=("m", "v", "step_size"), accumulator="v",
            summary="Adam with a Nesterov-style look-ahead on the first moment.",
        ),
        Optimizer(
            "radam", "RAdam", (_lr(1e-3), _B1, _B2, _eps(1e-8), WD),
            _moments_init, _radam_update, _radam_latex,
            records=("m", "v", "step_size"), accumulator="v",
            summary="Adam that switches its adaptive rate on only once the variance estimate is reliable.",
        ),
        Optimizer(
            "adamax", "Adamax", (_lr(2e-3), _B1, _B2, _eps(1e-8), WD),
            _moments_init, _adamax_update, _adamax_latex,
            records=("m", "u", "step_size"), accumulator="u",
            summary="Adam with the infinity norm in place of the root mean square.",
        ),
        Optimizer(
            "lion", "Lion",
            (_lr(1e-4), _B1, _beta("beta2", 0.99, r"\beta_2", "decay of the momentum"),
             Hyper("weight_decay", 0.0, low=0.0, high=1e3, symbol=r"\lambda", help="decoupled weight decay")),
            _moments_init, _lion_update, _lion_latex,
            records=("m", "step_size"), coupled_weight_decay=False,
            summary="Steps of fixed size in the sign of an interpolated momentum.",
        ),
        Optimizer(
            "newton", "Newton",
            (_lr(1.0),
             Hyper("damping", 0.0, low=0.0, high=1e6, symbol=r"\delta", help="added to the Hessian's diagonal"),
             Hyper("saddle_free", False, "bool", help="use |H| (absolute eigenvalues)")),
            _gd_init, _newton_update, _newton_latex,
            coupled_weight_decay=False, second_order=True, cost=3, update_pair=_newton_update_pair,
            summary="Jumps to the minimum of the local quadratic model (exact Hessian).",
        ),
    )
}  # fmt: skip


def get_optimizer(name: str) -> Optimizer:
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None
