"""Build `/_dash-update-component` bodies the way the Dash renderer does (for fuzzing and load).

Values are given by setting name (playground/web/state/settings.py), so a payload does not
depend on the order of a callback's inputs; dependencies that are not settings are given
as ``"<id>.<property>"``.
"""

import json

from playground.web.state import settings


def split_outputs(output: str) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        out.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    return out


def _by_name(specs: list[dict], values: dict) -> list:
    """One value per dependency: a setting's value (a box of a multi-box setting in turn)."""
    out, part = [], {}
    for s in specs:
        ident = json.loads(s["id"]) if s["id"].startswith("{") else s["id"]
        f = settings.field_of(ident, s["property"])
        if f is None or f.name not in values:
            out.append(values.get(f"{s['id']}.{s['property']}"))
            continue
        value = values[f.name]
        if len(f.components) > 1:  # e.g. start = (x, y) over two text boxes
            part[f.name] = part.get(f.name, -1) + 1
            value = value[part[f.name]]
        out.append(value)
    return out


def body(dep: dict, values: list | dict, state_values: list | dict | None = None) -> dict:
    """``values``: by setting name (dict), or one per input (list); for an ALL pattern a list
    of (id, value) pairs. ``state_values`` likewise (a list may be short: the rest are None)."""

    def item(spec, value):
        if spec["id"].startswith("{"):
            return [{"id": i, "property": spec["property"], "value": v} for i, v in (value or [])]
        return {"id": spec["id"], "property": spec["property"], "value": value}

    if isinstance(values, dict):
        values = _by_name(dep["inputs"], values)
    if isinstance(state_values, dict):
        state_values = _by_name(dep["state"], state_values)
    inputs = [item(s, v) for s, v in zip(dep["inputs"], values)]
    outputs = [_expand(o, inputs) for o in split_outputs(dep["output"])]
    first = dep["inputs"][0]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "state": [
            item(s, v) for s, v in zip(dep["state"], [*(state_values or []), *[None] * len(dep["state"])])
        ],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def _expand(output: dict, inputs: list) -> dict | list:
    """A pattern output as the page sends it: one item per component it matches, taken as the
    components of the pattern inputs with the same wildcard keys (a racer's boxes: its ``opt``)."""
    pattern = output["id"]
    if not isinstance(pattern, dict):
        return output
    wild = {k for k, v in pattern.items() if v == ["ALL"]}
    ids = []
    for group in (g for g in inputs if isinstance(g, list)):
        for i in group:
            if isinstance(i["id"], dict) and set(i["id"]) == set(pattern):
                ids.append({**pattern, **{k: i["id"][k] for k in wild}})
        if ids:
            break
    return [{"id": i, "property": output["property"]} for i in ids]


def server_callbacks(deps: list[dict]) -> list[dict]:
    return [d for d in deps if not d.get("clientside_function")]


def compute_dep(deps: list[dict]) -> dict:
    """The callback that runs the engine."""
    return next(d for d in deps if "store-run.data" in d["output"])


def compute_values(surface="rosenbrock", optimizers=("momentum", "rmsprop", "adam"), lrs=None, steps="500",
                   start=("-1.5", "2.0"), schedule="constant") -> dict:  # fmt: skip
    """What the page sends for these settings, by setting name."""
    lrs = lrs or {"momentum": "0.001", "rmsprop": "0.01", "adam": "0.05"}
    params = {"rosenbrock": [("a", "1"), ("b", "100")], "ravine": [("condition", "100")]}.get(surface, [])
    return {
        "surface": surface,
        "surface_params": [({"type": "input-surface-param", "name": k}, v) for k, v in params],
        "optimizers": list(optimizers),
        "lr": [({"type": "input-lr", "opt": o}, lrs.get(o, "0.01")) for o in optimizers],
        "hyper": [],
        "schedule": schedule,
        "then": "constant",
        "schedule_params": [],
        "noise": "",
        "batch_size": "1",
        "seed": "0",
        "start": tuple(start),
        "steps": steps,
        "inspect": "0",
        "log_loss": True,
    }
