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
                        titled: !!(ax.title && ax.title.text), standoff: ax.title && ax.title.standoff } : null;
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
      // the first map's margins are fixed for the desk's text (style.first_paint): lecture
      // mode's larger text has Plotly fit them again (marked in the figure, which dcc.Graph
      // copies at every relayout: a memo keyed by the layout object would not survive it)
      if (!scene && g.layout.meta === PG.C.firstPaint) lay[a + ".automargin"] = big;
      if (!scene || !o.tickvals || o.tickvals.length <= 2) return;
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
   * colour bar), no nearer than the figure's own eye. */
  const fitted = new WeakMap(); // graph -> {key: canvas and room last fitted, far: the figure's own eye's distance}
  // lecture mode's 3D x and y ticks, which set their labels off the box, in text sizes (PG.style)
  const SCENE_TICK_LEN = 1;
  function fitScene(g, big, labelSize) {
    const s = P.scene3d(g);
    if (!s || shareWithBar(g)) return;
    // a label and its tick: beside the box the labels reach out less than below it (half a
    // label's width, where a whole room narrowed lecture mode's box at 720p and put the ravine's
    // labels together)
    const room = (2 + (big ? SCENE_TICK_LEN : 0)) * labelSize, side = room - labelSize / 2;
    const key = [s.w, s.h, room].join("|"), was = fitted.get(g);
    if (was && was.key === key) return;
    const pts = [];
    s.bounds[0].forEach(function (x) { s.bounds[1].forEach(function (y) { s.bounds[2].forEach(function (z) {
      pts.push(s.project(x, y, z));
    }); }); });
    if (pts.some(function (p) { return !p; }) || Math.min(s.w, s.h) <= 4 * room) return;
    const xs = pts.map(function (p) { return p[0]; }), ys = pts.map(function (p) { return p[1]; });
    const need = Math.max((Math.max.apply(null, xs) - Math.min.apply(null, xs)) / (s.w - 2 * side),
                          (Math.max.apply(null, ys) - Math.min.apply(null, ys)) / (s.h - 2 * room));
    // the eye as drawn, in the layout's units (Plotly's: the box's middle plus eye × span /
    // aspect), which the projection above is; the layout's may be a relayout ahead of it, and a
    // fit on both took the camera back twice
    const sl = g._fullLayout.scene, c = sl.camera.center, e = {};
    ["x", "y", "z"].forEach(function (a, i) {
      const b = s.bounds[i];
      e[a] = (s.eye[i] - (b[0] + b[1]) / 2) * sl.aspectratio[a] / (b[1] - b[0]);
    });
    const dist = Math.hypot(e.x - c.x, e.y - c.y, e.z - c.z), far = was ? was.far : dist;
    // the projection is not quite linear in the distance: a box that needs more room is taken
    // 5% further, one a tenth inside its room nearer (back to the figure's own eye at most)
    const k = Math.max(far / dist, need > 1 || need < 0.9 ? need * 1.05 : 1);
    fitted.set(g, { key: key, far: far });
    if (Math.abs(k - 1) < 1e-3) return;
    P.relayout(g, { "scene.camera.eye": { x: c.x + (e.x - c.x) * k, y: c.y + (e.y - c.y) * k, z: c.z + (e.z - c.z) * k } });
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

  /* Theme and text size of one graph, through Plotly (which lays the text out at its size,
   * and draws the 3D axes in WebGL, out of CSS's reach). Once per figure and style. */
  PG.style = function (g) {
    if (!g || !g.layout || !PG.C) return;
    const t = theme(), size = fontSize(), ink = PG.C.sceneInk[t], big = size !== PG.C.font.size;
    // WebGL draws a 3D tick label of font size s s * s / sceneTickEm px tall (contract.FONT):
    // in lecture mode the size whose labels are as tall as the plots' (its titles are drawn at
    // their size)
    const sceneTick = big ? Math.ceil(Math.sqrt(PG.C.font.sceneTickEm * size)) : size;
    if (P.isScene(g)) fitScene(g, big, size); // at every draw: the canvas may have a new size
    // a figure not seen before is taken to be in the server's style only if its text says so:
    // one built on a layout restyled while lecture mode hid it (the inspect chart) kept 18 px
    // on the desk
    const laid = g.layout.font && g.layout.font.size;
    const fresh = laid && laid !== PG.C.font.size ? null : ["light", PG.C.font.size].join("|");
    // in lecture mode a 2D plot's ticks follow its size (tickRoom): styled again when it changes
    // (after lecture mode's text is laid out the plots take their new boxes: tickRoom then
    // measures the axes at the new size)
    const box = big && !P.isScene(g) ? g.clientWidth + "x" + g.clientHeight : null;
    if (P.styled(g, [t, size].concat(box ? [box] : []).join("|"), fresh)) return;
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
    const mesh = P.withRoles(g, [PG.C.roles.mesh]), marks = P.withRoles(g, [PG.C.roles.mark]);
    if (mesh.length) P.restyle(g, { colorscale: [PG.C.surfaceScales[t]] }, mesh);
    // the contour map's marks are markers, the scene's are text (the key's glyphs) on stems (lines)
    if (marks.length) P.restyle(g, { "marker.color": PG.C.markInk[t], "marker.line.color": PG.C.markInk[t], "textfont.color": PG.C.markInk[t] }, marks);
    const stems = P.withRoles(g, [PG.C.roles.stem]);
    if (stems.length) P.restyle(g, { "line.color": PG.C.markInk[t] }, stems);
    const halos = P.withRoles(g, [PG.C.roles.halo]); // the contour map's rims under its marks
    if (halos.length) P.restyle(g, { "marker.color": PG.C.markHalo[t], "marker.line.color": PG.C.markHalo[t] }, halos);
    P.relayoutChanges(g, lay);
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
