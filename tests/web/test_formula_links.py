"""Each classic of the gallery, as the page receives it: its link reads back as the typed
surface with the formula verbatim and the published domain, without a note; the race runs on
it; the preview shows the tree as read. (The browser types three of them and has MathJax set
all twenty previews: tests/browser/test_formula.py.)"""

import numpy as np
import pytest

from playground.core.surfaces import custom
from playground.core.surfaces.gallery import CLASSICS
from playground.core.surfaces.notation import read_formula, to_latex
from playground.web import runs
from playground.web.state import urlstate, validate
from playground.web.views.race.formula_box import gallery_href, preview

KEYS = [c.key for c in CLASSICS]


@pytest.mark.parametrize("classic", CLASSICS, ids=KEYS)
def test_a_classics_link_is_its_formula_on_its_domain_and_the_race_runs_on_it(classic):
    raw, notices, lesson = urlstate.from_query(gallery_href(classic))
    cfg, msgs = validate.config(raw)
    assert (notices, msgs.items, lesson) == ([], [], None)
    (x0, x1), (y0, y1) = classic.domain
    assert (cfg.surface, cfg.formula) == (custom.NAME, classic.formula)
    assert {k: cfg.surface_params[k] for k in ("x0", "x1", "y0", "y1")} == {
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
    }
    surface, start, runs_ = runs.run_all(cfg)
    assert surface.formula == classic.formula
    assert x0 <= start[0] <= x1 and y0 <= start[1] <= y1
    for run in runs_:
        np.testing.assert_array_equal(run.positions[0], start)
        assert len(run.positions) == cfg.steps + 1


@pytest.mark.parametrize("classic", CLASSICS, ids=KEYS)
def test_a_classics_preview_is_the_tree_as_read(classic):
    label, math = preview(classic.formula)
    assert label.children == "read as"
    assert math.children == f"$$f(x, y) = {to_latex(read_formula(classic.formula))}$$" and math.mathjax
