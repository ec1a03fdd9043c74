/* Auto-rotate: while it is on and the race is paused, the 3D camera turns slowly about the
 * vertical axis, so a projected scene shows its shape with nobody at the mouse. Playing holds
 * it (the scene's paths are on the overlay then, and software GL has no frames to spare);
 * pausing turns again. Dragging or scrolling the scene, its button or the O key stop it.
 * With prefers-reduced-motion the scene never turns by itself: each press of the button or O
 * turns it by one step (ROTATE.stepDeg) and it stays there; the preference turning on stops a
 * rotation under way. */
(function () {
  "use strict";
  const PG = window.PG, P = PG.plotly;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)");
  let on = false, busy = false, lastTurn = 0;

  function showState() {
    const b = document.getElementById(PG.C.ids.rotate);
    if (!b) return;
    b.textContent = PG.C.labels[on ? "rotating" : "rotate"];
    b.setAttribute("aria-pressed", String(on));
  }

  function settled() { busy = false; }

  /* One frame: turn by the time since the last turn (at most a quarter second, so a slow
   * redraw does not jump), one redraw at a time. */
  function frame(t) {
    if (!on) return;
    const g = P.gd("surface");
    if (PG.playing || PG.visible3d === false || !g) lastTurn = 0;
    else if (!busy) {
      const dt = lastTurn ? Math.min(t - lastTurn, 250) : 0;
      lastTurn = t;
      const turned = dt > 0 && P.turnScene(g, (dt / 1000) * PG.C.rotate.degPerSecond * (Math.PI / 180));
      if (turned) { busy = true; turned.then(settled, settled); }
    }
    window.requestAnimationFrame(frame);
  }

  /* On, off, or (no argument) the other way round. */
  PG.rotate = function (want) {
    if (still.matches) {
      on = false;
      showState();
      const g = P.gd("surface");
      if (want !== false && g) P.turnScene(g, PG.C.rotate.stepDeg * (Math.PI / 180));
      return;
    }
    const was = on;
    on = want === undefined ? !on : !!want;
    showState();
    if (on && !was) { lastTurn = 0; window.requestAnimationFrame(frame); }
  };

  still.addEventListener("change", function () { if (still.matches && on) PG.rotate(false); });

  // a hand on the scene takes the camera back
  function handOnScene(e) {
    if (on && PG.C && e.target.closest && e.target.closest("#" + PG.C.ids.surface)) PG.rotate(false);
  }
  document.addEventListener("pointerdown", handOnScene, true);
  document.addEventListener("wheel", handOnScene, { capture: true, passive: true });
})();
