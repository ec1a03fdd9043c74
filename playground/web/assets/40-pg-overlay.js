/* The canvas overlay. During playback the 2D paths are painted on canvases laid over each
 * plot area: restyling the traces made Plotly redraw the whole SVG plot (contour lines
 * included) every frame. Two layers: the trail keeps what is drawn and only gains the new
 * segments (a frame costs the same at step 5000 as at step 5); the top layer, redrawn each
 * frame, holds the moving heads and arrows. Paused, the real traces come back (hover works). */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;
  const layers = new WeakMap(); // graph div -> its two canvases and what the trail holds

  function canvasOn(host, cls) {
    const c = document.createElement("canvas");
    c.className = "pg-overlay " + cls;
    host.appendChild(c);
    return c;
  }

  /* Size and place a canvas over the plot area; resizing clears it (the trail restarts). */
  function fit(o, c, a, dpr) {
    if (c.width !== Math.round(a.w * dpr) || c.height !== Math.round(a.h * dpr)) {
      c.width = Math.round(a.w * dpr);
      c.height = Math.round(a.h * dpr);
      c.style.width = a.w + "px";
      c.style.height = a.h + "px";
      o.sig = "";
    }
    c.style.left = a.left + "px";
    c.style.top = a.top + "px";
    c.style.display = "block";
    const ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
  }

  /* The graph's layers, placed over its plot area; null if the graph is not drawn yet. */
  function overlay(g) {
    const a = P.axes(g);
    if (!a) return null;
    let o = layers.get(g);
    if (!o || !o.trail.isConnected) {
      o = { trail: canvasOn(a.host, "pg-trail"), top: canvasOn(a.host, "pg-top"), sig: "", upto: [], run: [] };
      layers.set(g, o);
    }
    const dpr = window.devicePixelRatio || 1;
    fit(o, o.trail, a, dpr);
    fit(o, o.top, a, dpr);
    o.w = a.w;
    o.h = a.h;
    o.px = a.px;
    o.py = a.py;
    o.axes = [a.w, a.h, dpr, a.ranges].join("|");
    return o;
  }
  PG.overlayOn = overlay;

  PG.clearOverlay = function (g) {
    const o = g && layers.get(g);
    if (!o) return;
    o.trail.style.display = o.top.style.display = "none";
    o.sig = ""; // drawn again from the start next time
  };

  /* Racer r's dash (the contract's racer_look) for a line `width` px wide, as Plotly draws it. */
  PG.dashOf = function (dash, width) {
    const unit = Math.max(width, 3);
    return (PG.C.dashPatterns[dash] || []).map(function (m) { return m * unit; });
  };

  /* The outline of marker `symbol` (the contract's racer symbols, as Plotly names them),
   * `size` px across, centred on (x, y): the caller fills and strokes it. */
  PG.markPath = function (ctx, symbol, x, y, size) {
    const h = size / 2, t = size / 5;
    ctx.beginPath();
    if (symbol === "square") ctx.rect(x - h * 0.85, y - h * 0.85, 1.7 * h, 1.7 * h);
    else if (symbol === "diamond") {
      ctx.moveTo(x, y - h * 1.2); ctx.lineTo(x + h * 1.2, y); ctx.lineTo(x, y + h * 1.2); ctx.lineTo(x - h * 1.2, y);
      ctx.closePath();
    } else if (symbol === "cross" || symbol === "x") {
      const pts = [[-t, -h], [t, -h], [t, -t], [h, -t], [h, t], [t, t], [t, h], [-t, h], [-t, t], [-h, t], [-h, -t], [-t, -t]];
      const a = symbol === "x" ? Math.PI / 4 : 0, c = Math.cos(a), s = Math.sin(a);
      pts.forEach(function (p, i) {
        const px = x + p[0] * c - p[1] * s, py = y + p[0] * s + p[1] * c;
        if (i) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      });
      ctx.closePath();
    } else ctx.arc(x, y, h, 0, 2 * Math.PI);
  };

  /* Stroke racer r's path from point `from` to `k` (gaps where it left the finite plane), in
   * its dash: the pattern goes on from where the last stroke of its trail ended (o.run[i]). */
  function strokePath(ctx, o, r, i, from, k, xAt, yAt) {
    ctx.beginPath();
    let pen = false, run = o.run[i] || 0, px = 0, py = 0;
    for (let j = from; j <= k; j++) {
      const x = o.px(xAt(r, j)), y = o.py(yAt(r, j));
      if (!isFinite(x) || !isFinite(y)) { pen = false; continue; }
      if (pen) { ctx.lineTo(x, y); run += Math.hypot(x - px, y - py); } else ctx.moveTo(x, y);
      pen = true;
      px = x; py = y;
    }
    ctx.setLineDash(PG.dashOf(r.dash, ctx.lineWidth));
    ctx.lineDashOffset = o.run[i] || 0;
    ctx.strokeStyle = r.color;
    ctx.stroke();
    ctx.setLineDash([]);
    o.run[i] = run;
  }

  /* Add each racer's segments up to its current point to the trail layer (all of them after
   * a new run, a zoom, a resize, a hidden racer or a step back), then clear the top layer. */
  function paintTrail(g, o, xAt, yAt, width) {
    const hide = P.hidden(g);
    const sig = [PG.runId, o.axes, Object.keys(hide).join()].join("#");
    const ctx = o.trail.getContext("2d");
    if (o.sig !== sig || PG.step < o.step) {
      ctx.clearRect(0, 0, o.w, o.h);
      o.sig = sig;
      o.upto = [];
      o.run = [];
    }
    o.step = PG.step;
    PG.run.racers.forEach(function (r, i) {
      const k = PG.kOf(r, PG.step), seen = o.upto[i] !== undefined;
      if (hide[i] || (seen && k <= o.upto[i])) return;
      ctx.lineWidth = width === "racer" ? r.width : width; // the contour map: each racer's own
      strokePath(ctx, o, r, i, seen ? o.upto[i] : 0, k, xAt, yAt);
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

  /* A schedule-free racer's iterate z: a hollow ring in its colour. */
  function iterateOn(o, ctx, r, k) {
    if (!r.iterateA) return;
    ctx.beginPath(); ctx.arc(o.px(r.iterateA[2 * k]), o.py(r.iterateA[2 * k + 1]), 6, 0, 2 * Math.PI);
    ctx.lineWidth = 3; ctx.strokeStyle = r.color; ctx.stroke();
  }

  /* A racer's moving head, crossed out once it left or blew up. */
  function headOn(o, ctx, r) {
    const k = PG.kOf(r, PG.step), hx = o.px(PG.X(r, k)), hy = o.py(PG.Y(r, k));
    iterateOn(o, ctx, r, k);
    PG.markPath(ctx, r.symbol, hx, hy, 12);
    ctx.fillStyle = r.color; ctx.fill();
    ctx.lineWidth = 2; ctx.strokeStyle = "white"; ctx.stroke();
    if (PG.divergedBy(r, PG.step)) endOn(o, ctx, r);
  }

  /* A stopped racer's end mark (PG.endMark): a cross in the frame, an arrow on its edge. */
  function endOn(o, ctx, r) {
    const m = PG.endMark(r), x = o.px(m.x), y = o.py(m.y);
    ctx.strokeStyle = ctx.fillStyle = PG.C.endInk[r.tone] || PG.C.divergedInk;
    ctx.beginPath();
    if (m.out) { // screen y grows downwards
      const c = Math.cos(m.heading), s = -Math.sin(m.heading);
      ctx.moveTo(x + 10 * c, y + 10 * s);
      ctx.lineTo(x - 8 * c - 7 * s, y - 8 * s + 7 * c);
      ctx.lineTo(x - 8 * c + 7 * s, y - 8 * s - 7 * c);
      ctx.closePath(); ctx.fill();
      return;
    }
    ctx.moveTo(x - 7, y - 7); ctx.lineTo(x + 7, y + 7); ctx.moveTo(x + 7, y - 7); ctx.lineTo(x - 7, y + 7);
    ctx.lineWidth = 4; ctx.stroke();
  }

  PG.paintContour = function (g) {
    const o = overlay(g);
    if (!o) return false;
    const t = paintTrail(g, o, PG.X, PG.Y, "racer");
    PG.run.racers.forEach(function (r, i) { if (!t.hide[i]) headOn(o, t.ctx, r); });
    if (t.hide[PG.inspected()]) return true;
    PG.C.arrows.forEach(function (a) { arrowOn(o, t.ctx, PG.arrowAt(a, PG.step), a.color, a.dashed); });
    return true;
  };

  PG.paintLoss = function (g) {
    const o = overlay(g);
    if (!o) return false;
    paintTrail(g, o, function (r, j) { return j; }, PG.lossY, 2.5);
    return true;
  };
})();
