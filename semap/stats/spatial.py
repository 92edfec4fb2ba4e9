"""The neighbourhoods and areas hot spots are computed on, as pure functions over polygons.

Neighbours are queen contiguity (libpysal): two dongs are neighbours when their boundaries share at least one
point. Areas are geodesic, on the WGS 84 ellipsoid (pyproj), so no projection's scale error enters a density.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd
    from libpysal.weights import W
    from shapely.geometry.base import BaseGeometry

NEIGHBOURHOOD_RULE = "queen contiguity (boundaries sharing at least one point), the dong itself included"


def geodesic_area_km2(geometries: Sequence[BaseGeometry]) -> np.ndarray:
    """Each polygon's area on the WGS 84 ellipsoid, in km² (geometries in EPSG:4326)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) / 1e6 for g in geometries])


@dataclass(frozen=True)
class Neighbourhoods:
    """Queen neighbours of each area (by its id, in the order given), and what the graph is made of."""

    ids: list[str]
    neighbours: dict[str, list[str]]
    islands: list[str]  # areas with no neighbour: no neighbourhood to test
    components: int  # connected parts of the graph (1 when every area can be reached from every other)
    component: np.ndarray  # each area's part, 0-based, in the order of ``ids``

    def weights(self) -> W:
        """A fresh binary weights object (esda transforms the one it is given in place: never share one)."""
        from libpysal.weights import W

        return W(self.neighbours, id_order=self.ids, silence_warnings=True)


def queen_neighbourhoods(frame: gpd.GeoDataFrame, id_column: str) -> Neighbourhoods:
    """Queen contiguity of the polygons of ``frame``, keyed by ``id_column``."""
    from libpysal.weights import Queen

    w = Queen.from_dataframe(frame, ids=id_column, use_index=False, silence_warnings=True)
    ids = [str(i) for i in frame[id_column]]
    neighbours = {str(k): [str(v) for v in vs] for k, vs in w.neighbors.items()}
    labels = np.asarray(w.component_labels)
    order = {k: i for i, k in enumerate(w.id_order)}
    return Neighbourhoods(
        ids=ids,
        neighbours={k: neighbours[k] for k in ids},
        islands=[str(i) for i in w.islands],
        components=int(w.n_components),
        component=np.array([labels[order[k]] for k in ids]),
    )
