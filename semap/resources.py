"""Where the runtime data shipped inside the package are (formats, vocabularies, the district crosswalk, the source
manifest, the demo registry): an installed wheel finds them, and nothing at run time reads the source tree.

A module of its own, not part of the settings: the geodata tables need the folder without loading pydantic.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE_DATA_DIR = Path(str(resources.files("semap") / "data"))
