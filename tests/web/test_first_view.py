"""What a first visit is served: colours tied to optimizers, the 3D scene's heights, the
default view carried by the page itself (issue #12). Browser checks: test_browser_first.py."""

import copy
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
    # the heights and their transform are said by the colour bar: a z title fell off the scene's
    # corner, clipped, or lay on the y axis' labels, and so did the z axis' labels (#29)
    zaxis = fig["layout"]["scene"]["zaxis"]
    assert zaxis["title"]["text"] == "" and zaxis["showticklabels"] is False
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
    # drawn once with the margins Plotly's automargin settles on (style.first_paint)
    assert by_id[contract.IDS.contour].figure == style.first_paint(view["contour"], style.FIRST_MAP_MARGIN)
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
    marks = [t for t in landscape.surface_3d(surface, [])["data"] if t["meta"]["role"] in ("mark", "stem")]
    scene = [t for t in marks if t["meta"]["role"] == "mark"]  # the glyphs; the rest their stems
    flat = [t for t in landscape.contour_map(surface, [])["data"] if t.get("meta", {}).get("role") == "mark"]
    key = {words: glyph for _, words, _, glyph in contract.CRITICAL_MARKS}
    assert {t["name"] for t in scene} == set(key) == {t["name"] for t in flat}
    for t in scene:
        assert t["mode"] == "text" and set(t["text"]) == {key[t["name"]]} and "marker" not in t
        assert t["textfont"]["color"] == contract.MARK_INK["light"] and t["textposition"] == "middle center"
    for t in (t for t in marks if t["meta"]["role"] == "stem"):  # a stem: no glyph, nothing for the key
        assert t["mode"] == "lines" and "text" not in t and not t["showlegend"]
        assert t["line"]["color"] == contract.MARK_INK["light"]
    shapes = {"★": "star", "○": "circle-open", "×": "x-thin-open"}
    for t in flat:
        assert t["marker"]["symbol"] == shapes[key[t["name"]]]


def _clearance(surface, start: np.ndarray, eye: np.ndarray) -> float:
    """How far the straight line from ``start`` to ``eye`` passes above the drawn surface at
    its closest (sampled finely, apart from landscape's own sampling; negative: hidden)."""
    t = np.linspace(0, 1, 5001)[1:-1, None]
    line = start + t * (eye - start)
    return float(np.nanmin(line[:, 2] - terrain.drawn_height(surface, line[:, :2])))


def test_the_scene_places_the_camera_as_plotly_does():
    # Plotly puts the eye at the box's middle plus eye × span / aspect: measured in the browser
    # (30-pg-plotly.js scene3d().eye) on Himmelblau's [-5, 5]² box, aspect (1, 1, 0.55)
    eye = landscape.eye_point(get_surface("himmelblau"))
    np.testing.assert_allclose(eye, [-6.8, -9.4, 10.0738382], atol=1e-4)
    # the glyph's lower edge lies down the screen: toward the camera and below the anchor
    drop = landscape.glyph_drop(get_surface("himmelblau"))
    assert drop[0] < 0 and drop[1] < 0 and drop[2] < 0


@pytest.mark.parametrize("name", ["himmelblau", "six_hump_camel", "rosenbrock", "ravine"])
def test_every_3d_mark_is_in_sight_of_the_camera_lifted_no_higher_than_that(name):
    """#29: Himmelblau's stars lay in their pits, whose walls hid them from the default camera.
    A mark's glyph, centre and lower edge, is in sight of the eye: the line to it passes
    MARK_LIFT path lifts above the drawn surface (its glyph's half clears the slopes), on a stem
    down to the surface; the mark sits MARK_LIFT path lifts above its point, or only as much
    higher as its sight asks (then one of its lines passes just that much above the surface)."""
    surface = get_surface(name)
    eye, drop, lift = landscape.eye_point(surface), landscape.glyph_drop(surface), terrain.path_lift(surface)
    margin = landscape.MARK_LIFT * lift
    fig = landscape.surface_3d(surface, [])["data"]
    glyphs = {t["name"]: t for t in fig if t["meta"]["role"] == contract.ROLES.mark}
    stems = {t["name"]: t for t in fig if t["meta"]["role"] == contract.ROLES.stem}
    assert glyphs and set(glyphs) == set(stems)
    values = {kind: [] for kind, _, _, _ in contract.CRITICAL_MARKS}
    for c in terrain.terrain(surface, terrain.MESH_3D).marks:
        values[c.kind].append(c.value)
    lifted = 0
    for kind, words, _, _ in contract.CRITICAL_MARKS:
        if words not in glyphs:
            continue
        g, stem = glyphs[words], stems[words]
        base = terrain.height_3d(surface, np.array(values[kind])) + margin
        for k, (x, y, z) in enumerate(zip(g["x"], g["y"], g["z"])):
            anchor = np.array([x, y, z])
            clear = min(_clearance(surface, anchor, eye), _clearance(surface, anchor + drop, eye))
            assert z >= base[k] - 1e-9 and clear >= 0.9 * margin, (words, k, clear)
            if z > base[k] + 1e-6:  # lifted for its sight, no higher
                lifted += 1
                assert clear <= 1.1 * margin, (words, k, clear)
            # its stem: under the glyph, from the drawn surface up to the glyph's lower edge
            sx, sy, sz = (stem[a][3 * k : 3 * k + 3] for a in "xyz")
            assert sx == [x, x, None] and sy == [y, y, None] and sz[2] is None
            ground = terrain.drawn_height(surface, np.array([[x, y]]))[0]
            assert sz[1] == pytest.approx(z + drop[2]) and sz[0] == pytest.approx(min(ground, sz[1]))
    if name == "himmelblau":  # the instrument: at their old height the stars were hidden
        assert lifted >= 4
        g = glyphs["global minimum"]
        old = terrain.height_3d(surface, np.array(values["global_min"])) + 4 * lift
        assert all(_clearance(surface, np.array([x, y, z]), eye) < 0 for x, y, z in zip(g["x"], g["y"], old))


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


def test_first_paint_fixes_the_axes_margins_and_leaves_the_rest():
    figure = runs.view(validate.config({})[0])["contour"]
    before = copy.deepcopy(figure)
    first = style.first_paint(figure, {"t": 11, "b": 45})
    assert figure == before  # the server's figure is not changed
    assert first["layout"]["margin"] == {**figure["layout"]["margin"], "t": 11, "b": 45}
    for axis in ("xaxis", "yaxis"):
        assert first["layout"][axis] == {**figure["layout"][axis], "automargin": False}
    rest = {k: v for k, v in first["layout"].items() if k not in ("margin", "xaxis", "yaxis")}
    assert rest == {k: v for k, v in figure["layout"].items() if k not in ("margin", "xaxis", "yaxis")}
    assert first["data"] == figure["data"]
