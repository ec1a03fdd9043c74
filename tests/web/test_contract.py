"""The server and the playback scripts share one contract (playground/web/contract.py)."""

import re
from dataclasses import asdict

from dash import html

from playground.web import ASSETS, contract, create_app, page
from playground.web.views.race import controls

# the playground's own scripts (NN-pg-*.js), not the libraries beside them (plotly.js, regenerator-runtime)
SCRIPTS = {p.name: p.read_text() for p in sorted(ASSETS.glob("[0-9][0-9]-pg-*.js"))}
JS = "\n".join(SCRIPTS.values())


def _texts(component) -> list[str]:
    """Every string inside a Dash component tree, in order."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    items = children if isinstance(children, (list, tuple)) else [children]
    return [t for c in items for t in _texts(c)]


def test_the_scripts_name_no_id_role_or_colour_of_their_own():
    assert SCRIPTS, "no playback scripts in assets/"
    for name, value in asdict(contract.IDS).items():
        assert value not in JS, f"{value} ({name}) is written in the scripts: read PG.C.ids.{name}"
    for role in asdict(contract.ROLES).values():
        # the graphs' contract keys are "surface", "contour", "loss_chart": a quoted role is a copy
        assert not re.search(rf"""["']{role}["']""", JS), f"trace role {role!r} is written in the scripts"
    colours = {contract.DIVERGED_INK, *(a.color for a in contract.ARROWS)}
    colours |= {v for ink in contract.SCENE_INK.values() for v in ink.values()}
    assert not [c for c in colours if c.lower() in JS.lower()]
    for key in ("ArrowRight", "ArrowLeft"):
        assert key not in JS  # keys come from the contract's shortcut list


def test_the_help_modal_and_the_key_listener_read_the_same_shortcuts():
    rows = page.help_box().children[1].children[0].children.children  # modal > body > [table] > tbody > rows
    shown = [tuple(_texts(r)) for r in rows]
    assert shown == [(s.label, s.text) for s in contract.SHORTCUTS]
    assert all(isinstance(r.children[0].children, html.Kbd) for r in rows)
    # every action a shortcut names is one the key listener can do, and it does no others
    table = re.search(r"const ACTIONS = \{(.*?)\n  \};", SCRIPTS["70-pg-keys.js"], re.S).group(1)
    actions = set(re.findall(r"^\s+(\w+): function", table, re.M))
    assert actions == {s.action for s in contract.SHORTCUTS}
    assert "PG.C.shortcuts" in SCRIPTS["70-pg-keys.js"]
    keys = [k for s in contract.SHORTCUTS for k in s.keys]
    assert len(keys) == len(set(keys))  # one action per key


def test_the_page_carries_the_contract_and_the_lr_slider_uses_its_range():
    app = create_app()
    stores = [c for c in app.layout._traverse() if getattr(c, "id", None) == contract.IDS.contract]
    assert len(stores) == 1 and stores[0].data == contract.as_dict()
    card = controls.racer_card(0, "adam", "#000", 1e-9, {})
    slider = next(c for c in card._traverse() if isinstance(getattr(c, "id", None), dict)
                  and c.id.get("type") == contract.IDS.lr_slider)  # fmt: skip
    assert (slider.min, slider.max, slider.value) == (
        contract.LR_SLIDER["min"],
        contract.LR_SLIDER["max"],
        -5,
    )


def test_every_clientside_function_the_app_calls_exists():
    deps = create_app().server.test_client().get("/_dash-dependencies").get_json()
    names = {d["clientside_function"]["function_name"] for d in deps if d.get("clientside_function")}
    assert {"contract", "load", "inspect", "logScale", "syncLr"} <= names
    scripts = "\n".join(SCRIPTS.values())  # the bridge, and the views' own modules
    assert all(re.search(rf"^\s+{n}: ", scripts, re.M) for n in names), names
