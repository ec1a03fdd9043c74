/* Playback in the browser, part 1 of 9 (Dash loads assets/*.js in file-name order).
 *
 * The server sends a configuration's arrays once (base64 float32) and these
 * scripts animate them with requestAnimationFrame: Play, Pause, Step, Reset, the slider,
 * the inspected racer and the loss scale never talk to the server. They share one
 * namespace, window.PG, and read every element id, trace role, colour and shortcut from
 * the contract the server sends once (playground/web/contract.py). */
(function () {
  "use strict";

  window.PG = {
    C: null, // the contract, set by pg.contract before any run arrives
    run: null, // the decoded store
    source: null, // the store object it was decoded from
    inspect: 0, // the racer whose arrows and state chart are shown
    logWanted: true, // the log-scale switch (used when the surface knows its f*)
    step: 0,
    playing: false,
    autoplay: false, // play the next run as soon as it arrives (a map cell was clicked)
    speed: 60, // steps per second
    carry: 0,
    lastT: 0,
    pending: 0, // 2D draws in flight
    busy3d: false, // a 3D draw in flight
    last3d: 0,
    cost3d: 0, // ms the last 3D draw took
    step3d: 0, // the step the 3D scene shows
    overlay: false, // playing with the 2D paths painted on canvases
    visible3d: true, // the 3D plot is on screen (IntersectionObserver)
    stale3d: false, // a step was not drawn in the 3D scene while it was out of sight
    lastTable: 0,
    frames: 0, // frames actually painted (read by the browser benchmark)
    draws3d: 0, // 3D view frames drawn: WebGL redraws and overlay paints (read by the browser benchmark)
    drawsGL: 0, // of which WebGL redraws of the scene
    scenePainted: 0, // points painted on the 3D overlay in its last frame
    // what the 3D figure's WebGL paths show: {data: its data array, blank: true} while the canvas
    // overlay has them, {data, step, run} once drawn in full at that step of that run; null: unknown
    sceneShows: null,
  };
  const PG = window.PG;

  PG.useContract = function (c) {
    PG.C = c;
  };

  /* The element the contract calls `key` ("readout", "play", ...); null before the contract. */
  PG.el = function (key) {
    return PG.C ? document.getElementById(PG.C.ids[key]) : null;
  };
})();
