/* The bridge to Dash: window.dash_clientside.pg, the functions the page's clientside
 * callbacks call, and the hooks that put the paths back when Dash replaces a figure. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;
  const GRAPHS = ["surface", "contour", "loss_chart"];
  const drawnData = new WeakMap(); // graph div -> the data array its paths were checked on

  /* A figure may be drawn after the run data arrives: keep looking for a few seconds. */
  function hookAll(tries) {
    GRAPHS.forEach(hook);
    const missing = GRAPHS.some(function (key) { return !P.isHooked(P.gd(key)); });
    if (missing && tries > 0) window.setTimeout(function () { hookAll(tries - 1); }, 100);
  }

  function hook(key) {
    const g = P.gd(key);
    if (!P.hook(g, function () { afterplot(key, g); })) return;
    if (behind(g)) applySoon(); // figure came after the data
    if (key === "surface" && window.IntersectionObserver) {
      new IntersectionObserver(function (entries) {
        PG.visible3d = entries[entries.length - 1].isIntersecting;
        if (PG.visible3d && PG.stale3d) window.requestAnimationFrame(PG.draw3d);
      }).observe(g);
    }
  }

  /* Dash replaces the figure when settings change: put the paths back at the current step. */
  function afterplot(key, g) {
    PG.style(g); // theme and presenter text size, once per figure
    // only a figure Dash put in (a new data array) needs its paths back; after our own
    // restyles (same array) they are there, and re-applying would loop (the 3D paths carry
    // extra points where they follow the mesh, so their length never equals the step count)
    if (drawnData.get(g) === g.data) return;
    drawnData.set(g, g.data);
    if (key === "loss_chart" && PG.run) { PG.fanScale(); PG.fixLossAxes(); } // a new chart: its fan on the switch's axis
    if (!PG.run || (PG.playing && PG.overlay && key !== "surface")) return; // canvas has them
    if (behind(g) && PG.pending === 0) applySoon();
  }

  /* One PG.apply at the next frame for every graph that asked (a new run's three hooks ask
   * together); none while a new run is being taken (it applies the step itself). */
  let applyQueued = false, taking = false;
  function applySoon() {
    if (applyQueued || taking) return;
    applyQueued = true;
    window.requestAnimationFrame(function () {
      applyQueued = false;
      PG.apply(PG.step);
    });
  }

  /* Whether graph g's paths do not show the run at the current step (its first path's length
   * tells; a graph with no paths is never behind). */
  function behind(g) {
    const first = PG.run && P.firstPath(g);
    if (!first) return false;
    const r = PG.run.racers[first.racer];
    return first.length !== (r ? PG.kOf(r, PG.step) + 1 : 0);
  }

  /* A new run (or a new figure): decode it, keep the step unless the scene changed, redraw. */
  function load(data) {
    const nu = window.dash_clientside.no_update;
    if (!data) return nu;
    // a figure changed (Dash hands relayouts back as new figures), not the run: the
    // afterplot hooks put the paths back; decoding and redrawing again would loop
    if (data === PG.source) { hookAll(50); return nu; }
    PG.source = data;
    take(data);
    return String(data.steps);
  }

  /* fn once the contour map is painted (a frame after its traces are in), or after ~10 s. */
  function afterContour(fn) {
    (function wait(frames) {
      if (P.painted(P.gd("contour")) || frames <= 0) {
        window.requestAnimationFrame(function () { window.setTimeout(fn, 0); });
      } else window.requestAnimationFrame(function () { wait(frames - 1); });
    })(600);
  }

  function take(data) {
    const fresh = !PG.run || PG.run.steps !== data.steps;
    if (PG.run && PG.run.scene !== data.scene) { // a new surface, racer set or lesson: from step 0
      if (PG.playing) PG.pause();
      PG.step = 0;
    }
    PG.run = PG.decodeRun(data);
    PG.run.logLoss = PG.logWanted && PG.canLog();
    PG.runId = (PG.runId || 0) + 1; // the overlays redraw their trails for a new run
    if (fresh && PG.step > data.steps) PG.step = data.steps;
    taking = true;
    hookAll(50);
    window.requestAnimationFrame(function () {
      taking = false;
      PG.setLogScale(); // also applies the step
      PG.syncSlider(true);
      PG.styleAll(); // the other charts (schedule...) came with the run
      if (PG.autoplay) { // a map cell was clicked: its run plays as it arrives
        PG.autoplay = false;
        PG.play();
      }
    });
  }

  /* The figure with its racers' paths and heads at the current step, when the run is here:
   * drawn with them, the scene needs no second WebGL draw (a restyle) to show them. */
  function withPaths(figure) {
    if (!PG.run || !figure || !figure.data) return figure;
    const u = PG.sceneUpdate({ data: figure.data }), data = figure.data.slice();
    u[1].forEach(function (i, n) {
      data[i] = Object.assign({}, data[i], { x: u[0].x[n], y: u[0].y[n], z: u[0].z[n] });
    });
    PG.sceneShows = { data: data, step: PG.step, run: PG.runId }; // no restyle needed once drawn
    return Object.assign({}, figure, { data: data });
  }

  /* Whether graph g still shows its stand-in (figures.PLACEHOLDER), no figure of its own. */
  function waiting(g) {
    return !!(g && g.layout && g.layout.meta === PG.C.placeholder);
  }

  /* The default view's other figures (graph id -> figure), handed to their graphs once the
   * contour map is painted: Dash draws every graph of the page in one task, so the map would
   * show only after all of them (layout.layout). A graph that got a figure of its own first
   * (a link's) keeps it. The scene also waits for the run, to be drawn with its paths in one
   * WebGL draw. The callback stays pending until the map is painted: that also holds back
   * the callbacks reading the scene's figure (load) and their work; the page's first run
   * (the run store as served) is taken then too. */
  function firstFigures(figures, run) {
    const nu = window.dash_clientside.no_update;
    function hand(id, figure) {
      const g = P.byId(id);
      if (!waiting(g)) return;
      const own = GRAPHS.some(function (key) { return PG.C.ids[key] === id; });
      if (!own) P.hook(g, function () { PG.style(g); }); // the race's graphs style in afterplot
      window.dash_clientside.set_props(id, { figure: figure });
    }
    return new Promise(function (resolve) {
      afterContour(function () {
        resolve(nu);
        if (!PG.source) window.dash_clientside.pg.load(run); // (as Dash calls it, live.js wraps it) the page's first run (a link's may have come first)
        mountLater();
        (function wait(frames) { // the scene is drawn with the run's paths: wait for the run
          const mounted = PG.C && Object.keys(figures).every(function (id) { return P.byId(id); });
          if (!((PG.C && PG.run && mounted) || frames <= 0)) {
            window.requestAnimationFrame(function () { wait(frames - 1); });
          } else if (PG.C) {
            const scene = PG.C.ids.surface;
            Object.keys(figures).forEach(function (id) { if (id !== scene) hand(id, figures[id]); });
            if (figures[scene]) hand(scene, withPaths(figures[scene]));
          }
        })(600);
      });
    });
  }

  /* The parts of the page that wait for the first map (web/later.py) are mounted; PG.later
   * says so a frame later (tests wait for it). Their graphs get their first figures then. */
  function mountLater() {
    const later = PG.C && PG.C.later;
    if (!later || PG.later) return;
    later.ids.forEach(function (id) { window.dash_clientside.set_props(id, { value: later.value }); });
    const shown = function () { // each later part's box (web/later.py's class) holds its content
      const boxes = document.querySelectorAll(".pg-later > .pg-later-content");
      return boxes.length === later.ids.length && [].every.call(boxes, function (b) { return b.childElementCount > 0; });
    };
    (function wait(frames) {
      if (shown() || frames <= 0) {
        PG.later = later.value;
        if (PG.urlFirst !== undefined) writeAddress(PG.urlFirst); // the link reader has read the bare address
        PG.urlFirst = undefined;
        hookAll(50); // the scene and the loss chart are among them: the player follows them now
      } else window.requestAnimationFrame(function () { wait(frames - 1); });
    })(600);
  }

  /* Keep the address bar equal to the settings, without reloading or adding history entries.
   * The first call (the page's own settings) leaves the address to the link reader, which
   * mounts after it (page.link_reader) and must read the address as opened: a link's is
   * left as it is (its settings come back here once applied), a bare one is written once the
   * reader has mounted (mountLater). */
  function writeUrl(query) {
    const first = !PG.urlWritten;
    PG.urlWritten = true;
    PG.urlFirst = first && !PG.later && window.location.search.length <= 1 ? query : undefined;
    if (!first || PG.later) writeAddress(query);
    return window.dash_clientside.no_update;
  }

  function writeAddress(query) {
    if (typeof query === "string") {
      window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
    }
  }

  /* The inspected racer changed (or a new run came): its arrows and its state chart, built
   * by the server for every racer, are shown without asking it again. */
  function inspect(value, data) {
    const k = parseInt(value, 10);
    PG.inspect = isFinite(k) && k >= 0 ? k : 0;
    if (PG.run && !PG.playing) PG.apply(PG.step);
    if (!data) return window.dash_clientside.no_update;
    if (!data.racers.length) return { data: [], layout: JSON.parse(JSON.stringify(data.state_layout)) }; // an empty race
    const r = data.racers[PG.inspect] || data.racers[0];
    // a copy: Plotly writes into the figure it draws (decoded arrays, axis ranges); the
    // store's own stays as the server sent it for the next choice
    const fig = JSON.parse(JSON.stringify({ data: r.state, layout: data.state_layout }));
    fig.layout.yaxis2.title = { text: r.state_axis }; // named for this racer's accumulator
    fig.layout.yaxis2.visible = !!r.state_axis;
    fig.layout.meta = { alt: r.state_alt }; // its name and description (plots/alt.py)
    return fig;
  }

  /* Learning-rate slider (log10) <-> text box of one racer, in the contract's range. */
  function syncLr(slider, text) {
    const nu = window.dash_clientside.no_update, range = PG.C.lrSlider;
    const trig = window.dash_clientside.callback_context.triggered.map(function (t) { return t.prop_id; });
    if (trig.some(function (p) { return p.indexOf(PG.C.ids.lr_slider) >= 0; })) {
      return [Number(Math.pow(10, slider).toPrecision(3)).toString(), nu];
    }
    const t = parseFloat(text);
    if (isFinite(t) && t > 0) return [nu, Math.max(range.min, Math.min(range.max, Math.log10(t)))];
    return [nu, nu];
  }

  /* A click on the contour map sets the start. On a touch screen a tap only shows the value
   * under the finger (Plotly's hover label): the start moves on the tap after "Set start". */
  let tapArmed = false;
  function startClick(click, nTap) {
    const nu = window.dash_clientside.no_update, labels = PG.C.labels;
    const byButton = window.dash_clientside.callback_context.triggered.some(function (t) {
      return t.prop_id.endsWith(".n_clicks");
    });
    if (byButton) {
      tapArmed = !tapArmed;
      return [nu, labels[tapArmed ? "tapArmed" : "tapStart"]];
    }
    const touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    if (touch && !tapArmed) return [nu, nu];
    tapArmed = false;
    return [click, labels.tapStart];
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pg: {
      contract: function (c) {
        PG.useContract(c);
        // a link (an address with a query) is read at once; a bare address after the map
        if (window.location.search.length > 1 && c.later) {
          window.dash_clientside.set_props(c.later.link, { value: c.later.value });
        }
        return window.dash_clientside.no_update;
      },
      load: load,
      inspect: inspect,
      firstFigures: firstFigures,
      logScale: function (on) {
        PG.logWanted = on !== false;
        PG.setLogScale();
        return window.dash_clientside.no_update;
      },
      seek: function (value) {
        const echo = PG.sliderEchoes.indexOf(value);
        if (echo >= 0) { // the page's own push coming back, not a hand on the slider
          PG.sliderEchoes.splice(0, echo + 1);
          return window.dash_clientside.no_update;
        }
        if (typeof value === "number" && PG.run && value !== PG.step && value !== PG.sliderSet) {
          PG.playing = false;
          PG.setPlayLabel();
          PG.apply(value);
        }
        return window.dash_clientside.no_update;
      },
      speed: function (value) {
        const v = parseFloat(value);
        if (isFinite(v) && v > 0 && v <= 1000) PG.speed = v;
        return window.dash_clientside.no_update;
      },
      syncLr: syncLr,
      startClick: startClick,
      writeUrl: writeUrl,
      copyLink: function (n, url) {
        if (navigator.clipboard && url) navigator.clipboard.writeText(url).catch(function () {});
        return "Copied ✓";
      },
      showView: function (value, contract) {
        // whether the race is hidden, and the view to mount (the race, listed first in the
        // contract, is always mounted; the others only when chosen); unknown -> the race
        const ids = contract.views;
        const shown = ids.indexOf(value) >= 0 ? value : ids[0];
        // the side panel holds the race's settings: other views have their own controls
        document.body.classList.toggle("pg-other-view", shown !== ids[0]);
        return [shown !== ids[0], shown];
      },
      toggleHelp: function (n, open) {
        return !open;
      },
      toggleControls: function (n, cls) {
        if (!n) return window.dash_clientside.no_update;
        const base = (cls || "").replace(/\s*pg-open/g, "");
        return (cls || "").indexOf("pg-open") >= 0 ? base : base + " pg-open";
      },
    },
  });
})();
