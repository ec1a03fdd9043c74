"""Map cells compiled: one machine-code loop per (update rule, surface), built from the rule's
own blocks.

The NumPy loop of `cells` spends most of its time going to memory and back: each operation of
each block reads and writes arrays of every cell. Here numba compiles the blocks' own update
functions (the same ``update`` each `Block` declares, run on one coordinate held in a float, as
the engine's single-run path does) into one loop over a chunk of cells that fits in the
processor's cache, and LLVM vectorises it. Nothing of a rule is written a second time: a new
block compiles like the others, or its rule stays on the NumPy loop.

A kernel is keyed on the blocks' functions and the types of their bound values, not on the
values: each block's hyperparameters (its ``hyper`` NamedTuple) and the learning rates are
arguments of the kernel, so a sweep over learning rates or over a beta compiles once.

Exactness: every operation is the same IEEE operation in the same order as NumPy's, so a
compiled cell equals the NumPy cell and `engine.simulate` bit for bit (``tests/batch/test_compiled.py``
checks every convention of every compiled record). Two things would break that, and are kept
out: a transcendental function on the surface (NumPy's own ``exp``/``sin`` round differently
from the C library's: a surface whose compiled code calls anything but ``sqrt`` and ``fabs``
stays on NumPy) and Python's integer power (``b ** t`` with an integer ``t`` is repeated
multiplication in numba; the step number is passed as a float, so ``pow`` runs, as in Python).

Cost: a kernel compiles in ~3-5 s, and numba with its first kernel adds ~180 MB to a process
(+30 MB a kernel), which keeps it for its lifetime. So `cells` compiles only when asked
(``compiled=True``: the benchmark, the tests) or for a job big enough that NumPy alone would
take longer than compiling (`COMPILE_NOW_WORK` cell-steps: a large command-line sweep). A web
request is capped far below that (3 M cell-steps, 0.1-0.2 s on NumPy): the server never
compiles. ``PG_COMPILED=0`` turns the compiled loop off.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from playground.core import ops
from playground.core.optimizers import blocks as B
from playground.core.optimizers.base import Optimizer, Rule
from playground.core.status import far_box
from playground.core.surfaces import Surface

log = logging.getLogger(__name__)

CHUNK = 512  # cells advanced together: their state (a few arrays of this length) stays in L1/L2
# NumPy runs ~30 M cell-steps a second here, the compiled loop ~200 M after a 4-7 s compile
# (numba's import included). Counted as cells x steps, a job overstates NumPy's work: it drops
# settled cells, and a sweep's cells often settle early (Himmelblau/Adam, 40,000 cells x 5,000
# steps: 3.8 s on NumPy, 7.1 + 0.75 s compiled). A job this big is worth compiling for
COMPILE_NOW_WORK = 1_000_000_000
ENABLED = os.environ.get("PG_COMPILED", "1") != "0"
THREADS = max(1, min(2, len(os.sched_getaffinity(0))))  # threads one job's cells are split over
# calls a compiled surface may make and still round as NumPy does: its own compiled functions,
# Python's C API (the wrapper), correctly rounded sqrt and memory intrinsics; not exp, sin, pow
_EXACT_CALLS = re.compile(
    r"^(Py\w+|_ZN.*|llvm\.(sqrt|fabs|copysign|memset|memcpy|memmove|lifetime|assume)\b.*)$"
)

_kernels: dict[tuple, Any] = {}  # key -> compiled kernel, or None when the rule cannot compile
_lock = threading.Lock()
_nb: Any = None  # numba, imported on first use (its import costs ~0.5 s and ~40 MB)


def eligible(opt: Optimizer, rule: Rule) -> bool:
    """Whether a rule is element-wise over coordinates and needs nothing but the gradient."""
    return not (opt.coupled or opt.second_order or opt.closure) and bool(rule.blocks)


def kernel_key(rule: Rule, surf: Surface, kicked: bool) -> tuple:
    """What a kernel depends on: the blocks' functions, what they take, their state types and
    the types of their bound values (not the values: see `hyper_values`), the surface (one
    object per parameter set), whether gradients are noisy."""
    types = [tuple(map(type, h)) for h in hyper_values(rule)]
    parts = [(b.update, b.lookahead, b.needs, _state_shape(b), ts) for b, ts in zip(rule.blocks, types)]
    return (tuple(parts), rule.look_index, surf, kicked)


def kernel(rule: Rule, surf: Surface, kicked: bool, work: int, wait: bool | None = None) -> Any:
    """The compiled loop for ``rule`` on ``surf``, or None (NumPy then runs the cells).

    ``wait=True`` compiles it if need be, ``False`` never; ``None`` uses one already built, or
    compiles for a job of at least `COMPILE_NOW_WORK` cell-steps."""
    if not ENABLED or wait is False:
        return None
    key = kernel_key(rule, surf, kicked)
    with _lock:  # one build per key, also when two threads of a server ask at once
        if key not in _kernels and (wait or work >= COMPILE_NOW_WORK):
            _kernels[key] = _build_or_none(rule, surf, kicked)
        return _kernels.get(key)


def _build_or_none(rule: Rule, surf: Surface, kicked: bool) -> Any:
    try:
        return _build(rule, surf, kicked)
    except numba_error() as e:  # a rule or surface numba cannot type stays on NumPy
        log.info("compiled cells: %s on %s stays on NumPy (%s)", rule.blocks, surf.name, type(e).__name__)
        return None


def _state_shape(block: B.Block) -> tuple:
    s = block.init(np.zeros((1, 2)), 1.0)
    return () if s is None else (type(s), len(s))


# -- numba's view of the blocks --------------------------------------------------------------


def hyper_values(rule: Rule) -> tuple:
    """The kernel's argument ``hs``: each block's bound values as the engine passes them (a
    plain tuple), in chain order. An integer becomes a float (Python mixes them the same way,
    and one type means one compilation); flags stay."""
    return tuple(tuple(float(v) if type(v) is int else v for v in b.hyper) for b in rule.blocks)


def _numba() -> Any:
    """numba, with the helpers the blocks call taught to it (once)."""
    global _nb
    if _nb is not None:
        return _nb
    import numba
    from numba.extending import overload, register_jitable

    jit = {"error_model": "numpy"}
    # the ops helpers test ``type(a) is float`` in Python; compiled, every value is a float
    overload(ops.sqrt, jit_options=jit)(lambda a: lambda a: math.sqrt(a))
    overload(ops.maximum, jit_options=jit)(lambda a, b: lambda a, b: a if a > b or a != a else b)
    overload(ops.minimum, jit_options=jit)(lambda a, b: lambda a, b: a if a < b or a != a else b)
    overload(ops.sign, jit_options=jit)(
        lambda a: lambda a: 1.0 if a > 0 else -1.0 if a < 0 else a if a != a else 0.0
    )
    overload(ops.copy, jit_options=jit)(lambda a: lambda a: a)
    overload(ops.where, jit_options=jit)(lambda c, a, b: lambda c, a, b: a if c else b)
    register_jitable(B.lerp)
    register_jitable(B.ema_sq)

    _nb = numba
    return numba


def _njit(fn: Callable) -> Any:
    return _numba().njit(error_model="numpy")(fn)


def exact_surface(surf: Surface) -> bool:
    """Whether the compiled surface makes no call that could round unlike NumPy."""
    f, df = _njit(surf.f), _njit(surf.df)
    f(0.5, 0.25), df(0.5, 0.25)
    for fn in (f, df):
        for sig in fn.signatures:
            calls = re.findall(r"call [^@\n]*@([\w.$]+)", fn.inspect_llvm(sig))
            if not all(_EXACT_CALLS.match(c) for c in calls):
                return False
    return True


# -- building the kernel ---------------------------------------------------------------------


# A cell's x and y are in the arrays X and Y; the state fields of the chain in the tuples of
# arrays RX and RY (one array per field, for all cells): a block reads and writes its fields at
# ``rows[off] ... rows[off + k - 1]``, entries ``c`` (the cell). Separate arrays, not one 2-D
# array: LLVM vectorises a loop when it can check at run time that its arrays do not overlap
# (distinct arrays, at most ~8 of them), not rows of one array at run-time offsets.
MAX_FIELDS = 4  # state fields per block the kernels know (a bigger block stays on NumPy)


def _load(shape: tuple, off: int) -> Any:
    """``(rows, c) -> cls(rows[off][c], ...)``: a block's state of cell ``c`` (``None`` if none)."""
    if not shape:
        return _njit(lambda rows, c: None)
    cls, k = shape
    if k == 1:
        return _njit(lambda rows, c: cls(rows[off][c]))
    if k == 2:
        return _njit(lambda rows, c: cls(rows[off][c], rows[off + 1][c]))
    if k == 3:
        return _njit(lambda rows, c: cls(rows[off][c], rows[off + 1][c], rows[off + 2][c]))
    return _njit(lambda rows, c: cls(rows[off][c], rows[off + 1][c], rows[off + 2][c], rows[off + 3][c]))


def _save(shape: tuple, off: int) -> Any:
    """``(rows, c, s)``: writes a block's new state ``s`` of cell ``c`` back."""
    k = shape[1] if shape else 0

    def save(rows, c, s):
        if k > 0:
            rows[off][c] = s[0]
        if k > 1:
            rows[off + 1][c] = s[1]
        if k > 2:
            rows[off + 2][c] = s[2]
        if k > 3:
            rows[off + 3][c] = s[3]

    return _njit(save)


def _block_step(block: B.Block, index: int, shape: tuple, off: int) -> Any:
    """Block ``index`` of a chain on one coordinate of cell ``c``:
    ``(u, rows, c, p, q, lr, t, hs) -> (u, p)``, its update called with what it declares."""
    scope = {"update": _njit(block.update), "load": _load(shape, off), "save": _save(shape, off)}
    call = block.call("update", "u", "s", f"hs[{index}]", k="_")
    src = (
        "def step(u, rows, c, p, q, lr, t, hs):\n"
        "    aux = None  # (the rules that need a Hessian or a closure do not compile)\n"
        "    s = load(rows, c)\n"
        f"    {call}\n"
        "    save(rows, c, s)\n"
        "    return u, p\n"
    )
    exec(src, scope)  # our own source, from the block's declared needs
    return _njit(scope["step"])


def _chain(steps: list) -> Any:
    """The blocks in order: ``(g, rows, c, p, q, lr, t, hs) -> new p``."""
    first = steps[0]
    if len(steps) == 1:

        def only(u, rows, c, p, q, lr, t, hs):
            return first(u, rows, c, p, q, lr, t, hs)[1]

        return _njit(only)
    rest = _chain(steps[1:])

    def chain(u, rows, c, p, q, lr, t, hs):
        u, p = first(u, rows, c, p, q, lr, t, hs)
        return rest(u, rows, c, p, q, lr, t, hs)

    return _njit(chain)


def _look(rule: Rule, shape: tuple, off: int) -> Any:
    """Where a coordinate's gradient is taken: ``(p, rows, c, hs) -> q`` (NAG's look-ahead)."""
    ahead, load, i = _njit(rule.look), _load(shape, off), rule.look_index
    return _njit(lambda p, rows, c, hs: ahead(p, load(rows, c), hs[i]))


def _build(rule: Rule, surf: Surface, kicked: bool) -> Any:
    """The kernel (`_loops`) for ``rule`` on ``surf``; None when the surface is not exact or a
    block has more state than the kernels know."""
    _numba()
    shapes = [_state_shape(b) for b in rule.blocks]
    if not exact_surface(surf) or any(sh and sh[1] > MAX_FIELDS for sh in shapes):
        return None
    steps, off, look = [], 0, None
    for i, (b, shape) in enumerate(zip(rule.blocks, shapes)):
        if i == rule.look_index:
            look = _look(rule, shape, off)
        steps.append(_block_step(b, i, shape, off))
        off += shape[1] if shape else 0
    minima = tuple(c.xy for c in surf.global_minima)
    loops = _loops(_chain(steps), look, _njit(surf.f), _njit(surf.df), kicked, far_box(surf), minima)
    # numba compiles on the first call: one cell, one step, with the types of a real job
    one = np.zeros(1)
    rows = tuple(np.zeros(1) for _ in range(off))
    loops(one.copy(), one.copy(), rows, rows, hyper_values(rule), np.zeros((1, 1)), np.zeros(1, np.int64),
          np.zeros((1, 1)), np.zeros((1, 1)), np.zeros(1, np.int64), 1, np.zeros(2),
          np.full((3, 1), 2, np.int64), np.zeros((3, 1)), np.zeros(1, np.int64), 0, 1)  # fmt: skip
    return loops


def _advance(chain: Any, look: Any, df: Any, kicked: bool) -> Any:
    """One step of the cells ``c0 ... c0 + m``."""
    nb = _numba()
    jit = nb.njit(error_model="numpy")

    @jit
    def rates(lrs, col, lr):
        if lrs.shape[0] == 1:  # one learning rate for every cell (a basin map)
            lr[:] = lrs[0]
            return
        for i in range(lr.shape[0]):
            lr[i] = lrs[col[i]]

    @jit
    def kick(gx, gy, kx, ky, seed):
        for i in range(gx.shape[0]):
            gx[i], gy[i] = gx[i] + kx[seed[i]], gy[i] + ky[seed[i]]

    @jit
    def coordinate(X, rows, c0, g, q, lr, t, hs):
        # unsigned indices: numba then skips its negative-index test, which stops vectorising
        for i in range(np.uint64(g.shape[0])):
            c = np.uint64(c0) + i
            X[c] = chain(g[i], rows, c, X[c], q[i], lr[i], t, hs)

    if look is None:

        @jit
        def gradient(X, Y, RX, RY, c0, qx, qy, gx, gy, hs):  # at the points: evaluate's
            for i in range(qx.shape[0]):
                qx[i], qy[i] = X[c0 + i], Y[c0 + i]

    else:

        @jit
        def ahead(X, rows, c0, q, hs):
            for i in range(q.shape[0]):
                q[i] = look(X[c0 + i], rows, c0 + i, hs)

        @jit
        def gradient(X, Y, RX, RY, c0, qx, qy, gx, gy, hs):
            ahead(X, RX, c0, qx, hs)
            ahead(Y, RY, c0, qy, hs)
            for i in range(qx.shape[0]):
                gx[i], gy[i] = df(qx[i], qy[i])

    @jit
    def advance(X, Y, RX, RY, c0, gx, gy, qx, qy, lr, hs, lrs, col, kx, ky, seed, t):
        gradient(X, Y, RX, RY, c0, qx, qy, gx, gy, hs)
        if kicked:
            kick(gx, gy, kx, ky, seed)
        rates(lrs, col, lr)
        coordinate(X, RX, c0, gx, qx, lr, t, hs)
        coordinate(Y, RY, c0, gy, qy, lr, t, hs)

    return advance


def _status(f: Any, df: Any, box: tuple, minima: tuple) -> tuple:
    """The status tests of a step, as `cells._Stream._observe` takes them: ``evaluate`` (the
    surface at every point of a chunk and a vectorised screen), ``observe`` (the flagged cells
    one by one), ``is_open`` and ``remember`` (where a path ends if its next step is bad).
    ``box`` is `engine.far_box`, ``minima`` the global minima's ``(x, y)``: constants of the
    kernel, so their loops unroll."""
    jit = _numba().njit(error_model="numpy")
    cx, cy, rx, ry = box

    @jit
    def evaluate(t, X, Y, c0, fv, gx, gy, gn, flag, gtol, xtol2, prev, moved):
        """f, the gradient and its norm at every point; flags the cells that may settle here;
        records position ``t`` as the last one a cell's step changed where it differs from
        the one before (``prev``; at ``t = 0`` the 0 it writes is the start's)."""
        hits = 0
        px, py = prev[0], prev[1]
        for i in range(np.uint64(fv.shape[0])):
            c = np.uint64(c0) + i
            x, y = X[c], Y[c]
            moved[c] = t if (x != px[i]) | (y != py[i]) else moved[c]
            a, b = df(x, y)
            fi, g = f(x, y), math.sqrt(a * a + b * b)
            gx[i], gy[i], fv[i], gn[i] = a, b, fi, g
            quiet = np.isfinite(fi + g) & np.isfinite(x) & np.isfinite(y)
            quiet = quiet & (abs(x - cx) <= rx) & (abs(y - cy) <= ry) & ~(g <= gtol)
            for j in range(len(minima)):
                dx, dy = x - minima[j][0], y - minima[j][1]
                quiet = quiet & ~(dx * dx + dy * dy <= xtol2)
            flag[i] = not quiet
            hits += not quiet
        return hits

    @jit
    def is_open(first, c, never):
        return first[0, c] == never and first[1, c] == never and first[2, c] == never

    @jit
    def observe(t, X, Y, c0, fv, gn, flag, prev, first, never, final):
        """How many of the flagged open cells settle at position ``t``; records when and where."""
        settled = 0
        for i in range(fv.shape[0]):
            c = c0 + i
            if not flag[i] or not is_open(first, c, never):
                continue
            xi, yi, fi = X[c], Y[c], fv[i]
            if not (np.isfinite(fi + gn[i]) and np.isfinite(xi) and np.isfinite(yi)):
                first[0, c] = t  # blew up
            elif not (abs(xi - cx) <= rx and abs(yi - cy) <= ry):
                first[1, c] = t  # left the region
            else:  # converged (the screen flags nothing else)
                first[2, c] = t
                final[0, c], final[1, c], final[2, c] = xi, yi, fi
                settled += 1
                continue
            settled += 1
            if t > 0:  # the path ends just before the bad step
                final[0, c], final[1, c], final[2, c] = prev[0, i], prev[1, i], prev[2, i]
        return settled

    @jit
    def remember(X, Y, c0, fv, prev):
        """Where each path ends if its next step is bad: here."""
        px, py, pf = prev[0, : fv.shape[0]], prev[1, : fv.shape[0]], prev[2, : fv.shape[0]]
        for i in range(np.uint64(fv.shape[0])):
            c = np.uint64(c0) + i
            px[i], py[i], pf[i] = X[c], Y[c], fv[i]

    return evaluate, observe, is_open, remember


def _loops(chain: Any, look: Any, f: Any, df: Any, kicked: bool, box: tuple, minima: tuple) -> Any:
    """The whole run of every cell: chunks of `CHUNK` cells, each taken through all its steps
    while any of it is open. A step evaluates the surface and screens every cell at once
    (vectorised); the cells the screen flags are classified one by one; then every cell moves."""
    nb = _numba()
    evaluate, observe, is_open, remember = _status(f, df, box, minima)
    advance = _advance(chain, look, df, kicked)

    # nogil: the halves of a job run in two Python threads at once (no numba threading layer,
    # so concurrent requests in one server process are safe)
    @nb.njit(error_model="numpy", nogil=True)
    def loops(X, Y, RX, RY, hs, lrs, col, kx, ky, seed, steps, tols, first, final, moved, lo, hi):
        n, never = hi, steps + 1
        bufs = np.empty((7, CHUNK))
        prev = np.zeros((3, CHUNK))
        flag = np.zeros(CHUNK, np.bool_)
        for c0 in range(lo, hi, CHUNK):
            m = min(n, c0 + CHUNK) - c0
            fv, gx, gy, gn = bufs[0, :m], bufs[1, :m], bufs[2, :m], bufs[3, :m]
            qx, qy, lr = bufs[4, :m], bufs[5, :m], bufs[6, :m]
            left = m
            for t in range(steps + 1):
                if evaluate(t, X, Y, c0, fv, gx, gy, gn, flag, tols[0], tols[1], prev, moved):
                    left -= observe(t, X, Y, c0, fv, gn, flag, prev, first, never, final)
                if left == 0:
                    break
                if t == steps:  # still running: it stops where the last step put it
                    for i in range(m):
                        if is_open(first, c0 + i, never):
                            final[0, c0 + i], final[1, c0 + i], final[2, c0 + i] = X[c0 + i], Y[c0 + i], fv[i]
                    break
                remember(X, Y, c0, fv, prev)
                advance(X, Y, RX, RY, c0, gx, gy, qx, qy, lr, hs, lrs[t], col[c0 : c0 + m],
                        kx[t], ky[t], seed[c0 : c0 + m], float(t + 1))  # fmt: skip

    return loops


def run(loops: Any, stream: Any, rule: Rule, state: Any) -> None:
    """Every cell of ``stream`` (a `cells._Stream`, from ``rule``'s initial ``state``) through
    ``loops``; fills the stream's outcome arrays as its NumPy loop would."""
    spec, n, steps = stream.spec, stream.n, stream.spec.steps
    fields = [
        np.broadcast_to(np.asarray(v, np.float64), (n, 2))
        for bs in state.blocks
        if bs is not None
        for v in bs
    ]
    # fresh writable copies (a broadcast field is read-only)
    X, Y = (np.array(spec.starts[:, j], np.float64) for j in (0, 1))
    RX, RY = (tuple(np.array(f[:, j], np.float64) for f in fields) for j in (0, 1))
    if stream.kicks is None:
        kx = ky = np.zeros((steps, 1))
        seed = np.zeros(n, np.int64)
    else:
        kx, ky = (np.ascontiguousarray(stream.kicks[..., j]) for j in (0, 1))
        seed = np.ascontiguousarray(stream.seed_col, np.int64)
    first = np.stack([stream.first_nan, stream.first_far, stream.first_conv]).astype(np.int64)
    final = np.stack([stream.final_p[:, 0], stream.final_p[:, 1], stream.final_f])
    args = (X, Y, RX, RY, hyper_values(rule), np.ascontiguousarray(stream.lr_table, np.float64),
            np.ascontiguousarray(stream.lr_col, np.int64), kx, ky, seed, steps,
            np.array([stream.gtol, stream.xtol * stream.xtol]), first, final, stream.moved)  # fmt: skip
    # cells are independent: split them between the cores, each thread its own whole chunks
    parts = min(THREADS, -(-n // CHUNK))
    cuts = [n * k // parts // CHUNK * CHUNK for k in range(parts)] + [n]
    if parts == 1:
        loops(*args, 0, n)
    else:
        with ThreadPoolExecutor(parts) as pool:  # an error in a thread raises here
            list(pool.map(lambda span: loops(*args, *span), itertools.pairwise(cuts)))
    stream.first_nan, stream.first_far, stream.first_conv = first
    stream.final_p = np.ascontiguousarray(final[:2].T)
    stream.final_f = final[2].copy()


def numba_error() -> type[Exception]:
    """numba's base error (a rule or surface it cannot compile raises one)."""
    return _numba().core.errors.NumbaError
