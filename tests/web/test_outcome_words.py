"""The page words outcomes as playground.core.outcome does, until its table calls it.

The results table still fills its own templates (contract.STATUSES, runs._outcome, the
readout script): these tests hold them equal to the one function the CLI and the exports
use, so the two cannot drift before the table is wired to it.
"""

import numpy as np

from playground.core import outcome as O
from playground.core.surfaces import get_surface
from playground.web import contract, runs


def test_the_pages_statuses_are_the_outcomes_words():
    for name in O.OUTCOMES:
        w = O.WORDING[name]
        assert contract.STATUSES[name] == {"text": w.text, "tone": w.tone, "key": w.key}
    assert (contract.LEFT_DOWNHILL, contract.NEAR_MINIMUM) == (O.LEFT_DOWNHILL, O.NEAR_MINIMUM)
    assert contract.NEAR_SHARE == O.NEAR_SHARE


def test_the_table_tells_the_same_outcome_and_minimum():
    from playground import simulate

    cases = [("rosenbrock", "adam", 0.02, 3000), ("himmelblau", "adam", 0.1, 300), ("saddle", "gd", 0.1, 200),
             ("rosenbrock", "gd", 0.01, 200), ("quadratic_bowl", "gd", 1.5, 100)]  # fmt: skip
    seen = set()
    for name, opt, lr, steps in cases:
        s = get_surface(name)
        (x0, x1), (y0, y1) = s.domain
        starts = np.stack(np.meshgrid(np.linspace(x0, x1, 4), np.linspace(y0, y1, 3)), -1).reshape(-1, 2)
        for p in starts:
            tr = simulate(s, opt, p, steps=steps, lr=lr, record_state=False)
            shown, which = runs._outcome(s, tr)
            o = O.of_run(s, tr)
            assert o.status == shown
            if which >= 0:
                assert which == o.nearest and runs._which(s, which) == O.minimum_name(s, o.nearest)
            seen.add(shown)
    assert {"minimum", "running", "left", "saddle", O.NEAR_MINIMUM, O.LEFT_DOWNHILL} <= seen
