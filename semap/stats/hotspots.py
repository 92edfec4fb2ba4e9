"""Hot and cold spots: local Getis–Ord Gi* per area and global Moran's I, as pure functions (esda, libpysal).

- Gi*: binary queen weights with the area itself included (esda ``G_Local(transform="B", star=True)``), values
  passed as floats. z is the analytical z-score; p is a two-sided permutation p-value from conditional
  randomization (``PERMUTATIONS`` draws, a fixed seed passed to esda), counting ties with the observed value in
  both tails: p = min(1, 2 (1 + min(#sim ≥ G*, #sim ≤ G*)) / (R + 1)). With 9,999 permutations the smallest p is
  0.0002, small enough that a correction across 423 dongs can still flag a dong (with 999 it is 0.002, and
  Benjamini–Hochberg could flag nothing at 1 % unless dozens of dongs were that extreme).
- q: Benjamini–Hochberg across the areas tested (islands have no neighbourhood and are not tested).
- class: −3…3, the confidence that an area is in a cluster of high (hot, > 0) or low (cold, < 0) values:
  ±3 at q ≤ 0.01 (99 %), ±2 at q ≤ 0.05 (95 %), ±1 at q ≤ 0.10 (90 %), 0 not significant; the sign is z's.
- Moran's I: row-standardized queen weights, the same values, its normal-approximation z and p and a two-sided
  permutation p by the same rule.

Exploratory: a hot spot says where to look, not why. Areas with few organizations are flagged ``unstable``.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from semap.stats.lq import SMALL_COUNT, benjamini_hochberg, suppression

if TYPE_CHECKING:
    from libpysal.weights import W

    from semap.stats.spatial import Neighbourhoods

PERMUTATIONS = 9_999
SEED = 20131231  # fixed: the same data give the same p-values on every machine with the same esda
CLASS_LEVELS = ((0.01, 3), (0.05, 2), (0.10, 1))  # q at most -> |class|
CORRECTION = "Benjamini-Hochberg across the dongs tested"
# esda seeds numpy's global generator (and Moran's I draws from it): one computation at a time, others' state kept.
_rng_lock = threading.Lock()


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    with _rng_lock, warnings.catch_warnings():
        # esda 2.9 announces that its conditional randomization's default alternative will change; SeMap computes
        # its own two-sided p-values from the simulations, so the default does not matter here.
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            yield
        finally:
            np.random.set_state(state)


def two_sided_p(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """Two-sided permutation p-values: ``observed`` (n,) against ``simulated`` (n, R), ties in both tails."""
    simulated = np.atleast_2d(simulated)
    observed = np.asarray(observed, dtype=float).reshape(-1, 1)
    above = (simulated >= observed).sum(axis=1)
    below = (simulated <= observed).sum(axis=1)
    return np.minimum(1.0, 2.0 * (np.minimum(above, below) + 1) / (simulated.shape[1] + 1))


def confidence_classes(z: np.ndarray, q: np.ndarray) -> np.ndarray:
    """−3…3 from the sign of z and the q-value (0 where q is missing or above 0.10)."""
    magnitude = np.zeros(len(z), dtype=int)
    q = np.asarray(q, dtype=float)
    for level, value in reversed(CLASS_LEVELS):  # the strictest level last, so it wins
        magnitude[np.nan_to_num(q, nan=1.0) <= level] = value
    return (np.sign(np.nan_to_num(z)) * magnitude).astype(int)


def gi_star(values: np.ndarray, w: W, permutations: int = PERMUTATIONS, seed: int = SEED) -> pd.DataFrame:
    """Gi* of each area: ``g`` (the statistic), analytical ``z``, two-sided permutation ``p``.
    ``w``: binary weights without self-neighbours (esda adds the area itself)."""
    from esda.getisord import G_Local

    y = np.asarray(values, dtype=float)
    with _seeded(seed), np.errstate(invalid="ignore", divide="ignore"):  # an area neighbouring all: z undefined
        local = G_Local(
            y, w, transform="B", star=True, permutations=permutations, seed=seed, n_jobs=1, keep_simulations=True
        )
    return pd.DataFrame({"g": local.Gs, "z": local.Zs, "p": two_sided_p(local.Gs, local.rGs)})


def global_moran(values: np.ndarray, w: W, permutations: int = PERMUTATIONS, seed: int = SEED) -> dict[str, float]:
    """Global Moran's I on row-standardized weights: I, its expectation, normal z and p, permutation p."""
    from esda.moran import Moran

    y = np.asarray(values, dtype=float)
    with _seeded(seed):
        moran = Moran(y, w, transformation="r", permutations=permutations, two_tailed=True)
    return {
        "moran_i": float(moran.I),
        "moran_expected": float(moran.EI),
        "moran_z": float(moran.z_norm),
        "moran_p_norm": float(moran.p_norm),
        "moran_p": float(two_sided_p(np.array([moran.I]), moran.sim[None, :])[0]),
    }


def measured_values(counts: np.ndarray, area_km2: np.ndarray, measure: str) -> np.ndarray:
    """What is tested: organizations per km² (``density``) or the counts themselves (``count``)."""
    counts = np.asarray(counts, dtype=float)
    if measure == "density":
        return counts / np.asarray(area_km2, dtype=float)
    if measure == "count":
        return counts
    raise ValueError(f"unknown measure {measure!r}")


def hotspot_rows(
    areas: pd.DataFrame,
    counts: np.ndarray,
    values: np.ndarray,
    neighbourhoods: Neighbourhoods,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> pd.DataFrame:
    """One row per area (``areas`` in the order of ``neighbourhoods.ids``) with its count, value, Gi* z, p, q,
    class, neighbours and the organizations in its neighbourhood; islands are not tested (z, p, q missing)."""
    counts = np.asarray(counts, dtype=int)
    values = np.asarray(values, dtype=float)
    w = neighbourhoods.weights()
    neighbour_counts = np.array([len(neighbourhoods.neighbours[i]) for i in neighbourhoods.ids])
    index = {k: i for i, k in enumerate(neighbourhoods.ids)}
    around = np.array(
        [counts[index[k]] + sum(counts[index[n]] for n in neighbourhoods.neighbours[k]) for k in neighbourhoods.ids]
    )
    tested = neighbour_counts > 0
    z = np.full(len(values), np.nan)
    p = np.full(len(values), np.nan)
    if values.sum() > 0:
        gi = gi_star(values, w, permutations, seed)
        z[tested], p[tested] = gi["z"].to_numpy()[tested], gi["p"].to_numpy()[tested]
    q = benjamini_hochberg(p)
    rows = areas.reset_index(drop=True).copy()
    rows["count"] = counts
    rows["value"] = values
    rows["z"], rows["p"], rows["q"] = z, p, q
    rows["class"] = confidence_classes(z, q)
    rows["neighbours"] = neighbour_counts
    rows["neighbourhood_count"] = around
    rows["unstable"] = counts < SMALL_COUNT
    rows["suppression"] = [suppression(int(k)) for k in counts]
    return rows
