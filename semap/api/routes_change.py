"""Change between registry releases: the releases a store remembers, per-district flows and counts with each
release's LQ, and the organizations behind them."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.routes_stats import FormatQuery
from semap.api.tables import TABLE_DOC, table_response
from semap.formats import TableFormat
from semap.stats.kinds import ChangeBy
from semap.store import Store

if TYPE_CHECKING:
    import pandas as pd

router = APIRouter(prefix="/api/v1/stats", tags=["statistics"], responses=ERROR_RESPONSES)
StoreDep = Annotated[Store, Depends(get_store)]
AS_OF = r"^\d{4}-\d{2}-\d{2}$"
FromQuery = Annotated[
    str | None,
    Query(alias="from", pattern=AS_OF, description="the earlier release's as_of (default: the second newest)"),
]
ToQuery = Annotated[str | None, Query(pattern=AS_OF, description="the later release's as_of (default: the newest)")]
METHOD = (
    "Entries, exits and moves are kept apart, because a registry's coverage changing looks like growth: an "
    "organization in the later release only entered, in the earlier only exited; one in both (by its stable id, "
    "or, when a new address gave it a new id, by its business number or else its normalized name, each unique) "
    "in another district moved. Both releases on one boundary vintage (the column `boundaries`)."
)


@dataclass(frozen=True)
class ReleasePair:
    as_of_from: str | None
    as_of_to: str | None
    by: ChangeBy

    def chosen(self, store: Store) -> tuple[str, str]:
        """The two releases compared (the two newest unless named); refused when there are no such two."""
        from_, to, _ = _tables().chosen_releases(store, self.as_of_from, self.as_of_to)
        return from_, to


def release_pair(
    as_of_from: FromQuery = None,
    to: ToQuery = None,
    by: Annotated[ChangeBy, Query(description="per district, or per district × type or industry (with LQs)")] = (
        ChangeBy.all
    ),
) -> ReleasePair:
    return ReleasePair(as_of_from, to, by)


PairDep = Annotated[ReleasePair, Depends(release_pair)]


def _tables() -> ModuleType:
    from semap.stats import change_tables  # pandas and scipy: loaded by the first request that needs them

    return change_tables


@router.get("/releases", responses=TABLE_DOC, summary="The registry releases this store was built from")
async def releases(request: Request, store: StoreDep, format: FormatQuery = TableFormat.json) -> Response:
    def table() -> pd.DataFrame:
        from semap.stats.queries import releases

        return releases(store).set_index("as_of")

    return await table_response(request, store, table, format, "releases")


CONFLICT_DOC: dict[int | str, dict[str, object]] = {
    **TABLE_DOC,
    409: {"description": "The two releases were placed in different boundaries: change needs one vintage"},
}


@router.get(
    "/change",
    responses=CONFLICT_DOC,
    summary="Change between two releases per district: entered, exited, moved, counts and LQ",
    description=METHOD,
)
async def change(request: Request, store: StoreDep, pair: PairDep, format: FormatQuery = TableFormat.json) -> Response:
    def table() -> pd.DataFrame:
        return _tables().change_table(store, *pair.chosen(store), pair.by).set_index("district_ko")

    names = (pair.as_of_from or "", pair.as_of_to or "", pair.by.value)
    return await table_response(request, store, table, format, "change", *names)


@router.get(
    "/change/records",
    responses=CONFLICT_DOC,
    summary="The organizations behind a change: each one's flow, districts, and when it was first and last seen",
    description=METHOD + " `by` says what a reclassification is of (all: type).",
)
async def change_records(
    request: Request, store: StoreDep, pair: PairDep, format: FormatQuery = TableFormat.json
) -> Response:
    def table() -> pd.DataFrame:
        return _tables().change_records(store, *pair.chosen(store), pair.by).set_index("flow")

    names = (pair.as_of_from or "", pair.as_of_to or "")
    return await table_response(request, store, table, format, "change-records", *names)
