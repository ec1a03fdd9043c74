// plotly.js 4.1.1 with only the traces the playground draws.
//
// The contour map is the first plot a visitor sees, so only its trace is set up when the
// script runs. The 3D scene (surface, scatter3d: WebGL, regl, shaders) and the maps' heatmap
// are in the same bundle but set up on the first call that draws one of them: esbuild runs a
// CommonJS module's body on its first require, and setting up the WebGL stack was about half
// of the script's start-up in a fresh page (measured: ~300 -> ~155 ms).
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/contour')]);

// trace type -> its module, required only when first drawn (a require must name its path)
var LATER = {
    heatmap: function () { return require('plotly.js/lib/heatmap'); },
    surface: function () { return require('plotly.js/lib/surface'); },
    scatter3d: function () { return require('plotly.js/lib/scatter3d'); },
};
var registered = false;

// Does an argument of a plotting call name one of the later trace types? Traces come as an
// array, inside a figure ({data: [...]}) or as a restyle object ({type: 'surface'}).
function namesLater(arg) {
    if (!arg || typeof arg !== 'object') return false;
    if (Array.isArray(arg)) return arg.some(namesLater);
    var types = [].concat(arg.type);
    if (types.some(function (t) { return typeof t === 'string' && LATER.hasOwnProperty(t); })) return true;
    return namesLater(arg.data) || namesLater(arg.frames);
}

['newPlot', 'react', 'addTraces', 'restyle', 'update', 'addFrames', 'animate',
    'toImage', 'downloadImage', 'validate', 'makeTemplate'].forEach(function (name) {
    var call = Plotly[name];
    Plotly[name] = function () {
        if (!registered && Array.prototype.some.call(arguments, namesLater)) {
            registered = true; // all at once: they share the 3D stack or are small
            Plotly.register(Object.keys(LATER).map(function (t) { return LATER[t](); }));
        }
        return call.apply(this, arguments);
    };
});

module.exports = Plotly;
