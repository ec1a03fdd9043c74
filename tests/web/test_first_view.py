"""What a first visit is served: colours tied to optimizers, the 3D scene's heights, the
default view carried by the page itself (issue #12). Browser checks: test_browser_first.py."""

import itertools
import re

import numpy as np
import pytest

from playground.core.optimizers import OPTIMIZERS
from playground.core.surfaces import get_surface
from playground.web import ASSETS, contract, create_app, runs
from playground.web.plots import landscape, style, terrain
from playground.web.state import validate

EIGHT = ["gd", "momentum", "nag", "adagrad", "rmsprop", "adam", "adamw", "nadam"]


def _lightness(hex_color: str) -> float:
    """CIE L* of an sRGB colour."""
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    y = float(lin @ [0.2126, 0.7152, 0.0722])
    return 116 * np.cbrt(y) - 16 if y > 0.008856 else 903.3 * y


@pytest.mark.parametrize("race", [["momentum", "rmsprop", "adam"], EIGHT, list(OPTIMIZERS)[:12]], ids=len)
def test_the_racers_of_a_race_never_share_a_colour(race):
    colors = contract.racer_colors(race)
    assert len(set(colors)) == len(race)
    assert set(colors) <= set(contract.PALETTE)


def test_an_optimizer_keeps_its_colour_wherever_it_stands():
    for name in EIGHT:
        alone = contract.racer_colors([name])[0]
        assert contract.racer_colors(["lion", name])[1] == alone or name == "lion"
        assert contract.racer_colors([name, "gd" if name != "gd" else "adam"])[0] == alone
        assert contract.as_dict()["racerColors"][name] == alone
    # copies of one optimizer are told apart
    assert len(set(contract.racer_colors(["adam", "adam~2", "adam~3"]))) == 3
    # the default race's colours, far apart in hue (the issue: Momentum orange beside Adam vermillion)
    assert contract.racer_colors(["momentum", "rmsprop", "adam"]) == ["#1477B8", "#009E73", "#C78500"]


def test_the_page_and_the_run_give_each_racer_the_same_colour():
    cfg, _ = validate.config({"racers": [{"optimizer": n} for n in ["adam", "gd", "adam"]]})
    meta = runs.racer_meta(cfg)
    assert [m["color"] for m in meta] == contract.racer_colors(cfg.keys)
    fig = landscape.surface_3d(runs.surface_of(cfg), meta)
    legend = [(t["name"], t["line"]["color"]) for t in fig["data"] if t.get("showlegend")]
    assert legend == [(m["label"], m["color"]) for m in meta]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_height_colours_are_a_monotone_lightness_ramp(theme):
    # perceptual and colour-blind safe: the height is read from lightness alone
    scale = contract.SURFACE_SCALES[theme]
    light = [_lightness(c) for _, c in scale]
    assert all(a > b for a, b in itertools.pairwise(light)), light  # valleys light, peaks dark
    assert light[0] - light[-1] > 30


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "beale", "ravine", "rastrigin"])
def test_the_3d_height_is_smooth_and_says_its_transform(name):
    s = get_surface(name)
    fig = landscape.surface_3d(s, [])
    z = np.frombuffer(__import__("base64").b64decode(fig["data"][0]["z"]["bdata"]), "<f4")
    assert np.isfinite(z).all()
    # the transform is said by the colour bar (a z title fell off the scene's corner, clipped)
    assert fig["layout"]["scene"]["zaxis"]["title"]["text"] == ""
    title = fig["data"][0]["colorbar"]["title"]["text"].split("<br>")[0].removeprefix("height: ")
    if s.log_z:
        c = terrain.scene_offset(s)
        assert title == f"log₁₀(f − f* + {c:g})"
        # the offset keeps three decades under the mesh's range: the valley floor is no pit
        _, _, zz, floor = terrain.mesh(s, terrain.MESH_3D)
        assert np.nanmax(zz) - floor == pytest.approx(1000 * c, rel=3.2)
        assert z.min() >= np.log10(c) - 1e-5
    else:
        assert title == "f"


def test_critical_points_are_marked_in_3d_as_on_the_contour_map():
    s = get_surface("himmelblau")
    fig3, fig2 = landscape.surface_3d(s, []), landscape.contour_map(s, [])
    marks3 = {t["name"]: sorted(zip(t["x"], t["y"])) for t in fig3["data"] if t["meta"]["role"] == "mark"}
    marks2 = {t["name"]: sorted(zip(t["x"], t["y"])) for t in fig2["data"] if t["meta"]["role"] == "mark"}
    assert marks3 == marks2 and "global minimum" in marks3 and "saddle point" in marks3
    surf = fig3["data"][0]
    zmesh = np.frombuffer(__import__("base64").b64decode(surf["z"]["bdata"]), "<f4")
    for t in fig3["data"]:
        if t["meta"]["role"] == "mark":  # drawn above the surface, not buried in it
            assert min(t["z"]) > zmesh.min()


def test_the_first_response_carries_the_default_view():
    app = create_app()
    by_id = {c.id: c for c in app.layout._traverse() if isinstance(getattr(c, "id", None), str)}
    cfg, _ = validate.config({})
    view = runs.view(cfg)
    assert by_id[contract.IDS.run].data == view["run"]
    assert by_id[contract.IDS.contour].figure == view["contour"]
    # the other plots' figures wait in the page and are drawn after the contour map (clientside)
    waiting = by_id[contract.IDS.first_figures].data
    assert waiting[contract.IDS.surface] == view["surface"]
    assert waiting[contract.IDS.loss_chart] == view["loss"]
    assert waiting[contract.IDS.schedule_chart] == view["schedule"]
    for graph in (*waiting, contract.IDS.state_chart):
        assert by_id[graph].figure == style.PLACEHOLDER
        assert by_id[graph].figure["layout"]["meta"] == contract.as_dict()["placeholder"]
    assert len(by_id["div-racer-controls"].children) == len(cfg.racers)
    assert by_id["store-figure-key"].data == view["key"]


def test_3d_paths_lie_on_the_drawn_surface_never_under_it():
    cfg, _ = validate.config({"racers": [{"optimizer": "gd", "lr": 1e-3}, {"optimizer": "adam"}]})
    surface, _, trajs = runs.run_all(cfg)
    data = runs.pack(cfg, surface, trajs)
    for r, tr in zip(data["racers"], trajs):
        z = np.frombuffer(__import__("base64").b64decode(r["z"]), "<f4")
        drawn = terrain.drawn_height(surface, tr.positions)
        inside = np.isfinite(drawn)
        assert inside.sum() > 10
        assert (z[inside] >= drawn[inside] + 0.99 * terrain.path_lift(surface)).all()
    # the mesh's own nodes are where the drawn height is exact
    xs, ys, zz, _ = terrain.mesh(surface, terrain.MESH_3D)
    nodes = np.array([[xs[3], ys[5]], [xs[40], ys[17]]])
    want = terrain.height_3d(surface, zz[[5, 17], [3, 40]])
    np.testing.assert_allclose(terrain.drawn_height(surface, nodes), want, rtol=1e-6)


def test_the_scene_marks_critical_points_with_the_keys_glyphs():
    """The key under the race table says ★ global minimum, ○ local minimum, × saddle point; the
    scene writes those very glyphs (plotly's 3D markers are glyphs of their own, its "x" the
    emoji ❌: a square and a diamond stood for × and ★), and the contour map draws their shapes."""
    bundle = (ASSETS / "05-plotly.min.js").read_text(encoding="utf-8")
    table = re.search(r'\{circle:"[^}]*"circle-open":[^}]*\}', bundle)
    assert table and 'x:"\\u274C"' in table.group()  # the emoji: why the scene uses no 3D marker
    surface = get_surface("six_hump_camel")  # minima of both kinds and saddles
    scene = [t for t in landscape.surface_3d(surface, [])["data"] if t["meta"]["role"] == "mark"]
    flat = [t for t in landscape.contour_map(surface, [])["data"] if t.get("meta", {}).get("role") == "mark"]
    key = {words: glyph for _, words, _, glyph in contract.CRITICAL_MARKS}
    assert {t["name"] for t in scene} == set(key) == {t["name"] for t in flat}
    for t in scene:
        assert t["mode"] == "text" and set(t["text"]) == {key[t["name"]]} and "marker" not in t
        assert t["textfont"]["color"] == contract.MARK_INK["light"]
    shapes = {"★": "star", "○": "circle-open", "×": "x-thin-open"}
    for t in flat:
        assert t["marker"]["symbol"] == shapes[key[t["name"]]]


@pytest.mark.parametrize(
    "name",
    [
        "rosenbrock",
        "himmelblau",
        "six_hump_camel",
        "ravine",
        "ackley",
        "quadratic_bowl",
        "monkey_saddle",
        "plateau",
    ],
)
def test_the_scene_labels_a_few_round_heights(name):
    """Seen from high up the z axis is short: seven labels overlapped (the ravine's 10 ... 50)."""
    z = landscape.surface_3d(get_surface(name), [])["layout"]["scene"]["zaxis"]
    ticks, (lo, hi) = z["tickvals"], z["range"]
    assert 2 <= len(ticks) <= landscape.Z_TICKS
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 5)), step
    assert np.allclose(np.diff(ticks), step) and lo < ticks[0] and ticks[-1] <= hi
