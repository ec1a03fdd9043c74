/* Playback in the browser: the server sends a configuration's trajectories once
 * (store-run, base64 float32), and this module animates them with requestAnimationFrame,
 * restyling only the path traces. Play, Pause, Step, Reset and the slider never talk to
 * the server. */
(function () {
  "use strict";

  const S = {
    run: null, // decoded store
    step: 0,
    playing: false,
    speed: 60, // steps per second
    carry: 0,
    lastT: 0,
    pending: 0, // 2D draws in flight
    busy3d: false, // a 3D draw in flight
    last3d: 0,
    cost3d: 0, // ms the last 3D draw took
    step3d: 0, // the step the 3D scene shows
    overlay: false, // playing with the 2D paths painted on canvases
    visible3d: true, // the 3D plot is on screen (IntersectionObserver)
    lastSlider: 0,
    lastTable: 0,
    frames: 0, // frames actually painted (read by the browser benchmark)
  };
  window.PG = S;

  function decode(b64) {
    if (!b64) return null;
    const bin = atob(b64);
    const buf = new ArrayBuffer(bin.length);
    const u8 = new Uint8Array(buf);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    return new Float32Array(buf);
  }

  function gd(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    const g = el.classList.contains("js-plotly-plot") ? el : el.querySelector(".js-plotly-plot");
    return g && g.data ? g : null;
  }

  function indices(g, role) {
    const out = [];
    (g.data || []).forEach(function (t, i) {
      if (t.meta && t.meta.role === role) out.push([i, t.meta.racer]);
    });
    return out;
  }

  function maxStep() {
    return S.run ? S.run.steps : 0;
  }

  function fmt(v, d) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(d === undefined ? 3 : d);
    return v.toPrecision(d === undefined ? 5 : d + 1).replace(/\.?0+$/, (m) => (m.indexOf(".") >= 0 ? "" : m));
  }

  function kOf(r, step) {
    return Math.min(step, r.last);
  }

  function statusText(r, step) {
    if (divergedBy(r, step)) return ["diverged at step " + r.stopped_at, "bad"];
    if (r.status === "converged" && step >= r.stopped_at) return ["converged at step " + r.stopped_at, "good"];
    if (r.status === "max_steps" && step >= r.stopped_at) return ["max steps reached", "neutral"];
    return ["running", "neutral"];
  }

  function nearest(x, y) {
    const m = S.run.minima;
    if (!m || !m.length) return null;
    let best = Infinity;
    for (let i = 0; i < m.length; i++) {
      const dx = x - m[i][0], dy = y - m[i][1];
      best = Math.min(best, dx * dx + dy * dy);
    }
    return Math.sqrt(best);
  }

  function renderReadout(step) {
    const el = document.getElementById("div-readout");
    if (!el || !S.run) return;
    let rows = "";
    S.run.racers.forEach(function (r) {
      const k = kOf(r, step);
      const x = r.xyA[2 * k], y = r.xyA[2 * k + 1];
      const st = statusText(r, step);
      const lr = lrAt(r, k);
      const done = step >= r.stopped_at;
      rows +=
        "<tr><td><span class='pg-swatch' style='background:" + r.color + "'></span>" + r.label + "</td>" +
        "<td class='num'>" + k + "</td>" +
        "<td class='num'>" + fmt(r.lossA[k]) + "</td>" +
        "<td class='num'>(" + fmt(x, 4) + ", " + fmt(y, 4) + ")</td>" +
        "<td class='num'>" + fmt(lr, 3) + "</td>" +
        "<td class='num'>" + fmt(nearest(x, y), 3) + "</td>" +
        "<td class='num'>" + fmt(r.final_loss, 6) + "</td>" +
        "<td><span class='pg-status " + st[1] + "'>" + st[0] + "</span></td></tr>";
    });
    el.innerHTML =
      "<table class='table table-sm pg-table' id='table-results'><thead><tr><th>optimizer</th><th>step</th>" +
      "<th>loss</th><th>position</th><th>lr</th><th>to nearest min</th><th>final loss</th><th>status</th>" +
      "</tr></thead><tbody>" + rows + "</tbody></table>";
  }

  function arrow(x, y, dx, dy, scale) {
    const n = Math.hypot(dx, dy);
    if (!isFinite(n) || n === 0) return [[], []];
    return [[x, x + (dx / n) * scale], [y, y + (dy / n) * scale]];
  }

  function lrAt(r, j) {
    return r.lrA ? r.lrA[Math.min(j, r.lrA.length - 1)] : r.lr0;
  }

  /* What the loss chart plots: f, or f - f* on the log scale (never 0). */
  function lossY(r, j) {
    return S.run.logLoss ? Math.max(r.lossA[j] - (S.run.fglob || 0), 1e-16) : r.lossA[j];
  }

  function divergedBy(r, step) {
    return r.status === "diverged" && step >= r.stopped_at;
  }

  /* The inspected racer's arrows on the contour map: [trace role, data, sign, colour, dashed]. */
  const ARROWS = [["grad", "gradA", -1, "#b71c1c", false], ["vel", "moveA", 1, "#1a237e", true]];

  function arrowAt(a, step) {
    const run = S.run, insp = run.racers[run.inspect], v = insp && insp[a[1]];
    if (!v) return [[], []];
    const k = kOf(insp, step), span = (run.domain[0][1] - run.domain[0][0]) * 0.12;
    return arrow(insp.xyA[2 * k], insp.xyA[2 * k + 1], a[2] * v[2 * k], a[2] * v[2 * k + 1], span);
  }

  /* During playback the 2D plots are painted on canvases laid over each plot area, where
   * restyling the traces made Plotly redraw the whole SVG plot (contour lines included)
   * every frame. Two layers: the trail keeps what is drawn and only gains the new segments
   * (a frame costs the same at step 5000 as at step 5); the top layer, redrawn each frame,
   * holds the moving heads and arrows. Paused, the real traces come back (hover works). */
  function canvasOn(host, cls) {
    const c = document.createElement("canvas");
    c.className = "pg-overlay " + cls;
    host.appendChild(c);
    return c;
  }

  function overlay(g) {
    const fl = g._fullLayout, xa = fl && fl.xaxis, ya = fl && fl.yaxis;
    if (!xa || !ya || !xa.c2p || !ya.c2p) return null;
    const host = g.querySelector(".svg-container");
    if (!host) return null;
    let o = g._pgLayers;
    if (!o || !o.trail.isConnected) {
      o = g._pgLayers = { trail: canvasOn(host, "pg-trail"), top: canvasOn(host, "pg-top"), sig: "", upto: [] };
    }
    const dpr = window.devicePixelRatio || 1, w = xa._length, h = ya._length;
    [o.trail, o.top].forEach(function (c) {
      if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
        c.width = Math.round(w * dpr); // resizing clears the canvas
        c.height = Math.round(h * dpr);
        c.style.width = w + "px";
        c.style.height = h + "px";
        o.sig = "";
      }
      c.style.left = xa._offset + "px";
      c.style.top = ya._offset + "px";
      c.style.display = "block";
      const ctx = c.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.lineJoin = "round";
      ctx.lineCap = "round";
    });
    o.w = w;
    o.h = h;
    o.px = function (v) { return xa.c2p(v); };
    o.py = function (v) { return ya.c2p(v); };
    o.axes = [w, h, dpr, xa.range.join(), ya.range.join()].join("|");
    return o;
  }

  function clearOverlay(g) {
    const o = g && g._pgLayers;
    if (!o) return;
    o.trail.style.display = o.top.style.display = "none";
    o.sig = ""; // drawn again from the start next time
  }

  function hiddenRacers(g) {
    const out = {};
    (g.data || []).forEach(function (t) { if (t.meta && t.visible === false) out[t.meta.racer] = true; });
    return out;
  }

  /* Add each racer's segments up to its current point to the trail layer (all of them after
   * a new run, a zoom, a resize, a hidden racer or a step back), then clear the top layer. */
  function paintTrail(g, o, xAt, yAt, width) {
    const hide = hiddenRacers(g);
    const sig = [S.runId, o.axes, Object.keys(hide).join()].join("#");
    const ctx = o.trail.getContext("2d");
    if (o.sig !== sig || S.step < o.step) {
      ctx.clearRect(0, 0, o.w, o.h);
      o.sig = sig;
      o.upto = [];
    }
    o.step = S.step;
    S.run.racers.forEach(function (r, i) {
      if (hide[i]) return;
      const k = kOf(r, S.step), from = o.upto[i] === undefined ? 0 : o.upto[i];
      if (o.upto[i] !== undefined && k <= from) return;
      ctx.beginPath();
      let pen = false;
      for (let j = from; j <= k; j++) {
        const x = o.px(xAt(r, j)), y = o.py(yAt(r, j));
        if (!isFinite(x) || !isFinite(y)) { pen = false; continue; }
        if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        pen = true;
      }
      ctx.strokeStyle = r.color;
      ctx.lineWidth = width;
      ctx.stroke();
      o.upto[i] = k;
    });
    const top = o.top.getContext("2d");
    top.clearRect(0, 0, o.w, o.h);
    return { ctx: top, hide: hide };
  }

  function arrowOn(o, ctx, seg, color, dashed) {
    if (!seg[0].length) return;
    const x0 = o.px(seg[0][0]), y0 = o.py(seg[1][0]), x1 = o.px(seg[0][1]), y1 = o.py(seg[1][1]);
    ctx.strokeStyle = ctx.fillStyle = color;
    ctx.lineWidth = 3;
    ctx.setLineDash(dashed ? [3, 5] : []);
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
    ctx.setLineDash([]);
    const a = Math.atan2(y1 - y0, x1 - x0), s = 9;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - s * Math.cos(a - 0.45), y1 - s * Math.sin(a - 0.45));
    ctx.lineTo(x1 - s * Math.cos(a + 0.45), y1 - s * Math.sin(a + 0.45));
    ctx.closePath(); ctx.fill();
  }

  const X = function (r, j) { return r.xyA[2 * j]; }, Y = function (r, j) { return r.xyA[2 * j + 1]; };

  function paintContour(g) {
    const o = overlay(g);
    if (!o) return false;
    const run = S.run, t = paintTrail(g, o, X, Y, 3), ctx = t.ctx;
    run.racers.forEach(function (r, i) {
      if (t.hide[i]) return;
      const k = kOf(r, S.step), hx = o.px(X(r, k)), hy = o.py(Y(r, k));
      ctx.beginPath(); ctx.arc(hx, hy, 6, 0, 2 * Math.PI);
      ctx.fillStyle = r.color; ctx.fill();
      ctx.lineWidth = 2; ctx.strokeStyle = "white"; ctx.stroke();
      if (divergedBy(r, S.step)) {
        ctx.beginPath();
        ctx.moveTo(hx - 7, hy - 7); ctx.lineTo(hx + 7, hy + 7); ctx.moveTo(hx + 7, hy - 7); ctx.lineTo(hx - 7, hy + 7);
        ctx.lineWidth = 4; ctx.strokeStyle = "#b71c1c"; ctx.stroke();
      }
    });
    if (!t.hide[run.inspect]) ARROWS.forEach(function (a) { arrowOn(o, ctx, arrowAt(a, S.step), a[3], a[4]); });
    return true;
  }

  function paintLoss(g) {
    const o = overlay(g);
    if (!o) return false;
    paintTrail(g, o, function (r, j) { return j; }, lossY, 2.5);
    return true;
  }

  /* The loss chart's axes span the whole run, so curves grow into a fixed frame. */
  function fixLossAxes() {
    const g = gd("graph-loss");
    if (!g || !S.run) return;
    const logY = S.run.logLoss;
    let lo = Infinity, hi = -Infinity;
    S.run.racers.forEach(function (r) {
      for (let j = 0; j <= r.last; j++) {
        const v = lossY(r, j);
        if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    });
    if (!isFinite(lo)) return;
    let range;
    if (logY) {
      const a = Math.log10(lo), b = Math.log10(hi), pad = Math.max((b - a) * 0.05, 0.1);
      range = [a - pad, b + pad];
    } else {
      const pad = Math.max((hi - lo) * 0.05, Math.abs(hi) * 1e-6, 1e-12);
      range = [lo - pad, hi + pad];
    }
    window.Plotly.relayout(g, { "xaxis.range": [0, Math.max(S.run.steps, 1)], "yaxis.range": range });
  }

  /* Empty the Plotly path traces while the overlay paints them (one restyle at Play). */
  function emptyTraces(g, roles) {
    if (!g) return;
    const idx = [], xs = [], ys = [];
    roles.forEach(function (role) {
      indices(g, role).forEach(function (p) { idx.push(p[0]); xs.push([]); ys.push([]); });
    });
    if (idx.length) window.Plotly.restyle(g, { x: xs, y: ys }, idx);
  }

  /* Draw every racer up to `step` in all three graphs. */
  function apply(step) {
    if (!S.run) return;
    S.step = Math.max(0, Math.min(step, maxStep()));
    const g3 = gd("graph-surface-3d"), g2 = gd("graph-contour"), gl = gd("graph-loss");
    const run = S.run;
    const jobs = [];
    const now = performance.now();
    // The 3D scene redraws everything (the surface too) on any change. While playing it gets
    // at most a fifth of the time (a GPU draws it in a few ms and keeps up; software GL needs
    // ~100 ms), only after its previous draw finished, and none while it is out of sight;
    // its update is then not even built. Paused, stepping or scrubbing always draws it.
    const draw3d = !S.playing || (!S.busy3d && S.visible3d && now - S.last3d >= Math.max(33, 4 * S.cost3d));
    const live = S.playing && S.overlay; // 2D paths on the canvases, not through Plotly
    if (live) {
      if (g2) paintContour(g2);
      if (gl) paintLoss(gl);
    } else {
      clearOverlay(g2);
      clearOverlay(gl);
    }
    [[g3, true], [g2, false]].forEach(function (pair) {
      const g = pair[0], is3d = pair[1];
      if (!g || (is3d ? !draw3d : live)) return;
      const upd = { x: [], y: [] }, idx = [];
      if (is3d) upd.z = [];
      indices(g, "path").concat(indices(g, "head")).forEach(function (p) {
        const r = run.racers[p[1]];
        if (!r) return;
        const role = g.data[p[0]].meta.role;
        const k = kOf(r, S.step);
        const from = role === "head" ? k : 0;
        // while playing, the 3D path carries at most ~400 points (its cost grows with them);
        // paused, every point
        const stride = is3d && S.playing ? Math.max(1, Math.ceil((k - from) / 400)) : 1;
        const xs = [], ys = [], zs = [];
        for (let i = from; i <= k; i = i < k && i + stride > k ? k : i + stride) {
          xs.push(r.xyA[2 * i]);
          ys.push(r.xyA[2 * i + 1]);
          if (is3d) zs.push(r.zA[i]);
        }
        upd.x.push(xs); upd.y.push(ys); if (is3d) upd.z.push(zs);
        idx.push(p[0]);
      });
      if (!is3d) {
        indices(g, "end").forEach(function (p) {
          const r = run.racers[p[1]];
          if (!r) return;
          const show = divergedBy(r, S.step);
          upd.x.push(show ? [r.xyA[2 * r.last]] : []);
          upd.y.push(show ? [r.xyA[2 * r.last + 1]] : []);
          idx.push(p[0]);
        });
        ARROWS.forEach(function (a) {
          indices(g, a[0]).forEach(function (p) {
            const seg = arrowAt(a, S.step);
            upd.x.push(seg[0]); upd.y.push(seg[1]); idx.push(p[0]);
          });
        });
        upd.customdata = [];
        idx.forEach(function (i) {
          const meta = g.data[i].meta;
          if (meta.role !== "path") { upd.customdata.push(g.data[i].customdata || []); return; }
          const r = run.racers[meta.racer], k = kOf(r, S.step), cd = [];
          for (let j = 0; j <= k; j++) cd.push([j, r.lossA[j], lrAt(r, j)]);
          upd.customdata.push(cd);
        });
      }
      if (idx.length) jobs.push([g, upd, idx]);
    });
    if (gl && !live) {
      const upd = { x: [], y: [], customdata: [] }, idx = [];
      indices(gl, "loss").forEach(function (p) {
        const r = run.racers[p[1]];
        if (!r) return;
        const k = kOf(r, S.step), xs = [], ys = [], cd = [];
        for (let i = 0; i <= k; i++) {
          xs.push(i);
          ys.push(lossY(r, i));
          cd.push([i, r.lossA[i], lrAt(r, i), r.xyA[2 * i], r.xyA[2 * i + 1]]);
        }
        upd.x.push(xs); upd.y.push(ys); upd.customdata.push(cd); idx.push(p[0]);
      });
      if (idx.length) jobs.push([gl, upd, idx]);
    }
    jobs.forEach(function (j) {
      const g = j[0], upd = j[1], idx = j[2];
      if (g === g3) {
        S.busy3d = true;
        S.last3d = now;
        S.step3d = S.step;
        Promise.resolve(window.Plotly.restyle(g, upd, idx)).finally(function () {
          S.busy3d = false;
          S.cost3d = performance.now() - now;
        });
        return;
      }
      S.pending++;
      Promise.resolve(window.Plotly.restyle(g, upd, idx)).finally(function () { S.pending--; });
    });
    const t = document.getElementById("text-step");
    if (t) t.textContent = String(S.step);
    // the table is read, not watched: ~8 updates a second while playing spare the page layout
    if (!S.playing || now - S.lastTable > 120) {
      S.lastTable = now;
      renderReadout(S.step);
    }
    syncSlider(false);
  }

  function syncSlider(force) {
    const now = performance.now();
    if (!force && S.playing && now - S.lastSlider < 250) return; // the scrubber needs no 60 fps (each move re-renders it through Dash)
    S.lastSlider = now;
    if (window.dash_clientside && window.dash_clientside.set_props) {
      S.sliderSet = S.step; // remember what we pushed, so seek() can ignore its own echo
      window.dash_clientside.set_props("slider-step", { value: S.step, max: maxStep() });
    }
  }

  function setPlayLabel() {
    const b = document.getElementById("button-play");
    if (b) b.textContent = S.playing ? "❚❚ Pause" : "▶ Play";
  }

  function tick(t) {
    if (!S.playing) return;
    if (S.pending > 0) { // previous frame still drawing: skip instead of queueing
      window.requestAnimationFrame(tick);
      return;
    }
    const dt = S.lastT ? Math.min(t - S.lastT, 250) : 16;
    S.lastT = t;
    S.carry += (dt / 1000) * S.speed;
    const adv = Math.floor(S.carry);
    if (adv >= 1) {
      S.carry -= adv;
      const next = Math.min(S.step + adv, maxStep());
      apply(next);
      S.frames++;
      if (next >= maxStep()) {
        pause();
        syncSlider(true);
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }

  function play() {
    if (!S.run) return;
    if (S.step >= maxStep()) apply(0);
    const g2 = gd("graph-contour"), gl = gd("graph-loss");
    S.overlay = !!(g2 && gl && overlay(g2) && overlay(gl)); // else: restyle as before
    if (S.overlay) {
      emptyTraces(g2, ["path", "head", "end", "grad", "vel"]);
      emptyTraces(gl, ["loss"]);
    }
    S.playing = true;
    if (S.overlay) apply(S.step); // the canvases take over the paths in the same frame
    S.lastT = 0;
    S.carry = 0;
    setPlayLabel();
    window.requestAnimationFrame(tick);
  }

  function pause() {
    const was = S.playing;
    S.playing = false;
    // the paths go back into the Plotly traces at full resolution (hover works again; the 2D
    // ones were on the canvases and the 3D one was thinned and may lag a few frames)
    if (was || S.step3d !== S.step) apply(S.step);
    setPlayLabel();
    syncSlider(true);
  }

  S.play = play;
  S.pause = pause;
  S.toggle = function () { (S.playing ? pause : play)(); };
  S.stepOnce = function () { pause(); apply(S.step + 1); syncSlider(true); };
  S.stepBack = function () { pause(); apply(S.step - 1); syncSlider(true); };
  S.reset = function () { pause(); apply(0); syncSlider(true); };

  /* A figure may be drawn after the run data arrives: keep looking for a few seconds. */
  function hookAll(tries) {
    const ids = ["graph-surface-3d", "graph-contour", "graph-loss"];
    ids.forEach(hookAfterplot);
    const missing = ids.some(function (id) { const g = gd(id); return !g || !g._pgHooked; });
    if (missing && tries > 0) window.setTimeout(function () { hookAll(tries - 1); }, 100);
  }

  function hookAfterplot(id) {
    const g = gd(id);
    if (!g || g._pgHooked || !g.on) return;
    g._pgHooked = true;
    if (S.run) window.requestAnimationFrame(function () { apply(S.step); }); // figure came after the data
    if (id === "graph-surface-3d" && window.IntersectionObserver) {
      new IntersectionObserver(function (entries) {
        S.visible3d = entries[entries.length - 1].isIntersecting;
      }).observe(g);
    }
    // Dash replaces the figure when settings change: put the paths back at the current step
    g.on("plotly_afterplot", function () {
      if (id === "graph-surface-3d" && document.body.classList.contains("pg-dark")) themeScene();
      if (!S.run || (S.playing && S.overlay && id !== "graph-surface-3d")) return; // canvas has them
      const paths = indices(g, "path").concat(indices(g, "loss"));
      if (!paths.length) return;
      const first = g.data[paths[0][0]];
      const r = S.run.racers[paths[0][1]];
      const want = r ? kOf(r, S.step) + 1 : 0;
      if (first.x && first.x.length !== want && S.pending === 0) {
        window.requestAnimationFrame(function () { apply(S.step); });
      }
    });
  }

  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("button");
    if (!b) return;
    if (b.id === "button-play") S.toggle();
    else if (b.id === "button-step") S.stepOnce();
    else if (b.id === "button-reset") S.reset();
    else if (b.id === "button-presenter") togglePresenter();
    else if (b.id === "button-theme") {
      document.body.classList.toggle("pg-dark");
      b.textContent = document.body.classList.contains("pg-dark") ? "Light" : "Dark";
      themeScene();
    }
  });

  document.addEventListener("keydown", function (e) {
    const tag = (e.target && e.target.tagName) || "";
    if (/INPUT|TEXTAREA|SELECT/.test(tag) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " ") { e.preventDefault(); S.toggle(); }
    else if (e.key === "ArrowRight") { e.preventDefault(); S.stepOnce(); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); S.stepBack(); }
    else if (e.key === "r" || e.key === "R") S.reset();
    else if (e.key === "p" || e.key === "P") togglePresenter();
    else if (e.key === "?") window.dash_clientside.set_props("modal-help", { is_open: true });
    else if (/^[1-9]$/.test(e.key)) toggleRacer(parseInt(e.key, 10) - 1);
  });

  /* The 3D axes are drawn in WebGL, out of CSS's reach: recolour them through Plotly. */
  const SCENE_INK = { light: ["#263238", "#e0e0e0"], dark: ["#dfe6ea", "#3b4b55"] };
  function themeScene() {
    const g = gd("graph-surface-3d");
    if (!g || !g.layout || !g.layout.scene) return;
    const ink = SCENE_INK[document.body.classList.contains("pg-dark") ? "dark" : "light"];
    if (g.layout.scene.xaxis && g.layout.scene.xaxis.color === ink[0]) return; // already right
    const upd = {};
    ["xaxis", "yaxis", "zaxis"].forEach(function (a) {
      upd["scene." + a + ".color"] = ink[0];
      upd["scene." + a + ".gridcolor"] = ink[1];
    });
    window.Plotly.relayout(g, upd);
  }
  S.themeScene = themeScene;

  function togglePresenter() {
    document.body.classList.toggle("pg-presenter");
    window.dispatchEvent(new Event("resize")); // plots refit their new boxes
  }

  /* Keys 1-9: hide or show one optimizer's traces in every plot (no server involved). */
  function toggleRacer(k) {
    ["graph-surface-3d", "graph-contour", "graph-loss"].forEach(function (id) {
      const g = gd(id);
      if (!g) return;
      const idx = [];
      g.data.forEach(function (t, i) { if (t.meta && t.meta.racer === k) idx.push(i); });
      if (!idx.length) return;
      const hidden = g.data[idx[0]].visible === false;
      window.Plotly.restyle(g, { visible: hidden }, idx);
    });
  }
  S.toggleRacer = toggleRacer;

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pg: {
      load: function (data) {
        const nu = window.dash_clientside.no_update;
        if (!data) return nu;
        const fresh = !S.run || S.run.steps !== data.steps;
        data.racers.forEach(function (r) {
          r.xyA = decode(r.xy);
          r.lossA = decode(r.loss);
          const zi = data.zinfo;
          r.zA = r.lossA.map(function (f) {
            return (zi.log ? Math.log10(Math.max(f - zi.floor, 0) + 1e-3) : f) + zi.lift;
          });
          r.lrA = decode(r.lr);
          r.gradA = decode(r.grad);
          r.moveA = decode(r.move);
        });
        const gl = gd("graph-loss");
        data.logLoss = !!(gl && gl.layout && gl.layout.meta && gl.layout.meta.log);
        S.run = data;
        S.runId = (S.runId || 0) + 1; // the overlays redraw their trails for a new run
        if (fresh && S.step > data.steps) S.step = data.steps;
        hookAll(50);
        window.requestAnimationFrame(function () {
          const g = gd("graph-loss");
          S.run.logLoss = !!(g && g.layout && g.layout.meta && g.layout.meta.log);
          fixLossAxes();
          apply(S.step);
          syncSlider(true);
        });
        return String(data.steps);
      },
      seek: function (value) {
        const nu = window.dash_clientside.no_update;
        if (typeof value === "number" && S.run && value !== S.step && value !== S.sliderSet) {
          S.playing = false;
          setPlayLabel();
          apply(value);
        }
        return nu;
      },
      speed: function (value) {
        const v = parseFloat(value);
        if (isFinite(v) && v > 0 && v <= 1000) S.speed = v;
        return window.dash_clientside.no_update;
      },
      syncLr: function (slider, text) {
        const nu = window.dash_clientside.no_update;
        const trig = window.dash_clientside.callback_context.triggered.map(function (t) { return t.prop_id; });
        if (trig.some(function (p) { return p.indexOf("slider-lr") >= 0; })) {
          const v = Math.pow(10, slider);
          return [Number(v.toPrecision(3)).toString(), nu];
        }
        const t = parseFloat(text);
        if (isFinite(t) && t > 0) return [nu, Math.max(-5, Math.min(1, Math.log10(t)))];
        return [nu, nu];
      },
      writeUrl: function (query) {
        // keep the address bar equal to the settings, without reloading or adding history entries
        if (typeof query === "string") {
          window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
        }
        return window.dash_clientside.no_update;
      },
      copyLink: function (n, url) {
        if (navigator.clipboard && url) navigator.clipboard.writeText(url).catch(function () {});
        return "Copied ✓";
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
