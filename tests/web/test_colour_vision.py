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


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_the_outcome_maps_bands_stay_apart_with_colour_vision_deficiencies(deficiency):
    """The outcome maps' bands (contract.MAP_INK, as _maps_figures.BANDS draws them: stopped on
    a saddle or flat spot, stopped by itself next to a minimum or elsewhere, failed, still
    moving) at the racers' floor, each ink as its key shows it (a shaded band's cells pale
    toward white with the steps they took; its colour is the band's full ink). Taken from the
    bands, so a new band's ink (rested_near, #29) is checked with the others."""
    inks = {ink: contract.MAP_INK[ink] for _, ink, _ in _maps_figures.BANDS}
    assert {"rested_near", "rested", "stopped"} <= set(inks)
    worst, pair = min_delta_e(list(inks.values()), deficiency)
    assert worst >= MIN_DELTA_E, f"{pair} are {worst:.1f} apart (CAM02-UCS) with {deficiency} 100"
