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
  };

  /* The 3D axes are drawn in WebGL, out of CSS's reach: recolour them through Plotly. */
  PG.themeScene = function () {
    const g = P.gd("surface"), now = P.sceneAxisColor(g || {});
    if (!g || now === null) return;
    const ink = PG.C.sceneInk[document.body.classList.contains("pg-dark") ? "dark" : "light"];
    if (now === ink.color) return; // already right
    const upd = {};
    ["xaxis", "yaxis", "zaxis"].forEach(function (a) {
      upd["scene." + a + ".color"] = ink.color;
      upd["scene." + a + ".gridcolor"] = ink.grid;
    });
    P.relayout(g, upd);
  };

  function toggleTheme(b) {
    document.body.classList.toggle("pg-dark");
    b.textContent = PG.C.labels[document.body.classList.contains("pg-dark") ? "light" : "dark"];
    PG.themeScene();
  }

  // contract action name -> what it does; `i` is the index of the pressed key in its list
  const ACTIONS = {
    toggle: function () { PG.toggle(); },
    stepOnce: function () { PG.stepOnce(); },
    stepBack: function () { PG.stepBack(); },
    reset: function () { PG.reset(); },
    toggleRacer: function (i) { PG.toggleRacer(i); },
    presenter: function () { PG.togglePresenter(); },
    help: function () { window.dash_clientside.set_props(PG.C.ids.help, { is_open: true }); },
  };
  PG.actions = ACTIONS;

  document.addEventListener("keydown", function (e) {
    const tag = (e.target && e.target.tagName) || "";
    if (!PG.C || /INPUT|TEXTAREA|SELECT/.test(tag) || e.ctrlKey || e.metaKey || e.altKey) return;
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
  });
})();
