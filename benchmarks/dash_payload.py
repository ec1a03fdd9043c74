"""Build `/_dash-update-component` bodies the way the Dash renderer does (for fuzzing and load)."""

import json


def split_outputs(output: str) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        out.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    return out


def body(dep: dict, values: list, state_values: list | None = None) -> dict:
    """``values[i]`` is the value of input i; for an ALL pattern, a list of (id, value) pairs."""

    def item(spec, value):
        if spec["id"].startswith("{"):
            return [{"id": i, "property": spec["property"], "value": v} for i, v in (value or [])]
        return {"id": spec["id"], "property": spec["property"], "value": value}

    outputs = split_outputs(dep["output"])
    first = dep["inputs"][0]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": [item(s, v) for s, v in zip(dep["inputs"], values)],
        "state": [
            item(s, v) for s, v in zip(dep["state"], [*(state_values or []), *[None] * len(dep["state"])])
        ],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def server_callbacks(deps: list[dict]) -> list[dict]:
    return [d for d in deps if not d.get("clientside_function")]


def compute_dep(deps: list[dict]) -> dict:
    return next(d for d in deps if "store-run.data" in d["output"])


def compute_values(surface="rosenbrock", optimizers=("momentum", "rmsprop", "adam"), lrs=None, steps="500",
                   start=("-1.5", "2.0"), schedule="constant") -> list:  # fmt: skip
    lrs = lrs or {"momentum": "0.001", "rmsprop": "0.01", "adam": "0.05"}
    params = {"rosenbrock": [("a", "1"), ("b", "100")], "ravine": [("condition", "100")]}.get(surface, [])
    return [
        surface,
        [({"type": "input-surface-param", "name": k}, v) for k, v in params],
        list(optimizers),
        [({"type": "input-lr", "opt": o}, lrs.get(o, "0.01")) for o in optimizers],
        [],
        schedule,
        [],
        "",
        "1",
        "0",
        start[0],
        start[1],
        steps,
        "constant",
    ]
