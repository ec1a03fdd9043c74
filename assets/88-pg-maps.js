/* The outcome maps view (playground/web/views/maps.py). A map is computed piece by piece:
 * each answer carries the next piece's job, and the browser hands it straight back, so the
 * page shows progress and never waits on one long request. A clicked cell loads its run
 * into the race, which starts playing as it arrives. */
(function () {
  "use strict";
  const PG = window.PG;
  Object.assign(window.dash_clientside.pg, {
    mapsNext: function (job) {
      return job || window.dash_clientside.no_update;
    },
    mapsAutoplay: function (token) {
      if (token) PG.autoplay = true;
      return window.dash_clientside.no_update;
    },
  });
})();
