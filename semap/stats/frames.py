"""A statistics table as JSON text and back, exactly: values, column order, dtypes and the named index.

Kept in the store (semap.stats.cache), so it is text any SQL store holds and nothing is executed on reading it
(no pickle). Floats go through Python's repr, which reads back to the same double.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

FORMAT = 2  # bumped when a table changes (2: every district and dong, zeros included): older ones are recomputed


def _plain(value: Any) -> Any:
    """A JSON value for one cell: numpy scalars as Python numbers, missing values as null."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def frame_to_text(frame: pd.DataFrame) -> str:
    named_index = [name for name in frame.index.names if name is not None]
    flat = frame.reset_index() if named_index else frame.reset_index(drop=True)
    return json.dumps(
        {
            "format": FORMAT,
            "index": named_index,
            "columns": [str(c) for c in flat.columns],
            "dtypes": [str(t) for t in flat.dtypes],
            "rows": [[_plain(v) for v in row] for row in flat.itertuples(index=False, name=None)],
        },
        ensure_ascii=False,
        allow_nan=False,
    )


def frame_from_text(text: str) -> pd.DataFrame | None:
    """The table, or None when the text is of another format (it is then recomputed)."""
    body = json.loads(text)
    if body.get("format") != FORMAT:
        return None
    frame = pd.DataFrame(body["rows"], columns=body["columns"])
    for column, dtype in zip(body["columns"], body["dtypes"], strict=True):
        frame[column] = frame[column].astype(dtype)
    return frame.set_index(body["index"]) if body["index"] else frame
