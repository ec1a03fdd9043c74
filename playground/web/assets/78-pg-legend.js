/* A key above its chart stays above it when the window widens. plotly.js keeps a horizontal
 * legend where it was when a resize gives it fewer rows (plotly/plotly.js#6492, open): the
 * rotation lesson's six entries lay 57 px into the curves after 1280 -> 1440 px. A fresh draw
 * places it; it is asked for only when the key does lie on the plot area, so a resize that
 * leaves it in place redraws nothing. */
(function () {
  "use strict";
  const P = window.PG.plotly;

  function onThePlot(g) {
    const legend = g.layout && g.layout.legend, key = g.querySelector(".legend"), plot = g.querySelector(".nsewdrag");
    if (!legend || legend.orientation !== "h" || !(legend.y >= 1) || !key || !plot) return false;
    return key.getBoundingClientRect().bottom > plot.getBoundingClientRect().top + 1;
  }

  function replace(g) {
    if (onThePlot(g)) window.Plotly.react(g, g.data, Object.assign({}, g.layout));
  }

  P.eachNewGraph(function (g) {
    if (g.on) g.on("plotly_relayout", function (e) { if (e && e.autosize) replace(g); });
  });
})();
