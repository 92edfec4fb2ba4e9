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
from scipy.stats import binomtest, false_discovery_control

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
    rows = []
    for i, district in enumerate(counts.index):
        for j, industry in enumerate(counts.columns):
            k, trials, s = int(n[i, j]), int(n_i[i, 0]), float(share[0, j])
            test = binomtest(k, trials, s) if trials > 0 and 0 < s < 1 else None
            if test is not None:
                interval = test.proportion_ci(confidence_level=confidence, method="exact")
                low, high, p_value = interval.low / s, interval.high / s, test.pvalue
            else:
                low = high = p_value = np.nan
            rows.append(
                {
                    "district": district,
                    "industry": industry,
                    "n_ij": k,
                    "n_i": trials,
                    "n_j": int(n_j[0, j]),
                    "N": int(total),
                    "expected": float(expected[i, j]),
                    "lq": float(lq[i, j]),
                    "ci_low": float(low),
                    "ci_high": float(high),
                    "ci_method": CI_METHOD,
                    "p_value": float(p_value),
                    "z": float(z[i, j]),
                    "small_count": k < SMALL_COUNT,
                    "suppression": suppression(k),
                    "reference_area": reference_area,
                    "as_of": as_of,
                }
            )
    table = pd.DataFrame(rows)
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy())
    return table[list(COLUMNS)]


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH-adjusted q-values; NaN p-values stay NaN and do not count as tests."""
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
