/* Pinch on the contour map: two fingers zoom about their midpoint and carry the map along
 * with it (plotly.js has no pinch gesture: plotly.js#1858). One finger still pans or taps,
 * through Plotly. The gesture is taken before Plotly sees it, and from the browser, which
 * would otherwise zoom the whole page. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;
  let pinch = null, frame = 0;

  function mid(t) { return [(t[0].clientX + t[1].clientX) / 2, (t[0].clientY + t[1].clientY) / 2]; }
  function spread(t) { return Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY) || 1; }

  function map(e) {
    const g = P.gd("contour");
    return g && e.touches.length === 2 && g.contains(e.target) ? g : null;
  }

  function begin(e) {
    const g = map(e), v = g && P.view(g);
    if (!v) return;
    const s = v.share.apply(null, mid(e.touches));
    // the data point under the fingers' midpoint, which stays under it
    pinch = { g: g, v: v, d: spread(e.touches), at: [v.x[0] + s[0] * (v.x[1] - v.x[0]), v.y[1] - s[1] * (v.y[1] - v.y[0])] };
    e.preventDefault();
    e.stopPropagation();
  }

  /* The ranges for the fingers now: the same zoom on both axes (the map keeps x and y at one scale). */
  function ranges(t) {
    const v = pinch.v, k = pinch.d / spread(t), s = v.share.apply(null, mid(t));
    const w = (v.x[1] - v.x[0]) * k, h = (v.y[1] - v.y[0]) * k;
    const x0 = pinch.at[0] - s[0] * w, y1 = pinch.at[1] + s[1] * h;
    return { "xaxis.range": [x0, x0 + w], "yaxis.range": [y1 - h, y1] };
  }

  function move(e) {
    if (!pinch) return;
    e.preventDefault();
    e.stopPropagation();
    if (e.touches.length !== 2) return;
    const upd = ranges(e.touches);
    if (frame) window.cancelAnimationFrame(frame);
    frame = window.requestAnimationFrame(function () { frame = 0; P.relayout(pinch ? pinch.g : null, upd); });
  }

  function end(e) {
    if (!pinch || e.touches.length === 2) return;
    if (frame) { window.cancelAnimationFrame(frame); frame = 0; }
    if (e.changedTouches.length) P.relayout(pinch.g, ranges(Array.prototype.slice.call(e.touches).concat(
      Array.prototype.slice.call(e.changedTouches)).slice(0, 2)));
    pinch = null;
    e.stopPropagation();
  }

  const opts = { capture: true, passive: false };
  document.addEventListener("touchstart", begin, opts);
  document.addEventListener("touchmove", move, opts);
  document.addEventListener("touchend", end, opts);
  document.addEventListener("touchcancel", function () { pinch = null; }, opts);
})();
