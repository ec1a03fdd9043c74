/* Renders the site's formulas with the MathJax 3 (TeX in, SVG out) that Dash ships for the
 * playground's own page: docs/gen_ref.py copies dash/dcc/async-mathjax.js next to this file.
 * That file is a webpack chunk of dash-core-components; this loader gives it the two things it
 * asks its host bundle for (a console and a `process`), runs its modules, and typesets the
 * page. Nothing is fetched from outside the site. */
(function () {
  "use strict";
  var here = document.currentScript ? document.currentScript.src : "";
  var chunk = here.replace(/mathjax\.js(\?.*)?$/, "dash-mathjax.js");

  window.MathJax = {
    tex: { inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]], processEscapes: false },
    options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" },
    svg: { fontCache: "global" },
    startup: { typeset: false },
  };

  // what the chunk requires from its host bundle: webpack's polyfills of console and process
  var host = Object.create(console);
  host.env = {};
  host.argv = [];
  host.browser = true;
  host.version = "";
  host.nextTick = function (fn) {
    var args = Array.prototype.slice.call(arguments, 1);
    setTimeout(function () { fn.apply(null, args); }, 0);
  };

  function run(modules) {
    var cache = {};
    function req(id) {
      if (cache[id]) return cache[id].exports;
      var mod = (cache[id] = { exports: {} });
      if (!modules[id]) return host; // the host bundle's polyfills
      modules[id].call(mod.exports, mod, mod.exports, req);
      return mod.exports;
    }
    req.r = function (e) {
      if (typeof Symbol !== "undefined" && Symbol.toStringTag) {
        Object.defineProperty(e, Symbol.toStringTag, { value: "Module" });
      }
      Object.defineProperty(e, "__esModule", { value: true });
    };
    req.d = function (e, defs) {
      for (var k in defs) if (!Object.prototype.hasOwnProperty.call(e, k)) {
        Object.defineProperty(e, k, { enumerable: true, get: defs[k] });
      }
    };
    req.o = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
    req.n = function (m) { return m && m.__esModule ? function () { return m["default"]; } : function () { return m; }; };
    req.g = window;
    Object.keys(modules).forEach(function (id) { req(id); });
  }

  window.webpackChunkdash_core_components = { push: function (c) { run(c[1]); } };

  function typeset() {
    var mj = window.MathJax;
    if (mj && mj.typesetPromise) {
      mj.startup.promise.then(function () { return mj.typesetPromise(); });
    }
  }

  var script = document.createElement("script");
  script.src = chunk;
  script.onload = function () {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", typeset);
    else typeset();
  };
  document.head.appendChild(script);
})();
