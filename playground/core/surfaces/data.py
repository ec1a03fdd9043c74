"""Data-backed surfaces: a two-parameter model, a small seeded dataset, loss = mean over the data.

``linreg``: ŷ = w·x + b, squared error ½(ŷ − y)², parameters ``(w, b)``. Its labels are the line
y = 1.5x − 0.5 plus ``label_noise`` σ times seeded Gaussian noise: at σ = 0 the model fits every
sample exactly (interpolation), so every sample's gradient vanishes at the minimum.
``logreg``: p(y = 1 | x) = sigmoid(w₁x₁ + w₂x₂), log loss, two weights, two overlapping Gaussian
classes (not separable, so the minimum is finite, and no weight fits every sample).

Besides ``f`` / ``df`` / ``d2f`` (exact, closed form, broadcasting over ``(..., 2)`` like every
surface) each one gives ``batch(idx)``: the value and gradient components ``(f, df)`` of the mean
over the samples ``idx`` only, which the engine uses to draw real mini-batches (engine.py,
``_minibatches``) and the page to show the mini-batch loss.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from .. import cost
from .base import Param, Surface, SurfaceFamily, refine_critical_points

N_SAMPLES = 24
DATA_SEED = 15


def _col(a) -> np.ndarray:
    """Parameters as a column against the samples on the last axis (floats and arrays alike)."""
    return np.asarray(a, dtype=np.float64)[..., None]


def _mean(a: np.ndarray):
    return a.sum(axis=-1) / a.shape[-1]


def _traced(w) -> bool:
    """Whether ``w`` is one of the symbolic stand-ins the exports trace (symbolic.Traced) rather
    than a number or an array: told apart without importing SymPy, which serving never needs."""
    return not isinstance(w, numbers.Number | np.ndarray)


def _over_samples(loss, w, b, *columns: np.ndarray):
    """The mean over the samples of ``loss(w, b, *sample)``: vectorised on floats and arrays; on
    the symbolic stand-ins the exports trace (symbolic.Traced) a sum with one term per sample."""
    if _traced(w):
        n = len(columns[0])
        return sum(loss(w, b, *(float(c[i]) for c in columns)) for i in range(n)) / n
    return _mean(loss(_col(w), _col(b), *columns))


def _softplus(z):
    """log(1 + e^z): NumPy's stable form on numbers, the plain formula on the stand-ins."""
    return (1 + z.exp()).log() if _traced(z) else np.logaddexp(0.0, z)


def _full(w, value: float):
    return float(value) if type(w) is float else np.full(np.shape(w), float(value))


# -- linear regression ------------------------------------------------------------------------
def linreg_data(label_noise: float) -> tuple[np.ndarray, np.ndarray]:
    """The inputs x (N,) and labels y (N,) for a label noise σ; the same x for every σ."""
    rng = np.random.default_rng(DATA_SEED)
    x = rng.uniform(-2.0, 2.0, N_SAMPLES)
    return x, 1.5 * x - 0.5 + label_noise * rng.standard_normal(N_SAMPLES)


def _linreg_fns(x: np.ndarray, y: np.ndarray):
    def f(w, b):
        return _over_samples(lambda w, b, u, v: 0.5 * (w * u + b - v) ** 2, w, b, x, y)

    def df(w, b):
        r = _col(w) * x + _col(b) - y
        return _mean(r * x), _mean(r)

    hxx, hxy = float(_mean(x * x)), float(_mean(x))
    return f, df, lambda w, b: (_full(w, hxx), _full(w, hxy), _full(w, 1.0))


def linreg(label_noise: float = 0.0) -> Surface:
    x, y = linreg_data(label_noise)
    f, df, d2f = _linreg_fns(x, y)
    w, b = np.linalg.lstsq(np.stack([x, np.ones_like(x)], 1), y, rcond=None)[0]
    return _surface(
        "linreg", "Linear regression (data)", (f, df, d2f), (w, b), lambda idx: _linreg_fns(x[idx], y[idx])[:2],
        loss="squared",
        domain=((-1.5, 4.5), (-3.5, 2.5)),
        start=(-1.0, 2.0),
        latex=r"f(x, y) = \frac{1}{N}\sum_{i=1}^{N} \tfrac{1}{2}\,(x\,u_i + y - v_i)^2,\quad "
        r"v_i = 1.5\,u_i - 0.5 + %g\,\varepsilon_i" % label_noise,
        note=(
            "A line v = x·u + y (slope x, intercept y) fitted to %d points (u, v) by least squares; "
            "the loss is the mean over the points. "
            "SGD draws real mini-batches of them. With label noise σ = 0 the line fits every point "
            "exactly, so at the minimum every point's gradient is zero and the mini-batch noise "
            "vanishes; with σ > 0 the points disagree and the noise stays." % N_SAMPLES
        ),
        params={"label_noise": float(label_noise)},
    )  # fmt: skip


# -- logistic regression ----------------------------------------------------------------------
def logreg_data() -> tuple[np.ndarray, np.ndarray]:
    """Features (N, 2) and labels s = ±1 of two overlapping Gaussian classes."""
    rng = np.random.default_rng(DATA_SEED + 1)
    s = np.where(np.arange(N_SAMPLES) % 2 == 0, 1.0, -1.0)
    return s[:, None] * np.array([1.0, 0.5]) + rng.standard_normal((N_SAMPLES, 2)), s


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _logreg_fns(X: np.ndarray, s: np.ndarray):
    a, c = s * X[:, 0], s * X[:, 1]  # the margin is m = a·w1 + c·w2

    def f(w1, w2):
        return _over_samples(lambda w1, w2, a, c: _softplus(-(w1 * a + w2 * c)), w1, w2, a, c)

    def df(w1, w2):
        q = _sigmoid(-(_col(w1) * a + _col(w2) * c))  # −∂ log(1 + e^{−m}) / ∂m
        return _mean(-q * a), _mean(-q * c)

    def d2f(w1, w2):
        m = _col(w1) * a + _col(w2) * c
        v = _sigmoid(m) * _sigmoid(-m)
        return _mean(v * a * a), _mean(v * a * c), _mean(v * c * c)

    return f, df, d2f


def logreg() -> Surface:
    X, s = logreg_data()
    fns = _logreg_fns(X, s)
    return _surface(
        "logreg", "Logistic regression (data)", fns, (0.0, 0.0), lambda idx: _logreg_fns(X[idx], s[idx])[:2],
        loss="logistic",
        domain=((-3.0, 5.0), (-4.0, 4.0)),
        start=(-2.0, 3.0),
        latex=r"f(x, y) = \frac{1}{N}\sum_{i=1}^{N} \log\left(1 + e^{-s_i\,(x\,u_i + y\,v_i)}\right),"
        r"\quad s_i = \pm 1,\ N = %d" % N_SAMPLES,
        note=(
            "A linear classifier with weights (x, y), through the origin, for %d points (u, v) of two "
            "overlapping classes, log loss "
            "averaged over the points. No weight classifies every point, so mini-batches disagree even "
            "at the minimum and SGD keeps jittering there." % N_SAMPLES
        ),
    )  # fmt: skip


def iris_data() -> tuple[np.ndarray, np.ndarray]:
    """Petal length and width of scikit-learn's iris versicolor (s = −1) and virginica (s = +1),
    100 flowers, standardised; the two species overlap, so the minimum is finite."""
    from sklearn.datasets import load_iris  # shipped with scikit-learn, never downloaded; loaded on use

    iris = load_iris()
    keep = iris.target > 0
    X = iris.data[keep][:, 2:4]
    return (X - X.mean(0)) / X.std(0), np.where(iris.target[keep] == 2, 1.0, -1.0)


def iris() -> Surface:
    X, s = iris_data()
    return _surface(
        "iris", "Iris, logistic regression (data)", _logreg_fns(X, s), (0.0, 0.0),
        lambda idx: _logreg_fns(X[idx], s[idx])[:2], n_samples=len(s), loss="logistic",
        domain=((-2.0, 9.0), (-3.0, 8.0)),
        start=(-1.0, 6.0),
        latex=r"f(x, y) = \frac{1}{N}\sum_{i=1}^{N} \log\left(1 + e^{-s_i\,(x\,u_i + y\,v_i)}\right),"
        r"\quad (u_i, v_i) = \text{petal length, width},\ N = %d" % len(s),
        note=(
            "Real data: scikit-learn's iris flowers, versicolor against virginica by petal length and "
            "width (standardised), %d flowers; a linear classifier with weights (x, y). A few flowers of "
            "the two species look alike, so no weight classifies them all and mini-batches keep "
            "disagreeing at the minimum." % len(s)
        ),
    )  # fmt: skip


def _surface(name, title, fns, seed, batch: Callable, loss: str, n_samples: int = N_SAMPLES, **kw) -> Surface:
    return Surface(
        name=name,
        title=title,
        f=fns[0],
        df=fns[1],
        d2f=fns[2],
        critical_points=refine_critical_points(fns, [(float(seed[0]), float(seed[1]), None)]),
        log_z=False,
        noise_scale=1.0,  # SGD draws mini-batches by default (the size of σ plays no part here)
        batch=batch,
        n_samples=n_samples,
        cost=cost.of_samples(n_samples, loss),
        **kw,
    )


FAMILIES: dict[str, SurfaceFamily] = {
    fam.name: fam
    for fam in (
        SurfaceFamily("linreg", "Linear regression (data)", (
            Param("label_noise", 0.0, 0.0, 2.0, "label noise σ of the data (0: the line fits every point)"),
        ), linreg),
        SurfaceFamily("logreg", "Logistic regression (data)", (), logreg),
        SurfaceFamily("iris", "Iris, logistic regression (data)", (), iris),
    )
}  # fmt: skip
