"""Integer industry counts per district that reproduce a published location-quotient table as closely as
integers allow, given each district's total."""

from __future__ import annotations

import numpy as np
import pandas as pd


def industry_shares(lq: pd.DataFrame) -> pd.Series:
    """Seoul-wide industry shares s_j implied by an LQ table: each district's row satisfies sum_j LQ_ij s_j = 1
    (the definition of LQ), solved by least squares together with sum_j s_j = 1."""
    weight = 100.0  # the shares must sum to one; the rows only approximately determine them (rounded LQs)
    a = np.vstack([lq.to_numpy(dtype=float), np.full(lq.shape[1], weight)])
    b = np.append(np.ones(lq.shape[0]), weight)
    shares, *_ = np.linalg.lstsq(a, b, rcond=None)
    return pd.Series(np.clip(shares, 0, None), index=lq.columns)


def integer_counts(lq: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """n_ij with row sums equal to ``totals`` whose LQs approximate ``lq``.

    Expected counts x_ij = LQ_ij * n_i * s_j are rounded per district by largest remainder, so every row sums
    to its total and a published LQ of 0 stays an exact 0.
    """
    shares = industry_shares(lq)
    expected = lq.mul(totals.loc[lq.index], axis=0).mul(shares, axis=1)
    expected = expected.div(expected.sum(axis=1), axis=0).mul(totals.loc[lq.index], axis=0)
    rows = {}
    for district, row in expected.iterrows():
        floor = np.floor(row.to_numpy())
        missing = int(totals[district] - floor.sum())
        order = np.argsort(-(row.to_numpy() - floor), kind="stable")
        floor[order[:missing]] += 1
        rows[district] = floor.astype(int)
    return pd.DataFrame.from_dict(rows, orient="index", columns=lq.columns)


def location_quotients(counts: pd.DataFrame) -> pd.DataFrame:
    n_i = counts.sum(axis=1)
    n_j = counts.sum(axis=0)
    return counts.div(n_i, axis=0).div(n_j / n_j.sum(), axis=1)


def refine(counts: pd.DataFrame, lq: pd.DataFrame, max_passes: int = 50) -> pd.DataFrame:
    """Greedy improvement: move single organizations between industries within a district (row sums stay)
    while the squared LQ error against the published table falls. Published zeros stay zero."""
    n = counts.to_numpy(dtype=float).copy()
    target = lq.loc[counts.index, counts.columns].to_numpy(dtype=float)
    allowed = target > 0

    def error(m: np.ndarray) -> float:
        col = m.sum(axis=0)
        share = np.divide(col, col.sum(), out=np.zeros_like(col), where=col.sum() > 0)
        lqs = np.divide(m / m.sum(axis=1, keepdims=True), share, out=np.zeros_like(m), where=share > 0)
        return float(((lqs - target) ** 2).sum())

    best = error(n)
    for _ in range(max_passes):
        improved = False
        for i in range(n.shape[0]):
            for j in range(n.shape[1]):
                if n[i, j] == 0:
                    continue
                for k in range(n.shape[1]):
                    if k == j or not allowed[i, k]:
                        continue
                    n[i, j] -= 1
                    n[i, k] += 1
                    candidate = error(n)
                    if candidate < best - 1e-12:
                        best, improved = candidate, True
                        break
                    n[i, j] += 1
                    n[i, k] -= 1
        if not improved:
            break
    return pd.DataFrame(n.astype(int), index=counts.index, columns=counts.columns)
