"""The plots' text alternatives (plots/alt.py) say what the figures show: the surface, what the
colours are, and every racer with its line and marker, from the same data as the figures."""

import numpy as np
import pytest

from playground.batch.tune import Tuned
from playground.web import contract, evidence, lesson_box, runs
from playground.web.lessons import LESSON_BY_ID
from playground.web.plots import alt, charts, terrain
from playground.web.state import urlstate, validate
from playground.web.views import _maps_figures, maps


def _cfg(query: str) -> validate.Config:
    return validate.config(urlstate.from_query(query)[0])[0]


def test_names_follow_the_racers_and_the_surface():
    cfg = _cfg("surface=himmelblau&opt=adam,sgd")
    surface, _, trajs = runs.run_all(cfg)
    texts = runs.pack(cfg, surface, trajs)["alt"]
    assert set(texts) == {
        contract.IDS.surface,
        contract.IDS.contour,
        contract.IDS.loss_chart,
        contract.IDS.schedule_chart,
    }
    meta = runs.racer_meta(cfg)
    for t in texts.values():
        for m in meta:  # each racer by its name, its dash in words and its symbol, as drawn
            assert f"{m['label']} ({m['line_words']} line, {m['symbol']})" in t["label"] + t["description"]
    assert "Himmelblau" in texts[contract.IDS.contour]["label"]
    assert terrain.map_height_title(surface) in texts[contract.IDS.contour]["description"]
    assert terrain.height_title(surface) in texts[contract.IDS.surface]["description"]


def test_racer_list_reads_as_a_sentence():
    looks = [{"label": n, **contract.racer_look(i)} for i, n in enumerate(["A", "B", "C"])]
    assert (
        alt.racer_list(looks)
        == "A (solid line, circle), B (dashed line, square) and C (dotted line, diamond)"
    )
    assert alt.racer_list(looks[:1]) == "A (solid line, circle)"
    assert alt.racer_list([]) == "no optimizer"


# -- every other plot: the words travel in the figure (layout.meta.alt, plots/alt.py `carried`) --


def _alt(fig) -> dict:
    layout = fig["layout"] if isinstance(fig, dict) else fig.to_dict()["layout"]
    text = layout["meta"]["alt"]
    assert text["label"] and text["description"]
    return text


def _whole(text: dict) -> str:
    return text["label"] + " " + text["description"]


def test_the_inspect_chart_names_its_racer_its_lines_and_its_accumulator():
    cfg = _cfg("surface=rosenbrock&opt=sgd,adam")
    surface, _, trajs = runs.run_all(cfg)
    run = runs.pack(cfg, surface, trajs)
    for r in run["racers"]:
        text = r["state_alt"]
        assert (
            text["label"]
            == f"Effective step size per step of {r['label']} ({r['line_words']} line, {r['symbol']})"
        )
        # the chart's own lines: one per coordinate, in the dashes charts.STATE_COORDINATES draws
        assert "x as a solid line and y as a dashed line" in text["description"]
        assert bool(r["state_axis"]) == (f"its {r['state_axis']}" in text["description"])
    assert run["racers"][1]["state_axis"]  # Adam's accumulator is drawn and said
    assert "no optimizer" in run["state_layout"]["meta"]["alt"]["label"]


def test_the_ewma_chart_says_its_beta_and_its_three_series():
    fig = charts.ewma_figure(0.8)
    text = _alt(fig)
    assert "β = 0.8" in text["label"]
    for trace in fig["data"]:
        assert trace["name"] in text["description"]
    assert "(dots)" in text["description"] and "(dashed line)" in text["description"]
    assert f"from 1 to {len(charts.ewma_series(0.8)[0])}" in text["description"]


@pytest.mark.parametrize("lesson_id", ["rotation", "ravine"])
def test_a_lesson_chart_says_its_quantity_racers_last_values_and_comparison(lesson_id):
    lesson = LESSON_BY_ID[lesson_id]
    cfg = lesson_box.lesson_config(lesson_id)
    fig = lesson_box.evidence_figure(cfg, lesson)
    text = _alt(fig)
    q = evidence.QUANTITIES[lesson.evidence]
    meta = runs.racer_meta(cfg)
    surface, _, trajs = runs.run_all(cfg)
    series = evidence.series(lesson.evidence, surface, trajs)
    assert text["label"].startswith(f"Lesson chart: {q.title(meta[0]['label'])} per step of ")
    for m, s in zip(meta, series):
        if s is None:
            continue
        last = s[np.isfinite(s)][-1]
        assert f"{m['label']} ({m['line_words']} line" in text["label"]
        assert f"{m['label']} {last:.3g}" in text["description"]  # its value at the last step
    refs = [t["name"] for t in fig["data"] if t.get("meta", {}).get("role") == contract.ROLES.reference]
    assert bool(refs) == (lesson.reference is not None)
    for name in refs:
        assert name in text["description"].split("Dashed, for comparison:")[1]


def test_the_maps_say_which_map_surface_racer_and_settings():
    race = "surface=himmelblau&opt=momentum,adam&steps=300"
    basin = maps.plan("basin", race, 1, 20)
    text = _alt(maps.skeleton(basin))
    assert (
        text["label"]
        == f"Basin map of the Himmelblau surface for Adam, learning rate {basin.cfg.racers[1].lr:.3g}"
    )
    for name, _, _ in _maps_figures.basin_categories(runs.surface_of(basin.cfg).minima):
        assert name in text["description"]  # every colour band of the map, in words
    assert "20 × 20 start points" in text["description"] and "after 300 steps" in text["description"]
    sweep = _alt(maps.skeleton(maps.plan("sweep", race, 0, 30)))
    assert (
        "Momentum and Adam" in sweep["label"] and "30 learning rates from 1e-05 to 3" in sweep["description"]
    )
    phase_fig = maps.skeleton(maps.plan("phase", race, 0, 10))
    phase = _alt(phase_fig)
    edges = [t["name"] for t in phase_fig["data"] if t["type"] == "contour"]
    assert phase["label"] == "Phase diagram of Momentum on the Himmelblau surface: learning rate × momentum"
    assert all(e in phase["description"] for e in edges)
    assert _alt(_maps_figures.waiting("No map: why"))["description"] == "No map: why"


def test_tuning_names_each_racer_and_its_best_setting():
    results = [
        Tuned("momentum", "momentum", 0.0123, 0.9, 1.5e-4, []),
        Tuned("adam", "beta1", None, None, np.inf, []),
    ]
    looks = [
        {"label": n, "color": "#000000", **contract.racer_look(i)} for i, n in enumerate(["Momentum", "Adam"])
    ]
    text = _alt(_maps_figures.tune_figure(results, looks))
    assert "Momentum (solid line, circle) and Adam (dashed line, square)" in text["label"]
    assert "Momentum lr 0.0123 momentum 0.9 (score 0.00015) and Adam none stable" in text["description"]
