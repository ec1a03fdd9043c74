"""Independent scalar re-statements of the published update rules, for checking the engine.

Written straight from the formulas (PyTorch documentation's pseudocode, the seeds' NAG,
the Lion paper, Newton's method) in plain Python floats, one coordinate at a time.
"""

import math


def sign(x):
    return float(x > 0) - float(x < 0)


# the optimizers restated here (newer ones have oracle tests against their own references)
KNOWN = frozenset(
    ("gd", "sgd", "momentum", "nag", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "radam",
     "adamax", "lion")
)  # fmt: skip


def run(name, hp, theta, grad, steps):
    """Positions after each of ``steps`` steps; ``grad(theta) -> list`` per coordinate."""
    th = list(theta)
    d = len(th)
    lr = hp["lr"]
    wd = hp.get("weight_decay", 0.0)
    buf = [0.0] * d
    m = [0.0] * d
    v = [0.0] * d
    vmax = [0.0] * d
    u = [0.0] * d
    acc = [hp.get("initial_accumulator_value", 0.0)] * d
    mu_prod = 1.0
    # weight decay on the weights, not through the gradient (lion's is in its own line below)
    decoupled = name in ("adamw", "lion", "newton") or hp.get("decoupled_weight_decay", False)
    out = []
    for t in range(1, steps + 1):
        if name == "nag" and hp["form"] == "lookahead":
            look = [th[i] - hp["momentum"] * buf[i] for i in range(d)]
            g = [gi + wd * li for gi, li in zip(grad(look), look)]
        else:
            g = grad(th)
            if not decoupled:
                g = [g[i] + wd * th[i] for i in range(d)]
            elif name in ("adam", "nadam", "radam"):  # decoupled_weight_decay=True: as AdamW
                th = [x * (1 - lr * wd) for x in th]
        new = []
        for i in range(d):
            gi, x = g[i], th[i]
            if name in ("gd", "sgd"):
                x = x - lr * gi
            elif name == "momentum":
                mu = hp["momentum"]
                if hp["form"] == "pytorch":
                    buf[i] = gi if t == 1 else mu * buf[i] + (1 - hp["dampening"]) * gi
                    x = x - lr * buf[i]
                elif hp["form"] == "ema":
                    buf[i] = mu * buf[i] + (1 - mu) * gi
                    x = x - lr * buf[i]
                else:
                    buf[i] = mu * buf[i] + lr * gi
                    x = x - buf[i]
            elif name == "nag":
                mu = hp["momentum"]
                if hp["form"] == "lookahead":
                    buf[i] = mu * buf[i] + lr * gi
                    x = x - buf[i]
                else:
                    buf[i] = gi if t == 1 else mu * buf[i] + gi
                    x = x - lr * (gi + mu * buf[i])
            elif name == "adagrad":
                clr = lr / (1 + (t - 1) * hp["lr_decay"])
                acc[i] += gi * gi
                den = (
                    math.sqrt(acc[i] + hp["eps"]) if hp["eps_inside_sqrt"] else math.sqrt(acc[i]) + hp["eps"]
                )
                x = x - clr * gi / den
            elif name == "rmsprop":
                a = hp["alpha"]
                v[i] = a * v[i] + (1 - a) * gi * gi
                var = v[i]
                if hp["centered"]:
                    m[i] = a * m[i] + (1 - a) * gi
                    var = v[i] - m[i] ** 2
                den = math.sqrt(var + hp["eps"]) if hp["eps_inside_sqrt"] else math.sqrt(var) + hp["eps"]
                if hp["momentum"] > 0:
                    buf[i] = hp["momentum"] * buf[i] + gi / den
                    x = x - lr * buf[i]
                else:
                    x = x - lr * gi / den
            elif name == "adadelta":
                r, e = hp["rho"], hp["eps"]
                v[i] = r * v[i] + (1 - r) * gi * gi
                delta = math.sqrt(u[i] + e) / math.sqrt(v[i] + e) * gi
                u[i] = r * u[i] + (1 - r) * delta * delta
                x = x - lr * delta
            elif name in ("adam", "adamw"):
                b1, b2 = hp["beta1"], hp["beta2"]
                if name == "adamw":
                    x = x * (1 - lr * wd)
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                vmax[i] = max(vmax[i], v[i])
                vv = vmax[i] if hp["amsgrad"] else v[i]
                if hp["bias_correction"]:
                    x = x - lr * (m[i] / (1 - b1**t)) / (math.sqrt(vv / (1 - b2**t)) + hp["eps"])
                else:
                    x = x - lr * m[i] / (math.sqrt(vv) + hp["eps"])
            elif name == "nadam":
                b1, b2, psi = hp["beta1"], hp["beta2"], hp["momentum_decay"]
                mu_t = b1 * (1 - 0.5 * 0.96 ** (t * psi))
                mu_n = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
                if i == 0:
                    mu_prod *= mu_t
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                den = math.sqrt(v[i] / (1 - b2**t)) + hp["eps"]
                x = (
                    x
                    - lr * (1 - mu_t) / (1 - mu_prod) * gi / den
                    - lr * mu_n / (1 - mu_prod * mu_n) * m[i] / den
                )
            elif name == "radam":
                b1, b2 = hp["beta1"], hp["beta2"]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                mhat = m[i] / (1 - b1**t)
                rinf = 2 / (1 - b2) - 1
                rt = rinf - 2 * t * b2**t / (1 - b2**t)
                if rt > 5:
                    r = math.sqrt((rt - 4) * (rt - 2) * rinf / ((rinf - 4) * (rinf - 2) * rt))
                    x = x - lr * mhat * r * math.sqrt(1 - b2**t) / (math.sqrt(v[i]) + hp["eps"])
                else:
                    x = x - lr * mhat
            elif name == "adamax":
                b1, b2 = hp["beta1"], hp["beta2"]
                m[i] = b1 * m[i] + (1 - b1) * gi
                u[i] = max(b2 * u[i], abs(gi) + hp["eps"])
                x = x - lr / (1 - b1**t) * m[i] / u[i]
            elif name == "lion":
                b1, b2 = hp["beta1"], hp["beta2"]
                c = b1 * m[i] + (1 - b1) * gi
                x = x - lr * (sign(c) + wd * x)
                m[i] = b2 * m[i] + (1 - b2) * gi
            new.append(x)
        th = new
        out.append(list(th))
    return out
