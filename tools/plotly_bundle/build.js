// Builds playground/web/assets/05-plotly.min.js: plotly.js with the trace types the playground
// draws, with plotly.js's own esbuild settings (esbuild-config.js of the release).
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { idleScene } = require('./idle-scene');
esbuild.build({
  entryPoints: ['entry.js'],
  outfile: process.argv[2] || 'plotly-pg.min.js',
  format: 'iife', globalName: 'Plotly', bundle: true, minify: true, sourcemap: false,
  plugins: [idleScene, InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false' },
  target: 'es2016', logLevel: 'info', legalComments: 'eof',
  banner: { js: '/* plotly.js 4.1.1 (MIT, https://github.com/plotly/plotly.js): core + contour; heatmap, surface, scatter3d set up on first use; 3D render loop idle while nothing changes; built by tools/plotly_bundle */' },
}).catch(() => process.exit(1));
