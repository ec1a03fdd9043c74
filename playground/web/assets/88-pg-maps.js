/* The outcome maps view (playground/web/views/maps.py). A map is computed piece by piece:
 * each answer carries the next piece's job, and the browser hands it straight back, so the
 * page shows progress and never waits on one long request. A clicked cell loads its run
 * into the race, which starts playing as it arrives. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;

  /* A figure's layout as relayout keys ({legend: {x: 1}} -> {"legend.x": 1}). */
  function flat(o, prefix, out) {
    Object.keys(o).forEach(function (k) {
      const v = o[k];
      if (v && typeof v === "object" && !Array.isArray(v)) flat(v, prefix + k + ".", out);
      else out[prefix + k] = v;
    });
    return out;
  }

  function valueAt(o, path) {
    return path.split(".").reduce(function (a, k) { return a == null ? undefined : a[k]; }, o);
  }

  /* The map's side if its key sits beside it and if it sits above it, from the graph's box, the
   * margins Plotly laid out (the axes' labels at this text size) and the entries' widths: a
   * key above wraps its entries in rows as wide as the map's room. Neither the box, nor the
   * axes, nor the entries change with where the key is, so the choice never flips back. */
  function sides(g, beside, ownTop) {
    const fl = g._fullLayout, s = fl._size, font = fl.legend.font.size;
    // an entry: Plotly's symbol and gap (40 px) before its text, a little room after it
    const widths = Array.prototype.map.call(g.querySelectorAll(".legend .legendtext"), function (t) {
      return t.getBBox().width + 50; // a multi-line entry: its widest line
    });
    const w = fl.width - s.l - fl.margin.r, h = fl.height - s.b;
    let rows = 1, used = 0;
    widths.forEach(function (x) {
      if (used && used + x > w) { rows += 1; used = 0; }
      used += x;
    });
    const widest = Math.max.apply(null, widths.concat([0]));
    return {
      beside: Math.min(w - widest, h - beside.margin.t),
      above: Math.min(w, h - Math.max(ownTop, beside.margin.t + rows * 1.5 * font)),
    };
  }

  /* A map whose figure offers its key beside it (layout.meta.keyBeside, _maps_figures.py) has
   * it there where the map is larger so, above it (the figure's own layout) where not: the
   * wide card of lecture mode or a desk, a phone's narrow one. After every draw (a new figure
   * or piece, a resize, lecture mode's text size). */
  const own = new WeakMap(); // g.layout -> {keys: the figure's own values, beside: shown beside}
  function placeKey(g) {
    const meta = g.layout && g.layout.meta, beside = meta && meta.keyBeside;
    if (!beside || !g._fullLayout || !g._fullLayout._size || !g.querySelector(".legend")) return;
    const keys = flat(beside, "", {});
    if (!own.has(g.layout)) {
      const was = {};
      Object.keys(keys).forEach(function (k) {
        const v = valueAt(g.layout, k);
        was[k] = v === undefined ? null : v;
      });
      own.set(g.layout, { keys: was, beside: false });
    }
    const state = own.get(g.layout), size = sides(g, beside, state.keys["margin.t"] || 0);
    const want = size.beside > size.above;
    if (want === state.beside) return;
    state.beside = want;
    P.relayout(g, want ? keys : state.keys);
  }

  const placed = new WeakSet(); // graphs whose draws place their key
  Object.assign(window.dash_clientside.pg, {
    mapsNext: function (job, target) {
      // set_props, not an output: an output would close a loop (job -> next -> job), and Dash
      // does not run a callback chain around a loop
      if (job) window.dash_clientside.set_props(target, { data: job });
      return window.dash_clientside.no_update;
    },
    mapsStyle: function () {
      // a new map (or piece) was drawn: theme and text size as every other plot, after Plotly's
      // draw; a chart drawn while its box was still hidden (the tuning's) is refitted, alone
      const trig = window.dash_clientside.callback_context.triggered[0];
      const box = trig && document.getElementById(trig.prop_id.split(".")[0]);
      const g = box && box.querySelector(".js-plotly-plot");
      window.requestAnimationFrame(function () {
        if (!g || !g._fullLayout) return;
        P.onDraw(g, placed, function () { placeKey(g); });
        PG.style(g);
        placeKey(g);
        if (Math.abs(g._fullLayout.width - g.clientWidth) > 1) window.Plotly.Plots.resize(g);
      });
      return window.dash_clientside.no_update;
    },
    mapsAutoplay: function (token) {
      if (token) PG.autoplay = true;
      return window.dash_clientside.no_update;
    },
  });
})();
