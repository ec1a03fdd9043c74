"""Hyperparameter specs and their validation, shared by optimizers and schedules.

Messages follow one pattern so the CLI, the web UI and tests can show them as they are:
``"<owner>: <name> must be <rule>, got <value>"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


class ConfigError(ValueError):
    """A configuration value that the playground refuses, with a one-line message."""


HyperKind = Literal["float", "int", "bool", "choice"]


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter: its default, type and the interval it may take.

    ``low_open`` / ``high_open`` make the interval ends exclusive; ``log`` marks a value
    best edited on a log scale (learning rates, eps). A default that the reference derives
    from the other hyperparameters when the argument is ``None`` (torch.optim.LBFGS's
    ``max_eval``) is written with :func:`derived_hyper`: the default stays ``None``, as in
    the reference's signature, and :meth:`value` gives the number a run uses.
    """

    name: str
    default: float | int | bool | str | None
    kind: HyperKind = "float"
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()
    symbol: str = ""
    help: str = ""
    log: bool = False
    # (the rule as the lists show it, the rule on resolved hyperparameters) of a derived default
    derived: tuple[str, Callable[[Mapping[str, Any]], Any]] | None = field(default=None, compare=False)

    @property
    def shown_default(self) -> str:
        """The default as lists show it: the derivation's rule where the default is derived."""
        if self.derived is not None:
            return self.derived[0]
        if isinstance(self.default, float):
            return f"{self.default:g}"
        return str(self.default)

    def value(self, hp: Mapping[str, Any]) -> Any:
        """The value a run uses in resolved ``hp``: the derived default where none was given."""
        given = hp[self.name]
        return self.derived[1](hp) if given is None and self.derived is not None else given

    def rule(self) -> str:
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        what = "an integer" if self.kind == "int" else "a number"
        if math.isinf(self.low) and math.isinf(self.high):
            return f"{what} (finite)"
        if math.isinf(self.high):
            return f"{what} {'>' if self.low_open else '>='} {self.low:g}"
        return f"{what} in {lo}{self.low:g}, {self.high:g}{hi}"

    def coerce(self, owner: str, raw: object) -> float | int | bool | str:
        """Validate ``raw`` (a Python value or the text a user typed) and convert it."""
        bad = ConfigError(f"{owner}: {self.name} must be {self.rule()}, got {_show(raw)}")
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, (int, float)) and raw in (0, 1):
                return bool(raw)
            if isinstance(raw, str) and raw.strip().lower() in _BOOL_WORDS:
                return _BOOL_WORDS[raw.strip().lower()]
            raise bad
        if self.kind == "choice":
            if isinstance(raw, str) and raw in self.choices:
                return raw
            raise bad
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise bad
        try:
            value = float(raw)
        except (TypeError, ValueError, OverflowError):
            raise bad from None
        if not math.isfinite(value):
            raise bad
        if self.kind == "int":
            if value != int(value):
                raise bad
            value = int(value)
        if value < self.low or value > self.high:
            raise bad
        if (self.low_open and value == self.low) or (self.high_open and value == self.high):
            raise bad
        return value


_BOOL_WORDS = {"true": True, "1": True, "yes": True, "on": True}
_BOOL_WORDS.update({"false": False, "0": False, "no": False, "off": False})


def _show(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def resolve(owner: str, specs: tuple[Hyper, ...], given: Mapping[str, object] | None) -> dict:
    """Defaults overlaid with ``given``; unknown names and bad values raise `ConfigError`."""
    by_name = {h.name: h for h in specs}
    out: dict = {h.name: h.default for h in specs}
    for key, raw in (given or {}).items():
        spec = by_name.get(key)
        if spec is None:
            valid = ", ".join(by_name) or "none"
            raise ConfigError(f"{owner}: unknown hyperparameter {key!r}; valid: {valid}")
        # None where the default is None means "not given" (torch's max_eval=None, t_max=None)
        out[key] = None if raw is None and spec.default is None else spec.coerce(owner, raw)
    return out


def derived_hyper(
    name: str, rule: str, derive: Callable[[Mapping[str, Any]], Any], help: str, **kw: Any
) -> Hyper:
    """A hyperparameter whose default (``None``) the reference derives from the others, e.g.
    torch.optim.LBFGS's ``max_eval=None`` -> ``max_iter * 5 // 4``. ``rule`` is how lists
    show the default (the CLI, the page's help); ``derive(hp)`` computes it."""
    return Hyper(name, None, help=f"{help} (default: {rule})", derived=(rule, derive), **kw)
