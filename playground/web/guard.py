"""The envelope check: every `/_dash-update-component` request is checked before Dash reads it.

Policy (one rule for every server callback):

* A request the page cannot have sent is refused with **400** and the reason: a body that
  is not a JSON object, an unknown callback, outputs/inputs/state that differ from the
  callback's declaration (count, ids, properties), a pattern-matching input that is not a
  list of ``{id, property, value}`` items whose ids fit the pattern, or a value whose JSON
  shape its widget cannot produce (a dict in a text box, a number where a multi-select
  sends a list). Shapes come from settings.FIELDS, or from the callback's own ``shapes``.
* A value of the right shape but wrong content ("abc" steps, an unknown surface) passes
  here; validate.py replaces it with a default and says so under its control.

So callbacks only ever see the shapes they declared, and any exception they still raise
is a bug: server.py answers it with 500 and logs the traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dash import Dash
from dash.dependencies import Wildcard
from flask import abort, request

from .state import settings
from .state.shapes import Shape

MAX_ITEMS = 200  # pattern-matching items per input: the page has at most ~12 racers x 10 boxes
KEY = "playground-guard"


@dataclass(frozen=True)
class Dep:
    id: str | dict
    prop: str
    shape: Shape

    @property
    def pattern(self) -> bool:
        return isinstance(self.id, dict)

    def name(self) -> str:
        return f"{self.id.get('type') if isinstance(self.id, dict) else self.id}.{self.prop}"


@dataclass(frozen=True)
class Declared:
    outputs: tuple[tuple[str | dict, str], ...]  # (id, property); a pattern's id is a dict
    inputs: tuple[Dep, ...]
    state: tuple[Dep, ...]


def _dep(d: Any, shapes: Mapping[str, Shape]) -> Dep:
    key = f"{d.component_id_str()}.{d.component_property}"
    field = settings.field_of(d.component_id, d.component_property)
    shape = shapes.get(key) or (field.shape if field else None)
    if shape is None:  # a programming error, at start-up: every input declares its shape
        raise ValueError(f"no shape declared for {key}")
    return Dep(d.component_id, d.component_property, shape)


def callback(app: Dash, *deps: Any, shapes: Mapping[str, Shape] | None = None, **kw: Any) -> Callable:
    """``app.callback`` that also declares the JSON shape of every input and state.

    ``shapes`` maps ``"<id>.<property>"`` to a shape for dependencies that are not
    settings (buttons, stores, the URL); settings take their shape from the schema.
    """
    from dash import Input, Output, State

    shapes = shapes or {}
    outs = [d for d in deps if isinstance(d, Output)]
    declared = Declared(
        outputs=tuple(
            (
                o.component_id if isinstance(o.component_id, dict) else o.component_id_str(),
                o.component_property,
            )
            for o in outs
        ),
        inputs=tuple(_dep(d, shapes) for d in deps if isinstance(d, Input)),
        state=tuple(_dep(d, shapes) for d in deps if isinstance(d, State)),
    )
    before = set(app.callback_map)
    register = app.callback(*deps, **kw)  # Dash files the callback under its output key here
    (key,) = set(app.callback_map) - before
    app.server.extensions.setdefault(KEY, {})[key] = declared
    return register


def _id_fits(item_id: object, pattern: dict) -> bool:
    if not isinstance(item_id, dict) or set(item_id) != set(pattern):
        return False
    for k, want in pattern.items():
        got = item_id[k]
        if isinstance(want, Wildcard):
            if not isinstance(got, (str, int, float, bool)):
                return False
        elif got != want:
            return False
    return True


def _check_item(item: object, dep: Dep, where: str) -> None:
    if not isinstance(item, dict) or item.get("property") != dep.prop:
        abort(400, f"{where}: expected {{id, property: {dep.prop!r}, value}}")
    if dep.pattern:
        if not _id_fits(item.get("id"), dep.id):  # type: ignore[arg-type]
            abort(400, f"{where}: id does not fit the pattern {dep.name()}")
    elif item.get("id") != dep.id:
        abort(400, f"{where}: expected the id {dep.id!r}")
    if not dep.shape(item.get("value")):
        abort(400, f"{where}: {dep.name()} must be {dep.shape.what}")


def _check_deps(given: object, declared: tuple[Dep, ...], what: str) -> None:
    if not isinstance(given, list) or len(given) != len(declared):
        abort(400, f"'{what}' must list the callback's {len(declared)} {what} in order")
    for i, (entry, dep) in enumerate(zip(given, declared)):
        where = f"{what}[{i}]"
        if dep.pattern:
            if not isinstance(entry, list) or len(entry) > MAX_ITEMS:
                abort(400, f"{where}: {dep.name()} is pattern-matching; expected a list of items")
            for j, item in enumerate(entry):
                _check_item(item, dep, f"{where}[{j}]")
        else:
            _check_item(entry, dep, where)


def _prop(prop: str) -> str:
    """A property without the ``@<hash>`` Dash adds to an output shared by callbacks
    (``allow_duplicate=True``)."""
    return prop.split("@", 1)[0]


def _output_fits(entry: object, ident: str | dict, prop: str) -> bool:
    """Whether one entry of a request's outputs is the declared output (a pattern's: a list
    of the matching components' {id, property})."""
    if isinstance(ident, dict):
        return (isinstance(entry, list) and len(entry) <= MAX_ITEMS
                and all(_output_fits(e, "", prop) and _id_fits(e["id"], ident) for e in entry))  # type: ignore[index]  # fmt: skip
    if not isinstance(entry, dict) or not isinstance(entry.get("property"), str):
        return False
    return _prop(entry["property"]) == _prop(prop) and (ident == "" or entry.get("id") == ident)


def _check_outputs(given: object, declared: Declared) -> None:
    lone_pattern = len(declared.outputs) == 1 and isinstance(declared.outputs[0][0], dict)
    many = given if isinstance(given, list) and not lone_pattern else [given]
    if len(many) != len(declared.outputs):
        abort(400, "'outputs' differ from the callback's declaration")
    if not all(_output_fits(e, i, p) for e, (i, p) in zip(many, declared.outputs)):
        abort(400, "'outputs' differ from the callback's declaration")


def _is_input(prop_id: object, inputs: tuple[Dep, ...]) -> bool:
    """Whether ``prop_id`` names one of ``inputs`` (Dash json-parses ids that start with "{")."""
    if not isinstance(prop_id, str):
        return False
    ident, _, prop = prop_id.rpartition(".")
    if not ident.startswith("{"):
        return any(not d.pattern and d.id == ident and d.prop == prop for d in inputs)
    try:
        parsed = json.loads(ident)
    except (ValueError, RecursionError):
        return False
    return any(d.pattern and d.prop == prop and _id_fits(parsed, d.id) for d in inputs)  # type: ignore[arg-type]


def check(app: Dash, body: object) -> None:
    """Refuse (werkzeug 400 with the reason) a callback request the page cannot have sent."""
    if not isinstance(body, dict):
        abort(400, "the body must be a JSON object")
    output = body.get("output")
    declared = app.server.extensions.get(KEY, {}).get(output) if isinstance(output, str) else None
    if declared is None:
        abort(400, "unknown callback output")
    _check_outputs(body.get("outputs"), declared)
    _check_deps(body.get("inputs"), declared.inputs, "inputs")
    _check_deps(body.get("state", []), declared.state, "state")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(_is_input(c, declared.inputs) for c in changed):
        abort(400, "'changedPropIds' must list '<id>.<property>' of the callback's inputs")


def install(app: Dash) -> None:
    """Check every callback request's envelope and shapes before Dash dispatches it."""
    path = app.config.requests_pathname_prefix + "_dash-update-component"

    @app.server.before_request
    def envelope() -> None:
        if request.path != path or request.method != "POST":
            return
        if not request.is_json:
            abort(415, "callback requests are JSON (Content-Type: application/json)")
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # the json module gives up on deep nesting
            abort(400, "the body nests too deeply")
        if body is None:
            abort(400, "the body is not valid JSON")
        check(app, body)
