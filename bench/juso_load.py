"""Benchmark: loading all of Seoul's building entrances (juso.go.kr 위치정보요약DB) into the store, against a peer.

Input: a generated zip in the real layout (`YYYYMM_위치정보요약DB_전체분.zip` holding `entrc_seoul.txt`: 18
pipe-delimited CP949 fields, UTM-K coordinates), with --rows rows (default 600,000, about Seoul's count).

SeMap: read_entrances streams the member out of the zip (only its columns kept) and replace_address_db loads it.
Peer: SeMap's previous reader, which decoded the whole member into one string before parsing it.
Each runs in its own process, so peak memory (max RSS) is its own. Targets (issue #11): under 60 s, under 1 GB.

Run: python bench/juso_load.py [--rows 600000] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ROADS = [
    "세종대로",
    "테헤란로",
    "도봉로",
    "올림픽로",
    "양재대로",
    "시루봉로",
    "진흥로",
    "통일로",
    "은평로",
    "백제고분로",
]


def generate(path: Path, rows: int, seed: int = 11) -> Path:
    from semap.geodata.districts import load_crosswalk

    rng = random.Random(seed)
    districts = load_crosswalk()
    lines = []
    for i in range(rows):
        d = districts[i % len(districts)]
        road = ROADS[rng.randrange(len(ROADS))] + (f"{rng.randrange(1, 200)}길" if rng.random() < 0.6 else "")
        x, y = 945000 + rng.random() * 30000, 1940000 + rng.random() * 25000
        lines.append(
            f"{d.adm_code}|{i}|{d.adm_code}10100|서울특별시|{d.name_ko}|가동|{d.adm_code}3000001|{road}|0|"
            f"{rng.randrange(1, 999)}|{rng.randrange(0, 30)}||0{rng.randrange(1000, 9999)}|근린생활시설|0|가동|"
            f"{x:.6f}|{y:.6f}"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("entrc_seoul.txt", ("\r\n".join(lines) + "\r\n").encode("cp949"))
    return path


def run_semap(zip_path: str, database_url: str | None) -> dict[str, float]:
    from semap.geocode.addressdb import read_entrances
    from semap.pipeline.records import replace_address_db
    from semap.settings import StoreSettings
    from semap.store import open_store

    started = time.perf_counter()
    points = read_entrances([Path(zip_path)])
    read_s = time.perf_counter() - started
    store = open_store(StoreSettings(data_dir=Path(tempfile.mkdtemp()), database_url=database_url))
    import pandas as pd

    with store.staging() as target:
        replace_address_db(target, points, pd.DataFrame())
    total_s = time.perf_counter() - started
    store.close()
    return {"rows": len(points), "read_s": read_s, "total_s": total_s}


def run_peer(zip_path: str) -> dict[str, float]:
    """SeMap's previous reader: the whole member decoded to one string, then parsed."""
    import numpy as np
    import pandas as pd

    from semap.geocode.addressdb import TO_WGS84
    from semap.geocode.juso_layout import ENTRC_COLUMNS

    started = time.perf_counter()
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read("entrc_seoul.txt").decode("cp949")
    frame = pd.read_csv(io.StringIO(text), sep="|", header=None, names=list(ENTRC_COLUMNS), dtype=str)
    lon, lat = TO_WGS84.transform(frame["x"].astype(float).to_numpy(), frame["y"].astype(float).to_numpy())
    frame["lon"], frame["lat"] = np.round(lon, 7), np.round(lat, 7)
    return {"rows": len(frame), "read_s": time.perf_counter() - started, "total_s": float("nan")}


def child(kind: str, zip_path: str, database_url: str | None) -> None:
    result = run_semap(zip_path, database_url) if kind == "semap" else run_peer(zip_path)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, zip_path: Path, database_url: str | None) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", kind, "--zip", str(zip_path)]
    if database_url:
        args += ["--database-url", database_url]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--database-url", default=None, help="also load into this PostGIS (default: DuckDB only)")
    parser.add_argument("--child", choices=("semap", "peer"))
    parser.add_argument("--zip")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.zip, args.database_url)
        return
    with tempfile.TemporaryDirectory() as work:
        zip_path = generate(Path(work) / "202602_위치정보요약DB_전체분.zip", args.rows)
        peer = measure("peer", zip_path, None)
        ours = measure("semap", zip_path, None)
        print(f"{args.rows:,} entrances, zip {zip_path.stat().st_size / 1e6:.1f} MB")
        print("| | read | read + load (DuckDB) | max RSS |")
        print("|---|---|---|---|")
        print(f"| SeMap | {ours['read_s']:.1f} s | {ours['total_s']:.1f} s | {ours['max_rss_mb']:.0f} MB |")
        print(f"| peer (whole member decoded first) | {peer['read_s']:.1f} s | – | {peer['max_rss_mb']:.0f} MB |")
        speed, memory = peer["read_s"] / ours["read_s"], peer["max_rss_mb"] / ours["max_rss_mb"]
        print(f"| ratio peer/SeMap | {speed:.2f} | | {memory:.2f} |")
        if args.database_url:
            pg = measure("semap", zip_path, args.database_url)
            print(f"| SeMap into PostGIS | {pg['read_s']:.1f} s | {pg['total_s']:.1f} s | {pg['max_rss_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
