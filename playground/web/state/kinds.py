"""The kinds of settings: each knows how its values are read, checked and written into a link.

A `Field` of the schema (settings.py) names its kind; everything that handles settings asks
the kind instead of testing its name:

* ``read``: the value a browser sent (the raw configuration), checked, into the `Config`,
  with a note under the control for whatever had to be replaced (validate.config);
* ``encode`` / ``decode``: the setting in a link's query string and back (urlstate.py);
* ``gather``: the setting's widget values (settings.read) into the raw configuration;
* ``shown``: what the setting's widget shows for a validated configuration (a link applied).

``run`` says whether the setting is part of a run, ``linked`` whether it travels in links,
``numeric`` whether its box keeps the last good number when it holds none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.core.optimizers import OPTIMIZERS
from playground.core.schedules import SCHEDULES
from playground.core.surfaces import FAMILIES, SurfaceError, custom, get_surface
from playground.core.surfaces.rotation import ROTATION

from .limits import MAX_RACERS
from .values import (
    Messages,
    as_name,
    as_number,
    as_text,
    base_name,
    coerce_hyper,
    num,
    racer,
    surface_kwargs,
    surface_of,
)

if TYPE_CHECKING:
    from .settings import Field

Pairs = list[tuple[str, str]]  # a link's query, in order


class Kind:
    """A setting that nothing reads into a run or a link (the base of every kind)."""

    name = ""  # what the reference docs call it
    run = True  # validate.config reads it: part of what a run depends on
    linked = True  # written into links when its field has a ``url``
    numeric = False  # a number box (validate.keep_last_good)
    from_link = True  # a link sets its widget directly (urlstate.widget_values)

    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        """Check ``raw[f.name]`` and set it on ``cfg`` (nothing for a setting read with another)."""

    def encode(self, f: Field, cfg: Any) -> Pairs:
        return []

    def decode(self, f: Field, seen: dict[str, str], used: set[str], raw: dict) -> None:
        """Put the setting's raw value from a link's ``seen`` pairs into ``raw``; mark what it read."""

    def gather(self, f: Field, values: dict[str, Any], raw: dict) -> None:
        """Put the setting's widget value (``values[f.name]``) into the raw configuration."""

    def shown(self, f: Field, cfg: Any, lesson: str | None, view: str | None) -> Any:
        return getattr(cfg, f.name)


class Scalar(Kind):
    """One value in one box, one query key."""

    def encode(self, f: Field, cfg: Any) -> Pairs:
        value = getattr(cfg, f.name)
        if value is None or (value == f.default and not f.always):
            return []
        return [(f.url, as_text(value))]  # type: ignore[list-item]

    def decode(self, f: Field, seen: dict[str, str], used: set[str], raw: dict) -> None:
        raw[f.name] = seen.get(f.url)  # type: ignore[arg-type]
        used.add(f.url)  # type: ignore[arg-type]

    def gather(self, f: Field, values: dict[str, Any], raw: dict) -> None:
        if f.within:  # travels inside another setting; validate reads it where it applies
            raw.setdefault(f.within, {})[f.name] = values[f.name]
        else:
            raw[f.name] = values[f.name]


class Name(Scalar):
    """One of the field's ``choices``."""

    name = "name"

    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        setattr(cfg, f.name, as_name(raw.get(f.name), f.choices, f.default, f.controls[0], msgs, f.label))


@dataclass(frozen=True)
class Number(Scalar):
    """A number clamped to the field's [low, high]; ``integer``: rounded to a whole one."""

    integer: bool = False
    numeric = True

    @property
    def name(self) -> str:  # type: ignore[override]
        return "int" if self.integer else "number"

    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        value = as_number(
            raw.get(f.name), f.default, f.low, f.high, f.controls[0], msgs, f.label, self.integer
        )
        setattr(cfg, f.name, value)

    def shown(self, f: Field, cfg: Any, lesson: str | None, view: str | None) -> Any:
        value = getattr(cfg, f.name)
        return "" if value is None else num(value) if isinstance(value, float) else str(value)


class Formula(Scalar):
    """The custom surface's f(x, y): read by surfaces/formula.py, never executed; in a link only
    for the custom surface."""

    name = "text"

    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        """The formula and its domain (the surface parameters), or the defaults with the reason."""
        if cfg.surface != custom.NAME:
            return
        text = raw.get(f.name) or None  # none: the default formula (its domain is still checked)
        try:
            get_surface(custom.NAME, formula=text, **cfg.surface_params)
            cfg.formula = text or cfg.formula
            return
        except SurfaceError as e:
            reason, at = str(e), e.position
        try:  # the formula may be fine and the domain not: keep the formula on the default domain
            get_surface(custom.NAME, formula=text)
            cfg.formula = text or cfg.formula
        except SurfaceError:
            mark = (text, at) if text and at is not None else None  # where reading stopped, if known
            msgs.add(f.controls[0], f"formula refused: {reason}; showing {custom.DEFAULT_FORMULA}", mark)
            cfg.surface_params = {**cfg.surface_params, **custom.FAMILY.defaults()}  # the rotation stays
            return
        msgs.add(f.controls[0], f"{reason}; using the default domain")
        cfg.surface_params = {**cfg.surface_params, **custom.FAMILY.defaults()}

    def encode(self, f: Field, cfg: Any) -> Pairs:
        return super().encode(f, cfg) if cfg.surface == custom.NAME else []


class Family(Kind):
    """A pattern family of named numbers (``p.a=1``, ``s.gamma=0.1``): the parameters of the
    chosen surface or schedule."""

    name = "params"

    from_link = False  # the boxes rebuild themselves from the link (store-url)

    def encode(self, f: Field, cfg: Any) -> Pairs:
        # an unrotated surface's link does not name the rotation (links from before it stay canonical)
        items = getattr(cfg, f.name).items()
        return [(f"{f.url}{k}", as_text(v)) for k, v in items if not (k == ROTATION.name and v == 0)]

    def decode(self, f: Field, seen: dict[str, str], used: set[str], raw: dict) -> None:
        family = _family(f.url, seen, used)  # type: ignore[arg-type]
        raw[f.name] = {k[len(f.url) :]: v for k, v in family.items()}  # type: ignore[arg-type]

    def gather(self, f: Field, values: dict[str, Any], raw: dict) -> None:
        raw.setdefault(f.name, {}).update({i["name"]: v for i, v in values[f.name]})


class SurfaceParams(Family):
    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        fam = FAMILIES[cfg.surface]
        sp = raw.get(f.name) if isinstance(raw.get(f.name), dict) else {}
        for p in fam.params:
            cfg.surface_params[p.name] = as_number(
                sp.get(p.name), p.default, p.low, p.high, f.controls[0], msgs, f"{fam.title}: {p.name}"
            )


@dataclass(frozen=True)
class ScheduleParams(Family):
    """The schedule's parameters; the warmup's also those of the schedule ``then`` names after it."""

    then: Field | None = None

    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        given = raw.get(f.name) if isinstance(raw.get(f.name), dict) else {}
        specs = list(SCHEDULES[cfg.schedule].hypers)
        if cfg.schedule == "warmup" and self.then is not None:
            then = self.then
            choice = as_name(given.get("then"), then.choices, then.default, f.controls[0], msgs, then.label)
            specs += [h for h in SCHEDULES[choice].hypers]
        for h in specs:
            value = coerce_hyper(h, SCHEDULES[cfg.schedule].title, given.get(h.name), f.controls[0], msgs)
            if value is not None:
                cfg.schedule_params[h.name] = value


def _family(prefix: str, seen: dict[str, str], used: set[str]) -> dict[str, str]:
    """A link's pairs whose key starts with ``prefix`` (``lr.adam=0.01``), marked as read."""
    family = {k: v for k, v in seen.items() if k.startswith(prefix) and len(k) > len(prefix)}
    used.update(family)
    used.add(prefix)
    return family


@dataclass(frozen=True)
class Racers(Kind):
    """The racing optimizers (``opt=adam,gd~2``), read together with their learning rates
    (the family ``lr``) and their own settings (``<key>.<name>``, e.g. ``adam.beta1=0.8``)."""

    name = "racers"

    lr: str = "lr."  # the learning rates' prefix in a link (the lr field's url)

    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        racers = raw.get("racers")
        if not isinstance(racers, list):
            racers = [_default_racer(n) for n in f.default] if racers is None else []
        if len(racers) > MAX_RACERS:
            msgs.add(
                f.controls[0], f"at most {MAX_RACERS} optimizers race at once; kept the first {MAX_RACERS}"
            )
            racers = racers[:MAX_RACERS]
        for i, raw_r in enumerate(racers):
            r = racer(raw_r, i, msgs, cfg.surface)
            if r is None:
                continue
            key = raw_r.get("key") if isinstance(raw_r, dict) else None
            if not (
                isinstance(key, str) and re.fullmatch(re.escape(r.optimizer) + r"(~([2-9]|1[0-2]))?", key)
            ):
                key = r.optimizer
            while key in cfg.keys:  # the same optimizer twice: number the copies
                n = int(key.split("~")[1]) + 1 if "~" in key else 2
                key = f"{r.optimizer}~{n}"
            cfg.racers.append(r)
            cfg.keys.append(key)

    def encode(self, f: Field, cfg: Any) -> Pairs:
        return [(f.url, ",".join(cfg.keys))]  # type: ignore[list-item]

    def decode(self, f: Field, seen: dict[str, str], used: set[str], raw: dict) -> None:
        used.add(f.url)  # type: ignore[arg-type]
        if f.url not in seen:
            return
        # all of them: validate.config cuts the list to what can race, with its message
        keys = [o for o in seen[f.url].split(",") if o][:200]  # type: ignore[index]
        raw["racers"] = []
        for key in keys:
            hyper = {k.split(".", 1)[1]: v for k, v in seen.items() if k.startswith(key + ".")}
            used.update(f"{key}.{name}" for name in hyper)
            raw["racers"].append(
                {"optimizer": base_name(key), "key": key, "lr": seen.get(f"{self.lr}{key}"), "hyper": hyper}
            )

    def gather(self, f: Field, values: dict[str, Any], raw: dict) -> None:
        lrs = {i["opt"]: v for i, v in values.get("lr", [])}
        hypers: dict = {}
        for i, v in values.get("hyper", []):
            hypers.setdefault(i["opt"], {})[i["name"]] = v
        optimizers = values.get(f.name) or []  # a cleared multi-select sends null
        raw["racers"] = [
            {"optimizer": base_name(o) if isinstance(o, str) else o, "key": o,
             "lr": lrs.get(o) if isinstance(o, str) else None,  # none yet: validation gives the fair one
             "hyper": hypers.get(o, {})}
            for o in optimizers
        ]  # fmt: skip

    def shown(self, f: Field, cfg: Any, lesson: str | None, view: str | None) -> Any:
        return list(cfg.keys)


def _default_racer(name: str) -> dict:
    return {"optimizer": name, "lr": OPTIMIZERS[name].lr_for_page, "hyper": {}}


class LearningRates(Kind):
    """Each racer's learning rate (``lr.<key>``): read with its racer (Racers)."""

    name = "lr"

    def encode(self, f: Field, cfg: Any) -> Pairs:
        return [(f"{f.url}{key}", num(r.lr)) for key, r in zip(cfg.keys, cfg.racers)]

    def decode(self, f: Field, seen: dict[str, str], used: set[str], raw: dict) -> None:
        _family(f.url, seen, used)  # type: ignore[arg-type]


class RacerSettings(Kind):
    """A racer's own settings (``<key>.<name>``): read with its racer (Racers)."""

    name = "hyper"

    def encode(self, f: Field, cfg: Any) -> Pairs:
        q = []
        for key, r in zip(cfg.keys, cfg.racers):
            # what a link leaves out reads back as the racer's page start (values.racer)
            start = OPTIMIZERS[r.optimizer].on_page
            q += [(f"{key}.{name}", as_text(v)) for name, v in r.hyper if v != start.get(name)]
        return q


class Point(Kind):
    """Two coordinates in two boxes (``start=-2.8,0.8``), within the surface's domain."""

    name = "point"

    def read(self, f: Field, raw: dict, cfg: Any, msgs: Messages) -> None:
        start = raw.get(f.name)
        if isinstance(start, (list, tuple)) and len(start) == 2:
            (x0, x1), (y0, y1) = surface_of(cfg).domain  # the contour map's frame: a start is always in sight
            x = as_number(start[0], None, x0, x1, f.controls[0], msgs, "start x")
            y = as_number(start[1], None, y0, y1, f.controls[1], msgs, "start y")
            cfg.start = (x, y) if x is not None and y is not None else None
        elif start is not None:
            msgs.add(f.also[0], "start must be two numbers; using the surface's start")

    def encode(self, f: Field, cfg: Any) -> Pairs:
        # the surface's own start is left out: a page that shows it in its boxes and one that was
        # given none make the same link
        if cfg.start is None or cfg.start == get_surface(cfg.surface, **surface_kwargs(cfg)).start:
            return []
        return [(f.url, f"{num(cfg.start[0])},{num(cfg.start[1])}")]  # type: ignore[list-item]

    def decode(self, f: Field, seen: dict[str, str], used: set[str], raw: dict) -> None:
        if f.url in seen:
            raw[f.name] = seen[f.url].split(",")  # type: ignore[index]
        used.add(f.url)  # type: ignore[arg-type]

    def gather(self, f: Field, values: dict[str, Any], raw: dict) -> None:
        raw[f.name] = list(values[f.name])


class Display(Kind):
    """Shapes the plots only (the inspected racer, the log scale): not part of a run or a link."""

    name = "view"

    run = linked = from_link = False


class Lesson(Kind):
    """The lesson a link belongs to: in the URL, not part of a run."""

    name = "lesson"

    run = linked = False

    def shown(self, f: Field, cfg: Any, lesson: str | None, view: str | None) -> Any:
        return lesson or ""


class Page(Kind):
    """Which view of the page is shown: in the URL, not part of a run."""

    name = "page"

    run = linked = False

    def shown(self, f: Field, cfg: Any, lesson: str | None, view: str | None) -> Any:
        return view if view in f.choices else f.default


NAME = Name()
NUMBER = Number()
INTEGER = Number(integer=True)
FORMULA = Formula()
SURFACE_PARAMS = SurfaceParams()
RACERS = Racers()
LEARNING_RATES = LearningRates()
RACER_SETTINGS = RacerSettings()
POINT = Point()
DISPLAY = Display()
LESSON = Lesson()
PAGE = Page()
