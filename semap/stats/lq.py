"""Location quotients with inference, as pure functions over a district × industry count table.

LQ_ij = (n_ij / n_i) / (n_j / N): district i's share of industry j over Seoul's share (the reference area).

Inference treats each district's organizations as n_i draws with success probability p_ij, and Seoul's
share s_j = n_j / N as fixed (it is estimated from all 1,870 organizations, far more precisely than p_ij):
- confidence interval: exact Clopper–Pearson for p_ij, divided by s_j. Exact because most cells are small (a
  quarter below 5), where normal or delta-method intervals on log LQ undercover, and because a zero count still
  gets an honest upper bound (the delta method has no interval at n_ij = 0);
- p-value: exact two-sided binomial test of p_ij = s_j (LQ = 1);
- q-value: Benjamini–Hochberg across all cells of the table;
- z: Haberman's adjusted residual (n_ij − e_ij) / sqrt(e_ij (1 − n_i/N)(1 − n_j/N)), the standardized departure
  from LQ = 1 that is comparable across cells of different size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SMALL_COUNT = 5  # below this an LQ is unstable: flagged
SUPPRESS_BELOW = 3  # counts of 1 or 2 can identify an organization: coded "S" (suppress before publishing)


def suppression(count: int) -> str:
    """The code "S" for a count that could identify an organization (1 or 2), else an empty string."""
    return "S" if 0 < count < SUPPRESS_BELOW else ""


COLUMNS = (
    "district",
    "industry",
    "n_ij",
    "n_i",
    "n_j",
    "N",
    "expected",
    "lq",
    "ci_low",
    "ci_high",
    "ci_method",
    "p_value",
    "q_value",
    "z",
    "small_count",
    "suppression",
    "reference_area",
    "as_of",
)
CI_METHOD = "Clopper-Pearson exact on n_ij/n_i, Seoul share fixed"


def location_quotients(
    counts: pd.DataFrame, confidence: float = 0.95, reference_area: str = "서울특별시", as_of: str = ""
) -> pd.DataFrame:
    """``counts``: districts as rows, industries as columns. Returns one row per cell (long format)."""
    n = counts.to_numpy(dtype=float)
    n_i = n.sum(axis=1, keepdims=True)
    n_j = n.sum(axis=0, keepdims=True)
    total = n.sum()
    expected = n_i * n_j / total
    share = n_j / total
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = np.where(n_i > 0, (n / n_i) / share, np.nan)
        z = (n - expected) / np.sqrt(expected * (1 - n_i / total) * (1 - n_j / total))
    trials = np.broadcast_to(n_i, n.shape)
    shares = np.broadcast_to(share, n.shape)
    tested = (trials > 0) & (shares > 0) & (shares < 1)
    low, high = clopper_pearson(n, trials, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        ci_low = np.where(tested, low / shares, np.nan)
        ci_high = np.where(tested, high / shares, np.nan)
    p_value = np.where(tested, binomial_p_values(n, n_i[:, 0], share[0]), np.nan)
    table = pd.DataFrame(
        {
            "district": np.repeat(np.asarray(counts.index, dtype=object), n.shape[1]),
            "industry": np.tile(np.asarray(counts.columns, dtype=object), n.shape[0]),
            "n_ij": n.astype(int).ravel(),
            "n_i": trials.astype(int).ravel(),
            "n_j": np.broadcast_to(n_j, n.shape).astype(int).ravel(),
            "N": int(total),
            "expected": expected.ravel(),
            "lq": lq.ravel(),
            "ci_low": ci_low.ravel(),
            "ci_high": ci_high.ravel(),
            "ci_method": CI_METHOD,
            "p_value": p_value.ravel(),
            "z": z.ravel(),
        }
    )
    table["small_count"] = table["n_ij"] < SMALL_COUNT
    table["suppression"] = [suppression(k) for k in table["n_ij"]]
    table["reference_area"] = reference_area
    table["as_of"] = as_of
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy())
    return table[list(COLUMNS)]


def clopper_pearson(k: np.ndarray, trials: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper–Pearson) bounds for a binomial proportion, element-wise: Beta quantiles, 0 and 1 at the
    edges. Vectorized: a dong-level table has thousands of cells, and a test per cell took seconds."""
    from scipy.stats import beta  # scipy loads with the first table, not with every process that imports SeMap

    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(k > 0, beta.ppf(alpha / 2, k, trials - k + 1), 0.0)
        high = np.where(k < trials, beta.ppf(1 - alpha / 2, k + 1, trials - k), 1.0)
    return low, high


def binomial_p_values(k: np.ndarray, trials: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Exact two-sided binomial p-values of k[i, j] ~ Bin(trials[i], shares[j]): the probability of every outcome
    no likelier than the one seen (the "minlike" rule of R's binom.test and scipy's binomtest)."""
    from scipy.stats import binom

    p_values = np.full(k.shape, np.nan)
    usable = (shares > 0) & (shares < 1)
    for i, n in enumerate(trials.astype(int)):
        if n <= 0:
            continue
        # One row at a time: every outcome 0..n against every share, the pmf of a row's tests in one call.
        pmf = binom.pmf(np.arange(n + 1)[:, None], n, shares[None, usable])
        seen = pmf[k[i, usable].astype(int), np.arange(usable.sum())]
        # The relative tolerance scipy uses, so ties computed with rounding error count as ties.
        p_values[i, usable] = np.minimum(1.0, np.where(pmf <= seen * (1 + 1e-7), pmf, 0.0).sum(axis=0))
    return p_values


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH-adjusted q-values; NaN p-values stay NaN and do not count as tests."""
    from scipy.stats import false_discovery_control

    q = np.full(p_values.shape, np.nan)
    valid = ~np.isnan(p_values)
    if valid.any():
        q[valid] = false_discovery_control(p_values[valid], method="bh")
    return q


def lq_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """The wide district × industry LQ table, as the 2013 report printed it."""
    return table.pivot(index="district", columns="industry", values="lq")


def agreement(ours: pd.DataFrame, published: pd.DataFrame) -> dict[str, float]:
    """How close a wide LQ table is to a published one: mean and max absolute difference, share within 0.1,
    correlation."""
    aligned = ours.loc[published.index, published.columns].to_numpy(dtype=float)
    reference = published.to_numpy(dtype=float)
    difference = np.abs(aligned - reference)
    return {
        "cells": int(difference.size),
        "mean_abs_difference": float(difference.mean()),
        "max_abs_difference": float(difference.max()),
        "share_within_0_1": float((difference <= 0.1).mean()),
        "correlation": float(np.corrcoef(aligned.ravel(), reference.ravel())[0, 1]),
    }
