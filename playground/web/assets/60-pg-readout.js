/* The step counter and the results table ("Race") at the current step. */
(function () {
  "use strict";
  const PG = window.PG;

  function fmt(v, d) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(d === undefined ? 3 : d);
    return v.toPrecision(d === undefined ? 5 : d + 1).replace(/\.?0+$/, (m) => (m.indexOf(".") >= 0 ? "" : m));
  }

  /* [text, tone] of racer r at `step`: the run's outcome as the server worded it (the CLI's
   * and the exports' words) once the playback reaches its step, "moving" before. */
  function statusText(r, step) {
    if (step >= r.stopped_at) return [r.outcome, r.tone];
    const st = PG.C.statuses[PG.C.inProgress];
    return [st.text, st.tone];
  }


  /* A seed fan's final losses: the median and the 10–90 % range over its seeds. */
  function fanSpread(r) {
    if (!r.fan) return "";
    const f = r.fan.final;
    return "<div class='pg-fan-spread' title='final loss over " + r.fan.seeds + " seeds: median (10–90 %)'>" +
      r.fan.seeds + " seeds: " + fmt(f[1], 3) + " (" + fmt(f[0], 3) + "–" + fmt(f[2], 3) + ")</div>";
  }

  function row(r, step) {
    const k = PG.kOf(r, step), x = PG.X(r, k), y = PG.Y(r, k), st = statusText(r, step);
    return "<tr><td><span class='pg-swatch' style='background:" + r.color + "'></span>" + r.label + "</td>" +
      "<td class='num'>" + k + "</td>" +
      "<td class='num'>" + fmt(r.lossA[k]) + "</td>" +
      "<td class='num'>(" + fmt(x, 4) + ", " + fmt(y, 4) + ")</td>" +
      "<td class='num'>" + fmt(PG.lrAt(r, k), 3) + "</td>" +
      "<td class='num'>" + (PG.run.has_minima ? fmt(r.distA[k], 3) : "no minimum") + "</td>" +
      // the outcome is not given away before the playback reaches it
      "<td class='num'>" + (step >= Math.min(r.last, r.stopped_at) ? fmt(r.final_loss, 6) + fanSpread(r) : "…") + "</td>" +
      "<td><span class='pg-status " + st[1] + "'>" + st[0] + "</span></td></tr>";
  }

  function renderReadout(step) {
    const el = PG.el("readout");
    if (!el || !PG.run) return;
    const rows = PG.run.racers.length
      ? PG.run.racers.map(function (r) { return row(r, step); }).join("")
      : "<tr><td colspan='8' class='pg-empty-race'>" + PG.C.labels.empty + "</td></tr>";
    el.innerHTML =
      "<table class='table table-sm pg-table' id='" + PG.C.ids.table + "'><thead><tr><th>optimizer</th><th>step</th>" +
      "<th>loss</th><th>position</th><th>lr</th><th>to nearest min</th><th>final loss</th><th>status</th>" +
      "</tr></thead><tbody>" + rows + "</tbody></table>";
  }

  /* The step counter, the table and the slider show the same step: while playing they are
   * updated together, five times a second (the table is read, not watched, and each slider
   * move re-renders it through Dash); paused, at once. */
  PG.showStep = function (now) {
    if (PG.playing && now - PG.lastTable < 200) return;
    PG.lastTable = now;
    const t = PG.el("step_text");
    if (t) t.textContent = String(PG.step);
    renderReadout(PG.step);
    PG.syncSlider(true);
  };
})();
