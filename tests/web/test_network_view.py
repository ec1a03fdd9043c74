"""The "Real network" view: its callback gives figures for valid input and a clear message for
bad input; forged shapes are refused by the guard before the callback runs."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from benchmarks.dash_payload import body
from playground.core.surfaces import get_surface
from playground.network.presets import SEED_TABLE
from playground.web import ASSETS, create_app
from playground.web.contract import ROLES, path_width, racer_look
from playground.web.plots import landscape, style, terrain
from playground.web.views import _network_figures as F
from playground.web.views import discover
from playground.web.views import network as N


@pytest.fixture(scope="module")
def small():
    return N.train_view(1, ["adam", "momentum"], 2, "seed", "pca")


def _roles(fig: dict) -> list[tuple]:
    return [(t["type"], t["meta"]["role"], t["meta"].get("racer")) for t in fig["data"] if t.get("meta")]


def test_valid_input_gives_the_table_curves_and_the_labelled_projection(small):
    message, table, explain, loss, acc = small[:5]
    honesty, note = small[7:9]
    hidden = small[-1]
    assert message == "" and hidden is False
    for fig in (loss, acc):
        assert isinstance(fig, go.Figure)
    assert [t.name for t in loss.data] == ["Adam", "Momentum"] and len(loss.data[0].y) == 3
    assert max(acc.data[0].y) <= 1.0
    assert "PROJECTION" in N.SLICE_LABEL and "2-D slice of a 1,610-dimensional space" in N.SLICE_LABEL
    layout_text = json.dumps(N.layout().to_plotly_json(), default=str)
    assert N.SLICE_LABEL in layout_text
    a, b = N.study(("adam", "momentum"), 2, "seed", "pca").explained
    assert f"{100 * a:.0f}% + {100 * b:.0f}% of their variance" in note and "Adam's final weights" in note
    text = json.dumps(table.to_plotly_json(), default=str)
    assert f"{SEED_TABLE['adam'][1]:.4f}" in text and f"{SEED_TABLE['momentum'][2]:.4f}" in text
    assert "space with 1,610 dimensions" in json.dumps(honesty.to_plotly_json(), default=str)
    assert "Equal epochs are not equal work" in json.dumps([p.to_plotly_json() for p in explain], default=str)


def test_every_figure_carries_its_text_alternative(small):
    """Curves and slice name the optimizers (with their lines and markers) and what is drawn;
    the curves say each run's last value, the slice its plane (plots/alt.py)."""
    loss, acc, contour, surface = small[3], small[4], small[5], small[6]
    st = N.study(("adam", "momentum"), 2, "seed", "pca")
    who = "Adam (solid line, circle) and Momentum (dashed line, square)"
    for fig, metric in ((loss, "val_loss"), (acc, "val_accuracy")):
        text = fig.to_dict()["layout"]["meta"]["alt"]
        assert text["label"].endswith(f"per epoch of {who}")
        finals = [f"{r.optimizer.replace('adam', 'Adam').replace('momentum', 'Momentum')} {getattr(r, metric)[-1]:.3g}"
                  for r in st.showdown.runs]  # fmt: skip
        assert f"After the last epoch: {finals[0]} and {finals[1]}." in text["description"]
    a, _ = st.explained
    for fig, kind in ((contour, "Contour map"), (surface, "3D view")):
        text = fig["layout"]["meta"]["alt"]
        assert (
            text["label"] == f"{kind} of a 2-D slice of the network's loss with the projected paths of {who}"
        )
        assert f"{100 * a:.0f}%" in text["description"] and "Adam's final weights" in text["description"]
        bar = next(t["colorbar"]["title"]["text"] for t in fig["data"] if t.get("colorbar"))
        assert bar.split("<br>")[0].removeprefix("height: ") in text["description"]  # what the colours are


def test_the_slice_is_drawn_by_the_race_figure_builders(small):
    slice_map, surface = small[5], small[6]
    two = [{"label": "a", "color": "#000000", "width": 1.0, **racer_look(i)} for i in range(2)]
    race = get_surface("rosenbrock")  # no critical point but its minimum: marks aside, the same traces
    for fig, built in (
        (slice_map, landscape.contour_map(race, two)),
        (surface, landscape.surface_3d(race, two)),
    ):
        mesh = fig["data"][0]
        assert mesh["meta"]["role"] == ROLES.mesh and mesh["colorscale"] == style.SURFACE_SCALE
        marks = (ROLES.mark, ROLES.halo, ROLES.stem)  # critical points, their rims (2D) and stems (3D)
        ours = [r for r in _roles(fig) if r[1] not in marks]
        assert ours == [r for r in _roles(built) if r[1] not in marks]
        assert fig["layout"]["legend"] == style.LEGEND
        # the user's zoom and camera are kept while the same slice is shown
        assert fig["layout"]["uirevision"]
        # the centre, the first run's final weights, is marked (and inked per theme as a mark)
        centre = [t for t in fig["data"] if t["meta"]["role"] == ROLES.mark]
        assert len(centre) == 1 and (centre[0]["x"], centre[0]["y"]) == ([0.0], [0.0])
        assert "Adam's final weights" in centre[0]["name"]
    scene = surface["layout"]["scene"]
    assert (scene["xaxis"]["title"]["text"], scene["yaxis"]["title"]["text"]) == ("α", "β")
    # the race's taper and casing: racer i's path at path_width(i), its white casing under it
    widths = [t["line"]["width"] for t in surface["data"] if t["meta"]["role"] == ROLES.path]
    assert widths[1] == path_width("scene", 0) and widths[3] == path_width("scene", 1) < widths[1]
    assert widths[0] == widths[1] + landscape.CASING_3D
    # the placeholders are empty: the browser fills them (hover: what the plane hides)
    paths = [t for t in slice_map["data"] if t["meta"]["role"] == ROLES.path]
    assert [len(t["x"]) for t in paths] == [0, 0] and all(
        "off the plane" in t["hovertemplate"] for t in paths
    )


def test_the_slice_centre_stands_in_sight_of_the_camera_on_a_stem_down_to_the_slice(small):
    """The centre's mark in 3D is placed as the race's marks are (landscape.mark_heights): the
    race's lift above the slice there, in sight of the default camera, on a stem down to the
    slice's surface (it sat two path lifts up, where a wall between it and the eye could hide it)."""
    st, fig = N.study(("adam", "momentum"), 2, "seed", "pca"), small[6]
    t = F.terrain(st)
    centre = next(d for d in fig["data"] if d["meta"]["role"] == ROLES.mark)
    stem = next(d for d in fig["data"] if d["meta"]["role"] == ROLES.stem)
    x, y, z = centre["x"][0], centre["y"][0], centre["z"][0]
    ground = terrain.drawn_height(t, np.array([[x, y]]))[0]
    margin = landscape.MARK_LIFT * terrain.path_lift(t)
    assert np.isfinite(ground) and z >= ground + 0.99 * margin
    # the straight line to the eye passes above the drawn slice (sampled apart from landscape's own)
    eye, share = landscape.eye_point(t), np.linspace(0, 1, 5001)[1:-1, None]
    line = np.array([x, y, z]) + share * (eye - np.array([x, y, z]))
    assert np.nanmin(line[:, 2] - terrain.drawn_height(t, line[:, :2])) >= 0.9 * margin
    # its stem: from the slice's surface under it up to the mark, inked and named as the mark
    assert (stem["x"], stem["y"]) == ([x, x, None], [y, y, None]) and stem["z"][2] is None
    assert stem["z"][:2] == pytest.approx([ground, z]) and stem["mode"] == "lines"
    assert stem["name"] == centre["name"] and not stem["showlegend"]


def test_the_played_paths_end_at_the_centre_and_ride_on_the_slice(small):
    paths, top, value = small[9], small[10], small[11]
    st = N.study(("adam", "momentum"), 2, "seed", "pca")
    checkpoints = len(st.showdown.runs[0].path_steps)
    assert top == value == paths["n"] == checkpoints > 2  # the slider's last value shows every checkpoint
    assert paths["ids"] == N.SLICE and paths["seconds"] == N.PLAY_SECONDS
    first = paths["paths"][0]  # the centre run: its last point is the slice's centre, on the plane
    assert (first["x"][-1], first["y"][-1]) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert first["hover"][-1][3] == pytest.approx(0.0, abs=1e-9)
    assert first["hover"][-1][1] == pytest.approx(first["hover"][-1][2], rel=1e-9)
    assert [h[0] for h in first["hover"]] == list(st.showdown.runs[0].path_steps)
    # in 3D every point rides just above the drawn slice (the race's lift), not through it
    t = F.terrain(st)
    for p in paths["paths"]:
        xy = np.column_stack([p["x"], p["y"]])
        assert np.all(np.array(p["z"]) >= terrain.drawn_height(t, xy) + 0.99 * terrain.path_lift(t))
    assert paths["paths"][1]["x"][-1] != pytest.approx(0.0)  # the other run ends elsewhere


def test_the_slice_script_names_no_id_of_its_own():
    script = (ASSETS / "89-pg-slice.js").read_text()
    assert all(i not in script for i in N.SLICE.values()) and N.STORE not in script


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
    assert says in out[0].children and out[3] == {} and out[5] == {} and out[9] is None and out[-1] is True


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
