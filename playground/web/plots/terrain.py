"""Terrain geometry: a surface sampled on meshes, the frames the maps show, and the heights
the plots draw (log heights, the 3D scene's heights, paths lifted onto the drawn mesh).

Pure functions of surfaces (or terrains sampled elsewhere, the network view's slices) and
arrays; the meshes are cached per surface, identical for everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from playground.core.surfaces import CriticalPoint, Surface

Window = tuple[tuple[float, float], tuple[float, float]]  # ((x0, x1), (y0, y1))

MESH_3D = 72
MESH_2D = 100
MAP_OFFSET = 1e-3  # c of the contour map's log height, log10(f − f* + c)


@dataclass(frozen=True, eq=False)  # identity hash, as Surface's: the caches below key on it
class Terrain:
    """What the surface figures draw: heights on a grid over a domain, already sampled.

    An analytic `Surface` is sampled at the resolution each figure asks for (`terrain`);
    a terrain built elsewhere (the network view's slice of a real loss) is drawn at its own.
    """

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray  # z[j, i] = f(xs[i], ys[j])
    floor: float  # f*, the height the log scale counts from
    log_z: bool
    domain: tuple[tuple[float, float], tuple[float, float]]
    marks: tuple[CriticalPoint, ...] = ()  # critical points marked on both figures
    axes: tuple[str, str] = ("x", "y")


Land = Surface | Terrain  # what every function below takes: a surface, or a terrain from elsewhere


def z_transform(surface: Land, values: np.ndarray, floor: float, offset: float = MAP_OFFSET) -> np.ndarray:
    """Height shown in the plots: ``log10(f - f* + offset)`` where the surface asks for it."""
    if not surface.log_z:
        return values
    return np.log10(np.maximum(values - floor, 0.0) + offset)


@lru_cache(maxsize=32)  # identical for everyone: one mesh per surface, parameter set and region
def sampled(surface: Surface, n: int, region: Window | None = None) -> Terrain:
    """``surface`` on an ``n``-point mesh over ``region`` (default: its domain). A region keeps
    the whole domain's floor: a zoomed map shows the same heights."""
    xs, ys, z = grid(surface, n, region or surface.domain)
    if region is not None:
        floor = sampled(surface, n).floor
    else:
        floor = surface.fglob if surface.fglob is not None else float(np.nanmin(z))
    return Terrain(xs, ys, z, floor, surface.log_z, surface.domain, tuple(critical_points(surface)))


def terrain(land: Land, n: int) -> Terrain:
    """``land`` on an ``n``-point mesh (a terrain has its own mesh and keeps it)."""
    return land if isinstance(land, Terrain) else sampled(land, n)


def mesh(surface: Land, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    t = terrain(surface, n)
    return t.xs, t.ys, t.z, t.floor


def grid(surface: Surface, n: int, window: Window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = window
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, surface.value(np.stack([gx, gy], axis=-1))


FRAME_PAD = 0.1  # of the paths' larger extent, on every side
FRAME_MIN = 0.15  # the smallest window side, as a share of the domain's (a run that barely moves)


def paths_window(surface: Surface, paths: Sequence[np.ndarray]) -> Window:
    """The part of the domain the paths cover, padded, no side shorter than half the other
    (a thin strip would read as a line), clipped to the domain. Points outside it are ignored:
    a run that left is drawn to the edge it crossed."""
    (x0, x1), (y0, y1) = surface.domain
    pts = np.concatenate([np.asarray(p, dtype=float).reshape(-1, 2) for p in paths] or [np.empty((0, 2))])
    inside = np.all(np.isfinite(pts), axis=1) & (pts[:, 0] >= x0) & (pts[:, 0] <= x1)
    pts = pts[inside & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)]
    if not len(pts):
        return surface.domain
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    width = np.array([x1 - x0, y1 - y0])
    side = np.maximum(hi - lo, FRAME_MIN * width)
    side = np.maximum(side, 0.5 * side.max()) * (1 + 2 * FRAME_PAD)
    mid = (lo + hi) / 2
    lo = np.clip(mid - side / 2, [x0, y0], [x1, y1])
    hi = np.clip(mid + side / 2, [x0, y0], [x1, y1])
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


@lru_cache(maxsize=32)
def scene_offset(surface: Land) -> float:
    """The offset c of the 3D scene's log height, log10(f − f* + c): three decades below the
    mesh's range, rounded to a power of ten. With the contour map's 10⁻³ the 72-point mesh
    sampled a narrow valley's floor at a few points only and drew it as jagged pits; this
    keeps three decades of height and smooths the last ones away, and the axis title says so."""
    _, _, z, floor = mesh(surface, MESH_3D)
    span = float(np.nanmax(z) - floor) if np.isfinite(z).any() else 1.0
    return float(10.0 ** (np.round(np.log10(max(span, 1e-9))) - 3))


def height_3d(surface: Land, values: np.ndarray) -> np.ndarray:
    """Height of f in the 3D scene (paths and surface alike)."""
    floor = mesh(surface, MESH_3D)[3]
    return z_transform(surface, values, floor, scene_offset(surface) if surface.log_z else MAP_OFFSET)


def map_height_title(surface: Land) -> str:
    """What the contour map's colours are (its colour bar's title, its hover label)."""
    return "log₁₀(f − f*)" if surface.log_z else "f(x, y)"


def height_title(surface: Land) -> str:
    return f"log₁₀(f − f* + {scene_offset(surface):g})" if surface.log_z else "f"


def drawn_height(surface: Land, xy: np.ndarray) -> np.ndarray:
    """Height of the drawn 3D mesh at points (bilinear between its nodes; NaN outside it).
    Between nodes the mesh cuts corners: a path at f's true height dips under it across a
    narrow valley, so the scene draws paths at the higher of the two."""
    xs, ys, _, _ = mesh(surface, MESH_3D)
    zt = surface_heights(surface)
    fx = np.interp(xy[:, 0], xs, np.arange(xs.size), left=np.nan, right=np.nan)
    fy = np.interp(xy[:, 1], ys, np.arange(ys.size), left=np.nan, right=np.nan)
    ok = np.isfinite(fx) & np.isfinite(fy)
    out = np.full(len(xy), np.nan)
    i = np.minimum(fx[ok].astype(int), xs.size - 2)
    j = np.minimum(fy[ok].astype(int), ys.size - 2)
    tx, ty = fx[ok] - i, fy[ok] - j
    out[ok] = (zt[j, i] * (1 - tx) * (1 - ty) + zt[j, i + 1] * tx * (1 - ty)
               + zt[j + 1, i] * (1 - tx) * ty + zt[j + 1, i + 1] * tx * ty)  # fmt: skip
    return out


def path_heights(surface: Land, positions: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """Path heights in the 3D scene: the surface's own height transform, or the drawn mesh's
    where that is higher (drawn_height), lifted (path_lift) so the path lies on the surface
    instead of cutting through it."""
    with np.errstate(invalid="ignore", over="ignore"):
        true = height_3d(surface, loss)
        drawn = drawn_height(surface, positions)
        return np.fmax(true, np.where(np.isfinite(true), drawn, np.nan)) + path_lift(surface)


def path_lift(surface: Land) -> float:
    """How far above the mesh the 3D paths are drawn (2% of the scene's height), so they lie
    on the surface instead of cutting through it between mesh points."""
    lo, hi = scene_heights(surface)
    return 0.02 * ((hi - lo) or 1.0)


@lru_cache(maxsize=32)
def surface_heights(surface: Land) -> np.ndarray:
    return height_3d(surface, mesh(surface, MESH_3D)[2]).astype(np.float32)  # 7 digits are plenty


@lru_cache(maxsize=32)
def scene_heights(surface: Land) -> tuple[float, float]:
    """The lowest and highest height of the drawn 3D mesh."""
    zt = surface_heights(surface)
    return float(np.nanmin(zt)), float(np.nanmax(zt))


def critical_points(surface: Surface) -> list:
    pts = [c for c in surface.critical_points if c.kind != "max"]
    if len(pts) > 40:  # egg-box surfaces: mark only the global minima
        pts = list(surface.global_minima)
    return pts


def contour_window(surface: Surface, window: Window) -> Window:
    """The part of the domain the contour mesh covers for a frame: the frame, grown to a square
    1.6 times its longer side. The map keeps x and y at one scale, so the plot widens one range
    beyond the frame to fill its card; the mesh is there too."""
    (x0, x1), (y0, y1) = window
    half = 0.8 * max(x1 - x0, y1 - y0)
    (dx0, dx1), (dy0, dy1) = surface.domain
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (max(dx0, cx - half), min(dx1, cx + half)), (max(dy0, cy - half), min(dy1, cy + half))
