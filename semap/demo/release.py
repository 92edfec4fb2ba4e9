"""A later release of the demo registry, for trying `semap stats change` without real releases: SYNTHETIC.

A copy of the demo registry with its manifest's ``as_of`` moved on and known changes to the cooperatives list:
organizations added (new names and business numbers at existing buildings), removed, and moved to a building in
another district (same name and business number, a new address: a new stable id, found again by its business
number). Every change is listed in ``CHANGES.csv`` beside the manifest. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from semap.resources import PACKAGE_DATA_DIR

COOPERATIVES = "registries/cooperatives_2013.csv"
ENCODING = "cp949"  # the demo cooperatives list is written as registries write theirs
DISTRICT = re.compile(r"(\S+구)\s")


@dataclass(frozen=True)
class DemoChange:
    kind: str  # added / removed / moved
    name: str
    business_number: str
    address_before: str
    address_after: str


def _district(address: str) -> str:
    found = DISTRICT.search(address + " ")
    return found.group(1) if found else ""


def write_changed_demo(
    folder: Path, as_of: str, added: int = 3, removed: int = 2, moved: int = 1, seed: int = 2014
) -> list[DemoChange]:
    """Write the changed copy into ``folder`` (its manifest: ``folder / "registries.toml"``); return the changes."""
    shutil.copytree(PACKAGE_DATA_DIR / "demo", folder)
    manifest = folder / "registries.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r'^as_of = "[^"]*"', f'as_of = "{as_of}"', text, count=1, flags=re.M), "utf-8")
    coops = pd.read_csv(folder / COOPERATIVES, encoding=ENCODING, dtype=str, keep_default_na=False)
    name, number, address = "조합명", "사업자번호", "주소"
    # Cooperatives only in this list (their description names it) with a business number: no other registry's
    # row is merged into them, so each change is exactly one organization.
    alone = coops[coops["주요사업"].str.endswith("분야의 협동조합") & (coops[number] != "")]
    alone = alone[~coops[name].duplicated(keep=False).reindex(alone.index)]
    picked = random.Random(seed).sample(list(alone.index), removed + moved + added)
    gone, movers, models = picked[:removed], picked[removed : removed + moved], picked[removed + moved :]
    changes = [DemoChange("removed", coops.at[i, name], coops.at[i, number], coops.at[i, address], "") for i in gone]
    for i in movers:
        before = coops.at[i, address]
        target = next(j for j in alone.index if _district(coops.at[j, address]) not in ("", _district(before)))
        coops.at[i, address] = coops.at[target, address]
        changes.append(DemoChange("moved", coops.at[i, name], coops.at[i, number], before, coops.at[i, address]))
    new_rows = []
    for k, i in enumerate(models, start=1):
        row = coops.loc[i].copy()
        row[name], row[number] = f"새싹{k} 협동조합", f"900-00-{k:05d}"
        row["번호"] = str(len(coops) + k)
        new_rows.append(row)
        changes.append(DemoChange("added", row[name], row[number], "", row[address]))
    coops = pd.concat([coops.drop(index=gone), pd.DataFrame(new_rows)], ignore_index=True)
    coops.to_csv(folder / COOPERATIVES, index=False, encoding=ENCODING)
    pd.DataFrame([c.__dict__ for c in changes]).to_csv(folder / "CHANGES.csv", index=False, encoding="utf-8-sig")
    (folder / "README.md").write_text(
        f"# A SYNTHETIC later release of the demo registry (as of {as_of})\n\n"
        "Made by `semap demo changed-copy` from the demo registry, itself synthetic: the organizations added, "
        "removed and moved are listed in CHANGES.csv. For trying `semap stats change`; not real data.\n",
        encoding="utf-8",
    )
    return changes
