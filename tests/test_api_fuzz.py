"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis), bounded in size.

Every operation gets generated requests; the checks are schemathesis's own: no server error, responses that
match their documented status codes, content types, headers and schemas, and malformed input rejected.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from semap.api.app import create_app
from semap.pipeline.build import build
from semap.settings import GeodataSettings
from semap.stats import cache
from semap.stats.tables import CountBy, Level, LqBy, counts_table, lq_table
from semap.store import Store, open_store
from tests.conftest import BACKENDS, _store_settings

EXAMPLES_PER_OPERATION = 15


def warm_statistics(store: Store) -> None:
    for level in Level:
        for by in LqBy:
            lq_table(store, by, level)
        for count_by in CountBy:
            counts_table(store, count_by, level)


@pytest.fixture(params=BACKENDS)
def fuzzed_store(request: pytest.FixtureRequest, geodata_settings: GeodataSettings, tmp_path) -> Iterator[Store]:
    """A store built for this test alone: generated requests include writes (reports, requests for edit links), and
    the session's built store is shared by other tests that must find it as built."""
    store = open_store(_store_settings(request.param, request, tmp_path))
    build(store, geodata_settings)
    yield store
    store.close()


def test_api_holds_its_contract(fuzzed_store: Store) -> None:
    cache.computations.clear()  # earlier tests of this process counted their own stores
    warm_statistics(fuzzed_store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(fuzzed_store))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case) -> None:
            case.call_and_validate()  # every check, positive data acceptance included

        check()

    # No request recomputes what an earlier one computed: statistics are computed once per data version and read
    # after that, whatever parameters the generated requests combine (a count, not a clock: the machine may be busy).
    again = {key[0]: n for key, n in cache.computations.items() if n > 1}
    assert not again, f"statistics tables computed more than once: {again}"
