"""The survey arithmetic (docs/surveys.md §2, §4), pure functions so the hand-computed tests check them directly.

- `sample_size(N, z, p, e)`: n0 = z²·p(1−p)/e², corrected for a finite population n = n0 / (1 + (n0 − 1)/N),
  rounded up.
- `allocate(n, populations)`: n spread over the strata in proportion to population (largest remainders).
- `estimate(strata, z)`: post-stratified mean Σ W_h·ȳ_h with W_h = N_h/N over the strata that have answers (the
  same as weighting each response by (N_h/N)/(n_h/n)), its variance Σ W_h²·(1 − n_h/N_h)·s_h²/n_h and the interval
  ± z·√variance; per stratum ȳ_h ± z·√((1 − n_h/N_h)·s_h²/n_h).
"""

import math
from dataclasses import dataclass


def sample_size(population: int, z: float, p: float, e: float) -> int:
    if population <= 0:
        return 0
    n0 = z * z * p * (1 - p) / (e * e)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def allocate(n: int, populations: dict[str, int]) -> dict[str, int]:
    total = sum(populations.values())
    if not total:
        return {k: 0 for k in populations}
    exact = {k: n * v / total for k, v in populations.items()}
    out = {k: math.floor(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: (out[k] - exact[k], k))[: n - sum(out.values())]:
        out[k] += 1
    return out


@dataclass
class Cell:
    """One stratum's sums: population N, answers n, Σy and Σy² (y = a response's score, 0–100)."""

    key: str
    population: int
    n: int
    total: float
    squares: float


@dataclass
class Estimate:
    mean: float | None
    low: float | None
    high: float | None
    n: int
    weight: float | None = None  # per response: (N_h/N)/(n_h/n)


def _variance(c: Cell) -> float:
    if c.n < 2:
        return 0.0
    mean = c.total / c.n
    return max(0.0, (c.squares - c.n * mean * mean) / (c.n - 1))


def _fpc(c: Cell) -> float:
    return max(0.0, 1 - c.n / c.population) if c.population else 1.0


def estimate(cells: list[Cell], z: float) -> tuple[Estimate, dict[str, Estimate]]:
    """The overall post-stratified estimate and one per stratum (see the module docstring)."""
    answered = [c for c in cells if c.n and c.population]
    big_n = sum(c.population for c in answered)
    small_n = sum(c.n for c in answered)
    per: dict[str, Estimate] = {}
    for c in cells:
        if not c.n:
            per[c.key] = Estimate(None, None, None, 0)
            continue
        mean = c.total / c.n
        half = z * math.sqrt(_fpc(c) * _variance(c) / c.n)
        weight = (c.population / big_n) / (c.n / small_n) if big_n and c.population else None
        per[c.key] = Estimate(mean, mean - half, mean + half, c.n, weight)
    if not big_n:
        return Estimate(None, None, None, sum(c.n for c in cells)), per
    mean = sum(c.population / big_n * c.total / c.n for c in answered)
    var = sum((c.population / big_n) ** 2 * _fpc(c) * _variance(c) / c.n for c in answered)
    half = z * math.sqrt(var)
    return Estimate(mean, mean - half, mean + half, small_n), per
