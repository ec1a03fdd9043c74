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

  /* Text size the plots are laid out with: the figure's own, or in presenter mode one that
   * reads from the back of a hall (scaled with the screen's height: 19 px at 1080p). */
  function fontSize() {
    const f = PG.C.font;
    if (!document.body.classList.contains("pg-presenter")) return f.size;
    return Math.max(f.presenterMin, Math.round(window.innerHeight / f.presenterLines));
  }

  /* Theme and text size of one graph, through Plotly (which lays the text out at its size,
   * and draws the 3D axes in WebGL, out of CSS's reach). Once per figure and style. */
  PG.style = function (g) {
    if (!g || !g.layout || !PG.C) return;
    const t = theme(), size = fontSize(), ink = PG.C.sceneInk[t];
    if (P.styled(g, [t, size].join("|"), ["light", PG.C.font.size].join("|"))) return;
    const lay = { "font.size": size, "font.color": ink.color, "legend.font.size": size };
    if (P.isScene(g)) {
      ["xaxis", "yaxis", "zaxis"].forEach(function (a) {
        lay["scene." + a + ".color"] = ink.color;
        lay["scene." + a + ".gridcolor"] = ink.grid;
        lay["scene." + a + ".tickfont.size"] = size;
        lay["scene." + a + ".title.font.size"] = size;
      });
    } else {
      ["xaxis", "yaxis", "yaxis2"].forEach(function (a) {
        const ax = g.layout[a];
        if (ax && ax.gridcolor !== "rgba(0,0,0,0)") lay[a + ".gridcolor"] = ink.grid; // no grid stays none
      });
    }
    const mesh = P.withRoles(g, [PG.C.roles.mesh]), marks = P.withRoles(g, [PG.C.roles.mark]);
    if (mesh.length) P.restyle(g, { colorscale: [PG.C.surfaceScales[t]] }, mesh);
    if (marks.length) P.restyle(g, { "marker.color": PG.C.markInk[t], "marker.line.color": PG.C.markInk[t] }, marks);
    P.relayout(g, lay);
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
