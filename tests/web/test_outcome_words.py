"""The page words a run's outcome with core.outcome's function, the one the CLI and the
exports use: the server sends the words whole, the browser's copy holds no template."""

import json
from pathlib import Path

import numpy as np

from playground import simulate
from playground.core import outcome as O
from playground.core.surfaces import get_surface
from playground.web import contract, runs
from playground.web.state import urlstate, validate


def _racers(query: str) -> tuple[list[dict], list]:
    cfg, msgs = validate.config(urlstate.from_query(query)[0])
    assert msgs.items == []
    surface, _, trajs = runs.run_all(cfg)
    return runs.pack(cfg, surface, trajs)["racers"], [O.of_run(surface, t) for t in trajs]


def test_the_table_sends_the_outcomes_words_step_and_tone():
    queries = ["surface=rosenbrock&opt=lbfgs,adam,gd&lr.lbfgs=1&lr.adam=0.02&lr.gd=0.001&steps=500",
               "surface=saddle&opt=gd,adam&lr.gd=0.1&lr.adam=0.1&steps=200",
               "surface=himmelblau&opt=gd&lr.gd=0.5&steps=100"]  # fmt: skip
    seen = set()
    for query in queries:
        racers, endings = _racers(query)
        for r, o in zip(racers, endings):
            assert (r["status"], r["outcome"], r["tone"], r["stopped_at"]) == (
                o.status,
                o.words,
                o.tone,
                o.at,
            )
            seen.add(o.status)
    assert seen == {O.STOPPED_NEAR, "running", O.LEFT_DOWNHILL, "left"}


def test_the_browsers_copy_holds_no_wording_but_the_pending_word():
    sent = json.dumps(contract.as_dict()["statuses"])
    for w in O.WORDING.values():
        assert w.text not in sent  # the words come with the run, never filled in by the browser
    assert contract.STATUSES[contract.IN_PROGRESS]["text"] == O.PENDING.text
    assert {k: v["key"] for k, v in contract.STATUSES.items() if k != contract.IN_PROGRESS} == {
        k: w.key for k, w in O.WORDING.items()
    }


def test_the_readout_script_fills_no_template():
    text = (Path(contract.__file__).parent / "assets" / "60-pg-readout.js").read_text(encoding="utf-8")
    assert "{at}" not in text and "{which}" not in text and "r.outcome" in text


def test_a_batch_run_and_its_single_run_read_alike_on_the_page():
    s = get_surface("rosenbrock")
    tr = simulate(s, "lbfgs", steps=300, lr=1.0, hyper={"max_iter": 1})  # the page's one iteration per step
    racers, endings = _racers("surface=rosenbrock&opt=lbfgs&lr.lbfgs=1&steps=300")
    assert racers[0]["outcome"] == O.describe(s, tr) == endings[0].words
    assert np.isfinite(racers[0]["final_loss"])
