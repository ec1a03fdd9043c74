/* The real Plotly traces at a step: the paths while paused (hover works on them), and the
 * 3D scene always (WebGL has no overlay). Each function builds one restyle. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;

  /* Points from..k of racer r, every `stride`-th (the last one always). */
  function points(r, from, k, stride, is3d) {
    const xs = [], ys = [], zs = [];
    for (let i = from; i <= k; i = i < k && i + stride > k ? k : i + stride) {
      xs.push(PG.X(r, i));
      ys.push(PG.Y(r, i));
      if (is3d) zs.push(r.zA[i]);
    }
    return [xs, ys, zs];
  }

  /* Path and head traces of every racer in the 3D scene or the contour map. */
  function pathUpdate(g, is3d) {
    const R = PG.C.roles, upd = { x: [], y: [] }, idx = [];
    if (is3d) upd.z = [];
    P.indices(g, R.path).concat(P.indices(g, R.head)).forEach(function (p) {
      const r = PG.run.racers[p[1]];
      if (!r) return;
      const k = PG.kOf(r, PG.step), from = P.roleOf(g, p[0]) === R.head ? k : 0;
      // while playing, the 3D path carries at most ~400 points (its cost grows with them);
      // paused, every point
      const stride = is3d && PG.playing ? Math.max(1, Math.ceil((k - from) / 400)) : 1;
      const pts = points(r, from, k, stride, is3d);
      upd.x.push(pts[0]); upd.y.push(pts[1]); if (is3d) upd.z.push(pts[2]);
      idx.push(p[0]);
    });
    return [upd, idx];
  }

  /* The contour map's extras: where diverged racers left, schedule-free iterates, and the
   * inspected racer's arrows. */
  function markUpdate(g, upd, idx) {
    const ends = {}; // trace index -> its marker style, for the end marks shown
    P.indices(g, PG.C.roles.end).forEach(function (p) {
      const r = PG.run.racers[p[1]];
      if (!r) return;
      const m = PG.divergedBy(r, PG.step) ? PG.endMark(r) : null;
      upd.x.push(m ? [m.x] : []);
      upd.y.push(m ? [m.y] : []);
      idx.push(p[0]);
      // out of the frame: an arrow on its edge pointing the way the run went (Plotly's
      // angle is clockwise from up); in it: a cross where the run stopped
      if (m) ends[p[0]] = { "marker.symbol": m.out ? "arrow-wide" : "x", "marker.angle": m.out ? 90 - m.heading * 180 / Math.PI : 0,
                            "marker.line.color": PG.C.endInk[r.tone] || PG.C.divergedInk };
    });
    P.indices(g, PG.C.roles.iterate).forEach(function (p) {
      const r = PG.run.racers[p[1]];
      if (!r) return;
      const k = PG.kOf(r, PG.step), z = r.iterateA;
      upd.x.push(z ? [z[2 * k]] : []);
      upd.y.push(z ? [z[2 * k + 1]] : []);
      idx.push(p[0]);
    });
    PG.C.arrows.forEach(function (a) {
      P.indices(g, a.role).forEach(function (p) {
        const seg = PG.arrowAt(a, PG.step);
        upd.x.push(seg[0]); upd.y.push(seg[1]); idx.push(p[0]);
      });
    });
    // one value per updated trace: undefined leaves a trace's marker as it is
    ["marker.symbol", "marker.angle", "marker.line.color"].forEach(function (k) {
      if (Object.keys(ends).length) upd[k] = idx.map(function (i) { return ends[i] && ends[i][k]; });
    });
  }

  /* Hover data of the contour paths: [step, loss, lr] per point. */
  function hoverUpdate(g, upd, idx) {
    upd.customdata = idx.map(function (i) {
      if (P.roleOf(g, i) !== PG.C.roles.path) return P.customdata(g, i);
      const r = PG.run.racers[P.racerOf(g, i)], k = PG.kOf(r, PG.step), cd = [];
      for (let j = 0; j <= k; j++) cd.push([j, r.lossA[j], PG.lrAt(r, j)]);
      return cd;
    });
  }

  PG.contourUpdate = function (g) {
    const u = pathUpdate(g, false);
    markUpdate(g, u[0], u[1]);
    hoverUpdate(g, u[0], u[1]);
    return u;
  };

  PG.sceneUpdate = function (g) {
    return pathUpdate(g, true);
  };

  /* The loss chart's curves with their hover data [step, loss, lr, x, y]. */
  PG.lossUpdate = function (gl) {
    const upd = { x: [], y: [], customdata: [] }, idx = [];
    P.indices(gl, PG.C.roles.loss).forEach(function (p) {
      const r = PG.run.racers[p[1]];
      if (!r) return;
      const k = PG.kOf(r, PG.step), xs = [], ys = [], cd = [];
      for (let i = 0; i <= k; i++) {
        xs.push(i);
        ys.push(PG.lossY(r, i));
        cd.push([i, r.lossA[i], PG.lrAt(r, i), PG.X(r, i), PG.Y(r, i)]);
      }
      upd.x.push(xs); upd.y.push(ys); upd.customdata.push(cd); idx.push(p[0]);
    });
    return [upd, idx];
  };

  /* The loss chart's traces drawn whole by the server (a seed fan's band and median, a
   * mini-batch loss) and the values they show on the current axis: the server put both, f and
   * f - f*, in each one's meta.y. */
  function fanTraces(g) {
    const key = PG.run && PG.run.logLoss ? "log" : "linear", out = [];
    (g && g.data || []).forEach(function (t, i) {
      if (t.meta && t.meta.y) out.push([i, t.meta.y[key] || []]);
    });
    return out;
  }

  /* Those traces follow the log-scale switch (called for a new figure too). */
  PG.fanScale = function () {
    const g = P.gd("loss_chart"), fans = fanTraces(g);
    if (fans.length) P.restyle(g, { y: fans.map(function (f) { return f[1]; }) }, fans.map(function (f) { return f[0]; }));
  };

  /* The loss chart's axes span the whole run, so curves grow into a fixed frame; its y axis
   * (log f - f* or linear f, as the server built both) follows the log-scale switch. */
  PG.fixLossAxes = function () {
    const g = P.gd("loss_chart"), run = PG.run;
    if (!g || !run) return;
    let lo = Infinity, hi = -Infinity;
    function take(v) { if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    run.racers.forEach(function (r) {
      for (let j = 0; j <= r.last; j++) take(PG.lossY(r, j));
    });
    fanTraces(g).forEach(function (f) { f[1].forEach(take); });
    const axis = Object.assign({}, run.loss_axes[run.logLoss ? "log" : "linear"]);
    if (isFinite(lo)) axis.range = paddedRange(lo, hi, run.logLoss);
    P.relayout(g, { "xaxis.range": [0, Math.max(run.steps, 1)], yaxis: axis });
  };

  function paddedRange(lo, hi, log) {
    if (log) {
      const a = Math.log10(lo), b = Math.log10(hi), pad = Math.max((b - a) * 0.05, 0.1);
      return [a - pad, b + pad];
    }
    const pad = Math.max((hi - lo) * 0.05, Math.abs(hi) * 1e-6, 1e-12);
    return [lo - pad, hi + pad];
  }

  /* The switch or a new run: plot f - f* on a log axis when wanted and possible. */
  PG.setLogScale = function () {
    if (!PG.run) return;
    PG.run.logLoss = PG.logWanted && PG.canLog();
    PG.fanScale();
    PG.fixLossAxes();
    if (!PG.playing) PG.apply(PG.step); // the curves' y values change with the scale
  };
})();
