"""Every lesson's sentence, checked on what the page draws: the evidence chart beside the text
(lesson_box.evidence_figure) and the statuses the results table shows."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from playground.batch.maps import basin
from playground.web import evidence, lesson_box, runs
from playground.web.contract import ROLES
from playground.web.lessons import LESSON_BY_ID, LESSONS
from playground.web.state import urlstate, validate
from playground.web.views import maps as maps_view


def _decode(spec) -> np.ndarray:
    if isinstance(spec, dict):
        return np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"])
    return np.asarray(spec, dtype=float)


def drawn(lesson_id: str) -> tuple[list[np.ndarray], list]:
    """The evidence series as the lesson box draws them, and the runs behind them."""
    lesson = LESSON_BY_ID[lesson_id]
    raw, notices, _ = urlstate.from_query("?" + lesson.query)
    cfg, msgs = validate.config(raw)
    assert notices == [] and msgs.items == [], "a lesson's link is read without a note"
    assert lesson_box.shows(cfg, lesson)
    if lesson.evidence is None:  # a map lesson: the map is its evidence (basins_not_nearest)
        assert "graph-lesson" not in str(lesson_box.box(cfg, lesson))
        return [], runs.run_all(cfg)[2]
    own = [t for t in lesson_box.evidence_figure(cfg, lesson)["data"] if "meta" not in t]
    labels = [m["label"] for m in runs.racer_meta(cfg)]
    # every racer's curve, by its name; a relative quantity's reference racer is not drawn
    skip = 1 if evidence.QUANTITIES[lesson.evidence].relative else 0
    assert [t["name"] for t in own] == labels[skip:]
    return [None] * skip + [_decode(t["y"]) for t in own], runs.run_all(cfg)[2]


def legend_title(lesson_id: str) -> str:
    fig = lesson_box.evidence_figure(lesson_box.lesson_config(lesson_id), LESSON_BY_ID[lesson_id])
    return fig["layout"]["legend"]["title"]["text"]


def NOISY_OFF_EXACT(s, t, lesson_id: str) -> bool:
    """The noise and batch lessons' chart: the exact path (gradient descent, no noise) is the
    reference, named in the legend and not drawn; the one curve drawn is the noisy SGD's
    distance from it, never 0 after the start, and it is what the two runs' points give."""
    exact, noisy = t
    apart = np.linalg.norm(noisy.positions - exact.positions, axis=1)
    return (
        exact.noise == 0 < noisy.noise
        and s[0] is None
        and legend_title(lesson_id).startswith("off Gradient descent's path")
        and np.allclose(s[1], apart, rtol=1e-12, atol=0)
        and s[1][1:].min() > 0
    )


def drawn_references(lesson_id: str) -> list[np.ndarray]:
    """The dashed curves a lesson's chart draws for the comparison its text makes."""
    lesson = LESSON_BY_ID[lesson_id]
    fig = lesson_box.evidence_figure(lesson_box.lesson_config(lesson_id), lesson)
    refs = [t for t in fig["data"] if t.get("meta", {}).get("role") == ROLES.reference]
    assert len(refs) == len(lesson.reference.racers)
    assert all(r["name"].endswith(lesson.reference.suffix) and r["line"]["dash"] == "dash" for r in refs)
    return [_decode(r["y"]) for r in refs]


def early(a, lo=10, hi=30):
    """The largest swing (either sign) over steps lo..hi."""
    return float(np.nanmax(np.abs(a[lo:hi])))


def head(a, n=10):
    return float(np.nanmean(a[:n]))


def tail(a, n=10):
    return float(np.nanmean(a[-n:]))


# (series, runs) -> bool: what each lesson's text claims, on the drawn quantity
STORIES = {
    # the zig-zag across the valley dies out fast with momentum, and momentum ends far lower
    "ravine": lambda s, t: (
        early(s[1]) < 0.2 * early(s[0])
        and t[1].loss[-1] < 1e-3 * t[0].loss[-1]
        and [int(np.argmax(r.positions[:, 0] > -0.1)) for r in t] == [174, 84]  # the steps the text names
    ),
    "rotation": lambda s, t: ROTATION_STORY(s, t),
    "nag": lambda s, t: early(s[1], 5, 60) < 0.5 * early(s[0], 5, 60),
    "adagrad-rmsprop": lambda s, t: tail(s[0]) < 0.1 * head(s[0]) and tail(s[1]) > 0.3 * head(s[1]),
    "beale": lambda s, t: (
        tail(s[2]) < tail(s[1]) < 1e-3 * tail(s[0])
        and (np.diff(np.log10(s[1][100:])) > 0.1).sum() >= 5  # RMSProp jumps back up again and again
        and np.all(np.diff(s[2][100:]) <= 0)  # Adam's keeps falling
    ),
    "noise": lambda s, t: NOISY_OFF_EXACT(s, t, "noise") and tail(s[1]) > 0.02,
    # four times closer than the dashed batch-1 curve beside it, which is the noise lesson's own
    "batch": lambda s, t: (
        NOISY_OFF_EXACT(s, t, "batch")
        and 0 < s[1].mean() < 0.35 * drawn_references("batch")[0].mean()
        and np.array_equal(drawn_references("batch")[0], drawn("noise")[0][1])
    ),
    "minibatch": lambda s, t: MINIBATCH_STORY(s, t),
    "lr": lambda s, t: (
        str(t[0].status) == "left"
        and s[0][-1] > 100 * s[0][0]  # 1.05: grows until it leaves
        and str(t[1].status) == "minimum"
        and tail(s[2]) > 1e3 * s[1][-1]  # 0.0005 crawls
        and s[2][-1] > 0.64 * s[2][0]  # less than a fifth of the way (f - f* goes with the distance squared)
    ),
    "schedule-step": lambda s, t: s[0][300] == pytest.approx(0.1 * s[0][0]) and s[0][299] == s[0][0],
    "schedule-cosine": lambda s, t: s[0][500] == pytest.approx(0.5 * s[0][0]) and s[0][-1] < 1e-5 * s[0][0],
    "schedule-restarts": lambda s, t: (
        s[0][100] == s[0][0] > s[0][99]
        and s[0][300] == s[0][0]
        and all(str(r.status) == "minimum" and int(r.stopped_at) < 350 for r in t)  # both settled...
        and int(t[0].minimum) == int(t[1].minimum)  # ...in the same minimum
    ),
    "schedule-warmup": lambda s, t: (
        s[0][0] == pytest.approx(0.01)  # from 1 % of the rate
        and s[0][50] == pytest.approx(0.505)  # linearly
        and s[0][100] == pytest.approx(1.0)
        and s[0][-1] < 1e-4
    ),
    "newton-bowl": lambda s, t: (
        s[1].size == 2
        and s[1][-1] <= 1e-8 * s[1][0]
        and t[1].loss[-1] < 1e-20  # Newton: there in one step
        and np.all(np.diff(np.sign(t[0].positions[:8, 1])) != 0)  # GD bounces across the valley
        and 4e-5 < s[0][-1] < 6e-5  # and is still 5e-5 above after 30
        and str(t[1].status) == "minimum"
    ),
    "newton-saddle": lambda s, t: (
        str(t[0].status) == "saddle"
        and abs(s[0][-1]) < 1e-6  # plain Newton sits on the saddle, f = 0
        and str(t[1].status) == "left"
        and s[1][-1] < -100  # |H| escapes downhill
        and int(t[1].stopped_at) < int(t[2].stopped_at)  # sooner than gradient descent
    ),
    "adamw": lambda s, t: ADAMW_STORY(s, t),
    "plateau": lambda s, t: head(s[1]) > 100 * head(s[0]) and str(t[1].status) == "minimum",
    "basins": lambda s, t: (lambda share: share[0] < 0.03 and 0.25 < share[1] < 0.35)(basins_not_nearest()),
    "conventions-momentum": lambda s, t: (
        np.allclose(s[0][:100], s[1][:100], rtol=1e-9, atol=0)
        and s[1][101:120].mean() > 2 * s[0][101:120].mean()
    ),
    "conventions-eps": lambda s, t: 6 < s[0][-1] / s[1][-1] < 7,  # "more than six times closer"
    # the distance between the paths is mu times the look-ahead run's velocity, step for step
    "conventions-nag": lambda s, t: (
        np.allclose(s[1][1:], 0.95 * np.linalg.norm(t[0].state["velocity"], axis=1), rtol=1e-9, atol=1e-12)
        and s[1][1] > 0.5
    ),
}


def basins_not_nearest() -> list[float]:
    """Per racer of the basins lesson, on the map it shows (the default 120 x 120 starts): the
    share of the starts that reached a minimum and reached one that is not the nearest."""
    cfg = validate.config(urlstate.from_query("?" + LESSON_BY_ID["basins"].query)[0])[0]
    out = []
    for setup in maps_view.plan("basin", lesson_box.canonical_query("basins"), 0, None).setups:
        c = basin(setup, 120, 120)
        mins = np.array([m.xy for m in setup.surface.minima])
        nearest = ((c.start[:, None, :] - mins) ** 2).sum(-1).argmin(1)
        reached = c.status == "minimum"
        out.append(float((reached & (c.minimum != nearest)).sum() / reached.sum()))
    assert len(out) == len(cfg.racers)
    return out


def ROTATION_STORY(s, t) -> bool:
    """Gradient descent draws the unturned ravine's f − f* step for step (its dashed twin);
    RMSProp and Adam reach the minimum unturned (their dashed curves stop there) and end 100
    times above their unturned curve's last value, turned."""
    flat = drawn_references("rotation")
    query = LESSON_BY_ID["rotation"].query.replace("p.rotation=45", "p.rotation=0")
    plain = runs.run_all(validate.config(urlstate.from_query("?" + query)[0])[0])[2]
    invariant = np.allclose(s[0], flat[0], rtol=1e-6, atol=0)
    lost = all(
        str(plain[i].status) == "minimum" and str(t[i].status) == "running" and s[i][-1] > 100 * flat[i][-1]
        for i in (1, 2)
    )
    return invariant and lost


def ADAMW_STORY(s, t) -> bool:
    """Adam with L2 settles on the minimum of f + λ‖θ‖²/2 (Booth is quadratic: solved by hand,
    (H + λI) θ = −∇f(0)), 0.29 from f's; AdamW hovers about 1.6 away."""
    surface = runs.run_all(lesson_box.lesson_config("adamw"))[0]
    lam = 0.5
    h = surface.hessian(np.zeros(2))
    want = np.linalg.solve(h + lam * np.eye(2), -surface.gradient(np.zeros(2)))
    return (
        np.allclose(t[0].positions[-1], want, atol=1e-3)
        and abs(s[0][-1] - 0.29) < 0.01
        and 1.5 < tail(s[1], 200) < 1.7
    )


def MINIBATCH_STORY(s, t) -> bool:
    """On the interpolating data SGD (batch 1) reaches the minimum like GD; with label noise 0.5
    the same SGD is still jittering, about 0.06 off on average over its last 100 steps."""
    fits = all(str(r.status) == "minimum" for r in t) and s[1][-1] < 1e-5
    fits &= (int(t[1].stopped_at), int(t[0].stopped_at)) == (328, 344)  # the steps the text names
    query = LESSON_BY_ID["minibatch"].query.replace("surface=linreg", "surface=linreg&p.label_noise=0.5")
    cfg = validate.config(urlstate.from_query("?" + query)[0])[0]
    surface, _, noisy = runs.run_all(cfg)
    off = evidence.series("distance", surface, noisy)
    return (
        fits
        and str(noisy[0].status) == "minimum"
        and str(noisy[1].status) == "running"
        and tail(off[1], 100) > 0.02
    )


def test_every_lesson_has_a_story_check():
    assert set(STORIES) == set(LESSON_BY_ID) and len(LESSONS) >= 10


@pytest.mark.parametrize("lesson_id", list(STORIES))
def test_each_lesson_shows_what_it_claims(lesson_id):
    series, trajs = drawn(lesson_id)
    assert STORIES[lesson_id](series, trajs)


@pytest.mark.parametrize("lesson_id", [k for k, v in LESSON_BY_ID.items() if v.evidence is not None])
def test_no_lesson_draws_a_curve_that_says_nothing(lesson_id):
    """A curve flat at 0 reads as "this one stays put": drawn for a racer that moves, it says
    the opposite of the run (the noise lesson drew gradient descent's distance from itself). Every
    drawn curve of every lesson changes over the steps, and a relative chart names its reference."""
    series, trajs = drawn(lesson_id)
    for s, t in zip(series, trajs):
        if s is None:
            continue
        finite = s[np.isfinite(s)]
        assert finite.size > 1 and np.ptp(finite) > 0, (lesson_id, t.optimizer)
    if series[0] is None:
        assert trajs[0].optimizer and "path" in legend_title(lesson_id)


@pytest.mark.parametrize("lesson_id", list(STORIES))
def test_lesson_racers_have_distinct_names(lesson_id):
    cfg = validate.config(urlstate.from_query("?" + LESSON_BY_ID[lesson_id].query)[0])[0]
    labels = [m["label"] for m in runs.racer_meta(cfg)]
    assert len(set(labels)) == len(labels)


def test_a_changed_setting_withdraws_the_lesson_text():
    lesson = LESSON_BY_ID["ravine"]
    cfg = validate.config(urlstate.from_query("?" + lesson.query)[0])[0]
    assert lesson_box.shows(cfg, lesson)
    cfg.steps = 299
    assert not lesson_box.shows(cfg, lesson)
    box = lesson_box.box(cfg, lesson)[0]
    assert "Back to the lesson" in str(box) and lesson_box.lesson_link(lesson) in str(box)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda le: le.id)
def test_a_link_naming_only_the_lesson_opens_the_lesson(lesson):
    # ?lesson=ravine alone used to open the default race under "You changed the settings"
    cfg = validate.config(urlstate.from_query(urlstate.settings_search(f"/?lesson={lesson.id}"))[0])[0]
    assert lesson_box.shows(cfg, lesson)
    # a link with a setting of its own keeps it (and the page says it left the lesson)
    own = urlstate.settings_search(f"/?lesson={lesson.id}&steps=7")
    assert own == f"lesson={lesson.id}&steps=7"
    assert not lesson_box.shows(validate.config(urlstate.from_query(own)[0])[0], lesson)
