"""The "Maps" view: every start, every learning rate, every (learning rate, momentum) at once,
and fair tuning. Same surface, racers and settings as the race (read from the race's link).

A map is computed piece by piece (`CHUNK_WORK` cell-steps a request, ~0.1-0.3 s here): the
first answer draws the empty map, each next one fills a block of rows (a Plotly ``Patch``)
and carries the job of the following block, which the browser sends straight back. The page
shows progress and stays responsive; the server keeps no state between pieces. A job from
the page is checked like any input: its shape by the guard, its content here (kind, racer,
size and rows in range, the query validated as any link); a newer Draw cancels the chain.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import dash_bootstrap_components as dbc
import numpy as np
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from playground.batch.cells import cell_cost
from playground.batch.maps import (
    PROBES,
    Setup,
    analytic_boundary,
    basin,
    momentum_key,
    phase,
    spectral_radius,
    sweep,
)
from playground.batch.tune import BUDGET, FINE, MOMENTA, SECOND, tune
from playground.core.cost import step_units
from playground.core.optimizers import OPTIMIZERS

from .. import guard, runs
from ..plots import alt
from ..plots.style import GRAPH_CONFIG
from ..state import urlstate, validate
from ..state.shapes import COUNT, NUMBER, TEXT, list_of, record
from ..state.validate import Config, Racer
from . import View, race_link
from . import _maps_figures as F

VIEW_ID = "maps"
KINDS = {
    "basin": "Basins: where each start point ends",
    "sweep": "Learning-rate sweep: every racer, every rate",
    "phase": "Phase diagram: learning rate × momentum",
}
SIZES = {"basin": (120, 10, 200), "sweep": (60, 5, 120), "phase": (40, 5, 80)}  # default, least, most
# work in cell-steps, each weighted by cells.cell_cost (1 for the element-wise rules) and by what a
# gradient of the surface costs in a batch (core/cost.py; 1 on the analytic surfaces)
MAP_WORK = 24_000_000  # one map (a 120 × 120 basin map of 1,000 steps is 14.4 M)
CHUNK_WORK = 3_000_000  # cell-steps a request runs
TUNE_WORK = 10_000_000  # cell-steps one tuning may run (every racer's 24 tries x 5 probes)
PHASE_LRS = (1e-4, 3.0)
SWEEP_LRS = (1e-5, 3.0)
CLICK = record({"points": list_of(record({"x": NUMBER}))})  # y: a number, or a racer's name (sweep)
JOB = record({"kind": TEXT, "racer": COUNT, "size": COUNT, "query": TEXT, "next": COUNT, "token": COUNT})


@dataclass
class Plan:
    """A validated map request."""

    kind: str
    cfg: Config
    racer: int
    size: int
    steps: int
    note: str

    @property
    def setups(self) -> list[Setup]:
        surface = runs.surface_of(self.cfg)
        return [_setup(self.cfg, r, surface, self.steps) for r in self.cfg.racers]

    @property
    def rows(self) -> int:
        return len(self.cfg.racers) if self.kind == "sweep" else self.size

    @property
    def chunk(self) -> int:
        """Rows per request (a sweep's row is a racer: its rates times the probes)."""
        racers = self.cfg.racers if self.kind == "sweep" else [self.cfg.racers[self.racer]]
        per_row = (
            self.size
            * self.steps
            * (PROBES if self.kind == "sweep" else 1)
            * max(_cost(self.cfg, r) for r in racers)
        )
        return max(1, CHUNK_WORK // per_row)


def _setup(cfg: Config, r: Racer, surface: Any, steps: int) -> Setup:
    return Setup(surface, r.optimizer, r.lr, dict(r.hyper), cfg.start, steps, cfg.schedule,
                 cfg.schedule_params, cfg.noise, cfg.batch_size, cfg.seed)  # fmt: skip


def plan(kind: Any, query: Any, racer: Any, size: Any) -> Plan | str:
    """The map to draw, or why not (a sentence for the page)."""
    if kind not in KINDS:
        return f"Unknown map {kind!r}: choose one of {', '.join(KINDS)}."
    cfg = urlstate.link_config(query if isinstance(query, str) else "")
    if cfg is None:
        cfg, _ = validate.config({})
    if not cfg.racers:
        return "Add an optimizer to the race first: a map shows the racers' settings."
    racer = racer if isinstance(racer, int) and 0 <= racer < len(cfg.racers) else 0
    default, least, most = SIZES[kind]
    notes = []
    if not isinstance(size, (int, float)) or not least <= size <= most or size != int(size):
        notes.append(f"The grid size must be a whole number from {least} to {most}: used {default}.")
        size = default
    size = int(size)
    if kind == "phase" and momentum_key(cfg.racers[racer].optimizer) is None:
        return f"{OPTIMIZERS[cfg.racers[racer].optimizer].title} has no momentum: pick Momentum, Nesterov or an Adam."
    shown = cfg.racers if kind == "sweep" else [cfg.racers[racer]]
    cells = size * PROBES if kind == "sweep" else size * size  # per racer shown
    steps = _fit(cfg.steps, cells * sum(_cost(cfg, r) for r in shown), MAP_WORK)
    if steps < cfg.steps:
        notes.append(f"{cells * len(shown):,} runs × {cfg.steps} steps is more than a map may do: "
                     f"each run took {steps} steps.")  # fmt: skip
    return Plan(kind, cfg, racer, size, steps, " ".join(notes))


def _cost(cfg: Config, r: Racer) -> int:
    """Work units one cell's step costs: the rule's, each paying a gradient of the surface (core/cost.py)."""
    return step_units(cell_cost(OPTIMIZERS[r.optimizer], dict(r.hyper)), runs.surface_of(cfg).cost.cell)


def _fit(steps: int, work_per_step: int, budget: int) -> int:
    """The steps that keep ``work_per_step × steps`` within ``budget`` (at least 10)."""
    return min(steps, max(10, budget // max(work_per_step, 1)))


def _title(p: Plan) -> str:
    r = p.cfg.racers[p.racer]
    name, surface = OPTIMIZERS[r.optimizer].title, runs.surface_of(p.cfg).title
    if p.kind == "basin":
        return (f"{surface}, {name}, lr {r.lr:.3g}, {p.steps} steps: where each of {p.size}×{p.size} starts ends "
                "(a basin paler where it took more steps)")  # fmt: skip
    if p.kind == "sweep":
        return f"{surface}, {p.size} learning rates, {p.steps} steps: median final loss over {PROBES} starts nearby"
    return f"{surface}, {name}, {p.steps} steps: steps to converge, {p.size}×{p.size} settings"


def skeleton(p: Plan) -> dict:
    fig = _skeleton(p)
    # a new map starts at its own full view (not the zoom of the map it replaces)
    fig["layout"]["uirevision"] = _title(p)
    fig["layout"] = alt.carried(fig["layout"], _alt(p, fig))
    return fig


def _alt(p: Plan, fig: dict) -> dict:
    """The map's text alternative, from its plan and its skeleton (the stability edge drawn)."""
    s, labels = p.setups[p.racer], [m["label"] for m in runs.racer_meta(p.cfg)]
    surface, racer = s.surface.title, labels[p.racer]
    if p.kind == "basin":
        outcomes = [name for name, _, _ in F.basin_categories(s.surface.minima)]
        return alt.basin_texts(surface, racer, s.lr, p.steps, p.size, outcomes)
    if p.kind == "sweep":
        rested = [(word, F.band_name((status,))) for status, (_, word) in F.RESTED.items()]
        return alt.sweep_texts(surface, labels, SWEEP_LRS, p.size, PROBES, p.steps, rested)
    _, momenta = _phase_axes(p.size)
    edge = next((d["name"] for d in fig["data"] if d["type"] == "contour"), None)
    return alt.phase_texts(surface, racer, momentum_key(s.optimizer), p.size, PHASE_LRS,
                           (float(momenta[0]), float(momenta[-1])), p.steps, edge)  # fmt: skip


def _skeleton(p: Plan) -> dict:
    s = p.setups[p.racer]
    if p.kind == "basin":
        return F.basin_skeleton(s.surface, p.size, p.size)
    if p.kind == "sweep":
        labels = [m["label"] for m in runs.racer_meta(p.cfg)]
        return F.sweep_skeleton(np.geomspace(*SWEEP_LRS, p.size), labels)
    lrs, momenta = _phase_axes(p.size)
    return F.phase_skeleton(lrs, momenta, momentum_key(s.optimizer), _boundary(s))


def _phase_axes(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.geomspace(*PHASE_LRS, n), np.linspace(0.0, 0.99, n)


def _boundary(s: Setup) -> tuple | None:
    found = analytic_boundary(s)
    if found is None:
        return None
    eig, words = found
    bx, by = np.geomspace(*PHASE_LRS, 200), np.linspace(0.0, 0.99, 100)
    return bx, by, spectral_radius(s.optimizer, eig, bx[None, :], by[:, None]), words


def fill(p: Plan, a: int, b: int) -> Patch:
    """The patch that fills rows ``[a, b)``."""
    patch, s = Patch(), p.setups[p.racer]
    if p.kind == "basin":
        vals = F.basin_rows(basin(s.with_(steps=p.steps), p.size, p.size, (a, b)), s.surface, p.size)
        for k, rows in vals.items():
            for i, row in enumerate(rows):
                patch["data"][0][k][a + i] = row
    elif p.kind == "sweep":
        _fill_sweep(p, a, b, patch)
    else:
        lrs, momenta = _phase_axes(p.size)
        vals = F.phase_rows(phase(s.with_(steps=p.steps), lrs, momenta[a:b]).cells, s.surface, p.size)
        for i in range(b - a):
            patch["data"][0]["z"][a + i] = vals["base"][i]
            patch["data"][1]["z"][a + i] = vals["speed"][i]
            patch["data"][1]["customdata"][a + i] = vals["customdata"][i]
    return patch


def _fill_sweep(p: Plan, a: int, b: int, patch: Patch) -> None:
    lrs = np.geomspace(*SWEEP_LRS, p.size)
    step = float(np.diff(np.log10(lrs))[0]) if len(lrs) > 1 else 0.1
    labels = [m["label"] for m in runs.racer_meta(p.cfg)]
    for i, s in enumerate(p.setups[a:b], start=a):
        row = F.sweep_row(sweep(s.with_(steps=p.steps), lrs), s.surface.fglob or 0.0, s.surface)
        patch["data"][0]["z"][i] = row["z"]
        patch["data"][0]["customdata"][i] = row["customdata"]
        if row["best"] is not None:
            patch["data"][1]["x"].append(float(np.log10(row["best"])))
            patch["data"][1]["y"].append(labels[i])
            patch["data"][1]["customdata"].append(row["best"])
        for lr, status, words in row["rested"]:  # its cells that stopped by their own rule
            marks = patch["data"][F.RESTED_TRACE + list(F.RESTED).index(status)]
            marks["x"].append(float(np.log10(lr)))
            marks["y"].append(labels[i])
            marks["customdata"].append(lr)
            marks["text"].append(words)
        if row["stable"] is not None:
            patch["layout"]["shapes"].append(F.stable_shape(i, row["stable"], step))


def _progress(done: int, total: int, p: Plan) -> list:
    what = "racers" if p.kind == "sweep" else "rows"
    text = f"Computed {done} of {total} {what}." if done < total else f"Done: {total} {what}."
    return [html.Progress(value=str(done), max=str(total)), html.Span(" " + text)]


# -- callbacks ----------------------------------------------------------------------------------


def start_map(n_clicks: Any, kind: Any, racer: Any, view: Any, query: Any, size: Any) -> tuple:
    """Draw (the button; or while the view is open: it opened, another map or racer was
    chosen, or the race's settings changed, as when a link or lesson loads): the empty map
    and the first piece's job."""
    if view != VIEW_ID:
        return (no_update,) * 7
    if _triggered() == "radio-maps-kind":
        # another kind of map: its own default size, which racer_options puts in the box at the
        # same time (the box's value here is the previous kind's, out of range or not this map's)
        size = SIZES.get(kind, SIZES["basin"])[0]
    p = plan(kind, query, racer, size)
    if isinstance(p, str):  # no map: none stays on screen under the reason
        return (
            F.waiting("No map: the reason is under Redraw"),
            None,
            html.P(p, className="pg-network-error"),
            "",
            None,
            "",
            no_update,
        )
    token = time.time_ns() % 2**31  # names this map: an older map's pieces stop when they see a newer one
    job = {"kind": p.kind, "racer": p.racer, "size": p.size, "query": query, "next": 0, "token": token}
    return skeleton(p), job, _progress(0, p.rows, p), p.note, token, _title(p), F.graph_style(p.kind, p.rows)


def _triggered() -> str | None:
    """The id of the input that fired the running callback (None when called outside one)."""
    try:
        return ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
    except Exception:  # no callback context (a direct call): no trigger to tell apart
        return None


def advance_map(job: Any, token: Any) -> tuple:
    """Fill the job's rows; hand back the next job (none when the map is complete)."""
    if not isinstance(job, dict) or job.get("token") != token:
        return no_update, no_update, no_update  # a newer Draw owns the map
    p = plan(job.get("kind"), job.get("query"), job.get("racer"), job.get("size"))
    start = job.get("next")
    if isinstance(p, str) or not isinstance(start, int) or not 0 <= start < p.rows:
        return no_update, None, html.P("This map's request was not valid: press Draw again.")
    end = min(p.rows, start + p.chunk)
    nxt = {**job, "next": end} if end < p.rows else None
    return fill(p, start, end), nxt, _progress(end, p.rows, p)


def click_cell(click: Any, job: Any) -> tuple:
    """A clicked cell: its exact configuration in the race (alone), playing."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    p = plan(*(job.get(k) for k in ("kind", "query", "racer", "size"))) if isinstance(job, dict) else "no map"
    if isinstance(p, str) or not isinstance(point, dict):
        return no_update, no_update
    x, y = point.get("x"), point.get("y")
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return no_update, no_update
    cfg = _cell_config(p, float(x), y)
    if cfg is None:
        return no_update, no_update
    return race_link(urlstate.to_query(cfg)), (job.get("token") or 0) + 1


def _cell_config(p: Plan, x: float, y: Any) -> Config | None:
    """The race of the clicked cell, or None for a point off the map (a click the page cannot
    send: the map's axes hold every cell)."""
    if p.kind == "sweep":
        names = [m["label"] for m in runs.racer_meta(p.cfg)]
        if y not in names or not _within(x, np.log10(SWEEP_LRS)):
            return None
        i = names.index(y)
        return _alone(p.cfg, i, replace(p.cfg.racers[i], lr=float(f"{10**x:.4g}")), None)
    if not isinstance(y, (int, float)) or isinstance(y, bool):
        return None
    r = p.cfg.racers[p.racer]
    if p.kind == "basin":
        (x0, x1), (y0, y1) = runs.surface_of(p.cfg).domain
        if not (_within(x, (x0, x1)) and _within(y, (y0, y1))):
            return None
        return _alone(p.cfg, p.racer, r, (float(f"{x:.4g}"), float(f"{y:.4g}")))
    _, momenta = _phase_axes(2)
    if not (_within(x, np.log10(PHASE_LRS)) and _within(y, (momenta[0], momenta[-1]))):
        return None
    key = momentum_key(r.optimizer)
    hyper = tuple((k, float(f"{y:.4g}") if k == key else v) for k, v in r.hyper)
    return _alone(p.cfg, p.racer, replace(r, lr=float(f"{10**x:.4g}"), hyper=hyper), None)


def _within(v: float, bounds: Any) -> bool:
    """``v`` in the closed range, with the half cell a map shows around its outer centres."""
    lo, hi = float(bounds[0]), float(bounds[1])
    pad = 0.05 * (hi - lo)
    return lo - pad <= v <= hi + pad


def _alone(cfg: Config, i: int, r: Racer, start: tuple[float, float] | None) -> Config:
    return replace(cfg, racers=[r], keys=[cfg.keys[i] if i < len(cfg.keys) else r.optimizer],
                   start=start if start is not None else cfg.start)  # fmt: skip


def tune_racers(n_clicks: Any, query: Any) -> tuple:
    """Every racer tuned with the same budget: table, curves, and the race with the results."""
    p = plan("sweep", query, 0, SIZES["sweep"][0])
    if isinstance(p, str):
        return html.P(p, className="pg-network-error"), {}, None, True
    steps = _fit(p.cfg.steps, BUDGET * PROBES * sum(_cost(p.cfg, r) for r in p.cfg.racers), TUNE_WORK)
    results = [tune(s.with_(steps=steps)) for s in p.setups]
    meta = runs.racer_meta(p.cfg)
    tuned = _tuned_config(p.cfg, results)
    table = _tune_table(results, [m["label"] for m in meta], p.setups)
    if steps < p.cfg.steps:
        table = html.Div([html.P(f"Tuning every racer for {p.cfg.steps} steps is more than one request may do: "
                                 f"each try ran {steps} steps.", className="pg-network-note"), table])  # fmt: skip
    fig = F.tune_figure(results, meta)
    return table, fig, urlstate.to_query(tuned), False


def _tuned_config(cfg: Config, results: list) -> Config:
    racers = []
    for r, t in zip(cfg.racers, results):
        if t.lr is None:
            racers.append(r)
            continue
        hyper = tuple((k, t.momentum if k == t.key else v) for k, v in r.hyper)
        racers.append(replace(r, lr=float(f"{t.lr:.4g}"), hyper=hyper))
    return replace(cfg, racers=racers)


def _tune_table(results: list, labels: list[str], setups: list[Setup]) -> html.Table:
    head = html.Tr(
        [html.Th(h) for h in ("racer", "tried", "learning rate", "momentum / β₁", "score", "tries")]
    )
    rows = []
    for r, name, s in zip(results, labels, setups):
        rows.append(html.Tr([
            html.Td(name), html.Td(" and ".join(["lr", *([r.key] if r.key else [])])),
            html.Td("none stable" if r.lr is None else f"{r.lr:.3g} (was {s.lr:.3g})"), html.Td(_momentum_cell(r)),
            html.Td("—" if not np.isfinite(r.score) else f"{r.score:.3g}"), html.Td(str(len(r.trials))),
        ]))  # fmt: skip
    return html.Table([html.Thead(head), html.Tbody(rows)], className="pg-network-table")


def _momentum_cell(r: Any) -> str:
    if r.key is None or r.momentum is None:
        return "—"
    tried = sorted({t.momentum for t in r.trials} - {r.momentum})
    kept = r.momentum not in MOMENTA  # the racer's own value beat every one tried
    return f"{r.key} {r.momentum:g}" + (f" (kept: beat {', '.join(f'{m:g}' for m in tried)})" if kept else "")


def race_tuned(n_clicks: Any, query: Any) -> Any:
    return race_link(query) if n_clicks and isinstance(query, str) and query else no_update


# -- layout -------------------------------------------------------------------------------------


def _controls() -> html.Div:
    options, default, size_note = racer_options(None, "basin")
    return html.Div(
        [
            html.Label("Map", htmlFor="radio-maps-kind"),
            dbc.RadioItems(id="radio-maps-kind", value="basin", className="pg-maps-kinds",
                           options=[{"label": t, "value": k} for k, t in KINDS.items()]),
            html.Label("Racer (basins, phase diagram)", htmlFor="select-maps-racer"),
            dcc.Dropdown(id="select-maps-racer", value=0, options=options, clearable=False),
            html.Label("Grid size", htmlFor="input-maps-size"),
            dcc.Input(id="input-maps-size", type="number", min=min(s[1] for s in SIZES.values()),
                      max=max(s[2] for s in SIZES.values()), step=1, value=default),
            html.Small(size_note, id="text-maps-size", className="pg-network-note"),
            html.Button("Redraw", id="button-maps-draw", n_clicks=0, className="pg-button"),
            html.Div(id="div-maps-progress", **{"aria-live": "polite"}),
            html.Div(id="div-maps-note", className="pg-network-note"),
        ],
        className="pg-card pg-network-controls",
    )  # fmt: skip


def _tune_card() -> html.Section:
    words = (f"Each racer gets the same {BUDGET} tries: 12 learning rates on a log grid, then {SECOND} "
             f"momentum values ({', '.join(map(str, MOMENTA))}; momentum or β₁ where the optimizer has one, "
             f"else {SECOND} more rates), then {FINE} rates around the best. The score is the median final loss "
             "over 5 starts near the race's start (5 noise seeds when the gradient is noisy); a try where any "
             "start leaves the region or blows up is out.")  # fmt: skip
    return html.Section(
        [
            html.H3("Fair tuning"),
            html.P(words, className="pg-network-note"),
            html.Button("Tune every racer", id="button-maps-tune", n_clicks=0, className="pg-button"),
            dcc.Loading(html.Div(id="div-maps-tune"), type="default"),
            html.Div(
                [
                    dcc.Graph(
                        id="graph-maps-tune",
                        config=GRAPH_CONFIG,
                        responsive=True,
                        style={"height": "380px"},
                    ),
                    html.Button(
                        "Race the tuned settings",
                        id="button-maps-race-tuned",
                        n_clicks=0,
                        className="pg-button",
                    ),
                ],
                id="div-maps-tuned",
                hidden=True,
            ),
            dcc.Store(id="store-maps-tuned"),
        ],
        className="pg-card",
    )


def layout() -> html.Div:
    graph = dcc.Graph(id="graph-maps", figure=F.waiting(), config=GRAPH_CONFIG, responsive=True,
                      style={"height": "240px"})  # fmt: skip
    hint = html.P("Click a cell to race exactly that run: it replaces the race's racers (Back returns).",
                  className="pg-network-note")  # fmt: skip
    title = html.H3(id="text-maps-title", className="pg-maps-title")
    plot = html.Div([title, graph, hint], className="pg-card pg-maps-plot")
    top = html.Div([_controls(), plot], className="pg-maps-top")
    stores = [dcc.Store(id=f"store-maps-{name}") for name in ("job", "token", "next", "play")]
    return html.Div(
        [html.H2("Outcome maps: every start, every learning rate at once"), top, _tune_card(), *stores],
        className="pg-network pg-maps",
    )


def racer_options(query: Any, kind: Any) -> tuple:
    cfg = urlstate.link_config(query if isinstance(query, str) else "") or validate.config({})[0]
    opts = [{"label": m["label"], "value": i} for i, m in enumerate(runs.racer_meta(cfg))]
    default, least, most = SIZES.get(kind, SIZES["basin"])
    what = {"basin": "starts per side", "sweep": "learning rates", "phase": "values per axis"}.get(kind, "")
    return opts, default, f"{what}, {least} to {most}"


def register(app: Dash) -> None:
    guard.callback(
        app, Output("select-maps-racer", "options"), Output("input-maps-size", "value"), Output("text-maps-size", "children"),
        Input("store-query", "data"), Input("radio-maps-kind", "value"),
        shapes={"store-query.data": TEXT, "radio-maps-kind.value": TEXT},
        prevent_initial_call=True,  # the layout carries the default race's choices
    )(racer_options)  # fmt: skip
    guard.callback(
        app, Output("graph-maps", "figure"), Output("store-maps-job", "data"), Output("div-maps-progress", "children"),
        Output("div-maps-note", "children"), Output("store-maps-token", "data"), Output("text-maps-title", "children"),
        Output("graph-maps", "style"),
        Input("button-maps-draw", "n_clicks"), Input("radio-maps-kind", "value"), Input("select-maps-racer", "value"),
        Input("tabs-view", "value"), Input("store-query", "data"), State("input-maps-size", "value"),
        shapes={"button-maps-draw.n_clicks": COUNT, "store-query.data": TEXT, "radio-maps-kind.value": TEXT,
                "select-maps-racer.value": COUNT, "input-maps-size.value": NUMBER},
        prevent_initial_call=True,
    )(start_map)  # fmt: skip
    guard.callback(
        app, Output("graph-maps", "figure", allow_duplicate=True), Output("store-maps-next", "data"),
        Output("div-maps-progress", "children", allow_duplicate=True),
        Input("store-maps-job", "data"), State("store-maps-token", "data"),
        shapes={"store-maps-job.data": JOB, "store-maps-token.data": COUNT}, prevent_initial_call=True,
    )(advance_map)  # fmt: skip
    app.clientside_callback(ClientsideFunction("pg", "mapsNext"), Output("store-maps-next", "modified_timestamp"),
                            Input("store-maps-next", "data"), State("store-maps-job", "id"),
                            prevent_initial_call=True)  # fmt: skip
    guard.callback(
        app, Output("url", "href", allow_duplicate=True), Output("store-maps-play", "data"),
        Input("graph-maps", "clickData"), State("store-maps-job", "data"),
        shapes={"graph-maps.clickData": CLICK, "store-maps-job.data": JOB}, prevent_initial_call=True,
    )(click_cell)  # fmt: skip
    for graph in ("graph-maps", "graph-maps-tune"):
        app.clientside_callback(ClientsideFunction("pg", "mapsStyle"), Output(graph, "className"),
                                Input(graph, "figure"), prevent_initial_call=True)  # fmt: skip
    app.clientside_callback(ClientsideFunction("pg", "mapsAutoplay"), Output("store-maps-play", "modified_timestamp"),
                            Input("store-maps-play", "data"), prevent_initial_call=True)  # fmt: skip
    guard.callback(
        app, Output("div-maps-tune", "children"), Output("graph-maps-tune", "figure"), Output("store-maps-tuned", "data"),
        Output("div-maps-tuned", "hidden"),
        Input("button-maps-tune", "n_clicks"), State("store-query", "data"),
        shapes={"button-maps-tune.n_clicks": COUNT, "store-query.data": TEXT}, prevent_initial_call=True,
        running=[(Output("button-maps-tune", "disabled"), True, False)],
    )(tune_racers)  # fmt: skip
    guard.callback(
        app, Output("url", "href", allow_duplicate=True), Input("button-maps-race-tuned", "n_clicks"),
        State("store-maps-tuned", "data"),
        shapes={"button-maps-race-tuned.n_clicks": COUNT, "store-maps-tuned.data": TEXT}, prevent_initial_call=True,
    )(race_tuned)  # fmt: skip


VIEW = View(id=VIEW_ID, title="Maps", order=10, layout=layout, register=register)
