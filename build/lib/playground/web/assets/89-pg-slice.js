/* The "Real network" view's slice (playground/web/views/network.py). Its 3D scene and contour
 * map are the race's figures (figures.py, with the race's placeholder path and head traces);
 * this plays the projected paths on both at once, with one Play / Pause and one slider, as
 * the race's clock plays a run. The view's store brings the paths, the element ids and the
 * length of one play; labels and trace roles come from the contract. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;
  const drawnData = new WeakMap(); // graph div -> the data array its paths were put into
  // k: checkpoints shown (1..n); pending: restyles in flight (the clock skips frames meanwhile)
  // pushed: slider values set from here, whose echo (sliceSeek) is not a hand on the slider;
  // slider: the value it holds (a value it holds already is not pushed: no echo would come)
  const S = { data: null, k: 0, playing: false, pending: 0, lastT: 0, carry: 0, pushed: new Set(), slider: 0 };
  PG.slice = S;

  function graphs() {
    return S.data ? [P.byId(S.data.ids.surface), P.byId(S.data.ids.contour)].filter(Boolean) : [];
  }

  /* Each run's path up to checkpoint k, its head at k, with the hover data of each point. */
  function update(g, is3d) {
    const R = PG.C.roles, upd = { x: [], y: [], customdata: [] }, idx = [];
    if (is3d) upd.z = [];
    P.indices(g, R.path).concat(P.indices(g, R.head)).forEach(function (p) {
      const path = S.data.paths[p[1]];
      if (!path) return;
      const k = Math.min(S.k, path.x.length), from = P.roleOf(g, p[0]) === R.head ? k - 1 : 0;
      upd.x.push(path.x.slice(from, k));
      upd.y.push(path.y.slice(from, k));
      if (is3d) upd.z.push(path.z.slice(from, k));
      upd.customdata.push(path.hover.slice(from, k));
      idx.push(p[0]);
    });
    return [upd, idx];
  }

  function draw() {
    graphs().forEach(function (g) {
      const u = update(g, P.isScene(g));
      if (!u[1].length) return;
      if (S.playing && P.isScene(g) && P.sceneFast(g, u[0], u[1])) return; // the paths alone
      S.pending++;
      P.restyle(g, u[0], u[1]).finally(function () { S.pending--; });
    });
    const out = document.getElementById(S.data.ids.readout), last = S.data.paths[0].hover[S.k - 1];
    if (out) out.textContent = "checkpoint " + S.k + " / " + S.data.n + (last ? " (step " + last[0] + ")" : "");
  }

  function show(k, sync) {
    S.k = Math.max(1, Math.min(k, S.data.n));
    draw();
    if (sync && S.k !== S.slider) {
      S.pushed.add(S.k);
      S.slider = S.k;
      window.dash_clientside.set_props(S.data.ids.slider, { value: S.k });
    }
  }

  function setLabel() {
    const b = document.getElementById(S.data.ids.play);
    if (b) b.textContent = PG.C.labels[S.playing ? "pause" : "play"];
  }

  function tick(t) {
    if (!S.playing) return;
    if (S.pending > 0) { // the last frame is still drawing: skip instead of queueing
      window.requestAnimationFrame(tick);
      return;
    }
    const dt = S.lastT ? Math.min(t - S.lastT, 250) : 16;
    S.lastT = t;
    S.carry += (dt / 1000) * S.data.n / S.data.seconds;
    const adv = Math.floor(S.carry);
    if (adv >= 1) {
      S.carry -= adv;
      show(S.k + adv, true);
      if (S.k >= S.data.n) return pause();
    }
    window.requestAnimationFrame(tick);
  }

  function play() {
    if (S.k >= S.data.n) show(1, true);
    S.playing = true;
    S.lastT = 0;
    S.carry = 0;
    setLabel();
    window.requestAnimationFrame(tick);
  }

  function pause() {
    S.playing = false;
    show(S.k, true); // every point back through Plotly: the 3D one's hover data too
    setLabel();
  }

  /* Dash put a new figure in: its paths back, theme and text size as every other plot. */
  function afterplot(g) {
    PG.style(g);
    if (drawnData.get(g) === g.data || !S.data) return;
    drawnData.set(g, g.data);
    window.requestAnimationFrame(draw);
  }

  /* The figures may be drawn after the paths arrive: keep looking for a few seconds. */
  function hookAll(tries) {
    const ids = [S.data.ids.surface, S.data.ids.contour];
    ids.forEach(function (id) {
      const g = P.byId(id);
      if (P.hook(g, function () { afterplot(g); })) PG.style(g); // drawn before it was hooked
    });
    if (ids.some(function (id) { return !P.isHooked(P.byId(id)); }) && tries > 0) {
      window.setTimeout(function () { hookAll(tries - 1); }, 100);
    }
  }

  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("button");
    if (b && S.data && PG.C && b.id === S.data.ids.play) (S.playing ? pause : play)();
  });

  Object.assign(window.dash_clientside.pg, {
    sliceLoad: function (data) {
      if (data && data.paths && data.paths.length && PG.C) {
        S.data = data;
        S.playing = false;
        S.k = S.slider = data.n; // the whole paths first (the server set the slider there too)
        setLabel();
        S.pushed.clear();
        hookAll(50);
        window.requestAnimationFrame(draw);
      }
      return window.dash_clientside.no_update;
    },
    sliceSeek: function (value) {
      // the slider moved by hand, not by show()
      if (S.pushed.delete(value)) return window.dash_clientside.no_update;
      S.slider = value;
      if (S.data && typeof value === "number" && value !== S.k) {
        S.playing = false;
        setLabel();
        show(value, false);
      }
      return window.dash_clientside.no_update;
    },
  });
})();
