// The 3D scene's render loop (gl-plot3d's scene, in plotly.js's stackgl_modules) asks for an
// animation frame forever, to look for a change to draw: an open page with its scene on screen
// kept the renderer and the GPU process at 6-7% of a core with nothing moving (software GL,
// benchmarks/idle_page.py; a laptop on battery in a lecture hall pays it too). Patched here: the
// loop runs every frame while there is something to draw and for a second after; then it looks
// four times a second, without animation frames, until the scene is changed (update, add, remove),
// its camera is set (lookAt: Plotly.relayout's scene.camera, auto-rotate), a pointer or the wheel
// is on its canvas or the window is resized, which wake it at once. What nothing wakes (a trace
// updated in place without a redraw) is drawn at the next look, and the loop runs every frame again.
const fs = require('fs');

// [what the loop was, what it is now]: each must be found exactly once
const PATCHES = [
    // redraw() says when it had nothing to draw
    [`    dirty = dirty || boundsChanged

    if(!dirty) {
      return
    }`, `    dirty = dirty || boundsChanged

    if(!dirty) {
      return false
    }`],
    [`  function render() {
    if(scene._stopped || scene.contextLost) {
      return
    }
    // this order is important: ios safari sometimes has sync raf
    redraw()
    requestAnimationFrame(render)
  }
`, `  // playground: idle frames in a row, and the look that is due while the loop sleeps
  var idleFrames = 0
  var sleeping = 0
  function render() {
    if(scene._stopped || scene.contextLost) {
      return
    }
    sleeping = 0
    // this order is important: ios safari sometimes has sync raf
    idleFrames = redraw() === false ? idleFrames + 1 : 0
    if(idleFrames < 60) {
      requestAnimationFrame(render)
    } else {
      sleeping = setTimeout(render, 250)
    }
  }

  function wake() {
    idleFrames = 0
    if(sleeping) {
      clearTimeout(sleeping)
      sleeping = 0
      requestAnimationFrame(render)
    }
  }
  function wakeAfter(owner, name) {
    var change = owner[name]
    owner[name] = function() {
      var result = change.apply(this, arguments)
      wake()
      return result
    }
  }
  wakeAfter(scene, 'update')
  wakeAfter(scene, 'add')
  wakeAfter(scene, 'remove')
  if(camera.lookAt) wakeAfter(camera, 'lookAt') // Plotly sets the camera through it
  ;['pointerdown', 'pointermove', 'wheel', 'touchstart'].forEach(function(type) {
    canvas.addEventListener(type, wake, {passive: true})
  })
  window.addEventListener('resize', wake)
  var dispose = scene.dispose
  scene.dispose = function() {
    window.removeEventListener('resize', wake) // the window would keep a disposed scene
    if(sleeping) {
      clearTimeout(sleeping)
      sleeping = 0
    }
    return dispose.apply(this, arguments)
  }
`],
];

exports.idleScene = {
    name: 'idle-scene',
    setup(build) {
        build.onLoad({ filter: /plotly\.js[\\/]stackgl_modules[\\/]index\.js$/ }, (args) => {
            let text = fs.readFileSync(args.path, 'utf8');
            for (const [was, now] of PATCHES) {
                const n = text.split(was).length - 1;
                if (n !== 1) throw new Error(`idle-scene: found ${n} times, expected once:\n${was}`);
                text = text.replace(was, () => now);
            }
            return { contents: text, loader: 'js' };
        });
    },
};
