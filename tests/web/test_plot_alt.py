"""The plots' text alternatives (plots/alt.py) say what the figures show: the surface, what the
colours are, and every racer with its line and marker, from the same data as the figures."""

from playground.web import contract, runs
from playground.web.plots import alt, terrain
from playground.web.state import urlstate, validate


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
