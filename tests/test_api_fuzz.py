"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis), bounded in size.

Every operation gets generated requests; the checks are schemathesis's own: no server error, responses that
match their documented status codes, content types, headers and schemas, and malformed input rejected.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from semap.api.app import create_app
from semap.stats import cache
from semap.stats.tables import CountBy, Level, LqBy, counts_table, lq_table
from semap.store import Store

EXAMPLES_PER_OPERATION = 15


def warm_statistics(store: Store) -> None:
    for level in Level:
        for by in LqBy:
            lq_table(store, by, level)
        for count_by in CountBy:
            counts_table(store, count_by, level)


def test_api_holds_its_contract(built_store: Store) -> None:
    cache.computations.clear()  # earlier tests of this process counted their own stores
    warm_statistics(built_store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(built_store))
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
