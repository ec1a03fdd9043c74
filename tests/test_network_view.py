"""The "Real network" view: its callback gives figures for valid input and a clear message for
bad input; forged shapes are refused by the guard before the callback runs."""

import json

import plotly.graph_objects as go
import pytest

from benchmarks.dash_payload import body
from playground.network.presets import SEED_TABLE
from playground.web import create_app
from playground.web.views import discover
from playground.web.views import network as N


@pytest.fixture(scope="module")
def small():
    return N.train_view(1, ["adam", "momentum"], 2, "seed", "pca")


def test_valid_input_gives_the_table_curves_and_the_labelled_projection(small):
    message, table, explain, loss, acc, slice_map, surface, honesty, hidden = small
    assert message == "" and hidden is False
    for fig in (loss, acc, slice_map, surface):
        assert isinstance(fig, go.Figure)
    assert [t.name for t in loss.data] == ["Adam", "Momentum"] and len(loss.data[0].y) == 3
    assert max(acc.data[0].y) <= 1.0
    assert "PROJECTION" in slice_map.layout.title.text and "1,610-dimensional" in slice_map.layout.title.text
    assert len(slice_map.frames) > 1 and slice_map.layout.updatemenus[0].buttons[0].label == "Play paths"
    text = json.dumps(table.to_plotly_json(), default=str)
    assert f"{SEED_TABLE['adam'][1]:.4f}" in text and f"{SEED_TABLE['momentum'][2]:.4f}" in text
    assert "space with 1,610 dimensions" in json.dumps(honesty.to_plotly_json(), default=str)
    assert "Equal epochs are not equal work" in json.dumps([p.to_plotly_json() for p in explain], default=str)


def test_the_contour_centre_is_the_first_run_final_weights(small):
    slice_map = small[5]
    path = slice_map.data[2]  # contour, centre marker, then the paths in the chosen order
    assert (path.x[-1], path.y[-1]) == pytest.approx((0.0, 0.0), abs=1e-9)


@pytest.mark.parametrize(
    ("names", "epochs", "preset", "plane", "says"),
    [
        ([], 2, "seed", "pca", "Choose at least one optimizer."),
        (["newton", "lbfgs"], 2, "seed", "pca", "Ignored: newton, lbfgs (not a trainable optimizer)."),
        (None, 2, "seed", "pca", "Choose at least one optimizer."),
    ],
)
def test_no_trainable_optimizer_gives_a_message_and_no_figures(names, epochs, preset, plane, says):
    out = N.train_view(1, names, epochs, preset, plane)
    assert says in out[0].children and out[3] == {} and out[5] == {} and out[-1] is True


def test_bad_settings_are_replaced_with_a_note():
    names, epochs, preset, plane, notes = N.clean(["adam", "nope"] + ["sgd"] * 3, 500, "keras", "hessian")
    assert names == ("adam", "sgd") and epochs == N.MAX_EPOCHS and preset == "seed" and plane == "pca"
    assert len(notes) == 4 and "nope" in notes[0] and f"1 to {N.MAX_EPOCHS}" in notes[1]
    assert N.clean(list(N.eligible()), 2.0, "tuned", "random")[0] == N.eligible()[: N.MAX_OPTIMIZERS]


def test_the_work_per_request_is_capped():
    eight = N.eligible()[:8]
    assert N.clean(eight, 20, "seed", "pca")[1] == 20  # 160 epochs fit
    _, epochs, _, _, notes = N.clean(eight, 20, "tuned", "pca")
    assert epochs == N.WORK_EPOCHS // 8 - 18 == 12 and "fit 12 epochs" in notes[0]
    assert N.clean(N.SEED_SIX, 10, "tuned", "pca")[1] == 10  # the default study is never cut


def test_the_view_is_discovered():
    assert [v.id for v in discover()].count("network") == 1


@pytest.fixture(scope="module")
def client_and_dep():
    app = create_app()
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if any(i["id"] == "button-network-train" for i in d["inputs"]))
    return client, dep


@pytest.mark.parametrize(
    "state",
    [
        ["adam", 2, "seed", "pca"],  # a string where the multi-select sends a list
        [["adam"], "2", "seed", "pca"],  # a string where the number box sends a number
        [["adam"], 2, {"x": 1}, "pca"],
        [[["adam"]], 2, "seed", "pca"],
    ],
)
def test_forged_shapes_are_refused_with_400(client_and_dep, state):
    client, dep = client_and_dep
    r = client.post("/_dash-update-component", json=body(dep, [1], state))
    assert r.status_code == 400


def test_a_request_with_bad_content_answers_with_the_message(client_and_dep):
    client, dep = client_and_dep
    r = client.post("/_dash-update-component", json=body(dep, [1], [["muon"], 3, "seed", "pca"]))
    assert r.status_code == 200
    assert "Ignored: muon" in json.dumps(r.get_json()["response"]["div-network-message"])
