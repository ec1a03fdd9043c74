/* The 3D scene's canvas overlay. In software GL (SwiftShader) one WebGL redraw of the scene
 * costs ~150 ms for the surface alone and grows with the paths' points, so while playing the
 * WebGL scene keeps its surface, marks and axes without the paths, and the paths and heads
 * are painted on a 2D canvas over it every frame: projected with the scene's own camera
 * (P.scene3d), and left out where the drawn surface hides them from the eye (a ray test on
 * its mesh) or outside the axes' box (WebGL clips there). Dragging the camera while playing
 * moves the surface (WebGL) and the paths (the next frame) together. Paused, the paths go back
 * into the WebGL traces (hover works). */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;
  const layers = new WeakMap(); // graph div -> its canvas and the points' visibility
  const SAMPLES = 24; // ray samples between a point and where the ray leaves the mesh
  const MAX_POINTS = 1200; // a path painted with more is thinned evenly (the last point kept)

  function layer(g, sc) {
    let o = layers.get(g);
    if (!o || !o.canvas.isConnected || o.canvas.parentNode !== sc.canvas.parentNode) {
      const c = document.createElement("canvas");
      c.className = "pg-overlay pg-scene";
      sc.canvas.parentNode.appendChild(c);
      o = { canvas: c, key: "", seen: new Map() };
      layers.set(g, o);
    }
    const c = o.canvas, dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(sc.w * dpr) || c.height !== Math.round(sc.h * dpr)) {
      c.width = Math.round(sc.w * dpr);
      c.height = Math.round(sc.h * dpr);
      c.style.width = sc.w + "px";
      c.style.height = sc.h + "px";
    }
    c.style.left = sc.canvas.offsetLeft + "px";
    c.style.top = sc.canvas.offsetTop + "px";
    c.style.display = "block";
    const ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    return o;
  }

  /* True when the drawn surface lies between point (x, y, z) and the camera's eye: samples
   * along the ray up to where it leaves the mesh's box or rises above its highest point. */
  function hidden(sc, x, y, z) {
    const hf = sc.height;
    if (!hf || sc.ortho) return false;
    const e = sc.eye, dx = e[0] - x, dy = e[1] - y, dz = e[2] - z, b = hf.box;
    let end = 1;
    if (dx) end = Math.min(end, Math.max((b[0] - x) / dx, (b[1] - x) / dx));
    if (dy) end = Math.min(end, Math.max((b[2] - y) / dy, (b[3] - y) / dy));
    if (dz > 0) end = Math.min(end, (hf.top - z) / dz);
    for (let i = 1; i <= SAMPLES; i++) {
      const t = (end * i) / SAMPLES, h = hf.at(x + t * dx, y + t * dy);
      if (h > z + t * dz) return true;
    }
    return false;
  }

  function inBox(b, x, y, z) {
    return x >= b[0][0] && x <= b[0][1] && y >= b[1][0] && y <= b[1][1] && z >= b[2][0] && z <= b[2][1];
  }

  /* Racer r's point j on screen, or null where the surface hides it (cached per camera). */
  function screenPoint(o, sc, r, j) {
    let seen = o.seen.get(r);
    if (!seen) o.seen.set(r, (seen = []));
    if (seen[j] === undefined) {
      const x = PG.X(r, j), y = PG.Y(r, j), z = r.zA[j];
      const ok = inBox(sc.bounds, x, y, z) && !hidden(sc, x, y, z);
      seen[j] = ok ? sc.project(x, y, z) : null;
    }
    return seen[j];
  }

  function strokePath(ctx, o, sc, r, k, line) {
    const stride = Math.max(1, Math.ceil(k / MAX_POINTS));
    ctx.beginPath();
    let pen = false, n = 0;
    for (let j = 0; j <= k; j = j < k && j + stride > k ? k : j + stride) {
      const p = screenPoint(o, sc, r, j);
      if (!p) { pen = false; continue; }
      if (pen) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]);
      pen = true;
      n++;
      if (j === k) break;
    }
    ctx.lineWidth = line.width / 2; // WebGL's line3d draws width/2 CSS pixels (its shader's offset)
    ctx.setLineDash(PG.dashOf(line.dash, ctx.lineWidth));
    ctx.strokeStyle = line.color;
    ctx.stroke();
    ctx.setLineDash([]);
    return n;
  }

  function headOn(ctx, o, sc, r, k, marker) {
    const p = screenPoint(o, sc, r, k);
    if (!p) return 0;
    PG.markPath(ctx, marker.symbol, p[0], p[1], marker.size + 2);
    ctx.fillStyle = marker.color;
    ctx.fill();
    ctx.lineWidth = (marker.line && marker.line.width) || 2;
    ctx.strokeStyle = (marker.line && marker.line.color) || "white";
    ctx.stroke();
    return 1;
  }

  /* Paint every shown racer's path and head at PG.step; false before the scene is drawn. */
  PG.paintScene = function (g) {
    const sc = P.scene3d(g);
    if (!sc || !PG.run) return false;
    const o = layer(g, sc), key = sc.key + "#" + PG.runId;
    if (o.key !== key) { // another camera, size or run: every point is projected again
      o.key = key;
      o.seen = new Map();
    }
    const ctx = o.canvas.getContext("2d");
    ctx.clearRect(0, 0, sc.w, sc.h);
    let points = 0;
    P.sceneStyles(g).forEach(function (t) {
      const r = PG.run.racers[t.racer];
      if (!r) return;
      const k = PG.kOf(r, PG.step);
      points += t.role === PG.C.roles.head ? headOn(ctx, o, sc, r, k, t.marker) : strokePath(ctx, o, sc, r, k, t.line);
    });
    PG.scenePainted = points; // points painted in the last frame (read by the browser tests)
    return true;
  };

  /* Where the overlay would paint racer k's point j of graph g: [x, y] in the scene canvas's
   * CSS pixels, or null where the surface hides it or it is outside the axes' box (read by
   * the browser tests against what WebGL draws). */
  PG.sceneProbe = function (g, k, j) {
    const sc = P.scene3d(g), r = PG.run && PG.run.racers[k];
    return sc && r ? screenPoint({ seen: new Map() }, sc, r, j) : null;
  };

  PG.clearScene = function (g) {
    const o = g && layers.get(g);
    if (o) o.canvas.style.display = "none";
  };
})();
