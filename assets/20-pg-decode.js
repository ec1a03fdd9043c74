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
    if (!isFinite(t)) return [[], []]; // no arrow: the vector was zero or not finite
    return [[x, x + Math.cos(t) * run.arrow_span], [y, y + Math.sin(t) * run.arrow_span]];
  };
})();
