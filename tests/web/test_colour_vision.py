"""The racers' colours, seen by every student: the default race stays apart under simulated
colour-vision deficiencies, and every racer's line stands out from the plots' backgrounds.

Simulation: Machado, Oliveira & Fernandes (2009) at severity 100 (full dichromacy), through
colorspacious' "sRGB1+CVD"; difference: ΔE in CAM02-UCS, the space colorspacious measures in
(a unit is about one just-noticeable difference). MIN_DELTA_E = 10 asks for ten times that:
categorical colours of thin lines, told apart at a glance and not side by side, need a
difference far above the threshold of noticing. Colour is never a racer's only cue
(contract.racer_look: dash and symbol), so the floor is for an at-a-glance match of a line to
its key, not the sole means of telling racers apart.

Measured (min ΔE over the default race's pairs): before this palette (Okabe-Ito #0072B2,
#009E73, #E69F00) deuteranopia 30.5, protanopia 20.7, tritanopia 11.7 — but orange #E69F00
was 2.25:1 on white and blue #0072B2 3.0:1 on the dark card; after (the same hues, lightness
moved to pass 3:1 on both): 24.2, 17.8, 10.2.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from playground.core.surfaces import get_surface
from playground.web import ASSETS, contract
from playground.web.plots import landscape
from playground.web.state.settings import DEFAULT_OPTIMIZERS
from playground.web.views import _maps_figures

MIN_DELTA_E = 10.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: the -opias
# the plots' backgrounds: a card in the light theme (presenter mode keeps its colours) and in
# the dark one (50-app.css --pg-card); the figures' paper and plot are transparent over it
BACKGROUNDS = {"light": "#ffffff", "presenter": "#ffffff", "dark": "#1c252c"}
MIN_LINE_CONTRAST = 3.0  # WCAG 2.1 1.4.11, non-text contrast


def _srgb1(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def _seen_with(hex_color: str, deficiency: str) -> np.ndarray:
    cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(_srgb1(hex_color), cvd, "sRGB1"), 0, 1)


def _luminance(hex_color: str) -> float:
    c = _srgb1(hex_color)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio of two sRGB colours."""
    lo, hi = sorted((_luminance(a), _luminance(b)))
    return (hi + 0.05) / (lo + 0.05)


def min_delta_e(colors: list[str], deficiency: str) -> tuple[float, tuple[str, str]]:
    pairs = [
        (float(deltaE(_seen_with(a, deficiency), _seen_with(b, deficiency), input_space="sRGB1")), (a, b))
        for a, b in itertools.combinations(colors, 2)
    ]
    return min(pairs)


def test_the_measure_tells_confused_colours_apart():
    # the test's own instrument: red and green that a deuteranope confuses come out close under
    # the simulation and far apart without it; blue and yellow stay apart for a deuteranope
    red, green = "#cc3333", "#669900"
    assert deltaE(_srgb1(red), _srgb1(green), input_space="sRGB1") > 30
    assert min_delta_e([red, green], "deuteranomaly")[0] < MIN_DELTA_E
    assert min_delta_e(["#0072B2", "#E69F00"], "deuteranomaly")[0] > 40
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_default_race_stays_apart_with_colour_vision_deficiencies(deficiency):
    colors = contract.racer_colors(list(DEFAULT_OPTIMIZERS))
    worst, pair = min_delta_e(colors, deficiency)
    assert worst >= MIN_DELTA_E, f"{pair} are {worst:.1f} apart (CAM02-UCS) with {deficiency} 100"


@pytest.mark.parametrize("theme", sorted(BACKGROUNDS))
def test_every_racer_line_stands_out_from_the_plot_background(theme):
    ground = BACKGROUNDS[theme]
    low = {
        c: round(contrast(c, ground), 2) for c in contract.PALETTE if contrast(c, ground) < MIN_LINE_CONTRAST
    }
    assert not low, (
        f"racer colours below {MIN_LINE_CONTRAST}:1 on the {theme} plot background {ground}: {low}"
    )


def test_backgrounds_are_the_pages():
    # the backgrounds above are the stylesheet's cards, light and dark
    text = (ASSETS / "50-app.css").read_text(encoding="utf-8")
    assert "--pg-card: #ffffff" in text and "--pg-card: #1c252c" in text


def test_racers_differ_by_more_than_colour():
    # every two racers of a full race differ in dash or in symbol, not in colour alone
    looks = [contract.racer_look(i) for i in range(contract.MAX_RACERS)]
    assert len({(lk["dash"], lk["symbol"]) for lk in looks}) == len(looks)
    assert all(lk["dash"] in contract.DASH_PATTERNS for lk in looks)
    assert len({lk["symbol"] for lk in looks[:5]}) == 5 and len({lk["dash"] for lk in looks[:6]}) == 6


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_contour_maps_marks_read_on_every_height_colour(theme):
    """A critical point's mark sits in a rim of the other theme's ink (#29: Himmelblau's stars
    read as part of their pits, where the contour lines gather as dark as the light theme's
    ink): wherever it is, the mark or its rim stands out from the height colour under it."""
    ink, halo = contract.MARK_INK[theme], contract.MARK_HALO[theme]
    assert contrast(ink, halo) >= 7
    for _, under in contract.SURFACE_SCALES[theme]:
        assert max(contrast(ink, under), contrast(halo, under)) >= 3, under  # WCAG 1.4.11: graphics
    fig = landscape.contour_map(get_surface("six_hump_camel"), [])  # minima of both kinds, saddles
    traces = [
        t for t in fig["data"] if t.get("meta", {}).get("role") in (contract.ROLES.mark, contract.ROLES.halo)
    ]
    pairs = list(zip(traces[::2], traces[1::2]))
    assert {m["name"] for _, m in pairs} == {words for _, words, _, _ in contract.CRITICAL_MARKS}
    for rim, mark in pairs:  # the rim first (under its mark), the same points and shape, wider
        assert (rim["meta"]["role"], mark["meta"]["role"]) == (contract.ROLES.halo, contract.ROLES.mark)
        assert (rim["x"], rim["y"], rim["marker"]["symbol"], rim["marker"]["size"]) == (
            mark["x"], mark["y"], mark["marker"]["symbol"], mark["marker"]["size"])  # fmt: skip
        assert rim["marker"]["line"]["width"] == mark["marker"]["line"]["width"] + 2 * contract.HALO_WIDTH
        assert rim["marker"]["color"] == rim["marker"]["line"]["color"] == contract.MARK_HALO["light"]
        assert rim["hoverinfo"] == "skip"


def _scale_rgb(color: str) -> np.ndarray:
    """A colour of a Plotly colour scale ("#rrggbb" or "rgb(r,g,b)") in sRGB1."""
    if color.startswith("#"):
        return _srgb1(color)
    return np.array([float(v) for v in color[4:-1].split(",")]) / 255


def _drawn_inks(surface: str) -> dict[str, np.ndarray]:
    """Every colour a basin map of ``surface`` draws for a category (its minima's basins, then
    _maps_figures.BANDS), by the category's full colour: its stretch of the map's colour scale
    from that colour to its pale end (a basin's hue fades toward white by contract.MAP_SHADE as
    its runs take more steps), sampled as Plotly blends a scale (in sRGB)."""
    cats = _maps_figures.basin_categories(get_surface(surface).minima)
    scale = _maps_figures.band_scale(cats)
    inks = {}
    for (_, color, _), (_, start), (_, end) in zip(cats, scale[::2], scale[1::2]):
        share = np.linspace(0, 1, 10)[:, None]
        inks.setdefault(color, (1 - share) * _scale_rgb(start) + share * _scale_rgb(end))
    return inks


def _closest(a: np.ndarray, b: np.ndarray, deficiency: str) -> float:
    """The least ΔE (CAM02-UCS) between any colour of ``a`` and any of ``b`` as seen with
    ``deficiency`` at severity 100."""
    cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    seen_a, seen_b = (np.clip(cspace_convert(c, cvd, "sRGB1"), 0, 1) for c in (a, b))
    return float(deltaE(seen_a[:, None], seen_b[None, :], input_space="sRGB1").min())


def test_the_basin_maps_drawn_inks_are_its_scales():
    # the instrument: a basin's hue runs from its full colour to MAP_SHADE of the way to white,
    # a band's ink stays whole
    inks = _drawn_inks("himmelblau")
    hue, grey = contract.BASIN_HUES[0], contract.MAP_INK["running"]
    assert np.allclose(inks[hue][0], _srgb1(hue))
    assert np.allclose(inks[hue][-1], _srgb1(hue) + contract.MAP_SHADE * (1 - _srgb1(hue)), atol=1 / 255)
    assert np.allclose(inks[grey], _srgb1(grey))
    assert _closest(inks[hue][:1], inks[hue][-1:], "tritanomaly") > 10  # the fade shows


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_the_basin_maps_bands_stay_apart_from_each_other_and_the_basins_pale_or_not(deficiency):
    """The basin map's outcome bands (contract.MAP_INK as _maps_figures.BANDS draws them:
    stopped on a saddle or flat spot, stopped by itself next to a minimum or elsewhere, failed,
    still moving) apart at the racers' floor from each other and from every basin's hue at every
    shade it is drawn in (Rastrigin: all eight hues), so a glance tells a basin from a run that
    did not reach a minimum, and one way of not reaching it from another. Measured before (the
    bands fading like the basins, the grey #9e9e9e): 0.3 ΔE (the faded green against the grey,
    deuteranopia), the grey 3.9 from #44BB99 (deuteranopia). Two basins' hues are not held to
    it: each basin holds its minimum's mark, and Rastrigin's 121 minima repeat the hues anyway."""
    inks = _drawn_inks("rastrigin")
    bands = [contract.MAP_INK[ink] for _, ink in _maps_figures.BANDS]
    assert {contract.MAP_INK[k] for k in ("rested_near", "rested", "stopped")} <= set(bands)
    assert set(contract.BASIN_HUES) | set(bands) == set(inks)
    pairs = [(a, b) for a, b in itertools.combinations(inks, 2) if a in bands or b in bands]
    worst, a, b = min((_closest(inks[a], inks[b], deficiency), a, b) for a, b in pairs)
    assert worst >= MIN_DELTA_E, f"{a} and {b} come {worst:.1f} apart (CAM02-UCS) with {deficiency} 100"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_maps_key_swatches_outline_shows_on_the_card(theme):
    # the maps' key squares are outlined in the grey (black and white swatches show on either card)
    assert contrast(contract.MAP_INK["running"], BACKGROUNDS[theme]) >= MIN_LINE_CONTRAST


def _phase_inks() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The phase diagram's inks as its figure draws them: each outcome band's (the base layer's
    colour scale, one ink a band), and its speed layer's scale sampled as Plotly blends it."""
    fig = _maps_figures.phase_skeleton(np.geomspace(1e-3, 1, 5), np.linspace(0, 0.9, 4), "β", None)
    base, speed = (next(t for t in fig["data"] if t.get("name") == n) for n in ("outcome", "steps"))
    bands = {color: _scale_rgb(color)[None] for _, color in base["colorscale"]}
    stops = np.array([at for at, _ in speed["colorscale"]])
    colors = np.array([_scale_rgb(c) for _, c in speed["colorscale"]])
    share = np.linspace(0, 1, 41)
    blend = np.stack([np.interp(share, stops, colors[:, k]) for k in range(3)], axis=1)
    return bands, blend


def test_the_phase_diagrams_inks_are_its_bands_and_a_scale():
    # the instrument: every band's ink is there, and the speed layer runs over many colours
    bands, speed = _phase_inks()
    assert set(bands) == {contract.MAP_INK[ink] for _, ink in _maps_figures.BANDS}
    assert _closest(speed[:1], speed[-1:], "deuteranomaly") > 20
    # and it finds the regression it guards against: the sweep's scale beside the grey
    sweep = np.array([_scale_rgb(c) for _, c in contract.MAP_SCALE])
    assert _closest(bands[contract.MAP_INK["running"]], sweep, "deuteranomaly") < MIN_DELTA_E


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_the_phase_diagrams_speeds_stay_apart_from_every_other_outcome(deficiency):
    """A converged cell's speed colour apart at the racers' floor from every outcome band's ink
    (a cell still moving, stopped, failed), so the diagram's edge between converging and not
    shows to every student. Measured before (the sweep's viridis scale): the still-moving grey
    #848484 1.7 ΔE from its teal with deuteranopia, the saddles' purple 5.3, the
    stopped-near-a-minimum green 3.8 with tritanopia."""
    bands, speed = _phase_inks()
    worst, ink = min((_closest(seen, speed, deficiency), ink) for ink, seen in bands.items())
    assert worst >= MIN_DELTA_E, (
        f"{ink} comes {worst:.1f} from a speed colour (CAM02-UCS) with {deficiency} 100"
    )
