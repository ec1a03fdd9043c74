"""What the server and the browser must agree on, declared once.

Element ids, trace roles, arrow and scene colours, the learning-rate slider's range, the
keyboard shortcuts and the run statuses live here. The Python side builds the page and
the figures from these values, and the page carries them whole to the browser
(``store-contract``): the playback scripts in ``assets/`` name no id, role or colour of
their own, so renaming one here cannot leave the two sides out of step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from playground.core import outcome as core_outcome
from playground.core import status as engine_status
from playground.core.optimizers import OPTIMIZERS
from playground.live.events import KEYS as LIVE_EVENTS
from playground.live.model import Limits

from .state.limits import MAX_RACERS
from .views import view_ids


@dataclass(frozen=True)
class Ids:
    """Element ids the playback scripts look up or listen to."""

    surface: str = "graph-surface-3d"
    contour: str = "graph-contour"
    loss_chart: str = "graph-loss"
    state_chart: str = "graph-state"
    schedule_chart: str = "graph-schedule"
    ewma_chart: str = "graph-ewma"
    readout: str = "div-readout"
    # the polite live region that says each run's outcome when the playback reaches it
    outcome: str = "text-race-outcome"
    # a plot's description (its aria-describedby): this prefix and the graph's id
    plot_description: str = "text-description"
    table: str = "table-results"
    step_text: str = "text-step"
    scrubber: str = "slider-step"
    play: str = "button-play"
    step: str = "button-step"
    reset: str = "button-reset"
    presenter: str = "button-presenter"
    rotate: str = "button-rotate"
    theme: str = "button-theme"
    help: str = "modal-help"
    inspect: str = "select-inspect"
    log_loss: str = "switch-log-loss"
    lr_slider: str = "slider-lr"  # the pattern-matching type of each racer's slider
    contract: str = "store-contract"
    run: str = "store-run"
    # the default view's other figures (3D scene, loss, schedule...), drawn after the contour map
    first_figures: str = "store-first-figures"
    speed: str = "select-speed"
    controls: str = "panel-controls"
    # what the page mounts once its contour map is drawn (web/later.py): the controls' panel
    later_controls: str = "tabs-later-controls"
    later_race: str = "tabs-later-race"  # the race's rows below the fold
    later_scene: str = "tabs-later-scene"
    later_loss: str = "tabs-later-loss"
    later_state: str = "tabs-later-state"
    # the link reader (dcc.Location): at once when the address holds a link, else after the map
    later_link: str = "tabs-later-link"
    lesson: str = "select-lesson"
    share_reach: str = "alert-share-reach"  # the warning beside the share QR code (see web/reach.py)
    # live lecture (playground/web/live.py builds them, assets/85-pg-live.js drives them)
    live_button: str = "button-live"
    live_modal: str = "modal-live"
    live_code: str = "text-live-code"
    live_student: str = "link-live-student"
    live_qr: str = "img-live-qr"
    live_reach: str = "alert-live-reach"  # the warning beside the QR code when its link is a loopback one
    live_secret: str = "div-live-secret"
    live_lecturer: str = "input-live-lecturer"
    live_copy: str = "button-live-copy"
    live_bar: str = "div-live-bar"
    live_status: str = "text-live-status"
    live_followers: str = "text-live-followers"
    live_rejoin: str = "button-live-rejoin"
    live_show: str = "button-live-show"
    live_end: str = "button-live-end"


@dataclass(frozen=True)
class Roles:
    """``meta.role`` of the placeholder traces the browser fills frame by frame."""

    path: str = "path"
    head: str = "head"
    end: str = "end"  # the cross where a diverged racer left
    grad: str = "grad"
    vel: str = "vel"
    loss: str = "loss"
    iterate: str = "iterate"  # schedule-free's z, the iterate beside the evaluated point x
    mesh: str = "mesh"  # the height colours (surface, contour fill): recoloured per theme
    mark: str = "mark"  # critical points: inked per theme
    stem: str = "stem"  # a 3D mark's line down to the surface (landscape.mark_heights): inked as the marks
    halo: str = "halo"  # the rim under a contour map's mark, in the other theme's ink (MARK_HALO)
    fan: str = "fan"  # a seed fan (fans.py): drawn whole by the server, never played
    batch: str = "batch"  # the mini-batch loss on a data-backed surface: drawn whole too
    epochs: str = "epochs"  # the empty trace that makes the loss chart draw its axis of epochs
    reference: str = "reference"  # a lesson chart's dashed curve from another lesson (lessons.Reference)


@dataclass(frozen=True)
class Arrow:
    """One arrow of the inspected racer on the contour map."""

    role: str
    vector: str  # what the server measures: the gradient or the step to the next point
    sign: int  # -1: drawn against the vector (downhill for the gradient)
    data: str  # the racer's headings in the run store (base64 float32 radians, one per step)
    length: str  # its lengths as shares of ARROW_SPAN (base64 float32, one per step)
    color: str
    dashed: bool
    name: str


@dataclass(frozen=True)
class Shortcut:
    """A key (or keys) of the page: shown in the help modal, handled by the key listener."""

    label: str  # as the help modal prints it
    keys: tuple[str, ...]  # KeyboardEvent.key values; the index of the key is the action's argument
    action: str  # a name in the key listener's action table (assets/70-pg-keys.js)
    text: str
    prevent: bool = False  # keep the browser's own use of the key (scrolling) away
    # the button that does the same: it carries aria-keyshortcuts (assets/75-pg-names.js), so a
    # screen reader announces the key with the button
    button: str = ""

    @property
    def aria(self) -> str:
        """The keys as ``aria-keyshortcuts`` spells them (ARIA 1.2: "Space", one case per letter)."""
        spelled = dict.fromkeys("Space" if k == " " else k.upper() if len(k) == 1 else k for k in self.keys)
        return " ".join(spelled)


IDS = Ids()
# the value that mounts a later part (web/later.py); the browser sets it after the first map
LATER_VALUE = "mounted"
ROLES = Roles()
DIVERGED_INK = "#b71c1c"
# the ink of a stopped racer's end mark, by its status's tone (a run that left downhill is good)
END_INK = {"bad": DIVERGED_INK, "good": "#1b5e20"}
ARROWS = (
    Arrow(ROLES.grad, "grad", -1, "grad_heading", "grad_length", DIVERGED_INK, False, "−gradient"),
    Arrow(ROLES.vel, "move", 1, "move_heading", "move_length", "#1a237e", True, "step"),
)
# the 2D paths go to the canvas overlay while playing; these traces are emptied meanwhile
OVERLAY_ROLES = {
    "contour": (ROLES.path, ROLES.head, ROLES.end, ROLES.grad, ROLES.vel, ROLES.iterate),
    "loss": (ROLES.loss,),
}
LR_SLIDER = {"min": -5, "max": 1, "step": 0.01}  # log10 of the learning rate
SHORTCUTS = (
    Shortcut("Space", (" ",), "toggle", "play / pause", prevent=True, button=IDS.play),
    Shortcut("→", ("ArrowRight",), "stepOnce", "one step forward", prevent=True, button=IDS.step),
    Shortcut("←", ("ArrowLeft",), "stepBack", "one step back", prevent=True),
    Shortcut("R", ("r", "R"), "reset", "reset to step 0", button=IDS.reset),
    Shortcut("1 – 9", tuple("123456789"), "toggleRacer", "show / hide optimizer 1 – 9"),
    Shortcut("P", ("p", "P"), "presenter", "lecture mode (on / off)", button=IDS.presenter),
    Shortcut("O", ("o", "O"), "rotate", "turn the 3D view while paused (on / off)", button=IDS.rotate),
    Shortcut("?", ("?",), "help", "this list", button="button-help"),
)

# the 3D axes are drawn in WebGL, out of CSS's reach: the browser recolours them per theme
SCENE_INK = {
    "light": {"color": "#263238", "grid": "#d5dbe0"},
    "dark": {"color": "#dfe6ea", "grid": "#3b4b55"},
}
# Height colours (3D surface and contour map), per theme: cividis (perceptually uniform and
# readable with every common colour-vision deficiency), reversed so the valleys the paths end
# in are the light end, and eased towards the page so the racers' saturated colours stand out.
_CIVIDIS = ("#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8678", "#a59c74", "#c3b369",
            "#e1cc55", "#fee838")  # fmt: skip


def _eased(colors: tuple[str, ...], toward: str, share: float) -> list[list]:
    rgb = [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in (*colors, toward)]
    *ramp, page = rgb
    mix = ["#%02x%02x%02x" % tuple(round(a + (b - a) * share) for a, b in zip(c, page)) for c in ramp]
    return [[i / (len(mix) - 1), c] for i, c in enumerate(reversed(mix))]


SURFACE_SCALES = {"light": _eased(_CIVIDIS, "#ffffff", 0.35), "dark": _eased(_CIVIDIS, "#1c252c", 0.25)}
# what marks a critical point: (kind, words, contour-map symbol, glyph). The key under the race
# table shows the glyph; the 3D scene writes the same glyph as text (plotly's 3D markers are
# glyphs of their own: its "x" is the emoji ❌, so a marker could not match the key), and the
# contour map draws the SVG symbol of that shape
CRITICAL_MARKS = (
    ("global_min", "global minimum", "star", "★"),
    ("local_min", "local minimum", "circle-open", "○"),
    ("saddle", "saddle point", "x-thin-open", "×"),
)
MARK_INK = {"light": "#1f2a33", "dark": "#f5f6f8"}
# the contour map's marks sit in a rim of the other theme's ink: a minimum's pit gathers the
# map's contour lines, as dark as the light theme's marks, and its light end is as light as the
# dark theme's (a star read as part of its pit on Himmelblau)
MARK_HALO = {"light": MARK_INK["dark"], "dark": MARK_INK["light"]}
HALO_WIDTH = 3  # px of rim beyond a mark's own line, on each side
# the plots' text, laid out by Plotly: the figures' size, and in lecture mode (presenterX) the
# screen's height over presenterLines, never under presenterMin: 20 px at 720p, 27 px at 1080p
# (read from the back of a hall; the page's own text in lecture mode is the same size: 50-app.css),
# every tick, legend and title at that one size, and at most presenterTicks labels on an axis (a
# 2D plot's, a 3D scene's) so the larger ones fit (a 2D axis fewer when its length holds fewer).
# A 3D scene's tick labels are drawn by WebGL at their size times size / sceneTickEm (plotly.js
# gl3d scales a tick's text by its font size over 12 on top of the size; the ink of a "0" of
# size 12 and 24 measured 8 and 31 px in headless Chromium, four times at twice the size): in
# lecture mode they are laid out at sqrt(sceneTickEm * size), as large as the plots' text then
# (tests/browser/test_hall.py compares the ink; its axis titles are drawn at their size), on at most presenterTicks["scene"]
# ticks, and the z axis shows its title, not its heights: the colour bar beside the scene labels
# those, at the plots' size
FONT = {"size": 13, "presenterLines": 40, "presenterMin": 20, "presenterTicks": {"plot": 6, "scene": 4},
        "sceneTickEm": 12}  # fmt: skip
# layout.meta of a graph's stand-in until its first figure is handed over (style.PLACEHOLDER)
PLACEHOLDER = "pg-placeholder"
# Paths narrow the later their racer comes in the list, so a racer drawn on top of another
# (gradient descent under SGD, Adam under AdamW) shows as a thin line inside the wider one:
# racer i is drawn at width * max(PATH_TAPER["floor"], PATH_TAPER["rate"] ** i)
PATH_TAPER = {"rate": 0.7, "floor": 0.4}
PATH_WIDTH = {"contour": 4.5, "scene": 9.0}  # px, the first racer's (the scene's white casing is 6 px wider)


# Colour is never a racer's only cue: racer slot i (its place in the race) is also drawn with
# its own line dash and marker shape, in every plot and in the key (WCAG 1.4.1). A slot's look
# is RACER_DASHES[i % 6] with RACER_SYMBOLS[i % 5]: the pairs repeat only after 30 slots (more
# than MAX_RACERS). The symbols are the filled ones both Plotly's SVG and its WebGL 3D draw.
# (Plotly's dash, the words the plots' text alternatives say for it: plots/alt.py)
RACER_DASHES = (("solid", "solid"), ("dash", "dashed"), ("dot", "dotted"), ("dashdot", "dash-dot"),
                ("longdash", "long-dashed"), ("longdashdot", "long-dash-dot"))  # fmt: skip
# (Plotly's symbol, the glyph the page's text shows for it: the results table, the math panel)
RACER_SYMBOLS = (("circle", "●"), ("square", "■"), ("diamond", "◆"), ("cross", "✚"), ("x", "✖"))
# a dash as Plotly draws it (plotly.js Drawing.dashStyle): on/off lengths in multiples of
# max(line width, 3) px; the browser's canvas overlays stroke the paths with the same
DASH_PATTERNS = {"solid": [], "dot": [1, 1], "dash": [3, 3], "longdash": [5, 5], "dashdot": [3, 1, 1, 1],
                 "longdashdot": [5, 2, 1, 2]}  # fmt: skip


def racer_look(index: int) -> dict[str, str]:
    """Racer slot ``index``'s line dash, marker symbol and its glyph (beside its colour, racer_colors)."""
    symbol, glyph = RACER_SYMBOLS[index % len(RACER_SYMBOLS)]
    dash, words = RACER_DASHES[index % len(RACER_DASHES)]
    return {"dash": dash, "line_words": words, "symbol": symbol, "glyph": glyph}


def path_width(where: str, index: int) -> float:
    """The width racer ``index`` is drawn with in the contour map or the 3D scene."""
    return round(PATH_WIDTH[where] * max(PATH_TAPER["floor"], PATH_TAPER["rate"] ** index), 2)


# One colour per racer, tied to its optimizer and its copy ("adam", "adam~2"), not to its
# place in the list: an optimizer's colour is the palette entry at its place in the registry,
# a second or third copy is COPY_SHIFT entries further on. Okabe-Ito, then Paul Tol's bright and
# muted sets, ordered so that the default race (momentum, RMSProp, Adam) is blue, bluish green
# and orange, and the registry's first twelve all differ; each moved in CIELAB lightness only
# (hue and chroma kept) until it stands out at >= 3:1 from the plots' light (#ffffff) and dark
# (#1c252c) backgrounds (WCAG 1.4.11). The default race stays apart under simulated
# deuteranopia, protanopia and tritanopia (tests/web/test_colour_vision.py holds both).
PALETTE = (
    "#CB78A6", "#B54E7C", "#1477B8", "#349BCE", "#BC4587", "#009E73",
    "#979731", "#3AA291", "#C78500", "#D55E00", "#7B5ECE", "#ED6576",
)  # fmt: skip
COPY_SHIFT = 5
_ORDER = {name: i for i, name in enumerate(OPTIMIZERS)}


def racer_colors(keys: list[str]) -> list[str]:
    """Each racer's colour: its own (see PALETTE), unless a racer before it in this race has it
    already; then the next free one, so no two racers of a race share a colour."""
    taken: set[str] = set()
    out = []
    for key in keys:
        name, _, copy = key.partition("~")
        i = _ORDER.get(name, 0) + COPY_SHIFT * (int(copy) - 1 if copy.isdigit() else 0)
        free = [PALETTE[(i + k) % len(PALETTE)] for k in range(len(PALETTE))]
        color = next((c for c in free if c not in taken), free[0])
        taken.add(color)
        out.append(color)
    return out


# The outcome maps (views/maps.py): one hue per minimum, in the order of the surface's minima
# (Paul Tol's light scheme: none is near black or grey), and the inks of the other outcomes.
BASIN_HUES = ("#77AADD", "#EE8866", "#44BB99", "#EEDD88", "#FFAABB", "#99DDFF", "#BBCC33", "#AAAA00")
# the outcome maps' inks beside the basins' hues: stopped on a saddle or flat spot, stopped by its
# own rule next to a minimum (rested_near) or elsewhere (rested), failed, still moving. Darker than
# every basin's hue, pale or not, so lightness tells them from the basins under any colour-vision
# deficiency; the grey between the other inks and the hues (#9e9e9e was as light as the hues: 3.9
# ΔE from #44BB99 with deuteranopia; tests/web/test_colour_vision.py)
MAP_INK = {"failed": "#111111", "running": "#848484", "stopped": "#7b5ea7", "rested_near": "#2f6f5e",
           "rested": "#a0522d", "frame": "#ffffff"}  # fmt: skip
MAP_SHADE = 0.45  # a basin's hue fades toward white by this share as its steps run out (slow = pale)
# sweep and phase diagram: viridis without its darkest quarter, so no cell reads as "diverged" black;
# the maps reverse it: bright = better (lower loss, fewer steps)
MAP_SCALE = [[0.0, "#3b528b"], [0.25, "#2c728e"], [0.5, "#21918c"], [0.75, "#5ec962"], [1.0, "#fde725"]]
# the phase diagram's speed (steps to converge) over its outcome bands' inks (MAP_INK): light blue
# to yellow, every shade lighter than the lightest ink, so lightness tells a converged cell from
# any other outcome under every colour-vision deficiency. With MAP_SCALE the still-moving grey
# came 1.7 ΔE (CAM02-UCS, deuteranopia) from its middle teal, the saddles' purple 5.3 from its
# blue, the stopped-near-a-minimum green 3.8 (tritanopia; tests/web/test_colour_vision.py).
SPEED_SCALE = [[0.0, "#8fb8e0"], [0.5, "#c9d9a0"], [1.0, "#fde725"]]


@dataclass(frozen=True)
class Column:
    """A column of the results table: ``key`` names its cells (class ``pg-col-<key>``, by which
    the stylesheet sizes them; 60-pg-readout.js fills each by its key), ``header`` is what its
    header cell says, and where it shows beside the desk's table: in lecture mode's results
    strip (``strip``) and on a phone (``phone``). The cells of a column a layout leaves out carry
    ``pg-off-strip`` / ``pg-off-phone``, which 50-app.css hides there: which columns a layout
    shows is said here only, never by position."""

    key: str
    header: str
    strip: bool = False
    phone: bool = False
    num: bool = False  # figures: set right-aligned, in tabular digits


# the results table's columns, in order (60-pg-readout.js fills the rows in this order)
RESULTS_COLUMNS = (
    Column("optimizer", "optimizer", strip=True, phone=True),
    Column("step", "step", num=True),  # a phone's transport shows it; its status gets the room
    Column("loss", "loss", phone=True, num=True),
    Column("position", "position", num=True),
    Column("lr", "lr", strip=True, num=True),
    Column("distance", "to nearest min", phone=True, num=True),
    Column("final", "final loss", num=True),
    Column("status", "status", strip=True, phone=True),
)


# A run's outcome in words is core.outcome's, one function for the table, the CLI and the
# exports: the server sends each racer's words whole (runs._racer), the browser never fills a
# template. What the browser takes from here is each outcome's tone and the key's short words
# (the key under the race table), and the word for a run the playback has not brought to its
# outcome yet (IN_PROGRESS).
IN_PROGRESS = "moving"
STATUSES = {
    **{name: {"tone": w.tone, "key": w.key} for name, w in core_outcome.WORDING.items()},
    IN_PROGRESS: {
        "text": core_outcome.PENDING.text,
        "tone": core_outcome.PENDING.tone,
        "key": core_outcome.PENDING.key,
    },
}
# the marks a run's end leaves on the contour map, in the key under the race table (their
# colour is the status's tone: END_INK)
END_MARKS = (("➤", "in red or green on the map's edge: a path left the map there, the way it went"),
             ("✕", "bold, in red or green: where a run stopped (it blew up, or its next step left)"))  # fmt: skip
# statuses whose stop step is the bad one: the path ends just before it, with a cross
STOPPED_BEFORE = (*engine_status.STOPPED_BEFORE, core_outcome.LEFT_DOWNHILL)
# what an empty race and a refused selection say (the table and the optimizer cards show them)
EMPTY_RACE = (
    f"No optimizer is racing: pick one or more under Optimizers (up to {MAX_RACERS}), or a guided lesson."
)
TOO_MANY = f"At most {MAX_RACERS} optimizers race at once: {{dropped}} not added. Remove one to add another."
LABELS = {"play": "▶ Play", "pause": "❚❚ Pause", "dark": "Dark", "light": "Light", "empty": EMPTY_RACE,
          # on a touch screen a tap on the contour map shows its value; this button arms the next tap
          "tapStart": "⊕ Set start", "tapArmed": "Tap the map…",
          # the 3D card's auto-rotate switch (assets/55-pg-rotate.js), off and on
          "rotate": "⟳ Rotate", "rotating": "■ Stop rotating",
          # a colour bar's first word, and the 3D scene's z title in lecture mode (70-pg-keys.js)
          "height": "height",
          # the 3D card in a browser without WebGL, in place of plotly.js's note (79-pg-no-webgl.js)
          "noWebgl": "This browser cannot draw the 3D view (it has no WebGL). The contour map and the "
                     "loss chart show the same race."}  # fmt: skip
# auto-rotate: how fast the 3D camera turns about the vertical axis while paused; with
# prefers-reduced-motion, how far one press turns it instead (no continuous motion)
ROTATE = {"degPerSecond": 12, "stepDeg": 30}
# live sessions: where the browser finds them (playground/web/live.py serves these paths)
LIVE_API = "/live/api"
LIVE_PAGE = "/live/"
LIVE_TOKEN_HEADER = "X-Live-Token"
ARROW_SPAN = 0.12  # arrow length as a share of the domain's width
# an arrow's length follows log10 of its vector's size: the run's largest vector is drawn at
# ARROW_SPAN, one this many decades smaller (or less: a minimum) at nothing
ARROW_DECADES = 6


# every racer key the page offers (three copies of each optimizer), each with its own colour
ALL_KEYS = [f"{n}~{c}" if c > 1 else n for c in (1, 2, 3) for n in OPTIMIZERS]


def as_dict() -> dict[str, Any]:
    """The contract as JSON for the browser (one ``dcc.Store`` in the page)."""
    return {
        "ids": asdict(IDS),
        "roles": asdict(ROLES),
        "arrows": [asdict(a) for a in ARROWS],
        "overlayRoles": {k: list(v) for k, v in OVERLAY_ROLES.items()},
        "lrSlider": dict(LR_SLIDER),
        "shortcuts": [{**asdict(s), "keys": list(s.keys), "aria": s.aria} for s in SHORTCUTS],
        "sceneInk": SCENE_INK,
        "surfaceScales": SURFACE_SCALES,
        "markInk": MARK_INK,
        "markHalo": MARK_HALO,
        "font": FONT,
        "placeholder": PLACEHOLDER,
        "statuses": STATUSES,
        "stoppedBefore": list(STOPPED_BEFORE),
        "inProgress": IN_PROGRESS,
        "labels": LABELS,
        "rotate": ROTATE,
        "divergedInk": DIVERGED_INK,
        "endInk": END_INK,
        "palette": list(PALETTE),
        "dashPatterns": DASH_PATTERNS,
        "resultsColumns": [asdict(c) for c in RESULTS_COLUMNS],
        "racerColors": {key: racer_colors([key])[0] for key in ALL_KEYS},
        "views": list(view_ids()),
        "later": {
            # every part mounted later (web/later.py): the ids declared as later_* fields
            "ids": [v for k, v in asdict(IDS).items() if k.startswith("later_")],
            "value": LATER_VALUE,
            "link": IDS.later_link,
        },
        "live": {
            **Limits().client(),
            "api": LIVE_API,
            "page": LIVE_PAGE,
            "tokenHeader": LIVE_TOKEN_HEADER,
            "location": "url",  # layout's dcc.Location: a follower navigates by setting its href
            "events": {kind: sorted(keys) for kind, keys in LIVE_EVENTS.items()},
        },
    }
