/* The step counter and the results table ("Race") at the current step. */
(function () {
  "use strict";
  const PG = window.PG;

  /* A number for reading, as Python's "%g" with `p` significant digits (5 unless given): fixed
   * notation from 1e-4 to 10^p, trailing zeros dropped ("-1.5", "0.001", "0.99999"), else
   * "9.283e-6"; the outcome's words write points the same way (core.outcome.point_words). */
  function fmt(v, p) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    if (v === 0) return "0";
    p = p || 5;
    const exp = v.toExponential(p - 1), e = Number(exp.split("e")[1]); // the exponent after rounding
    if (e < -4 || e >= p) return exp.replace(/\.?0+e/, "e").replace("e+", "e");
    const s = v.toFixed(p - 1 - e);
    return s.indexOf(".") >= 0 ? s.replace(/\.?0+$/, "") : s;
  }
  PG.fmt = fmt;

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
      r.fan.seeds + " seeds: " + fmt(f[1], 4) + " (" + fmt(f[0], 4) + "–" + fmt(f[2], 4) + ")</div>";
  }

  /* Racer r's cells at `step`, by the contract's column keys (RESULTS_COLUMNS). */
  function cells(r, step) {
    const k = PG.kOf(r, step), st = statusText(r, step);
    return {
      // the glyph and the name side by side: a long name wraps beside its glyph, not under it
      optimizer: "<span class='pg-racer-cell'><span class='pg-swatch' aria-hidden='true' style='color:" + r.color + "'>" +
        r.glyph + "</span><span class='pg-racer-name'>" + r.label + "</span></span>",
      step: String(k),
      loss: fmt(r.lossA[k]),
      position: "(" + fmt(PG.X(r, k)) + ", " + fmt(PG.Y(r, k)) + ")",
      lr: fmt(PG.lrAt(r, k), 4),
      distance: PG.run.has_minima ? fmt(r.distA[k], 4) : "no minimum",
      // the outcome is not given away before the playback reaches it
      final: step >= Math.min(r.last, r.stopped_at) ? fmt(r.final_loss, 6) + fanSpread(r) : "…",
      status: "<span class='pg-status " + st[1] + "'>" + st[0] + "</span>",
    };
  }

  /* Each column's classes: its key's (the stylesheet's widths), figures right-aligned, and the
   * layouts that leave it out (50-app.css hides .pg-off-strip in lecture mode's strip,
   * .pg-off-phone on a phone): chosen by the contract's column, never by its position. */
  let COLS = null;
  function columns() {
    return COLS || (COLS = PG.C.resultsColumns.map(function (c) {
      return Object.assign({}, c, { cls: "pg-col-" + c.key + (c.num ? " num" : "") +
        (c.strip ? "" : " pg-off-strip") + (c.phone ? "" : " pg-off-phone") });
    }));
  }

  function row(r, step) {
    const v = cells(r, step);
    return "<tr>" + columns().map(function (c, i) {
      if (!(c.key in v)) console.error("no cell for the results column " + c.key);
      const tag = i === 0 ? "th scope='row'" : "td";
      return "<" + tag + " class='" + c.cls + "'>" + (c.key in v ? v[c.key] : "–") + "</" + tag.split(" ")[0] + ">";
    }).join("") + "</tr>";
  }

  // the columns' widths are set by their headers (table-layout: fixed, 50-app.css): a value or
  // a status that grows during play wraps in its own cell, the columns never move
  // (each a header cell for a screen reader's table navigation; written once: the table is
  // rendered five times a second while playing)
  let HEAD = null;
  function head() {
    return HEAD || (HEAD = columns().map(function (c) {
      return "<th scope='col' class='" + c.cls + "'>" + c.header + "</th>";
    }).join(""));
  }

  function renderReadout(step) {
    const el = PG.el("readout");
    if (!el || !PG.run) return;
    const rows = PG.run.racers.length
      ? PG.run.racers.map(function (r) { return row(r, step); }).join("")
      : "<tr><td colspan='" + columns().length + "' class='pg-empty-race'>" + PG.C.labels.empty + "</td></tr>";
    el.innerHTML =
      "<table class='table table-sm pg-table' id='" + PG.C.ids.table + "'>" +
      "<caption class='visually-hidden'>Each optimizer's run at step " + step + ": loss, position, learning rate, " +
      "distance to the nearest minimum, final loss and status</caption><thead><tr>" + head() +
      "</tr></thead><tbody>" + rows + "</tbody></table>";
  }

  /* The race's plots' accessible names and descriptions, from the run (runs.pack "alt"; set
   * as every plot's are, 77-pg-plot-alt.js). */
  function describePlots() {
    Object.keys(PG.run.alt || {}).forEach(function (id) {
      PG.describePlot(document.getElementById(id), PG.run.alt[id]);
    });
  }

  /* The polite live region: a sentence per run whose outcome the playback has reached
   * ("Adam reached the global minimum (1, 1) at step 412"), in the table's words; said once
   * each, cleared when a new run comes or the playback goes back before an outcome. */
  const told = { run: null, upto: [] };
  function announce(step) {
    const el = PG.el("outcome");
    if (!el) return;
    const reached = PG.run.racers.map(function (r) { return step >= r.stopped_at; });
    if (told.run !== PG.runId || told.upto.some(function (t, i) { return t && !reached[i]; })) {
      el.textContent = "";
      told.run = PG.runId;
      told.upto = reached.map(function () { return false; });
    }
    PG.run.racers.forEach(function (r, i) {
      if (!reached[i] || told.upto[i]) return;
      told.upto[i] = true;
      const p = document.createElement("p");
      p.textContent = r.label + " " + statusText(r, step)[0] + ".";
      el.appendChild(p);
    });
  }

  /* The step counter, the table and the slider show the same step: while playing they are
   * updated together, five times a second (the table is read, not watched, and each slider
   * move re-renders it through Dash); paused, at once. */
  PG.showStep = function (now) {
    if (PG.playing && now - PG.lastTable < 200) return;
    PG.lastTable = now;
    if (PG.run && PG.described !== PG.runId) {
      PG.described = PG.runId;
      describePlots();
    }
    if (PG.run) announce(PG.step);
    const t = PG.el("step_text");
    if (t) t.textContent = String(PG.step);
    renderReadout(PG.step);
    PG.syncSlider(true);
  };
})();
