"""The URL is the state: round trips, garbage links, lessons that tell the story they claim, exports."""

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES
from playground.web import exports, runs
from playground.web.lessons import LESSON_BY_ID
from playground.web.state import limits, urlstate, validate, values
from playground.web.state.settings import BY_NAME as SETTINGS
from playground.web.torch_snippet import torch_snippet

pytestmark = pytest.mark.slow  # runs the copied scripts under torch

finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def raw_configs(draw):
    """Valid-looking configurations, with floats that are not short decimals."""
    surface = draw(st.sampled_from(sorted(FAMILIES)))
    params = {p.name: draw(st.floats(p.low, p.high)) for p in FAMILIES[surface].params}
    names = draw(st.lists(st.sampled_from(sorted(OPTIMIZERS)), min_size=0, max_size=5))
    racers = []
    for name in names:
        hyper = {}
        for h in OPTIMIZERS[name].hypers:
            if h.name != "lr" and h.kind == "float" and draw(st.booleans()):
                lo, hi = max(h.low, 0.0), min(h.high, 10.0)
                hyper[h.name] = draw(
                    st.floats(
                        lo,
                        hi,
                        exclude_min=h.low_open and lo == h.low,
                        exclude_max=h.high_open and hi == h.high,
                    )
                )
        racers.append({"optimizer": name, "lr": draw(st.floats(1e-6, 1.0)), "hyper": hyper})
    schedule = draw(st.sampled_from(sorted(SCHEDULES)))
    return {
        "surface": surface,
        "surface_params": params,
        "racers": racers,
        "schedule": schedule,
        "noise": draw(st.none() | st.floats(0, 5)),
        "batch_size": draw(st.integers(1, 1000)),
        "seed": draw(st.integers(0, 10_000)),
        "start": [draw(st.floats(-1, 1)), draw(st.floats(-1, 1))],
        "steps": draw(st.integers(1, 5000)),
    }


@settings(max_examples=300, deadline=None)
@given(raw=raw_configs())
def test_a_link_reads_back_as_exactly_the_same_configuration(raw):
    cfg, _ = validate.config(raw)
    query = urlstate.to_query(cfg)
    back, notices, _ = urlstate.from_query("?" + query)
    cfg2, msgs = validate.config(back)
    assert notices == [] and msgs.items == [], (query, notices, msgs.items)
    assert cfg2 == cfg  # every float bit for bit, so the paths are the same
    assert urlstate.to_query(cfg2) == query


@settings(max_examples=500, deadline=None)
@given(search=st.text(max_size=300) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_query_string_gives_a_runnable_configuration(search):
    raw, notices, lesson = urlstate.from_query(search)
    cfg, msgs = validate.config(raw)
    assert all(len(t) < 300 for _, t in msgs.items)
    assert 1 <= cfg.steps <= limits.MAX_STEPS and len(cfg.racers) <= limits.MAX_RACERS
    assert all(isinstance(n, str) and len(n) < 200 for n in notices)
    assert lesson is None or isinstance(lesson, str)


@pytest.mark.parametrize(
    "search,needle",
    [
        ("?surface=banana", "unknown surface"),
        ("?steps=1e400", "steps"),
        ("?opt=adam&lr.adam=-3", "learning rate"),
        ("?frobnicate=1", "unknown parameter 'frobnicate'"),
        ("?steps=10&steps=20", "'steps' given twice"),
        ("?" + "x" * 5000, "longer than 4000"),
        ("?opt=adam&adam.beta1=1", "beta1"),
        ("?start=1", "start"),
        ("?surface=%F0%9F%92%A5", "unknown surface"),
    ],
)
def test_garbage_in_a_link_is_named(search, needle):
    raw, notices, _ = urlstate.from_query(search)
    _, msgs = validate.config(raw)
    said = notices + [t for _, t in msgs.items]
    assert any(needle in s for s in said), said


def test_num_is_the_shortest_exact_text():
    for v in [0.1, 1e-05, 100.0, 1 / 3, 2.5e300, -0.0]:
        assert float(values.num(v)) == v
    assert values.num(100.0) == "100" and values.num(0.001) == "0.001"


def _lesson_runs(lesson_id):
    raw, notices, lid = urlstate.from_query("?" + LESSON_BY_ID[lesson_id].query + f"&lesson={lesson_id}")
    cfg, msgs = validate.config(raw)
    assert notices == [] and msgs.items == [] and lid == lesson_id
    _, _, trajs = runs.run_all(cfg)
    return cfg, trajs


def test_exports_hold_the_exact_run():
    cfg, trajs = _lesson_runs("lr")
    labels = [m["label"] for m in runs.racer_meta(cfg)]
    rows = list(csv.DictReader(io.StringIO(exports.export_csv(cfg, labels, trajs))))
    big = [r for r in rows if r["optimizer"] == labels[0]]
    assert len(big) == int(trajs[0].stopped_at) and big[-1]["status"] in ("left", "blew_up")  # no inf rows
    k = next(i for i, t in enumerate(trajs) if str(t.status) == "minimum")  # lr 0.3: there at step 16
    good = [r for r in rows if r["optimizer"] == labels[k]]
    n = int(trajs[k].stopped_at) + 1
    assert n < len(trajs[k].positions)  # the rows end where the run stopped
    np.testing.assert_array_equal([[float(r["x"]), float(r["y"])] for r in good], trajs[k].positions[:n])
    data = json.loads(exports.export_json(cfg, labels, trajs), parse_constant=pytest.fail)  # strict: no NaN
    assert [r["label"] for r in data["runs"]] == labels
    np.testing.assert_array_equal(np.array(data["runs"][k]["points"]), trajs[k].positions)


def test_torch_snippet_carries_every_setting():
    raw, _, _ = urlstate.from_query("?" + LESSON_BY_ID["schedule-warmup"].query)
    cfg, _ = validate.config(raw)
    code = torch_snippet(cfg, ["Momentum", "Adam"])
    assert "torch.optim.SGD([theta], lr=0.002, momentum=0.9, dampening=0" in code
    assert "torch.optim.Adam([theta], lr=0.1, betas=(0.9, 0.999), eps=1e-08" in code
    assert "SequentialLR" in code and "total_iters=100" in code and "milestones=[100]" in code
    assert "def f(x, y):" in code and "torch.pow(1.0 - x, 2)" in code  # the surface itself, in torch
    compile(code, "snippet", "exec")  # valid Python


@pytest.mark.parametrize("lesson_id", ["schedule-step", "schedule-warmup", "adamw", "newton-saddle"])
def test_the_copied_code_reproduces_every_racer(lesson_id, tmp_path):
    """Run the page's "Copy as PyTorch" with python: every racer lands on the engine's points."""
    cfg, trajs = _lesson_runs(lesson_id)
    labels = [m["label"] for m in runs.racer_meta(cfg)]
    script = tmp_path / "copied.py"
    script.write_text(torch_snippet(cfg, labels))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    printed = json.loads(out.stdout)
    printed = printed["runs"] if "runs" in printed else [{"label": labels[0], **printed}]
    assert [r["label"] for r in printed] == labels
    for r, traj in zip(printed, trajs):
        np.testing.assert_allclose(r["points"], traj.positions, rtol=1e-9, atol=1e-12, err_msg=r["label"])


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_the_torch_snippet_is_valid_python_for_every_schedule(schedule):
    raw = {"schedule": schedule, "racers": [{"optimizer": n} for n in sorted(OPTIMIZERS)][:12]}
    cfg, _ = validate.config(raw)
    code = torch_snippet(cfg, [n for n in cfg.keys])
    compile(code, "snippet", "exec")
    assert ("sched = " in code) == (schedule != "constant")
    assert "not in torch.optim" not in code  # every racer is written out, in torch.optim or not


@pytest.mark.parametrize(
    ("search", "view"),
    [("", "race"), ("?view=race", "race"), ("?view=nonsense", "race"), ("?view=", "race")]
    + [(f"?surface=beale&view={v}", v) for v in SETTINGS["view"].choices],
    ids=lambda v: v or "empty",
)
def test_the_view_travels_in_the_link_and_the_race_is_left_out(search, view):
    assert urlstate.view_in(search) == view
    raw, notices, _ = urlstate.from_query(search)
    assert notices == []  # view= is a known key, whatever its value
    query = urlstate.to_query(validate.config(raw)[0], view=view)
    assert urlstate.view_in("?" + query) == view
    assert ("view=" in query) == (view != "race")
