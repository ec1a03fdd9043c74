/* The one adapter to Plotly: the only script that touches window.Plotly, a graph's `data`,
 * `layout`, `_fullLayout`, its axes' `c2p`, `_offset`, `_length` or its events. A Plotly
 * upgrade that moves these internals is fixed here alone. */
(function () {
  "use strict";
  const PG = window.PG;
  const hooked = new WeakSet();
  const styleOf = new WeakMap(); // a figure's layout -> the style applied to it

  /* a · b of two 4×4 matrices stored column by column (gl-matrix's layout) */
  function mat4mul(a, b) {
    const out = new Array(16);
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 4; r++) {
        out[4 * c + r] = a[r] * b[4 * c] + a[4 + r] * b[4 * c + 1] + a[8 + r] * b[4 * c + 2] + a[12 + r] * b[4 * c + 3];
      }
    }
    return out;
  }

  /* The camera's eye in data units: the view is a rotation R and a shift t (eye = -Rᵀt in the
   * scene's world); the model only scales and shifts each axis. */
  function eyeOf(view, model, ds) {
    const e = [0, 0, 0];
    for (let j = 0; j < 3; j++) {
      let w = 0;
      for (let i = 0; i < 3; i++) w -= view[4 * j + i] * view[12 + i];
      e[j] = (w - model[12 + j]) / model[5 * j] / ds[j];
    }
    return e;
  }

  /* Plotly's 3D scene object of graph g (camera, WebGL plot), or null before it is built. */
  function sceneOf(g) {
    const fl = g && g._fullLayout;
    return (fl && fl.scene && fl.scene._scene) || null;
  }

  /* The surface trace's drawn height at (x, y): bilinear on its evenly spaced mesh; built once
   * per mesh (the overlay asks every frame). */
  const fields = new WeakMap(); // a surface trace's z array -> its height field
  function heightField(t) {
    if (!fields.has(t.z)) fields.set(t.z, buildField(t));
    return fields.get(t.z);
  }

  function buildField(t) {
    const xs = t.x, ys = t.y, zs = t.z, nx = xs.length, ny = ys.length;
    const x0 = xs[0], y0 = ys[0], dx = (xs[nx - 1] - x0) / (nx - 1), dy = (ys[ny - 1] - y0) / (ny - 1);
    let top = -Infinity;
    for (let r = 0; r < ny; r++) for (let c = 0; c < nx; c++) if (zs[r][c] > top) top = zs[r][c];
    function at(x, y) {
      const fx = (x - x0) / dx, fy = (y - y0) / dy;
      if (!(fx >= 0 && fy >= 0 && fx <= nx - 1 && fy <= ny - 1)) return NaN;
      const c = Math.min(Math.floor(fx), nx - 2), r = Math.min(Math.floor(fy), ny - 2), u = fx - c, v = fy - r;
      const a = zs[r], b = zs[r + 1];
      return (a[c] * (1 - u) + a[c + 1] * u) * (1 - v) + (b[c] * (1 - u) + b[c + 1] * u) * v;
    }
    return { at: at, top: top, box: [Math.min(x0, xs[nx - 1]), Math.max(x0, xs[nx - 1]), Math.min(y0, ys[ny - 1]), Math.max(y0, ys[ny - 1])] };
  }

  /* The value at dotted path `k` in `o` (undefined where there is none). */
  function valueAt(o, k) {
    return k.split(".").reduce(function (x, part) { return x == null ? undefined : x[part]; }, o);
  }
  function same(v, w) {
    return v == null || w == null ? v == null && w == null : JSON.stringify(v) === JSON.stringify(w);
  }

  /* The attributes of `upd` whose value differs from graph g's layout. */
  function layoutChanges(g, upd) {
    const changed = {};
    Object.keys(upd).forEach(function (k) {
      if (!same(valueAt(g.layout, k), upd[k])) changed[k] = upd[k];
    });
    return changed;
  }

  /* [update, indices]: one restyle for every group ([indices, {attribute: value}]), each
   * attribute a value a trace, undefined (Plotly leaves the trace's as it is) where a trace is
   * not in the group or already holds the value. */
  function traceChanges(g, groups) {
    const idx = [], upd = {};
    groups.forEach(function (grp) {
      grp[0].forEach(function (i) {
        Object.keys(grp[1]).forEach(function (k) {
          if (same(valueAt(g.data[i], k), grp[1][k])) return;
          if (idx.indexOf(i) < 0) idx.push(i);
          (upd[k] = upd[k] || {})[i] = grp[1][k];
        });
      });
    });
    const out = {};
    Object.keys(upd).forEach(function (k) { out[k] = idx.map(function (i) { return upd[k][i]; }); });
    return [out, idx];
  }

  const P = {
    /* The Plotly graph div of the contract's graph `key` (once it has data). */
    gd: function (key) {
      return PG.C ? P.byId(PG.C.ids[key]) : null;
    },

    /* The Plotly graph div of the dcc.Graph with id `id` (once it has data). */
    byId: function (id) {
      const el = document.getElementById(id);
      if (!el) return null;
      const g = el.classList.contains("js-plotly-plot") ? el : el.querySelector(".js-plotly-plot");
      return g && g.data ? g : null;
    },

    /* [trace index, racer] of every trace of `role`. */
    indices: function (g, role) {
      const out = [];
      (g.data || []).forEach(function (t, i) {
        if (t.meta && t.meta.role === role) out.push([i, t.meta.racer]);
      });
      return out;
    },

    racerOf: function (g, i) {
      return g.data[i].meta.racer;
    },

    roleOf: function (g, i) {
      return g.data[i].meta.role;
    },

    customdata: function (g, i) {
      return g.data[i].customdata || [];
    },

    /* Points now in the first path (or loss) trace and its racer, or null. */
    firstPath: function (g) {
      const p = P.indices(g, PG.C.roles.path).concat(P.indices(g, PG.C.roles.loss))[0];
      return p ? { racer: p[1], length: (g.data[p[0]].x || []).length } : null;
    },

    /* {racer: true} for every racer whose traces are hidden. */
    hidden: function (g) {
      const out = {};
      (g.data || []).forEach(function (t) { if (t.meta && t.visible === false) out[t.meta.racer] = true; });
      return out;
    },

    /* Show or hide racer k's traces; false if the graph has none. */
    toggleRacer: function (g, k) {
      const idx = [];
      g.data.forEach(function (t, i) { if (t.meta && t.meta.racer === k) idx.push(i); });
      if (!idx.length) return false;
      window.Plotly.restyle(g, { visible: g.data[idx[0]].visible === false }, idx);
      return true;
    },

    /* The plot area in pixels and data -> pixel maps, or null before the first draw. */
    axes: function (g) {
      const fl = g._fullLayout, xa = fl && fl.xaxis, ya = fl && fl.yaxis;
      if (!xa || !ya || !xa.c2p || !ya.c2p) return null;
      const host = g.querySelector(".svg-container");
      if (!host) return null;
      return {
        host: host, w: xa._length, h: ya._length, left: xa._offset, top: ya._offset,
        px: function (v) { return xa.c2p(v); },
        py: function (v) { return ya.c2p(v); },
        ranges: xa.range.join() + "|" + ya.range.join(),
      };
    },

    /* Whether a 2D graph's traces are in its plot area (its first paint is under way). */
    painted: function (g) {
      return !!(g && g._fullLayout && g.querySelector(".overplot path"));
    },

    /* The 2D plot's ranges and a map from screen (client) pixels to data, or null. */
    view: function (g) {
      const fl = g._fullLayout, xa = fl && fl.xaxis, ya = fl && fl.yaxis;
      if (!xa || !ya || !xa.p2c || !ya.p2c) return null;
      const box = g.getBoundingClientRect();
      return {
        x: xa.range.slice(), y: ya.range.slice(),
        /* where a screen point falls, as shares of the plot area from its left and top */
        share: function (cx, cy) { return [(cx - box.left - xa._offset) / xa._length, (cy - box.top - ya._offset) / ya._length]; },
      };
    },

    /* Promise of a restyle (Plotly returns one, or nothing when it has nothing to do). */
    restyle: function (g, upd, idx) {
      return Promise.resolve(window.Plotly.restyle(g, upd, idx));
    },

    relayout: function (g, upd) {
      return Promise.resolve(window.Plotly.relayout(g, upd));
    },

    /* Relayout only the attributes whose value differs from the figure's. dcc.Graph copies
     * every relayout into its figure prop and redraws the graph from it (Dash 4.4: "sync
     * user-driven layout changes"), and a redrawn figure is styled again: a style that always
     * relayouts never settles (lecture mode's 3D scene was redrawn four times a second and the
     * page stopped answering). A style already in the figure costs nothing now. */
    relayoutChanges: function (g, upd) {
      const changed = layoutChanges(g, upd);
      return Object.keys(changed).length ? P.relayout(g, changed) : Promise.resolve();
    },

    /* Trace attributes, then layout attributes, only those that differ from the figure's:
     * `groups` is a list of [trace indices, {attribute: value}], restyled at once. A restyle of
     * the 3D scene rebuilds its every object (~0.1-0.2 s in software GL): the theme's colours,
     * set again at every new text size in four restyles, made a lecture-mode toggle redraw the
     * scene four times over for colours it already had. Two calls, not Plotly.update: dcc.Graph
     * copies a relayout into its figure (relayoutChanges) and not an update, whose layout the
     * graph's next redraw then took back. */
    updateChanges: function (g, groups, lay) {
      const t = traceChanges(g, groups);
      if (t[1].length) P.restyle(g, t[0], t[1]);
      return P.relayoutChanges(g, lay);
    },

    /* While playing: new points straight into the scene's path objects, then one WebGL redraw.
     * Plotly.restyle rebuilds every object of the scene (the surface mesh and its contour
     * lines too: ~100 ms in software GL) and recomputes its bounds; the axes' ranges are fixed,
     * so only the paths change. False when a trace is not built yet (the caller restyles). */
    sceneFast: function (g, upd, idx) {
      const fl = g._fullLayout, scene = fl && fl.scene && fl.scene._scene, fd = g._fullData;
      if (!scene || !fd || !scene.glplot) return false;
      const objs = idx.map(function (i) { return fd[i] && fd[i].visible === true ? scene.traces[fd[i].uid] : null; });
      if (objs.some(function (o, n) { return !o && fd[idx[n]] && fd[idx[n]].visible === true; })) return false;
      idx.forEach(function (i, n) {
        const t = fd[i], d = g.data[i];
        d.x = t.x = upd.x[n]; d.y = t.y = upd.y[n]; d.z = t.z = upd.z[n];
        t._length = upd.x[n].length;
        if (objs[n]) objs[n].update(t);
      });
      scene.glplot.redraw();
      return true;
    },

    /* A signature of the style last applied to the figure now drawn (a new figure from Dash
     * starts with none). */
    /* True when the figure already has style `sig`; a new figure has `fresh`, the style the
     * server draws in (so the common case, light theme and normal text, costs no redraw). */
    styled: function (g, sig, fresh) {
      if (!g.layout) return true;
      if ((styleOf.has(g.layout) ? styleOf.get(g.layout) : fresh) === sig) return true;
      styleOf.set(g.layout, sig);
      return false;
    },

    /* [trace index] of every trace with meta.role in `roles`. */
    withRoles: function (g, roles) {
      const out = [];
      (g.data || []).forEach(function (t, i) { if (t.meta && roles.indexOf(t.meta.role) >= 0) out.push(i); });
      return out;
    },

    /* The 3D scene as its canvas overlay needs it, or null before its first WebGL draw: the
     * WebGL canvas, a map from data (x, y, height) to its CSS pixels (the camera's own
     * projection · view · model matrices and the scene's data scale), the camera's eye in data
     * units, the axes' box and the drawn surface's height under (x, y) (bilinear on its mesh,
     * NaN off it). */
    scene3d: function (g) {
      const fl = g._fullLayout, s = fl && fl.scene && fl.scene._scene, gp = s && s.glplot;
      const cam = gp && gp.cameraParams, canvas = gp && gp.canvas, ds = s && s.dataScale;
      if (!cam || !cam.view || !cam.model || !canvas || !ds || !canvas.clientWidth) return null;
      const mesh = (g._fullData || []).find(function (t) { return t.type === "surface" && t.visible === true; });
      const m = mat4mul(cam.projection, mat4mul(cam.view, cam.model)), w = canvas.clientWidth, h = canvas.clientHeight;
      const range = function (a) { const r = fl.scene[a + "axis"].range; return [Math.min(r[0], r[1]), Math.max(r[0], r[1])]; };
      return {
        canvas: canvas, w: w, h: h, ortho: !!cam._ortho,
        bounds: [range("x"), range("y"), range("z")], // WebGL clips the paths to the axes' box
        key: Array.prototype.join.call(m, ",") + "|" + w + "x" + h,
        project: function (x, y, z) {
          const v = [x * ds[0], y * ds[1], z * ds[2]], c = [0, 0, 0, 0];
          for (let r = 0; r < 4; r++) c[r] = m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2] + m[12 + r];
          return c[3] > 0 ? [(c[0] / c[3] + 1) / 2 * w, (1 - c[1] / c[3]) / 2 * h] : null;
        },
        eye: eyeOf(cam.view, cam.model, ds),
        height: mesh ? heightField(mesh) : null,
      };
    },

    /* Line and marker style of the scene's shown path and head traces, in drawing order, as
     * the figure gives them (a trace emptied for the overlay keeps its style there). */
    sceneStyles: function (g) {
      const roles = [PG.C.roles.path, PG.C.roles.head], out = [];
      (g.data || []).forEach(function (t) {
        const meta = t.meta || {};
        if (roles.indexOf(meta.role) < 0 || (t.visible !== undefined && t.visible !== true)) return;
        out.push({ role: meta.role, racer: meta.racer, line: t.line || {}, marker: t.marker || {} });
      });
      return out;
    },

    /* Turn the 3D camera by `angle` radians about the vertical axis through the scene's
     * centre, keeping its height, distance and up (auto-rotate): a promise of the redraw,
     * or null before the scene is built. */
    turnScene: function (g, angle) {
      const s = sceneOf(g);
      if (!s || !s.getCamera) return null;
      const cam = s.getCamera(), e = cam.eye, o = cam.center, c = Math.cos(angle), n = Math.sin(angle);
      const dx = e.x - o.x, dy = e.y - o.y;
      const eye = { x: o.x + dx * c - dy * n, y: o.y + dx * n + dy * c, z: e.z };
      return P.relayout(g, { "scene.camera": { eye: eye, center: o, up: cam.up } });
    },

    /* The 3D camera's eye, as the scene holds it now (after any drag), or null. */
    sceneEye: function (g) {
      const s = sceneOf(g);
      return s && s.getCamera ? s.getCamera().eye : null;
    },

    isScene: function (g) {
      return !!(g.layout && g.layout.scene);
    },

    /* Every Plotly graph in the page (the views' too). */
    all: function () {
      return Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot")).filter(function (g) {
        return g.data && g._fullLayout;
      });
    },

    /* Run `fn` after every draw of `g`; true only the first time (the graph is new). */
    hook: function (g, fn) {
      if (!g || hooked.has(g) || !g.on) return false;
      hooked.add(g);
      g.on("plotly_afterplot", fn);
      return true;
    },

    isHooked: function (g) {
      return !!g && hooked.has(g);
    },

    /* Run `fn` after every draw of `g`, once per graph for the caller's `seen` set (beside
     * `hook`'s one); true only the first time. */
    onDraw: function (g, seen, fn) {
      if (!g || seen.has(g) || !g.on) return false;
      seen.add(g);
      g.on("plotly_afterplot", fn);
      return true;
    },

    /* Run `fn(g)` once for every Plotly graph the page holds, now and as new ones appear (a
     * view opened, a lesson's chart, a map drawn): one watch of the document for all callers. */
    eachNewGraph: function (fn) {
      const seen = new WeakSet();
      newGraphWatchers.push(function (g) {
        if (!seen.has(g)) { seen.add(g); fn(g); }
      });
      watchDocument();
    },

    /* The text alternative the figure drawn in `g` carries (plots/alt.py `carried`), or null. */
    altText: function (g) {
      const m = g && g.layout && g.layout.meta;
      return (m && typeof m === "object" && m.alt) || null;
    },

    /* The dcc.Graph box around graph div `g`: the element with the graph's id. */
    box: function (g) {
      return g && g.parentElement ? g.parentElement.closest("[id]") : null;
    },
  };
  // eachNewGraph's callers, and the one document watch that finds their new graphs
  const newGraphWatchers = [];
  let watching = false, queued = false;
  function findNewGraphs() {
    queued = false;
    P.all().forEach(function (g) { newGraphWatchers.forEach(function (w) { w(g); }); });
  }
  function watchDocument() {
    if (watching) return;
    watching = true;
    new MutationObserver(function () {
      if (!queued) { queued = true; window.requestAnimationFrame(findNewGraphs); }
    }).observe(document.documentElement, { childList: true, subtree: true });
    window.requestAnimationFrame(findNewGraphs);
  }

  PG.plotly = P;
})();
