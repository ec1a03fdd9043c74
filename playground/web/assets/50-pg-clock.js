/* The clock: apply(step) draws a step everywhere; play, pause and tick move it. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;

  /* While playing the 3D scene gets at most a fifth of the time (a GPU draws it in a few ms
   * and keeps up; software GL needs ~100 ms a frame), only after its previous draw finished,
   * and none while it is out of sight; its update is then not even built. Paused, stepping or
   * scrubbing always draws it, through Plotly. */
  function due3d(now) {
    // out of sight it is not drawn at all (a software-GL redraw takes a second); it is drawn
    // when it comes into view
    if (!PG.visible3d) {
      PG.stale3d = true;
      return false;
    }
    if (PG.playing && PG.sceneShows && PG.sceneShows.blank) return true; // the canvas overlay: every frame
    return !PG.playing || (!PG.busy3d && now - PG.last3d >= Math.max(33, 4 * PG.cost3d));
  }

  /* Playing: the paths and heads on the scene's canvas overlay. The first frame painted on a
   * figure blanks its WebGL paths and heads (one WebGL redraw); a new figure from Dash (a new
   * data array) is emptied again. False if the scene is not drawn yet (WebGL draws them). */
  function overlayScene(g) {
    if (!PG.paintScene(g)) return false;
    const shows = PG.sceneShows;
    if (!(shows && shows.blank && shows.data === g.data)) {
      const idx = P.withRoles(g, [PG.C.roles.path, PG.C.roles.head]);
      // one point off the plane each (WebGL draws nothing there; gl objects refuse no points)
      const none = function () { return idx.map(function () { return [NaN]; }); };
      if (!P.sceneFast(g, { x: none(), y: none(), z: none() }, idx)) {
        PG.clearScene(g);
        return false;
      }
      PG.sceneShows = { data: g.data, blank: true };
      PG.drawsGL++;
    }
    return true;
  }

  function draw3d(g, now) {
    PG.stale3d = false;
    if (PG.playing && overlayScene(g)) {
      PG.step3d = PG.step;
      PG.draws3d++;
      return;
    }
    const at = PG.sceneShows;
    if (!PG.playing && at && !at.blank && at.data === g.data && at.step === PG.step && at.run === PG.runId) return;
    PG.sceneShows = null; // the paths go back into the WebGL traces
    const u = PG.sceneUpdate(g);
    if (!u[1].length) return;
    PG.last3d = now;
    PG.step3d = PG.step;
    if (PG.playing && P.sceneFast(g, u[0], u[1])) { // the paths alone
      // the GL work happens after this call returns and holds up the next frame: the cost
      // is the time to that frame, which spaces the next 3D redraw (2D frames go between)
      PG.busy3d = true;
      window.requestAnimationFrame(function () {
        PG.busy3d = false;
        PG.cost3d = performance.now() - now;
        PG.draws3d++;
        PG.drawsGL++;
      });
      return;
    }
    PG.busy3d = true;
    const step = PG.step, run = PG.runId;
    P.restyle(g, u[0], u[1]).finally(function () {
      PG.busy3d = false;
      PG.cost3d = performance.now() - now;
      PG.draws3d++;
      PG.drawsGL++;
      if (PG.sceneShows && PG.sceneShows.blank) return; // playing again: the overlay took them meanwhile
      PG.clearScene(g); // WebGL shows them now
      PG.sceneShows = { data: g.data, step: step, run: run };
    });
  }

  /* The 3D scene alone, at the current step (it came into view). */
  PG.draw3d = function () {
    const g3 = P.gd("surface");
    if (g3 && PG.run) draw3d(g3, performance.now());
  };

  /* A 2D restyle, counted so the clock skips frames while one is still drawing. */
  function draw2d(g, u) {
    if (!g || !u[1].length) return;
    PG.pending++;
    P.restyle(g, u[0], u[1]).finally(function () { PG.pending--; });
  }

  /* Draw every racer up to `step` in all three graphs. */
  PG.apply = function (step) {
    if (!PG.run) return;
    PG.step = Math.max(0, Math.min(step, PG.maxStep()));
    const g3 = P.gd("surface"), g2 = P.gd("contour"), gl = P.gd("loss_chart"), now = performance.now();
    const live = PG.playing && PG.overlay; // 2D paths on the canvases, not through Plotly
    if (live) {
      if (g2) PG.paintContour(g2);
      if (gl) PG.paintLoss(gl);
    } else {
      PG.clearOverlay(g2);
      PG.clearOverlay(gl);
    }
    if (g3 && due3d(now)) draw3d(g3, now);
    if (!live) {
      if (g2) draw2d(g2, PG.contourUpdate(g2));
      if (gl) draw2d(gl, PG.lossUpdate(gl));
    }
    PG.showStep(now);
  };

  /* The steps pushed to the slider whose echo (its value coming back through seek) is due:
   * echoes arrive late and in order, after a newer push too (a new run's reset to 0). */
  PG.sliderEchoes = [];
  PG.syncSlider = function () {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      PG.sliderSet = PG.step; // remember what we pushed, so seek() can ignore its own echo
      PG.sliderEchoes.push(PG.step);
      if (PG.sliderEchoes.length > 32) PG.sliderEchoes.shift();
      window.dash_clientside.set_props(PG.C.ids.scrubber, { value: PG.step, max: PG.maxStep() });
    }
  };

  PG.setPlayLabel = function () {
    const b = PG.el("play");
    if (b) b.textContent = PG.C.labels[PG.playing ? "pause" : "play"];
  };

  function tick(t) {
    if (!PG.playing) return;
    if (PG.pending > 0) { // previous frame still drawing: skip instead of queueing
      window.requestAnimationFrame(tick);
      return;
    }
    const dt = PG.lastT ? Math.min(t - PG.lastT, 250) : 16;
    PG.lastT = t;
    PG.carry += (dt / 1000) * PG.speed;
    const adv = Math.floor(PG.carry);
    if (adv >= 1) {
      PG.carry -= adv;
      const next = Math.min(PG.step + adv, PG.maxStep());
      PG.apply(next);
      PG.frames++;
      if (next >= PG.maxStep()) {
        PG.pause();
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }

  /* Hand the 2D paths to the canvases (one restyle empties their traces); false if a graph
   * is not drawn yet, and playback then restyles the traces as before. */
  function startOverlay() {
    const g2 = P.gd("contour"), gl = P.gd("loss_chart"), roles = PG.C.overlayRoles;
    if (!(g2 && gl && PG.overlayOn(g2) && PG.overlayOn(gl))) return false;
    emptyTraces(g2, roles.contour);
    emptyTraces(gl, roles.loss);
    return true;
  }

  /* One point that draws nothing, not none: Plotly drops a trace without points from its
   * legend, and the plot area grows into the legend's room (the key vanished while playing). */
  function emptyTraces(g, roles) {
    const idx = [], xs = [], ys = [];
    roles.forEach(function (role) {
      P.indices(g, role).forEach(function (p) { idx.push(p[0]); xs.push([NaN]); ys.push([NaN]); });
    });
    if (idx.length) P.restyle(g, { x: xs, y: ys }, idx);
  }

  PG.play = function () {
    if (!PG.run) return;
    if (PG.step >= PG.maxStep()) PG.apply(0);
    PG.overlay = startOverlay();
    PG.playing = true;
    if (PG.overlay) PG.apply(PG.step); // the canvases take over the paths in the same frame
    PG.lastT = 0;
    PG.carry = 0;
    PG.setPlayLabel();
    window.requestAnimationFrame(tick);
  };

  PG.pause = function () {
    const was = PG.playing;
    PG.playing = false;
    // the paths go back into the Plotly traces at full resolution (hover works again; the 2D
    // ones were on the canvases and the 3D one was thinned and may lag a few frames)
    if (was || PG.step3d !== PG.step) PG.apply(PG.step);
    PG.setPlayLabel();
    PG.syncSlider(true);
  };

  PG.toggle = function () { (PG.playing ? PG.pause : PG.play)(); };
  PG.stepOnce = function () { PG.pause(); PG.apply(PG.step + 1); PG.syncSlider(true); };
  PG.stepBack = function () { PG.pause(); PG.apply(PG.step - 1); PG.syncSlider(true); };
  PG.reset = function () { PG.pause(); PG.apply(0); PG.syncSlider(true); };
})();
