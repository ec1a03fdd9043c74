// plotly.js 4.1.1 with only the traces the playground draws
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/contour'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/surface'),
    require('plotly.js/lib/scatter3d'),
]);
module.exports = Plotly;
