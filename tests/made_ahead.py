"""Waiting for what a server makes ahead for its data (semap.api.ahead), as its /healthz reports it."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient


def made_ahead(client: TestClient, what: str, version: str | None = None) -> dict:
    """The server's summary of ``what`` (tiles_ahead, records_ahead) once made (of ``version``, if given)."""
    deadline = time.monotonic() + 60
    while True:
        summary = client.get("/healthz").json()[what]
        if summary is not None and version in (None, summary["data_version"]):
            return summary
        assert time.monotonic() < deadline, f"the server's {what} were never made"
        time.sleep(0.02)
