"""One runner, several backends: `simulate(..., history=False)` with many starts runs on the batch
layer's streamed loop (or its compiled loop) and gives, to the bit, the outcomes of the full runs
and of each start run alone; the spec every backend reads is validated once and frozen."""

import dataclasses

import numpy as np
import pytest

from playground import OPTIMIZERS, ConfigError, Outcomes, RunSpec, resolve_run, simulate
from playground.core import engine
from playground.core.surfaces import get_surface

FIELDS = [f.name for f in dataclasses.fields(Outcomes)]


def _starts(surface: str, n: int, draw: int = 0) -> np.ndarray:
    (x0, x1), (y0, y1) = get_surface(surface).domain
    return np.random.default_rng(draw).uniform([x0, y0], [x1, y1], size=(n, 2))


def assert_outcomes_equal(a: Outcomes, b: Outcomes) -> None:
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def _some_statuses(out: Outcomes) -> None:
    """The comparison is not vacuous: the runs ended in more than one way."""
    assert len(set(np.atleast_1d(out.status).tolist())) >= 2, out.status


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_outcomes_only_equal_the_full_runs_outcomes_for_every_optimizer(optimizer):
    starts = _starts("himmelblau", 40)
    kw = {"steps": 60, "lr": float(np.clip(OPTIMIZERS[optimizer].lr_for_page * 3, 0, 1))}
    full = simulate("himmelblau", optimizer, starts, record_state=False, **kw)
    streamed = simulate("himmelblau", optimizer, starts, history=False, compiled=False, **kw)
    assert_outcomes_equal(streamed, full.outcomes())


@pytest.mark.parametrize(
    "kw",
    [
        {"noise": 2.0, "seed": 7},
        {"schedule": "plateau"},
        {"schedule": "cosine", "gtol": 0.0, "xtol": 0.0},
        {"hyper": {"weight_decay": 0.1}},
    ],
    ids=["noise", "plateau", "cosine-no-early-stop", "weight-decay"],
)
def test_outcomes_only_equal_each_start_run_alone(kw):
    starts = _starts("rosenbrock", 12, draw=3)
    lrs = np.geomspace(1e-3, 2.0, len(starts))  # from slow to blowing up: several statuses
    for lr in (lrs[0], lrs[-1]):
        batch = simulate("rosenbrock", "adam", starts, steps=80, lr=float(lr), history=False, **kw)
        for i, p in enumerate(starts):
            one = simulate("rosenbrock", "adam", p, steps=80, lr=float(lr), record_state=False, **kw)
            alone = one.outcomes()
            for name in FIELDS:
                np.testing.assert_array_equal(getattr(batch, name)[i], getattr(alone, name), err_msg=name)


def test_a_single_start_gives_the_outcome_of_its_run():
    tr = simulate("himmelblau", "momentum", (0.5, -1.0), steps=300, lr=0.01)
    out = simulate("himmelblau", "momentum", (0.5, -1.0), steps=300, lr=0.01, history=False)
    assert_outcomes_equal(out, tr.outcomes())
    assert np.ndim(out.status) == 0 and np.shape(out.final_point) == (2,)


def test_without_batch_backends_the_core_gives_the_same_outcomes(monkeypatch):
    starts = _starts("himmelblau", 30, draw=1)
    with_batch = simulate("himmelblau", "momentum", starts, steps=300, lr=0.02, history=False)
    monkeypatch.setattr(engine, "_OUTCOME_BACKENDS", [])
    core_alone = simulate("himmelblau", "momentum", starts, steps=300, lr=0.02, history=False)
    assert_outcomes_equal(with_batch, core_alone)
    _some_statuses(core_alone)


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau", "saddle"])
def test_every_output_names_the_nearest_minimum_whatever_its_status(surface):
    s = get_surface(surface)
    tr = simulate(surface, "sgd", _starts(surface, 60, draw=2), steps=40, lr=0.02, record_state=False)
    end = tr.positions[-1]
    if not s.minima:
        assert (tr.minimum == -1).all() and np.isnan(tr.minimum_distance).all()
        return
    d = np.hypot(*(end[:, None, :] - np.array([c.xy for c in s.minima])).transpose(2, 0, 1))
    np.testing.assert_allclose(tr.minimum_distance, d.min(1), rtol=1e-12)
    np.testing.assert_allclose(d[np.arange(len(end)), tr.minimum], d.min(1), rtol=1e-12)
    assert (tr.status != "minimum").any()  # runs that reached none name one too


def test_the_spec_is_validated_once_and_frozen():
    spec = resolve_run("rosenbrock", "adam", [[0.0, 1.0], [1.5, 2.0]], steps=10, lr=0.1)
    assert isinstance(spec, RunSpec) and spec.n == 2 and spec.lr == 0.1 and not spec.single
    assert spec.hyper["beta1"] == OPTIMIZERS["adam"].resolve()["beta1"]  # defaults filled in
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.steps = 20  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.hyper["lr"] = 1.0  # type: ignore[index]
    with pytest.raises(ValueError):
        spec.starts[0, 0] = 3.0


@pytest.mark.parametrize(
    ("kw", "words"),
    [({"gtol": "1e-6"}, "gtol"), ({"xtol": float("nan")}, "xtol"), ({"steps": 2.5}, "steps")],
)
def test_bad_run_settings_are_refused_with_their_reason(kw, words):
    with pytest.raises(ConfigError, match=words):
        simulate("rosenbrock", "adam", **kw)
