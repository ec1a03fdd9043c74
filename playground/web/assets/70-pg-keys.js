/* Keys and buttons. Which key does what is the contract's shortcut list (the help modal
 * prints the same list); this file only names what each action does. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;

  /* Keys 1-9: hide or show one optimizer's traces in every plot (no server involved). */
  PG.toggleRacer = function (k) {
    ["surface", "contour", "loss_chart"].forEach(function (key) {
      const g = P.gd(key);
      if (g) P.toggleRacer(g, k);
    });
  };

  PG.togglePresenter = function () {
    document.body.classList.toggle("pg-presenter");
    window.dispatchEvent(new Event("resize")); // plots refit their new boxes
    PG.styleAll();
  };

  function theme() {
    return document.body.classList.contains("pg-dark") ? "dark" : "light";
  }

  /* Whether the page is laid out for a lecture: lecture mode on a screen wider than a phone
   * (50-app.css lays the main column out as one grid then; a phone keeps its own layout). */
  PG.lectureLaidOut = function () {
    const main = document.querySelector(".pg-main");
    return document.body.classList.contains("pg-presenter") && !!main && getComputedStyle(main).display === "grid";
  };

  /* The text size that reads from the back of a hall, scaled with the screen's height
   * (contract.FONT): the plots' text in lecture mode, and the page's own (50-app.css reads it
   * as --pg-lecture-text), kept up to date as the window changes size. */
  function lectureSize() {
    const f = PG.C.font;
    return Math.max(f.presenterMin, Math.round(window.innerHeight / f.presenterLines));
  }
  function shareLectureSize() {
    if (PG.C) document.documentElement.style.setProperty("--pg-lecture-text", lectureSize() + "px");
  }
  const useContract = PG.useContract;
  PG.useContract = function (c) {
    useContract(c);
    shareLectureSize();
  };
  window.addEventListener("resize", shareLectureSize);

  /* Text size the plots are laid out with: the figure's own, or lecture mode's. */
  function fontSize() {
    return PG.lectureLaidOut() ? lectureSize() : PG.C.font.size;
  }

  // each figure's own ticks (its data array -> {axis: {nticks, tickvals, ticktext, ...}}),
  // before lecture mode thins them. Keyed by the figure's data: dcc.Graph copies the layout at
  // every relayout (lecture mode's own included), and a memo keyed by the layout object was
  // taken again from lecture mode's thinned ticks, which then stayed on the desk
  const ownTicks = new WeakMap();
  const SCENE_SPACED = ["xaxis", "yaxis"]; // the 3D axes with labels (the z axis has none): spaceSceneTicks'

  /* How many labels a 2D axis holds at text size `size`: its drawn length over a label's
   * room (a few characters' width along x, a line and a gap along y). Plotly's own choice
   * keeps 40 px a label on y whatever the text size: 20-px labels overlapped on a short axis.
   * Measured once per graph box and text size: the labels move the margins, and with them the
   * axis' length, so a count measured again on the plot it laid out could differ, restyle it,
   * and never settle (dcc.Graph redraws the graph after every relayout). */
  const rooms = new WeakMap(); // graph -> {"box|size|axis": labels}
  function tickRoom(g, a, size) {
    const ax = g._fullLayout && g._fullLayout[a];
    if (!ax || !ax._length) return Infinity;
    const memo = rooms.get(g) || {}, key = [g.clientWidth, g.clientHeight, size, a].join("|");
    if (key in memo) return memo[key];
    const n = Math.max(2, Math.floor(ax._length / ((a.charAt(0) === "x" ? 2.5 : 1.8) * size)));
    // kept once measured on a plot laid out at this size (the first pass sees the old margins)
    if (g._fullLayout.font.size === size) rooms.set(g, Object.assign(memo, { [key]: n }));
    return n;
  }

  /* Lecture mode's larger text on as many ticks as fit: each axis at most `most` labels
   * (contract.FONT.presenterTicks) and no more than its length holds (tickRoom); a 3D axis
   * with its own tick values (the heights, on a foreshortened axis) every other one of them,
   * with their texts. The figure's own ticks outside lecture mode. */
  function tickCounts(g, axes, big, most, size, lay) {
    if (!ownTicks.has(g.data)) {
      const own = {};
      axes.forEach(function (a) {
        const ax = a.split(".").reduce(function (o, k) { return o && o[k]; }, g.layout);
        own[a] = ax ? { nticks: ax.nticks || 0, tickvals: ax.tickvals ? ax.tickvals.slice() : null,
                        ticktext: ax.ticktext ? ax.ticktext.slice() : null,
                        titled: !!(ax.title && ax.title.text), standoff: ax.title && ax.title.standoff,
                        automargin: ax.automargin } : null;
      });
      ownTicks.set(g.data, own);
    }
    const own = ownTicks.get(g.data), scene = P.isScene(g);
    axes.forEach(function (a) {
      const o = own[a];
      if (!o) return;
      lay[a + ".nticks"] = big ? Math.min(o.nticks || most, most, scene ? most : tickRoom(g, a, size)) : o.nticks;
      // a 2D axis' title clear of its larger tick labels (Plotly left their boxes overlapping at 27 px)
      if (!scene && o.titled) lay[a + ".title.standoff"] = big ? Math.max(o.standoff || 0, Math.round(size / 2)) : (o.standoff === undefined ? null : o.standoff);
      // an x axis' first label below the corner where the y axis' last one ends (half a text
      // size under the axis at 27 px: the loss chart's "0" and "10⁻¹⁰" met there)
      if (a === "xaxis") lay[a + ".ticklabelstandoff"] = big ? Math.round(size / 2) : null;
      // an axis whose margins the figure fixed for the desk's text (style.first_paint, the first
      // map): lecture mode's larger text has Plotly fit them again
      if (!scene && o.automargin === false) lay[a + ".automargin"] = big;
      // (the scene's x and y axes' ticks are spaceSceneTicks')
      if (!scene || SCENE_SPACED.indexOf(a.split(".")[1]) >= 0 || !o.tickvals || o.tickvals.length <= 2) return;
      const n = o.tickvals.length, kept = function (_, i) { return !big || (n - 1 - i) % 2 === 0; };
      lay[a + ".tickvals"] = o.tickvals.filter(kept);
      if (o.ticktext) lay[a + ".ticktext"] = o.ticktext.filter(kept);
    });
  }

  /* The 3D scene's box inside its canvas, with room for its labels around it, at the desk and
   * in lecture mode. Plotly fits the box to the canvas' height; a tall canvas (the 3D card spans
   * the lecture grid's rows) showed it wider than the canvas, its corners and the z axis' title
   * off the edges, and the desk's camera left the near corner's labels under the canvas' foot
   * (Himmelblau's x "−5" not drawn). Once per canvas and text size the camera moves along its
   * line of sight until the box's corners lie a label's room inside (shareWithBar: left of the
   * colour bar), no nearer than the figure's own eye. True when it relayouts (a new draw follows). */
  const fitted = new WeakMap(); // graph -> {key: canvas and room last fitted, far: the figure's own eye's distance}
  // lecture mode's 3D x and y ticks, which set their labels off the box, in text sizes (PG.style)
  const SCENE_TICK_LEN = 1;
  function fitScene(g, big, labelSize) {
    const s = P.scene3d(g);
    if (!s) return false;
    if (shareWithBar(g)) return true;
    // a label and its tick: beside the box the labels reach out less than below it (half a
    // label's width, where a whole room narrowed lecture mode's box at 720p and put the ravine's
    // labels together)
    const room = (2 + (big ? SCENE_TICK_LEN : 0)) * labelSize, side = room - labelSize / 2;
    const key = [s.w, s.h, room].join("|"), was = fitted.get(g);
    if (was && was.key === key) return false;
    const pts = [];
    s.bounds[0].forEach(function (x) { s.bounds[1].forEach(function (y) { s.bounds[2].forEach(function (z) {
      pts.push(s.project(x, y, z));
    }); }); });
    if (pts.some(function (p) { return !p; }) || Math.min(s.w, s.h) <= 4 * room) return false;
    const xs = pts.map(function (p) { return p[0]; }), ys = pts.map(function (p) { return p[1]; });
    // each side on its own: the camera looks at the canvas' middle, and moving it back draws the
    // box nearer the middle; a box off the middle whose width fitted crossed its room on one side
    // (the desk's Himmelblau by 0.35 px)
    const mx = s.w / 2, my = s.h / 2;
    const need = Math.max((mx - Math.min.apply(null, xs)) / (mx - side), (Math.max.apply(null, xs) - mx) / (mx - side),
                          (my - Math.min.apply(null, ys)) / (my - room), (Math.max.apply(null, ys) - my) / (my - room));
    // the eye as drawn, which the projection above is; the layout's may be a relayout ahead of
    // it, and a fit on both took the camera back twice
    const c = g._fullLayout.scene.camera.center, e = drawnEye(g, s);
    const dist = Math.hypot(e.x - c.x, e.y - c.y, e.z - c.z), far = was ? was.far : dist;
    // the projection is not quite linear in the distance: a box that needs more room is taken
    // 5% further, one a tenth inside its room nearer (back to the figure's own eye at most)
    const k = Math.max(far / dist, need > 1 || need < 0.9 ? need * 1.05 : 1);
    fitted.set(g, { key: key, far: far });
    if (Math.abs(k - 1) < 1e-3) return false;
    P.relayout(g, { "scene.camera.eye": { x: c.x + (e.x - c.x) * k, y: c.y + (e.y - c.y) * k, z: c.z + (e.z - c.z) * k } });
    return true;
  }

  /* The eye scene `s` (P.scene3d) is drawn from, in the layout's units (Plotly's: the box's
   * middle plus eye × span / aspect). */
  function drawnEye(g, s) {
    const sl = g._fullLayout.scene, e = {};
    ["x", "y", "z"].forEach(function (a, i) {
      const b = s.bounds[i];
      e[a] = (s.eye[i] - (b[0] + b[1]) / 2) * sl.aspectratio[a] / (b[1] - b[0]);
    });
    return e;
  }

  /* The scene's domain (its canvas) ends where the colour bar begins: the figure leaves the bar
   * a share of its width (landscape.SCENE_WIDTH), which its labels and title, larger in lecture
   * mode, outgrew (over the x axis' "5" at 720p). True when it relayouts (a new draw follows). */
  function shareWithBar(g) {
    const bar = g.querySelector(".main-svg .colorbar"), size = g._fullLayout._size, dom = g._fullLayout.scene.domain;
    if (!bar || !size.w) return false;
    const end = (bar.getBoundingClientRect().left - g.getBoundingClientRect().left - size.l) / size.w;
    if (end <= 0.5 || Math.abs(end - dom.x[1]) * size.w < 1) return false;
    P.relayout(g, { "scene.domain.x": [dom.x[0], end] });
    return true;
  }

  // a 3D tick label's ink in text sizes: a character's width, its height (a "0" of lecture
  // mode's 20 px measured about 11 x 15 px, a "−2" 22 px wide)
  const SCENE_LABEL_INK = { char: 0.6, height: 0.75 };

  /* Round values across `lo`..`hi`, fewer than about `most` of them, as Plotly picks an
   * axis' ticks for nticks `most` (the step: the span over `most`, its first digit taken up to
   * the next of 2, 5 and 10), written as Plotly writes them (a minus sign, not a hyphen). */
  function roundTicks(lo, hi, most) {
    const rough = (hi - lo) / most, base = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = base * [2, 5, 10].find(function (m) { return m * base > rough; });
    const vals = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) vals.push(Math.round(v / step) * step);
    return vals.map(function (v) { return { v: v, text: String(+v.toPrecision(12)).replace("-", "\u2212") }; });
  }

  /* Px between two neighbouring labels of a 3D axis as drawn, boxes upright around text turned
   * along the axis (WebGL turns it so): the wider of the horizontal and the vertical gap. */
  function labelGap(p, q, a, b, size) {
    const dx = q[0] - p[0], dy = q[1] - p[1], len = Math.hypot(dx, dy) || 1, c = Math.abs(dx / len), n = Math.abs(dy / len);
    const h = SCENE_LABEL_INK.height * size, w = function (t) { return t.text.length * SCENE_LABEL_INK.char * size; };
    const half = function (t, along, across) { return (w(t) * along + h * across) / 2; };
    return Math.max(Math.abs(dx) - half(a, c, n) - half(b, c, n), Math.abs(dy) - half(a, n, c) - half(b, n, c));
  }

  /* Lecture mode's 3D x and y labels half a text size apart at least, as a 2D axis' are: the
   * axis' round values (roundTicks, at most presenterTicks.scene) where they are that far apart
   * on the box's lowest edge along the axis (where WebGL writes them, seen from above), else
   * every other one from both ends, else its two ends. In a small card the box is small: the
   * ravine's "−1 0 1" were 2 px apart at 720p, and fewer ticks (nticks) left Plotly's "0" alone
   * on each axis. Chosen once per canvas, text size and box (a turning camera keeps them). */
  const spaced = new WeakMap(); // graph -> {key: canvas, text size and box last spaced, vals: the tick values set}
  const waits = new WeakMap(), pending = new WeakSet(); // graph -> frames waited for its camera to be drawn
  const SCENE_WAIT = 60; // frames at most (a second): then the camera as drawn (a drag's)
  function spaceSceneTicks(g, big, size) {
    const s = P.scene3d(g), lay = {};
    if (!s) return;
    const key = big ? [s.w, s.h, size, s.bounds[0], s.bounds[1]].join("|") : "", was = spaced.get(g);
    const now = SCENE_SPACED.map(function (a) { return (g.layout.scene[a] && g.layout.scene[a].tickvals) || null; });
    // tick values set by someone else stand (the tests' label measurements draw one label at a
    // time, and their canvas grows without the legend); a new figure from the server has none
    const mine = now.every(function (v, i) { return v === null || (was && JSON.stringify(v) === JSON.stringify(was.vals[i])); });
    if (!mine || (was && was.key === key && now.every(function (v) { return (v !== null) === big; }))) return;
    if (big && !cameraDrawn(g, s)) return;
    const vals = [];
    SCENE_SPACED.forEach(function (a, i) {
      const kept = big ? sceneTicks(s, i, size) : null;
      vals.push(kept && kept.map(function (t) { return t.v; }));
      lay["scene." + a + ".tickvals"] = vals[i];
      lay["scene." + a + ".ticktext"] = kept && kept.map(function (t) { return t.text; });
    });
    spaced.set(g, { key: key, vals: vals });
    P.relayoutChanges(g, lay);
  }

  /* Whether scene `s` is drawn from the layout's camera; if not, its labels are spaced again at
   * the next frame. They are measured on the box as drawn: WebGL draws a new camera
   * (fitScene's) frames after its relayout (up to ten in headless Chromium at 1080p), and the
   * old eye is further away. */
  function cameraDrawn(g, s) {
    const e = drawnEye(g, s), le = g._fullLayout.scene.camera.eye, tries = waits.get(g) || 0;
    if (tries >= SCENE_WAIT || Math.hypot(e.x - le.x, e.y - le.y, e.z - le.z) <= 1e-3 * Math.hypot(le.x, le.y, le.z)) {
      waits.delete(g);
      return true;
    }
    waits.set(g, tries + 1);
    if (!pending.has(g)) {
      pending.add(g);
      requestAnimationFrame(function () {
        pending.delete(g);
        const size = fontSize();
        spaceSceneTicks(g, size !== PG.C.font.size, size);
      });
    }
    return false;
  }

  /* The labels axis `i` of scene `s` keeps at text size `size` (spaceSceneTicks). */
  function sceneTicks(s, i, size) {
    const ticks = roundTicks(s.bounds[i][0], s.bounds[i][1], PG.C.font.presenterTicks.scene);
    const at = lowestEdge(s, i), ends = [ticks[0], ticks[ticks.length - 1]];
    const apart = function (ts) {
      const pts = ts.map(function (t) { return at(t.v); });
      return pts.some(function (p) { return !p; }) ||
        ts.every(function (t, k) { return k === 0 || labelGap(pts[k - 1], pts[k], ts[k - 1], t, size) >= size / 2; });
    };
    const alternate = (ticks.length - 1) % 2 === 0 ? ticks.filter(function (_, k) { return k % 2 === 0; }) : ends;
    return [ticks, alternate].find(apart) || (ticks.length > 1 ? ends : ticks);
  }

  /* Where a value of axis `i` lies on screen on the box's edge along it drawn lowest. */
  function lowestEdge(s, i) {
    const mid = function (b) { return (b[0] + b[1]) / 2; };
    let best = null;
    s.bounds[(i + 1) % 3].forEach(function (u) { s.bounds[(i + 2) % 3].forEach(function (w) {
      const point = function (v) { const q = []; q[i] = v; q[(i + 1) % 3] = u; q[(i + 2) % 3] = w; return s.project(q[0], q[1], q[2]); };
      const m = point(mid(s.bounds[i]));
      if (m && (!best || m[1] > best.y)) best = { y: m[1], at: point };
    }); });
    return best ? best.at : function () { return null; };
  }

  /* Lecture mode's title along graph g's height colour bar: the first of its titles
   * (meta.barTitles, plots/style.bar_titles: from the figure's own on, each a line more) whose
   * longest line fits along the bar at text size `size`, else the last; at the desk the
   * figure's own. Plotly cuts a title longer than its bar (the map's one-line title lost its
   * ends at 1280×720). Measured on a canvas in the figure's font: a choice read off the drawn
   * title would redraw and read again. Null for a graph without one. */
  const measure = document.createElement("canvas").getContext("2d");
  function barTitle(g, big, size) {
    const mesh = (g.data || []).find(function (t) { return t.meta && t.meta.barTitles; });
    if (!mesh) return null;
    const titles = mesh.meta.barTitles, fl = g._fullLayout;
    if (!big || !fl || !fl._size) return titles[0];
    const bar = (mesh.colorbar && mesh.colorbar.len || 1) * fl._size.h;
    measure.font = size + "px " + fl.font.family;
    const fits = function (title) {
      return title.split("<br>").every(function (line) { return measure.measureText(line).width <= bar; });
    };
    return titles.find(fits) || titles[titles.length - 1];
  }

  /* Theme and text size of one graph, through Plotly (which lays the text out at its size,
   * and draws the 3D axes in WebGL, out of CSS's reach). Once per figure and style. */
  PG.style = function (g) {
    if (!g || !g.layout || !PG.C) return;
    const t = theme(), size = fontSize(), ink = PG.C.sceneInk[t], big = size !== PG.C.font.size;
    // WebGL draws a 3D tick label of font size s s * s / sceneTickEm px tall (contract.FONT):
    // in lecture mode the size whose labels are as tall as the plots' (its titles are drawn at
    // their size)
    const sceneTick = big ? Math.ceil(Math.sqrt(PG.C.font.sceneTickEm * size)) : size;
    // at every draw: the canvas may have a new size (the labels spaced on the box as fitted)
    if (P.isScene(g) && !fitScene(g, big, size)) spaceSceneTicks(g, big, size);
    // a figure not seen before is taken to be in the server's style only if its text says so:
    // one built on a layout restyled while lecture mode hid it (the inspect chart) kept 18 px
    // on the desk
    const laid = g.layout.font && g.layout.font.size;
    const fresh = laid && laid !== PG.C.font.size ? null : ["light", PG.C.font.size].join("|");
    // in lecture mode a 2D plot's ticks follow its size (tickRoom): styled again when it changes
    // (after lecture mode's text is laid out the plots take their new boxes: tickRoom then
    // measures the axes at the new size)
    const box = big && !P.isScene(g) ? g.clientWidth + "x" + g.clientHeight : null;
    const barText = barTitle(g, big, size);  // in the signature in lecture mode: a new bar length may pick another
    if (P.styled(g, [t, size].concat(box ? [box] : [], big && barText ? [barText] : []).join("|"), fresh)) return;
    const lay = { "font.size": size, "font.color": ink.color, "legend.font.size": size };
    // A lesson chart names its quantity in its legend's title. In lecture mode that title heads
    // the chart alone: in the narrow lesson column its entries, one a line at this size, left the
    // curves no room (or lay on them); the race's plots beside it key the colours, the lesson's
    // text says what its dashed curves are.
    const legend = g.layout.legend, named = legend && legend.title && legend.title.text;
    if (named) {
      const meta = g.layout.meta, title = (meta && meta.quantity) || legend.title.text.replace(/:\s*$/, "");
      Object.assign(lay, { showlegend: !big, "title.text": big ? title : "", "title.font.size": size,
                           "title.x": 0, "title.xref": "paper", "title.y": 1, "title.yref": "paper",
                           "title.yanchor": "bottom", "title.automargin": true });
    }
    if (P.isScene(g)) {
      ["xaxis", "yaxis", "zaxis"].forEach(function (a) {
        lay["scene." + a + ".color"] = ink.color;
        lay["scene." + a + ".gridcolor"] = ink.grid;
        lay["scene." + a + ".tickfont.size"] = sceneTick;
        lay["scene." + a + ".title.font.size"] = size;
      });
      // the x and y axes' labels a text size out from the box on ticks in the grid's ink: the two
      // axes meet at the box's near corner, where Himmelblau's "−5"s read "−5−5" (Booth's "−10"s
      // overlapped) in lecture mode's larger text; each axis' labels move off along their own side
      ["xaxis", "yaxis"].forEach(function (a) {
        lay["scene." + a + ".ticks"] = big ? "outside" : null;
        lay["scene." + a + ".ticklen"] = big ? SCENE_TICK_LEN * size : null;
        lay["scene." + a + ".tickcolor"] = big ? ink.grid : null;
      });
      // the z axis has neither labels nor title (landscape.surface_3d): the colour bar's say the heights
      tickCounts(g, ["scene.xaxis", "scene.yaxis", "scene.zaxis"], big, PG.C.font.presenterTicks.scene, size, lay);
    } else {
      ["xaxis", "yaxis", "yaxis2"].forEach(function (a) {
        const ax = g.layout[a];
        if (ax && ax.gridcolor !== "rgba(0,0,0,0)") lay[a + ".gridcolor"] = ink.grid; // no grid stays none
        // Plotly draws a log axis' in-between labels ("2", "5") at 3/4 of the text size: in
        // lecture mode there are none, every label is at the one size (the decades stay)
        if (ax && ax.type === "log") lay[a + ".minorloglabels"] = big ? "none" : "small digits";
      });
      tickCounts(g, ["xaxis", "yaxis", "yaxis2"], big, PG.C.font.presenterTicks.plot, size, lay);
    }
    const roles = PG.C.roles, mark = PG.C.markInk[t], halo = PG.C.markHalo[t];
    // the contour map's marks are markers, the scene's are text (the key's glyphs) on stems
    // (lines); the halos are the contour map's rims under its marks. One restyle for them all
    const marks = P.isScene(g) ? { "textfont.color": mark } : { "marker.color": mark, "marker.line.color": mark };
    P.updateChanges(g, [
      [P.withRoles(g, [roles.mesh]), Object.assign({ colorscale: PG.C.surfaceScales[t] },
                                                   barText ? { "colorbar.title.text": barText } : {})],
      [P.withRoles(g, [roles.mark]), marks],
      [P.withRoles(g, [roles.stem]), { "line.color": mark }],
      [P.withRoles(g, [roles.halo]), { "marker.color": halo, "marker.line.color": halo }],
    ], lay);
  };

  PG.styleAll = function () {
    P.all().forEach(PG.style);
  };

  function toggleTheme(b) {
    document.body.classList.toggle("pg-dark");
    b.textContent = PG.C.labels[document.body.classList.contains("pg-dark") ? "light" : "dark"];
    PG.styleAll();
  }

  // contract action name -> what it does; `i` is the index of the pressed key in its list
  const ACTIONS = {
    toggle: function () { PG.toggle(); },
    stepOnce: function () { PG.stepOnce(); },
    stepBack: function () { PG.stepBack(); },
    reset: function () { PG.reset(); },
    toggleRacer: function (i) { PG.toggleRacer(i); },
    presenter: function () { PG.togglePresenter(); },
    rotate: function () { PG.rotate(); },
    help: function () { window.dash_clientside.set_props(PG.C.ids.help, { is_open: true }); },
  };
  PG.actions = ACTIONS;

  /* Whether the key belongs to what has the focus, not to the page's shortcuts: text and
   * number boxes, drop-downs, sliders (their arrows) and anything in an open dialog take every
   * key; a button, link or disclosure takes Space and Enter (it activates with them). */
  const OWN_EVERY_KEY = "input, textarea, select, [contenteditable=''], [contenteditable='true'], " +
    "[role=slider], [role=combobox], [role=listbox], [role=option], [role=textbox], [role=spinbutton], " +
    "[role=menu], [role=menuitem], .modal, .dash-dropdown";
  const OWN_SPACE = "button, a[href], summary, label, [role=button], [role=tab], [role=checkbox], [role=radio]";
  function focusOwns(e) {
    const t = e.target && e.target.closest ? e.target : null;
    if (!t || t === document.body) return false;
    if (t.closest(OWN_EVERY_KEY)) return true;
    const activates = t.closest(OWN_SPACE) || (t.hasAttribute("tabindex") && t.tabIndex >= 0);
    return (e.key === " " || e.key === "Enter") && !!activates;
  }
  PG.focusOwns = focusOwns;

  document.addEventListener("keydown", function (e) {
    if (!PG.C || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || focusOwns(e)) return;
    const s = PG.C.shortcuts.find(function (c) { return c.keys.indexOf(e.key) >= 0; });
    if (!s || !ACTIONS[s.action]) return;
    if (s.prevent) e.preventDefault();
    ACTIONS[s.action](s.keys.indexOf(e.key));
  });

  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("button");
    if (!b || !PG.C) return;
    const ids = PG.C.ids;
    if (b.id === ids.play) PG.toggle();
    else if (b.id === ids.step) PG.stepOnce();
    else if (b.id === ids.reset) PG.reset();
    else if (b.id === ids.presenter) PG.togglePresenter();
    else if (b.id === ids.theme) toggleTheme(b);
    else if (b.id === ids.rotate) PG.rotate();
  });
})();
