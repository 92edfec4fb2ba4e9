"""Read juso.go.kr's address files (위치정보요약DB entrances, 관련지번 lots) into frames ready for the store."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from semap.errors import GeodataError
from semap.geocode.juso_layout import CRS, ENCODING, ENTRC_COLUMNS, JIBUN_COLUMNS

TO_WGS84 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        text = path.read_bytes().decode(ENCODING)
    except (OSError, UnicodeDecodeError) as exc:
        raise GeodataError(f"{path}: cannot read as a {ENCODING} juso.go.kr file: {exc}") from None
    width = text.split("\n", 1)[0].count("|") + 1
    if width < len(columns):
        raise GeodataError(f"{path}: {width} fields per line; the layout has {len(columns)}")
    names = list(columns) + [f"_extra{i}" for i in range(width - len(columns))]  # change files add 이동사유코드
    frame = pd.read_csv(io.StringIO(text), sep="|", header=None, names=names, dtype=str, keep_default_na=False)
    return frame[list(columns)]


def _read_all(paths: Iterable[Path], columns: Sequence[str]) -> pd.DataFrame:
    """Every file's rows; no file at all is an empty table (a manifest may list none, e.g. `lots = []`)."""
    frames = [_read(p, tuple(columns)) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({c: pd.Series(dtype=str) for c in columns})


def read_entrances(paths: Iterable[Path]) -> pd.DataFrame:
    """Building entrances with WGS 84 lon/lat; rows without coordinates (closed buildings) are left out."""
    frame = _read_all(paths, ENTRC_COLUMNS)
    frame = frame[(frame["x"] != "") & (frame["y"] != "")]
    lon, lat = TO_WGS84.transform(frame["x"].astype(float).to_numpy(), frame["y"].astype(float).to_numpy())
    return pd.DataFrame(
        {
            "sigungu_code": frame["sigungu_code"],
            "sido": frame["sido"],
            "sigungu": frame["sigungu"],
            "emd": frame["emd"],
            "road_code": frame["road_code"],
            "road": frame["road"],
            "underground": frame["underground"] == "1",
            "main": frame["main"].astype(int),
            "sub": frame["sub"].replace("", "0").astype(int),
            "building_name": frame["building_name"],
            "admin_dong": frame["admin_dong"],
            "lon": np.round(lon, 7),  # about 1 cm, as every SeMap coordinate
            "lat": np.round(lat, 7),
        }
    )


def read_lots(paths: Iterable[Path]) -> pd.DataFrame:
    frame = _read_all(paths, JIBUN_COLUMNS)
    return pd.DataFrame(
        {
            "sido": frame["sido"],
            "sigungu": frame["sigungu"],
            "emd": frame["emd"],
            "san": frame["san"] == "1",
            "lot_main": frame["lot_main"].astype(int),
            "lot_sub": frame["lot_sub"].replace("", "0").astype(int),
            "road_code": frame["road_code"],
            "underground": frame["underground"] == "1",
            "main": frame["main"].astype(int),
            "sub": frame["sub"].replace("", "0").astype(int),
        }
    )
