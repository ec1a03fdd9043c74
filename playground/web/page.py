"""The page's frame around the views: header (lessons, share, live, lecture mode, theme, help,
the controls toggle), the view tabs, the share and help overlays, the page's stores, and the
callbacks that tie the page to its address (a link or lesson fills the controls; the
controls write the link).

Element ids are kebab-case ``<kind>-<thing>``; tests and scripts drive the page by them.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import flask
from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from . import contract, docs_site, exports, guard, lesson_box, live, reach, runs, views
from .contract import IDS, LABELS
from .later import mounted_later
from .lessons import LESSON_BY_ID, LESSONS
from .state import settings, urlstate, validate
from .state.shapes import COUNT, TEXT
from .state.widgets import DEFAULT_CONFIG, INITIAL, config_of, run_config
from .views import race


def layout() -> html.Div:
    """The whole page: the frame, the race's controls in the side panel, every view in the main
    column (the race always mounted, the others only when chosen)."""
    # the default view travels with the page itself: the plots draw without a callback first
    first = runs.view(DEFAULT_CONFIG)
    return html.Div(
        [
            link_reader(),
            *race.layout.stores(first),
            dcc.Store(id=IDS.contract, data=contract.as_dict()),  # read once by the playback scripts
            dcc.Store(id="store-url"),
            dcc.Store(id="store-query", data=urlstate.to_query(DEFAULT_CONFIG, None, INITIAL["view"])),
            share_modal(),
            help_box(),
            html.Header([_brand(), header_actions()], className="pg-header"),
            html.Div(
                [
                    html.Aside(
                        mounted_later(race.controls.controls(), IDS.later_controls),
                        id=IDS.controls,
                        className="pg-aside",
                    ),
                    html.Main(
                        [
                            html.Div(id="div-notice"),
                            html.Div(id="div-lesson"),
                            view_tabs(),
                            extra_views(),
                            html.Div(race.VIEW.layout(first), id=views.container_id(views.RACE)),
                        ],
                        className="pg-main",
                    ),
                ],
                className="pg-body",
            ),
        ],
        className="pg-app",
    )


def link_reader() -> dcc.Tabs:
    """The page's ``dcc.Location``, mounted at once when the address holds a link and after the
    first map otherwise (80-pg-bridge.js). It tells the page its address when it mounts, and
    while the link's callback is pending Dash's renderer weighs everything it can change
    (every control, the run, ...) at each step of its callback queue: ~25 ms of a cold
    visit's main thread before the map, for an address with nothing to apply."""
    return mounted_later(html.Div(dcc.Location(id="url", refresh=False)), IDS.later_link)


def _brand() -> html.Div:
    return html.Div(
        [
            html.Span("◆", className="pg-logo"),
            html.H1("Loss-landscape playground"),
            html.Span("optimizers racing downhill", className="pg-muted pg-tagline"),
        ],
        className="pg-brand",
    )


def view_tabs() -> html.Div:
    """One tab per view (views/); hidden when the race is the only view."""
    options = [{"label": race.VIEW.title, "value": race.VIEW.id}] + [
        {"label": v.title, "value": v.id} for v in views.discover()
    ]
    return html.Div(
        dbc.RadioItems(id="tabs-view", options=options, value=INITIAL["view"], inline=True,
                       className="btn-group", inputClassName="btn-check",
                       labelClassName="btn btn-sm btn-outline-primary", labelCheckedClassName="active"),
        className="pg-view-tabs", hidden=len(options) < 2,
    )  # fmt: skip


def extra_views() -> dcc.Tabs:
    """The other views' containers; the chosen one alone is mounted.

    They sit in a ``dcc.Tabs`` without its tab bar (``tabs-view`` is the bar), because a
    ``dcc.Tabs`` mounts the chosen tab's content alone: a visit to the race does not build
    and draw the maps' and the network's plots (~0.1 s of every page load, benchmarks/browser.py),
    and their components stay in the layout, so their callbacks work while unmounted.
    """
    tabs = [dcc.Tab(html.Div(v.layout(), id=views.container_id(v.id)), value=v.id) for v in views.discover()]
    return dcc.Tabs(tabs, id=views.MOUNT_ID, value=INITIAL["view"], style={"display": "none"},
                    parent_className="pg-view-mount", content_className="pg-view-mounted")  # fmt: skip


def header_actions() -> html.Div:
    lessons = [{"label": le.title, "value": le.id} for le in LESSONS]
    return html.Div(
        [
            html.Label("Guided lesson", htmlFor="select-lesson", className="visually-hidden"),
            dbc.Select(id="select-lesson", size="sm", value="", placeholder="Guided lessons…",
                       className="pg-lesson-select", options=lessons),
            dbc.Button("Share", id="button-share", size="sm", color="light", outline=True),
            *live.header_pieces(),
            dbc.Button("Lecture", id=IDS.presenter, size="sm", color="light", outline=True,
                       title="Lecture mode (P): the race, its results and the lesson on one screen, text for a hall"),
            dbc.Button(LABELS["dark"], id=IDS.theme, size="sm", color="light", outline=True),
            dbc.Button("?", id="button-help", size="sm", color="light", outline=True, title="Keyboard shortcuts (?)"),
            dbc.Button(["☰", html.Span(" Controls", className="pg-wide-label")], id="button-controls",
                       className="pg-toggle", color="secondary", outline=True, size="sm", title="Controls"),
        ],
        className="pg-actions",
    )  # fmt: skip


def help_box() -> dbc.Modal:
    rows = [html.Tr([html.Td(html.Kbd(s.label)), html.Td(s.text)]) for s in contract.SHORTCUTS]
    guide = html.P(["Read more: ", docs_site.anchor_to("the guide", "guide"), " · ",
                    docs_site.anchor_to("reading the statuses", "racing"), " · ",
                    docs_site.anchor_to("every key", "keys"), " · ",
                    docs_site.anchor_to("accessibility", "accessibility")],
                   className="pg-muted mt-2 mb-0", id="text-help-docs")  # fmt: skip
    return dbc.Modal([dbc.ModalHeader(dbc.ModalTitle("Keyboard shortcuts", id="title-help")),
                      dbc.ModalBody([dbc.Table(html.Tbody(rows), size="sm", className="pg-table"), guide])],
                     id=IDS.help, is_open=False, labelledby="title-help")  # fmt: skip


def share_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Share this run", id="title-share")),
            dbc.ModalBody(
                [
                    html.P("Anyone who opens this link sees exactly these paths.", className="pg-muted"),
                    html.Label("Link to this run", htmlFor="input-share-url", className="visually-hidden"),
                    dbc.InputGroup(
                        [
                            dbc.Input(id="input-share-url", readonly=True),
                            dbc.Button("Copy link", id="button-copy-link", color="primary"),
                        ]
                    ),
                    dbc.Alert(id=IDS.share_reach, color="warning", is_open=False, className="pg-reach mt-2"),
                    html.Img(id="img-qr", className="pg-qr", alt="QR code of the link"),
                ]
            ),
        ],
        id="modal-share",
        is_open=False,
        labelledby="title-share",  # the dialog's accessible name
        size="lg",
    )


LINK_OUTPUTS = [Output(c, f.prop) for f in settings.fields(settings.FROM_LINK) for c in f.components]


def _register_link(app: Dash) -> None:
    """Opening a link (or a lesson) fills the controls."""

    @guard.callback(app, *LINK_OUTPUTS, Output("store-url", "data"), Output("div-notice", "children"),
                    Input("url", "href"), shapes={"url.href": TEXT}, prevent_initial_call=True)  # fmt: skip
    def apply_url(href):
        # href, not search: the page rewrites its address with history.replaceState, which
        # dcc.Location does not see, so only a new href reliably tells it to navigate
        raw, notices, _ = urlstate.from_query(urlstate.settings_search(href))
        view = urlstate.view_in(href)
        if not raw and not notices:  # the page as first served: nothing to rerun; the view if one is asked
            shown_view = [
                view if f.kind == "page" and view != f.default else no_update
                for f in settings.fields(settings.FROM_LINK)
            ]
            return (*shown_view, no_update, no_update)
        cfg, msgs = validate.config(raw)
        notices += [t for _, t in msgs.items]
        notice = [dbc.Alert([html.Strong("Parts of the link were ignored (defaults used): "),
                             "; ".join(notices[:10])], color="info", dismissable=True, id="alert-url")] if notices else []  # fmt: skip
        # the lesson menu goes back to its prompt: choosing the same lesson again re-applies it
        shown = urlstate.widget_values(cfg, None, view)
        return (*shown.values(), urlstate.to_query(cfg), notice)

    @guard.callback(app, Output("url", "href"), *settings.inputs(["lesson"]), State("url", "href"),
                    shapes={"url.href": TEXT}, prevent_initial_call=True)  # fmt: skip
    def choose_lesson(lesson_id, _href):
        lesson = LESSON_BY_ID.get(lesson_id) if isinstance(lesson_id, str) else None
        return no_update if lesson is None else lesson_box.lesson_link(lesson)

    # not called first: the page opens with no lesson box, and a lesson's link reaches it by
    # apply_url, which sets every setting this reads
    @guard.callback(app, Output("div-lesson", "children"), *settings.inputs(settings.RUN), State("url", "href"),
                    shapes={"url.href": TEXT}, prevent_initial_call=True)  # fmt: skip
    def lesson_text(*values):
        cfg, _ = config_of(settings.RUN, ctx.inputs_list)
        return lesson_box.box(cfg, LESSON_BY_ID.get(urlstate.lesson_in(values[-1]) or ""))


def register(app: Dash) -> None:
    """Attach the frame's callbacks: the address, lessons, sharing, and the browser-only ones."""
    _register_link(app)
    _register_query(app)
    _register_share(app)
    _register_clientside(app)


def _register_query(app: Dash) -> None:
    """The canonical query of what the controls hold (the address the page writes, the link shared)."""

    @guard.callback(app, Output("store-query", "data"), *settings.inputs(settings.RUN), *settings.inputs(["view"]),
                    State("url", "href"), State("store-query", "data"), shapes={"url.href": TEXT, "store-query.data": TEXT},
                    prevent_initial_call=True)  # fmt: skip
    def query(*values):
        cfg, _ = run_config(settings.RUN, ctx.inputs_list[: -len(settings.inputs(["view"]))], values[-1])
        return urlstate.to_query(cfg, urlstate.lesson_in(values[-2]), values[-3])


def _register_share(app: Dash) -> None:
    @guard.callback(
        app,
        Output("modal-share", "is_open"),
        Output("input-share-url", "value"),
        Output("img-qr", "src"),
        Output(IDS.share_reach, "children"),
        Output(IDS.share_reach, "is_open"),
        Input("button-share", "n_clicks"),
        State("store-query", "data"),
        shapes={"button-share.n_clicks": COUNT, "store-query.data": TEXT},
        prevent_initial_call=True,
    )
    def open_share(n, query):
        query = query if isinstance(query, str) and len(query) <= urlstate.MAX_QUERY else ""
        base, warning = reach.base(flask.request.host_url)
        link = base + ("?" + query if query else "")
        return True, link, exports.qr_data_uri(link), warning, warning is not None


def _register_clientside(app: Dash) -> None:
    """Browser-only: the contract reaches the scripts, the address, the copy button, the view
    shown, the help overlay and the phone's controls panel."""
    app.clientside_callback(
        ClientsideFunction("pg", "contract"),
        Output(IDS.contract, "modified_timestamp"),
        Input(IDS.contract, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "writeUrl"),
        Output("store-query", "modified_timestamp"),
        Input("store-query", "data"),
    )
    app.clientside_callback(
        ClientsideFunction("pg", "copyLink"),
        Output("button-copy-link", "children"),
        Input("button-copy-link", "n_clicks"),
        State("input-share-url", "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("pg", "showView"),
        # the race is hidden while another view is mounted (only the chosen one is)
        Output(views.container_id(views.RACE), "hidden"),
        Output(views.MOUNT_ID, "value"),
        Input("tabs-view", "value"),
        State(IDS.contract, "data"),
        prevent_initial_call=True,  # the layout shows the first view already; a link's view comes by apply_url
    )
    app.clientside_callback(
        ClientsideFunction("pg", "toggleHelp"),
        Output("modal-help", "is_open"),
        Input("button-help", "n_clicks"),
        State("modal-help", "is_open"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("pg", "toggleControls"),
        Output("panel-controls", "className"),
        Input("button-controls", "n_clicks"),
        State("panel-controls", "className"),
        prevent_initial_call=True,
    )
