/* The run: base64 float32 arrays decoded once, and what a racer shows at a step. Every
 * derived series (path heights, distance to the nearest minimum, f - f*) comes computed
 * from the server; nothing here repeats a formula of the Python side. */
(function () {
  "use strict";
  const PG = window.PG;

  function decode(b64) {
    if (!b64) return null;
    const bin = atob(b64);
    const buf = new ArrayBuffer(bin.length);
    const u8 = new Uint8Array(buf);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    return new Float32Array(buf);
  }

  /* Decode each racer's float32 fields (the run lists them) into `<field>A`: xyA, lossA... */
  PG.decodeRun = function (data) {
    data.racers.forEach(function (r) {
      data.float32.forEach(function (k) { r[k + "A"] = decode(r[k]); });
    });
    return data;
  };

  PG.maxStep = function () {
    return PG.run ? PG.run.steps : 0;
  };

  PG.kOf = function (r, step) {
    return Math.min(step, r.last);
  };

  PG.X = function (r, j) { return r.xyA[2 * j]; };
  PG.Y = function (r, j) { return r.xyA[2 * j + 1]; };

  PG.lrAt = function (r, j) {
    return r.lrA ? r.lrA[Math.min(j, r.lrA.length - 1)] : r.lr0;
  };

  PG.divergedBy = function (r, step) {
    return PG.C.stoppedBefore.indexOf(r.status) >= 0 && step >= r.stopped_at;
  };

  function inView(v, x, y) {
    return x >= v[0] && x <= v[1] && y >= v[2] && y <= v[3];
  }

  /* Where a stopped racer's end mark goes: its last point when that is in the frame;
   * otherwise where its path last crossed the frame's edge, with the heading it left on
   * (radians, y up) so the mark can point out of the frame. */
  PG.endMark = function (r) {
    const v = PG.run.view, n = r.last;
    let x = PG.X(r, n), y = PG.Y(r, n);
    if (inView(v, x, y)) return { x: x, y: y, out: false, heading: 0 };
    let j = n - 1;
    while (j >= 0 && !inView(v, PG.X(r, j), PG.Y(r, j))) j--;
    if (j < 0) { // never inside: the nearest point of the frame
      return { x: Math.min(Math.max(x, v[0]), v[1]), y: Math.min(Math.max(y, v[2]), v[3]), out: true, heading: 0 };
    }
    const ax = PG.X(r, j), ay = PG.Y(r, j), dx = (isFinite(x) ? x : ax) - ax, dy = (isFinite(y) ? y : ay) - ay;
    let t = 1; // the largest share of the step that stays inside the frame
    if (dx > 0) t = Math.min(t, (v[1] - ax) / dx);
    if (dx < 0) t = Math.min(t, (v[0] - ax) / dx);
    if (dy > 0) t = Math.min(t, (v[3] - ay) / dy);
    if (dy < 0) t = Math.min(t, (v[2] - ay) / dy);
    return { x: ax + t * dx, y: ay + t * dy, out: true, heading: Math.atan2(dy, dx) };
  };

  /* Log scale only where the surface knows its minimum f*. */
  PG.canLog = function () {
    return !!(PG.run && PG.run.can_log);
  };

  /* What the loss chart plots: f, or f - f* on the log scale (the losses themselves when
   * the server found them equal to f - f*, and sent no copy). */
  PG.lossY = function (r, j) {
    return PG.run.logLoss && r.gapA ? r.gapA[j] : r.lossA[j];
  };

  /* The inspected racer (the first when the choice outlived a smaller race). */
  PG.inspected = function () {
    const rs = PG.run ? PG.run.racers : [];
    return rs[PG.inspect] ? PG.inspect : 0;
  };

  /* One contract arrow of the inspected racer at `step`: [[x0, x1], [y0, y1]], or empty. */
  PG.arrowAt = function (a, step) {
    const run = PG.run, insp = run.racers[PG.inspected()], heading = insp && insp[a.data + "A"];
    if (!heading) return [[], []];
    const k = PG.kOf(insp, step), x = PG.X(insp, k), y = PG.Y(insp, k), t = heading[k];
    const lengths = insp[a.length + "A"], len = (lengths ? lengths[k] : 1) * run.arrow_span;
    if (!isFinite(t) || !(len > 0)) return [[], []]; // no arrow: the vector vanished or is not finite
    return [[x, x + Math.cos(t) * len], [y, y + Math.sin(t) * len]];
  };
})();
