/* The 3D card in a browser without WebGL says so in the page's words. plotly.js puts its own
 * note there ("… visit https://get.webgl.org …") and opens that site in a new window when the
 * card is clicked: a student's click would leave the lecture for another site. */
(function () {
  "use strict";
  let queued = false;

  function replace() {
    queued = false;
    document.querySelectorAll(".no-webgl:not(.pg-no-webgl)").forEach(function (note) {
      const C = window.PG.C, text = note.querySelector("p");
      if (!C || !text) return;
      note.classList.add("pg-no-webgl");
      // the card's own colours, light or dark (plotly.js paints a grey box on white, blue text)
      Object.assign(note.style, { cursor: "default", fontSize: "1rem", color: "inherit", backgroundColor: "transparent" });
      text.textContent = C.labels.noWebgl;
      const scene = note.parentNode;
      if (scene) { scene.onclick = null; scene.style.background = "transparent"; } // plotly.js's window.open
    });
  }

  new MutationObserver(function () {
    if (!queued) { queued = true; window.requestAnimationFrame(replace); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
