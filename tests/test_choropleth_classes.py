"""Choropleth classes people can read: round limits, every area in exactly one class, no empty class."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from semap.stats.classes import LQ_BREAKS, fixed_classes, nice_steps, readable_classes

# The totals per district of the synthetic demo registry (stats counts.geojson): equal fifths of the largest gave
# 0–29, 29–58, 58–87 … on the map.
DEMO_TOTALS = [30, 31, 36, 42, 46, 49, 49, 54, 56, 59, 67, 69, 71, 74, 77, 80, 83, 84, 85, 88, 107, 122, 125, 141, 145]


def _rounded_to_one_nice_step(limits: list[float], span: float) -> bool:
    """Every limit a multiple of one step of 1, 2, 2.5 or 5 times a power of ten, coarser than a fortieth of the
    span (so no 332 or 2122 between 0 and 4000)."""
    return any(
        all(abs(x / step - round(x / step)) < 1e-9 for x in limits) for step in nice_steps(span) if step >= span / 40
    )


def test_the_demo_totals_get_round_limits_from_natural_breaks() -> None:
    classes = readable_classes(DEMO_TOTALS)
    limits = [(c.lower, c.upper) for c in classes]
    assert limits == [(25, 50), (51, 75), (76, 100), (101, 125), (126, 145)]
    assert [c.count for c in classes] == [7, 7, 6, 3, 2]
    assert classes[0].as_json() == {"lower": 25, "upper": 50, "count": 7}


def test_a_ratio_shares_its_limits_and_rounds_them() -> None:
    values = [0.31, 0.76, 0.9, 1.05, 1.1, 1.4, 2.5]
    classes = readable_classes(values)
    assert all(b.lower == a.upper for a, b in itertools.pairwise(classes))
    limits = [classes[0].lower, *(c.upper for c in classes[:-1] if c.upper is not None)]
    assert _rounded_to_one_nice_step(limits, max(values) - min(values))
    assert sum(c.count for c in classes) == len(values)


def test_location_quotients_keep_their_meaningful_limits() -> None:
    classes = fixed_classes([0.3, 0.76, 1.1, 1.4, 2.5, 3.1])
    assert [c.upper for c in classes] == [*LQ_BREAKS, None]  # the last: 2 and more
    assert [c.count for c in classes] == [1, 1, 1, 1, 2]
    assert classes[-1].as_json() == {"lower": 2, "upper": None, "count": 2}


def test_too_few_distinct_values_make_fewer_classes() -> None:
    assert [(c.lower, c.upper, c.count) for c in readable_classes([3, 3, 3])] == [(3, 3, 3)]
    assert len(readable_classes([1, 1, 9, 9])) == 2
    assert readable_classes([]) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5000), min_size=2, max_size=40))
def test_counts_fall_in_exactly_one_class_with_round_limits(values: list[int]) -> None:
    classes = readable_classes(values)
    assert 1 <= len(classes) <= min(5, len(set(values)))
    assert all(c.count > 0 for c in classes)  # no empty class in the legend
    for v in values:  # each count in exactly one class, whole numbers so no limit is shared
        assert sum(c.lower <= v <= (c.upper if c.upper is not None else math.inf) for c in classes) == 1
    assert all(b.lower == a.upper + 1 for a, b in itertools.pairwise(classes))
    if len(classes) > 1:  # the last upper limit is the largest value itself; the others are round
        limits = [classes[0].lower, *(c.upper for c in classes[:-1] if c.upper is not None)]
        assert _rounded_to_one_nice_step(limits, max(values) - min(values)), [c.as_json() for c in classes]
    assert classes[-1].upper == max(values)
