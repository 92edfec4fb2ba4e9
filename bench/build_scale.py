"""How `semap build` grows with the registry: 2k, 20k and 200k cooperative rows, on both stores.

The rows are the demo's cooperative registry (official layout, CP949) repeated with new names and business
numbers, so every copy is a distinct organization at a real address of the demo's address database: the build
parses, geocodes, deduplicates and loads each one. Printed: seconds per build, and the cost of each further
thousand rows between successive sizes (the same figure at every step is linear growth; the fixed cost of a
build, boundaries and the address database, is what the smallest build mostly measures).

Run: python bench/build_scale.py [--rows 2000,20000,200000] [--stores duckdb,postgis]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import psycopg

from semap.geocode.address import AddressError, normalize

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "semap" / "data" / "demo"
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
COOPERATIVES = "registries/cooperatives_2013.csv"
ENTRANCES = "addressdb/entrc_seoul.txt"


def scaled_registry(folder: Path, rows: int) -> Path:
    """A copy of the demo manifest whose cooperative file holds ``rows`` rows, and whose address database holds
    a building for each: copy k of a row sits at its road's building number + 1000·k, an entrance added for it
    (as a real city has about as many buildings as organizations, not a hundred organizations per door)."""
    shutil.copytree(DEMO, folder, dirs_exist_ok=True)
    source = (DEMO / COOPERATIVES).read_bytes().decode("cp949")
    header, *records = list(csv.reader(io.StringIO(source)))
    name, number, address = header.index("조합명"), header.index("사업자번호"), header.index("주소")
    copies = rows // len(records) + 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        row = list(records[i % len(records)])
        copy = i // len(records)
        if copy:
            # Another row's name, numbered: a distinct organization, not a near-miss of the original.
            row[0] = str(i + 1)
            row[name] = f"{records[(i % len(records) * 7919 + copy) % len(records)][name]} {copy}호"
            row[number] = f"{800 + copy % 100:03d}-{(i // 100_000) % 100:02d}-{i % 100_000:05d}"
            row[address] = moved(row[address], copy)
        writer.writerow(row)
    (folder / COOPERATIVES).write_bytes(out.getvalue().encode("cp949"))
    entrances = (DEMO / ENTRANCES).read_bytes().decode("cp949").splitlines()
    added = []
    for copy in range(1, copies):
        for k, line in enumerate(entrances):
            cells = line.split("|")
            cells[1] = str(copy * len(entrances) + k + 1)  # the entrance's serial number
            cells[9] = str(int(cells[9]) + 1000 * copy)  # building main number
            cells[-2] = f"{float(cells[-2]) + copy % 10:.6f}"  # a few metres east, as a neighbour would be
            added.append("|".join(cells))
    (folder / ENTRANCES).write_bytes("\r\n".join(entrances + added).encode("cp949") + b"\r\n")
    return folder / "registries.toml"


def moved(written: str, copy: int) -> str:
    """The address with its building number + 1000·copy (road addresses; others are left as written)."""
    try:
        parsed = normalize(written)
    except AddressError:
        return written
    if not (parsed.road and parsed.main and parsed.district):
        return written
    sub = f"-{parsed.sub}" if parsed.sub else ""
    return f"서울특별시 {parsed.district} {parsed.road} {parsed.main + 1000 * copy}{sub}"


def build_seconds(manifest: Path, store: str, scratch: Path) -> float:
    env = {**os.environ, "SEMAP_REGISTRIES": str(manifest), "SEMAP_SHRINK_THRESHOLD": "1"}
    env.setdefault("SEMAP_GEODATA_MIRROR", str(REPO.parent / "shared" / "geodata"))
    if store == "postgis":
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS semap_bench_build WITH (FORCE)")
            connection.execute("CREATE DATABASE semap_bench_build")
        with psycopg.connect(f"{PG}/semap_bench_build", autocommit=True) as connection:
            connection.execute("CREATE EXTENSION postgis")
        env["SEMAP_DATABASE_URL"] = f"{PG}/semap_bench_build"
    else:
        env["SEMAP_DATABASE_URL"] = f"duckdb:///{scratch / 'semap.duckdb'}"
    started = time.perf_counter()
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "semap"), "build"],
        check=True,
        env=env,
        cwd=scratch,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="2000,20000,200000")
    parser.add_argument("--stores", default="duckdb,postgis")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    steps = [f"{a // 1000}k→{b // 1000}k" for a, b in pairwise(sizes)]
    print(
        "| store | " + " | ".join(f"{n:,} rows" for n in sizes) + " | s per 1,000 more rows: " + ", ".join(steps) + " |"
    )
    print("|---|" + "---|" * (len(sizes) + 1))
    for store in args.stores.split(","):
        seconds = []
        for rows in sizes:
            with tempfile.TemporaryDirectory() as scratch:
                manifest = scaled_registry(Path(scratch) / "demo", rows)
                seconds.append(build_seconds(manifest, store, Path(scratch)))
        marginal = [1000 * (seconds[k + 1] - seconds[k]) / (sizes[k + 1] - sizes[k]) for k in range(len(sizes) - 1)]
        cells = " | ".join(f"{s:.1f} s" for s in seconds)
        print(f"| {store} | {cells} | " + ", ".join(f"{m:.2f}" for m in marginal) + " |", flush=True)


if __name__ == "__main__":
    main()
