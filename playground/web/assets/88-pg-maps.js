/* The outcome maps view (playground/web/views/maps.py). A map is computed piece by piece:
 * each answer carries the next piece's job, and the browser hands it straight back, so the
 * page shows progress and never waits on one long request. A clicked cell loads its run
 * into the race, which starts playing as it arrives. */
(function () {
  "use strict";
  const PG = window.PG;
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
        PG.style(g);
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
