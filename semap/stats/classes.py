"""Choropleth classes people can read: mapclassify finds the natural breaks (Fisher–Jenks), then the limits are
rounded to the roundest step that keeps every class apart and non-empty (0–25, 26–50 … rather than 0–29, 29–58).

Counts are whole numbers, so their classes are written without a shared limit (26–50 follows 0–25); a ratio such as
a location quotient shares its limits (0.8–1.25, 1.25–2), the upper one included as mapclassify counts."""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

# The steps a person rounds to: 1, 2, 2.5 and 5 times a power of ten.
_NICE = (1.0, 2.0, 2.5, 5.0)
# Class limits of a location quotient, symmetric around 1 on a ratio scale (½ ↔ 2, 0.8 ↔ 1.25): they mean something,
# so they are not fitted to the data.
LQ_BREAKS = (0.5, 0.8, 1.25, 2.0)


@dataclass(frozen=True)
class ClassLimits:
    """One class: values in [lower, upper] (for a ratio, above the previous class's upper; no upper: open-ended);
    ``count`` areas."""

    lower: float
    upper: float | None
    count: int

    def as_json(self) -> dict[str, float | int | None]:
        upper = None if self.upper is None else _plain(self.upper)
        return {"lower": _plain(self.lower), "upper": upper, "count": self.count}


def _plain(value: float) -> float | int:
    """12.0 as 12 and 0.30000000000000004 as 0.3: limits are shown as written."""
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else rounded


# A step finer than a fortieth of the data's span is no rounding a reader notices: fewer classes instead.
FINEST_STEP = 1 / 40


def nice_steps(span: float) -> list[float]:
    """The steps limits are rounded to, largest first: 1, 2, 2.5 and 5 times a power of ten, from about the span
    down to a fortieth of it."""
    if span <= 0:
        return []
    top = math.floor(math.log10(span))
    steps = [m * 10.0**e for e in range(top, top - 3, -1) for m in reversed(_NICE)]
    return [s for s in steps if s >= span * FINEST_STEP]


def _is_counts(values: Sequence[float]) -> bool:
    return all(float(v).is_integer() for v in values)


def _classes(values: Sequence[float], lower: float, uppers: Sequence[float | None], whole: bool) -> list[ClassLimits]:
    """The classes from ``lower`` up to each of ``uppers`` in turn (included; None: no upper limit)."""
    classes, previous = [], lower
    for i, upper in enumerate(uppers):
        inside = [v for v in values if (upper is None or v <= upper) and (i == 0 or v > previous)]
        start = previous + 1 if whole and i > 0 else previous
        classes.append(ClassLimits(start, upper, len(inside)))
        previous = upper if upper is not None else previous
    return classes


def readable_classes(values: Sequence[float], k: int = 5) -> list[ClassLimits]:
    """At most ``k`` classes of ``values`` with round limits; fewer when there are fewer distinct values or no
    rounding keeps ``k`` non-empty classes."""
    import mapclassify  # with numpy and scipy: loaded by the first choropleth, not by a server that only serves maps

    values = [float(v) for v in values]
    if not values:
        return []
    whole = _is_counts(values)
    low, high = min(values), max(values)
    k = min(k, len(set(values)))
    if k < 2:
        return [ClassLimits(low, high, len(values))]
    with warnings.catch_warnings():  # without numba it says it is slower: for some dozen areas it does not matter
        warnings.filterwarnings("ignore", "Numba not installed", UserWarning)
        natural = [float(b) for b in mapclassify.FisherJenks(values, k=k).bins[:-1]]
    for step in nice_steps(high - low):
        if whole and step < 1:
            break
        bottom = math.floor(low / step) * step
        for round_ in (_nearest, math.ceil):  # the nearest round limit, else the next one up
            rounded = [round_(b / step) * step for b in natural]
            if any(b <= a for a, b in itertools.pairwise([bottom, *rounded])) or rounded[-1] >= high:
                continue
            classes = _classes(values, bottom, [*rounded, high], whole)
            if all(c.count for c in classes):
                return classes
    return readable_classes(values, k - 1)  # no round limits keep k classes apart: one class fewer


def _nearest(x: float) -> int:
    return math.floor(x + 0.5)


def fixed_classes(values: Sequence[float], breaks: Sequence[float] = LQ_BREAKS) -> list[ClassLimits]:
    """Classes with given limits (a location quotient's) from 0, the last open-ended, each counted."""
    return _classes([float(v) for v in values], 0.0, [*breaks, None], whole=False)
