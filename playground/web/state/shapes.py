"""JSON shapes a browser may send for a control's value, checked before any callback runs.

A shape answers one question: does this value have the structure its widget can produce?
A dict where a text box belongs, or a number where a pattern-matching input sends a list,
never comes from the page: the request is forged and is refused (400, see guard.py). A
value of the right shape but wrong content ("abc" in the steps box) is the validation
layer's job (validate.py): it falls back to a default and says so under the control.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    what: str  # read in the refusal: "<control> must be <what>"
    test: Callable[[object], bool]

    def __call__(self, value: object) -> bool:
        return self.test(value)


def _scalar(v: object) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


SCALAR = Shape("a string, number, boolean or null", _scalar)
TEXT = Shape("a string or null", lambda v: v is None or isinstance(v, str))
COUNT = Shape("an integer or null", lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)))
NUMBER = Shape(
    "a number or null", lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
)
ANY = Shape("anything", lambda v: True)  # only for values no code reads


def list_of(item: Shape) -> Shape:
    """A list whose every element has shape ``item`` (or null: a cleared multi-select)."""
    return Shape(
        f"a list of {item.what.removesuffix(' or null')}s or null",
        lambda v: v is None or (isinstance(v, list) and all(item(x) for x in v)),
    )


def record(fields: Mapping[str, Shape], extra: bool = True) -> Shape:
    """An object (or null) whose named keys, where present, have their shapes."""

    def test(v: object) -> bool:
        if v is None:
            return True
        if not isinstance(v, dict) or not all(isinstance(k, str) for k in v):
            return False
        if not extra and set(v) - set(fields):
            return False
        return all(shape(v[k]) for k, shape in fields.items() if k in v)

    return Shape("an object" + (f" with {', '.join(fields)}" if fields else "") + " or null", test)
