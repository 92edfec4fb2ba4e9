"""The README's worked example ("Your own registry layout") runs exactly as written, right after `scripts/up.sh`.

The commands are taken from the README itself and run by bash in a new shell (no SEMAP_ variables), in a copy
of the checkout holding what `scripts/up.sh` leaves: `.venv` with SeMap installed, and `data/` with the demo built
(synthetic) and the boundaries fetched. The example's own data are three made-up rows of 송파구's list.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from semap.settings import StoreSettings
from semap.store import open_store
from tests.conftest import REPO


def readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Your own registry layout") :]
    section = section[: section.index("\n## ")]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the README's example has no sh block"
    return block.group(1)


def _count(data_dir: Path, table: str) -> int:
    store = open_store(StoreSettings(database_url=None, data_dir=data_dir))
    try:
        return int(store.fetch(f"SELECT count(*) FROM {table}")[0][0])
    finally:
        store.close()


def test_the_readmes_worked_example_runs_as_written_right_after_up_sh(tmp_path: Path, mirror: Path) -> None:
    checkout = tmp_path / "semap"
    shutil.copytree(REPO / "geodata", checkout / "geodata")
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    shell = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    # scripts/up.sh: `semap build` of the demo into ./data, its sources from the mirror it found beside the checkout
    up = subprocess.run(
        [str(checkout / ".venv" / "bin" / "semap"), "build"],
        cwd=checkout,
        env={**shell, "SEMAP_GEODATA_MIRROR": str(mirror)},
        capture_output=True,
        timeout=600,
    )
    assert up.returncode == 0, up.stderr.decode()

    ran = subprocess.run(
        ["bash", "-e", "-c", readme_example()], cwd=checkout, env=shell, capture_output=True, timeout=600
    )
    out, err = ran.stdout.decode(), ran.stderr.decode()
    assert ran.returncode == 0, err
    assert "  geodata/examples/renamed-columns/songpa-resources.format.toml: 8/8 columns" in out
    assert "  songpa-resources.csv: utf-8, header row 1, 3 rows = 3 accepted + 0 rejected" in out
    assert re.search(r"^송파구,.*,3\r?$", out, re.M)  # semap stats resources: the three resources, in 송파구
    assert _count(checkout / "data" / "renamed-columns", "resources") == 3
    assert _count(checkout / "data", "organizations") == 1871  # the demo keeps serving
