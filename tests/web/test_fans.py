"""Seed fans (playground/web/fans.py, runs.fan_all, landscape.fan_paths / fan_bands)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.engine import simulate
from playground.web import runs
from playground.web.fans import Fan, from_runs
from playground.web.state import urlstate, validate
from playground.web.state.limits import MAX_FAN

NOISY = "?surface=linreg&p.label_noise=0.5&opt=gd,sgd&lr.gd=0.05&lr.sgd=0.05&steps=200&seed=4"


def _cfg(query: str):
    cfg, msgs = validate.config(urlstate.from_query(query)[0])
    return cfg, msgs.items


def test_quantiles_and_median_path_by_hand():
    paths = np.array([[[0.0, 0.0], [1.0, 5.0]], [[0.0, 0.0], [3.0, 1.0]], [[0.0, 0.0], [2.0, 3.0]]])
    fan = Fan(paths=paths, loss=np.array([[9.0, 1.0], [9.0, 3.0], [9.0, 2.0]]), final=np.arange(1.0, 6.0),
              seeds=(0, 1, 2))  # fmt: skip
    np.testing.assert_array_equal(fan.median_path, [[0.0, 0.0], [2.0, 3.0]])
    assert fan.spread() == pytest.approx((1.4, 3.0, 4.6))  # linear interpolation over 5 sorted values
    np.testing.assert_allclose(fan.band(fan.loss), [[9.0, 1.2], [9.0, 2.0], [9.0, 2.8]])


def test_a_fan_is_the_racers_runs_seed_by_seed_and_reproducible():
    cfg, _ = _cfg(NOISY + "&fan=5")
    gd, sgd = runs.fan_all(cfg)
    assert gd is None  # gradient descent does not depend on its seed
    assert sgd.seeds == (4, 5, 6, 7, 8)
    surface, start, (_, own) = runs.run_all(cfg)
    np.testing.assert_array_equal(sgd.paths[0], own.positions)  # member 0: the racer's own run
    alone = simulate(surface, "sgd", start, steps=200, lr=0.05, seed=7)
    np.testing.assert_array_equal(sgd.paths[3], alone.positions)
    runs._fan.cache_clear()
    again = runs.fan_all(cfg)[1]
    np.testing.assert_array_equal(again.paths, sgd.paths)
    assert len({p.tobytes() for p in sgd.paths}) == 5  # the seeds really differ
    lo, mid, hi = sgd.band(sgd.loss)
    assert np.all(lo <= mid) and np.all(mid <= hi) and np.any(lo < hi)


@pytest.mark.parametrize(
    "query",
    [NOISY, NOISY.replace("opt=gd,sgd", "opt=gd,adam") + "&fan=5", NOISY + "&batch=24&fan=5",
     "?opt=gd,adam&fan=5"],
    ids=["fan-off", "no-noise", "batch-of-all-the-data", "analytic-deterministic"],
)  # fmt: skip
def test_no_fan_where_nothing_depends_on_the_seed(query):
    cfg, _ = _cfg(query)
    assert runs.fan_all(cfg) == [None, None]
    assert not any(t.get("meta", {}).get("role") == "fan" for t in runs.view(cfg)["contour"]["data"])


def test_a_gaussian_noise_racer_fans_too():
    cfg, _ = _cfg("?surface=rosenbrock&opt=sgd&steps=100&fan=3")
    (fan,) = runs.fan_all(cfg)
    assert fan is not None and fan.paths.shape == (3, 101, 2)


def test_the_fan_setting_is_validated_and_linked():
    cfg, notes = _cfg(NOISY + "&fan=20")
    assert cfg.fan == 20 and notes == [] and "fan=20" in urlstate.to_query(cfg)
    assert "fan" not in urlstate.to_query(_cfg(NOISY)[0])  # off: not in the link
    cfg, notes = _cfg(NOISY + "&fan=999")
    assert cfg.fan == MAX_FAN and notes == [
        ("input-fan", f"fan seeds K must be in [0, {MAX_FAN}]; '999' was clamped to {MAX_FAN}")
    ]
    cfg, notes = _cfg(NOISY + "&fan=many")
    assert cfg.fan == 0 and notes and notes[0][0] == "input-fan"


def test_the_drawn_fan_on_the_map_loss_chart_and_table():
    cfg, _ = _cfg(NOISY + "&fan=6")
    view = runs.view(cfg)
    fan = runs.fan_all(cfg)[1]
    paths, median = (t for t in view["contour"]["data"] if t.get("meta", {}).get("role") == "fan")
    xs = _decode(paths["x"])
    assert xs.size == 6 * (201 + 1) and np.isnan(xs[201::202]).all()  # one gap after each seed's path
    np.testing.assert_allclose(_decode(median["x"]), fan.median_path[:, 0], rtol=1e-6)
    band, mid = (t for t in view["loss"]["data"] if t["meta"]["role"] == "fan")
    fglob = runs.surface_of(cfg).fglob
    np.testing.assert_allclose(mid["meta"]["y"]["linear"], np.quantile(fan.loss, 0.5, axis=0), rtol=1e-12)
    np.testing.assert_allclose(np.array(mid["meta"]["y"]["log"]), np.array(mid["meta"]["y"]["linear"]) - fglob,
                               rtol=1e-9)  # fmt: skip
    assert mid["y"] == mid["meta"]["y"]["log"]  # drawn first on the log scale, as the switch starts
    assert len(band["meta"]["y"]["linear"]) == 2 * 201 and band["fill"] == "toself"
    spread = view["run"]["racers"][1]["fan"]
    assert spread == {"seeds": 6, "final": list(fan.spread())} and view["run"]["racers"][0]["fan"] is None


def test_a_fan_redraws_the_map_for_every_run_and_no_fan_keeps_it():
    keys = [
        runs.view(_cfg(NOISY.replace("seed=4", f"seed={s}") + fan)[0])["key"]
        for fan in ("", "&fan=3")
        for s in (1, 2)
    ]
    assert keys[0] == keys[1] and keys[2] != keys[3]


def test_from_runs_keeps_each_runs_last_real_loss():
    left = simulate("rosenbrock", "adam", (-1.0, 1.0), steps=100, lr=10.0)
    fan = from_runs([left])
    assert fan.final[0] == left.loss[int(left.last_kept)]


def _decode(spec) -> np.ndarray:
    import base64

    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"]).astype(float)


@pytest.mark.parametrize(
    ("query", "seeds"),
    [("?opt=sgd,adam,momentum&steps=2000&fan=20", 20),  # 20 x 3 x 2000 = the budget exactly
     ("?opt=sgd,adam,momentum&steps=5000&fan=50", 8),  # 120000 // 15000
     ("?opt=" + ",".join(["sgd"] + [f"sgd~{k}" for k in range(2, 13)]) + "&steps=5000&fan=50", 2),
     ("?opt=" + ",".join(["newton"] + [f"newton~{k}" for k in range(2, 13)]) + "&noise=1&steps=5000&fan=50", 2)],
    ids=["at-the-budget", "cut", "twelve-racers", "steps-cut-too"],
)  # fmt: skip
def test_a_fan_is_cut_to_the_work_one_request_may_do(query, seeds):
    cfg, notes = _cfg(query)
    assert cfg.fan == seeds
    cut = [t for c, t in notes if c == "input-fan"]
    asked = int(query.rsplit("fan=", 1)[1])
    assert (cut != []) == (seeds < asked)
    if cut:
        assert cut[0].startswith(f"a fan of {asked} seeds") and cut[0].endswith(f"ran {seeds} seeds")
    assert cfg.fan * validate.work_per_step(cfg) * cfg.steps <= validate.FAN_BUDGET
