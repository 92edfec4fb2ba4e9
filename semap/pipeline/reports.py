"""Reports a person reviews after a build: rejects, merges, near-misses, and geocoding below building level."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from semap.pipeline.locate import Placements
from semap.registry.dedup import Merge, NearMiss
from semap.registry.model import Problem


def _write(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: opens in Korean Excel
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _dataclass_rows(items: list, cls: type) -> tuple[list[str], list[list[object]]]:
    names = [f.name for f in fields(cls)]
    return names, [[getattr(item, n) for n in names] for item in items]


def write_reports(
    folder: Path, problems: list[Problem], merges: list[Merge], near_misses: list[NearMiss], placements: Placements
) -> dict[str, Path]:
    written = {
        "rejects": _write(folder / "rejects.csv", *_dataclass_rows(problems, Problem)),
        "merges": _write(folder / "merges.csv", *_dataclass_rows(merges, Merge)),
        "near_misses": _write(folder / "near_misses.csv", *_dataclass_rows(near_misses, NearMiss)),
    }
    header = ["kind", "id", "name", "address_raw", "geocoded_address", "match_type", "geocoder", "errors"]
    rows = [
        [
            p.kind,
            p.record_id,
            p.name,
            p.address_raw,
            p.address.canonical if p.address else None,
            p.match_type,
            p.location.geocoder if p.location else None,
            " | ".join(p.errors),
        ]
        for p in placements.by_id.values()
        if p.match_type not in ("building", "manual")
    ]
    written["geocoding"] = _write(folder / "geocoding.csv", header, rows)
    return written
