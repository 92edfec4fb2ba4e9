"""The researcher notebook runs headless, so it can't rot."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "researcher.ipynb"


def test_researcher_notebook_executes(tmp_path: Path, mirror: Path, monkeypatch) -> None:
    monkeypatch.setenv("SEMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEMAP_GEODATA_MIRROR", str(mirror))
    monkeypatch.setenv("SEMAP_FACTS", str(mirror.parent / "facts"))  # beside the mirror, wherever the checkout is
    monkeypatch.delenv("SEMAP_DATABASE_URL", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = "".join(
        o.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    )
    assert "identical to the published table: True" in outputs
    assert "mean_abs_difference: 0.03" in outputs
    assert "Moran's I 0.164" in outputs and "islands: none; connected parts: 1" in outputs
    assert "flows: {'entered': 3, 'exited': 2, 'moved_in': 1, 'moved_out': 1}" in outputs  # the synthetic copy's
    images = [o for cell in notebook.cells for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 3  # the agreement chart, the LQ map and the hot-spot map
    assert os.environ.get("SEMAP_DATA_DIR") == str(tmp_path / "data")
