"""Read the KOSTAT census boundaries with the encoding and CRS the manifest declares, into EPSG:4326."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from semap.errors import GeodataError
from semap.geodata.districts import load_crosswalk
from semap.geodata.manifest import Source

DISTRICTS_FILE = "seoul_municipalities.shp"
DONGS_FILE = "seoul_submunicipalities.shp"


@dataclass(frozen=True)
class Boundaries:
    districts: gpd.GeoDataFrame  # adm_code, kostat_code, name_ko, name_en, geometry
    dongs: gpd.GeoDataFrame  # kostat_code, name_ko, name_en, district_adm_code, district_kostat_code, geometry
    vintage: str


COORDINATE_DECIMALS = 7  # about 1 cm: both stores then print identical GeoJSON


def _multi(geom: BaseGeometry) -> MultiPolygon:
    return MultiPolygon([geom]) if isinstance(geom, Polygon) else geom


def _rounded(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.round(xy, COORDINATE_DECIMALS))


def read_layer(path: Path, source: Source) -> gpd.GeoDataFrame:
    """One shapefile, decoded with the manifest's encoding and placed in the manifest's CRS.

    The manifest's CRS overrides the file's .prj on purpose: the .prj lacks the datum shift.
    """
    try:
        frame = pyogrio.read_dataframe(path, encoding=source.encoding)
    except Exception as exc:  # pyogrio raises several unrelated types for unreadable files
        raise GeodataError(f"{path}: cannot read as a shapefile: {exc}") from None
    frame = frame.set_crs(source.crs, allow_override=True).to_crs(4326)
    frame["geometry"] = frame.geometry.map(_multi).map(_rounded)
    return frame


def read_boundaries(folder: Path, source: Source) -> Boundaries:
    raw_districts = read_layer(folder / DISTRICTS_FILE, source)
    raw_dongs = read_layer(folder / DONGS_FILE, source)

    crosswalk = {d.kostat_code: d for d in load_crosswalk()}
    rows = []
    for record in raw_districts.itertuples():
        district = crosswalk.get(record.code)
        # Codes are checked together with names: a code read in the wrong scheme would silently mislabel.
        if district is None or district.name_ko != record.name:
            raise GeodataError(
                f"{folder / DISTRICTS_FILE}: district {record.code} {record.name!r} does not match the "
                "KOSTAT census codes of the crosswalk (semap/data/districts.csv)"
            )
        rows.append({**district.__dict__, "geometry": record.geometry})
    if len(rows) != 25:
        raise GeodataError(f"{folder / DISTRICTS_FILE}: expected 25 districts, found {len(rows)}")
    districts = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326).sort_values("adm_code", ignore_index=True)

    dongs = gpd.GeoDataFrame(
        {
            "kostat_code": raw_dongs["code"],
            "name_ko": raw_dongs["name"],
            "name_en": raw_dongs["name_eng"],
            "district_kostat_code": raw_dongs["code"].str[:5],
        },
        geometry=raw_dongs.geometry,
        crs=4326,
    )
    unknown = sorted(set(dongs["district_kostat_code"]) - set(crosswalk))
    if unknown:
        raise GeodataError(f"{folder / DONGS_FILE}: dongs in unknown districts {unknown}")
    dongs["district_adm_code"] = dongs["district_kostat_code"].map(lambda c: crosswalk[c].adm_code)
    dongs = dongs.sort_values("kostat_code", ignore_index=True)
    return Boundaries(districts=districts, dongs=dongs, vintage=source.vintage)
