"""Read juso.go.kr's address files (위치정보요약DB entrances, 관련지번 lots) into frames ready for the store."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from pyproj import Transformer

from semap.errors import GeodataError
from semap.geocode.juso_layout import CRS, ENCODING, ENTRC_COLUMNS, JIBUN_COLUMNS

TO_WGS84 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def _frame(stream: IO[bytes], columns: tuple[str, ...], name: str) -> pd.DataFrame:
    """One pipe-delimited CP949 file, streamed: only its columns are kept (change files append 이동사유코드)."""
    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    width = head.split(b"\n", 1)[0].count(b"|") + 1 if head else len(columns)
    if width < len(columns):
        raise GeodataError(f"{name}: {width} fields per line; the layout has {len(columns)}")
    try:
        return pd.read_csv(
            io.TextIOWrapper(stream, encoding=ENCODING, newline=""),
            sep="|",
            header=None,
            names=list(columns),
            usecols=list(range(len(columns))),
            dtype=str,
            keep_default_na=False,
            quoting=3,  # csv.QUOTE_NONE: a quote is text in these files
            engine="c",
        )
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise GeodataError(f"{name}: cannot read as a {ENCODING} juso.go.kr file: {exc}") from None


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A juso.go.kr text file, or its member inside the monthly zip: ``x.zip`` reads every ``entrc_seoul.txt``
    (or ``jibun_rnaddrkor_seoul.txt``) inside, ``x.zip#entrc_gyunggi.txt`` names the member."""
    zip_path, _, member = str(path).partition("#")
    if zip_path.endswith(".zip"):
        wanted = member or ("entrc_seoul.txt" if columns == ENTRC_COLUMNS else "jibun_rnaddrkor_seoul.txt")
        try:
            with zipfile.ZipFile(zip_path) as archive:
                names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == wanted]
                if not names:
                    raise GeodataError(
                        f"{Path(zip_path).name}: no {wanted} inside (it has {len(archive.namelist())} files)"
                    )
                with archive.open(names[0]) as stream:
                    return _frame(stream, columns, f"{Path(zip_path).name}#{wanted}")
        except (OSError, zipfile.BadZipFile) as exc:
            raise GeodataError(f"{Path(zip_path).name}: not a readable zip archive: {exc}") from None
    try:
        with path.open("rb") as stream:
            return _frame(stream, columns, path.name)
    except OSError as exc:
        raise GeodataError(f"{path}: cannot read: {exc}") from None


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
