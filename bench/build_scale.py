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

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "semap" / "data" / "demo"
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
COOPERATIVES = "registries/cooperatives_2013.csv"


def scaled_registry(folder: Path, rows: int) -> Path:
    """A copy of the demo manifest whose cooperative file holds ``rows`` rows."""
    shutil.copytree(DEMO, folder, dirs_exist_ok=True)
    source = (DEMO / COOPERATIVES).read_bytes().decode("cp949")
    header, *records = list(csv.reader(io.StringIO(source)))
    name, number = header.index("조합명"), header.index("사업자번호")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        row = list(records[i % len(records)])
        copy = i // len(records)
        if copy:
            # Another row's name, numbered: a distinct organization at this row's real address, not a near-miss
            # of the original (the copies would otherwise crowd the review report, as no real registry does).
            row[0] = str(i + 1)
            row[name] = f"{records[(i % len(records) * 7919 + copy) % len(records)][name]} {copy}호"
            row[number] = f"{800 + copy % 100:03d}-{(i // 100_000) % 100:02d}-{i % 100_000:05d}"
        writer.writerow(row)
    (folder / COOPERATIVES).write_bytes(out.getvalue().encode("cp949"))
    return folder / "registries.toml"


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
