"""Classic 2-D test functions, each written as the literature writes it, with its published minima.

Each entry is data only: the formula is text in the notation of the cited source (unicode
superscripts, implicit products, ``−``), read by the same grammar as anything a user types
(:mod:`notation`), so the gallery is also a test of that reading. ``domain`` is what the
gallery opens: the published search domain, narrowed where that one is so wide that the
minimum would be invisible (``published_domain`` keeps the original). ``minima`` and ``fmin``
are the published global minimisers and value, given to ``digits`` decimals.

Sources: Wikipedia, "Test functions for optimization" (W); Surjanovic & Bingham, Virtual
Library of Simulation Experiments, sfu.ca/~ssurjano (S); Molga & Smutnicki, "Test functions
for optimization needs", 2005 (M).
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[tuple[float, float], tuple[float, float]]
# Schaffer N.2 opens on [-2, 2]²: on [-5, 5]² its rings are narrower than the mesh (moiré)


@dataclass(frozen=True)
class Classic:
    key: str  # in links: ?gallery=<key>
    name: str
    formula: str  # as the source writes it, in x and y
    domain: Box
    minima: tuple[tuple[float, float], ...]
    fmin: float
    digits: int  # decimals to which the source gives the minimisers and fmin
    source: str
    published_domain: Box | None = None  # when it differs from domain

    @property
    def tolerance(self) -> float:
        """A unit in the last published decimal (sources round or cut the digits)."""
        return 10.0**-self.digits


def _square(a: float) -> Box:
    return ((-a, a), (-a, a))


CLASSICS: tuple[Classic, ...] = (
    Classic("booth", "Booth", "(x + 2y − 7)² + (2x + y − 5)²", _square(10), ((1, 3),), 0, 6, "W"),
    Classic("matyas", "Matyas", "0.26(x² + y²) − 0.48xy", _square(10), ((0, 0),), 0, 6, "W"),
    Classic("himmelblau", "Himmelblau", "(x² + y − 11)² + (x + y² − 7)²", _square(5),
            ((3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)), 0, 6, "W"),
    Classic("three_hump_camel", "Three-hump camel", "2x² − 1.05x⁴ + x⁶/6 + xy + y²", _square(5),
            ((0, 0),), 0, 6, "W"),
    Classic("six_hump_camel", "Six-hump camel", "(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²",
            ((-3, 3), (-2, 2)), ((0.0898, -0.7126), (-0.0898, 0.7126)), -1.0316, 4, "S"),
    Classic("goldstein_price", "Goldstein–Price",
            "[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]"
            "[30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]",
            _square(2), ((0, -1),), 3, 6, "W"),
    # exactly: x − y = 1, x + y = −2π/3, f* = −√3/2 − π/3 = −1.913223 (the sources cut digits)
    Classic("mccormick", "McCormick", "sin(x + y) + (x − y)² − 1.5x + 2.5y + 1", ((-1.5, 4), (-3, 4)),
            ((-0.54719, -1.54719),), -1.9133, 4, "W"),
    Classic("levi13", "Lévi N.13", "sin²(3πx) + (x − 1)²(1 + sin²(3πy)) + (y − 1)²(1 + sin²(2πy))",
            _square(2), ((1, 1),), 0, 6, "W", _square(10)),
    Classic("ackley", "Ackley", "−20 exp[−0.2 √(0.5(x² + y²))] − exp[0.5(cos 2πx + cos 2πy)] + e + 20",
            _square(5), ((0, 0),), 0, 6, "W"),
    Classic("rastrigin", "Rastrigin", "20 + [x² − 10 cos(2πx)] + [y² − 10 cos(2πy)]", _square(5.12),
            ((0, 0),), 0, 6, "W"),
    Classic("easom", "Easom", "−cos(x)cos(y)exp(−((x − π)² + (y − π)²))", ((0, 6), (0, 6)),
            ((3.141593, 3.141593),), -1, 6, "W", _square(100)),
    Classic("styblinski_tang", "Styblinski–Tang", "(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)/2", _square(5),
            ((-2.903534, -2.903534),), -78.332331, 6, "S"),
    Classic("bohachevsky", "Bohachevsky N.1", "x² + 2y² − 0.3cos(3πx) − 0.4cos(4πy) + 0.7", _square(1),
            ((0, 0),), 0, 6, "S", _square(100)),
    Classic("zakharov", "Zakharov", "x² + y² + (0.5x + y)² + (0.5x + y)⁴", ((-5, 10), (-5, 10)),
            ((0, 0),), 0, 6, "S"),
    Classic("dixon_price", "Dixon–Price", "(x − 1)² + 2(2y² − x)²", _square(10),
            ((1, 0.707107), (1, -0.707107)), 0, 6, "S"),
    Classic("schaffer2", "Schaffer N.2", "0.5 + (sin²(x² − y²) − 0.5)/[1 + 0.001(x² + y²)]²", _square(2),
            ((0, 0),), 0, 6, "W", _square(100)),
    Classic("holder_table", "Hölder table", "−|sin(x)cos(y)exp(|1 − √(x² + y²)/π|)|", _square(10),
            ((8.05502, 9.66459), (-8.05502, 9.66459), (8.05502, -9.66459), (-8.05502, -9.66459)),
            -19.2085, 4, "W"),
    Classic("trid", "Trid", "(x − 1)² + (y − 1)² − xy", _square(4), ((2, 2),), -2, 6, "S"),
    Classic("beale", "Beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²", _square(4.5),
            ((3, 0.5),), 0, 6, "W"),
    Classic("log_rosenbrock", "log-Rosenbrock", "log(1 + (1 − x)² + 100(y − x²)²)", ((-2, 2), (-1, 3)),
            ((1, 1),), 0, 6, "W (Rosenbrock)"),
)  # fmt: skip

BY_KEY = {c.key: c for c in CLASSICS}
