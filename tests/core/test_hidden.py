"""Importing a library with an optional package hidden (core/hidden.py)."""

import json
import sys

import pytest

from playground.core.hidden import hidden


def test_a_hidden_package_cannot_be_imported_until_the_block_ends(monkeypatch):
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    with hidden("colorsys", "json"):
        with pytest.raises(ImportError):
            import colorsys
        import json as again  # already imported: left alone

        assert again is json
    import colorsys

    assert colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
