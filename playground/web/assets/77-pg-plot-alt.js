/* Every plot's text alternative (playground/web/plots/alt.py): the graph's box becomes a
 * figure to a screen reader (not an "img": its children would become presentational, and
 * Plotly's controls inside are interactive), named by the words' label and described by a
 * hidden paragraph beside it. The race's four plots take theirs from the run when it arrives
 * (60-pg-readout.js); every other graph from its figure (layout.meta.alt), after each draw,
 * so the words always describe the figure shown: a new map, another lesson, a trained network,
 * the inspected racer. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;
  const watched = new WeakSet(); // graphs whose draws are followed

  /* The graph box `el` (a dcc.Graph's element, with its id) named and described by `text`. */
  PG.describePlot = function (el, text) {
    if (!el || !el.id || !text || !PG.C) return;
    const did = PG.C.ids.plot_description + "-" + el.id;
    let d = document.getElementById(did);
    if (!d) {
      d = document.createElement("p");
      d.id = did;
      d.className = "visually-hidden";
      el.insertAdjacentElement("afterend", d);
    }
    if (d.textContent !== text.description) d.textContent = text.description;
    const wanted = { role: "figure", "aria-label": text.label, "aria-describedby": did };
    Object.keys(wanted).forEach(function (k) {
      if (el.getAttribute(k) !== wanted[k]) el.setAttribute(k, wanted[k]);
    });
  };

  function describe(g) {
    const text = P.altText(g);
    if (text) PG.describePlot(P.box(g), text);
  }

  /* Every graph, new ones too (a view opened, a lesson's chart, a map drawn): follow its draws. */
  P.eachNewGraph(function (g) {
    if (P.onDraw(g, watched, function () { describe(g); })) describe(g);
  });
})();
