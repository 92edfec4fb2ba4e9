"""What every command needs: settings and the store, opened once per command.

Imported inside the functions: pydantic-settings takes most of a cold start, and `semap --help` needs none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semap.settings import GeodataSettings, StoreSettings
    from semap.store import Store


def store_settings() -> StoreSettings:
    from semap.settings import StoreSettings, load

    return load(StoreSettings)


def geodata_settings() -> GeodataSettings:
    from semap.settings import GeodataSettings, load

    return load(GeodataSettings)


def opened_store(wait: bool = False) -> Store:
    """The configured store. ``wait``: a database that does not accept connections yet is retried with a growing
    pause (0.5 s, 1 s, 2 s … at most 5 s) for up to SEMAP_DB_WAIT_S, each attempt said on stderr; a lasting
    failure (a wrong password, no such database) is reported at once."""
    from semap.store import open_store

    settings = store_settings()
    if not wait or not settings.is_postgis or settings.db_wait_s <= 0:
        return open_store(settings)
    import typer
    from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_delay, wait_exponential

    from semap.errors import StoreUnavailable

    def say(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        typer.echo(f"semap: waiting for the database ({failure}); up to {settings.db_wait_s:g} s", err=True)

    try:
        for attempt in Retrying(
            retry=retry_if_exception(lambda exc: isinstance(exc, StoreUnavailable) and exc.transient),
            stop=stop_after_delay(settings.db_wait_s),
            wait=wait_exponential(multiplier=0.5, max=5),
            before_sleep=say,
            reraise=True,
        ):
            with attempt:
                return open_store(settings)
    except StoreUnavailable as exc:
        if not exc.transient:
            raise
        raise StoreUnavailable(f"{exc} (waited {settings.db_wait_s:g} s: SEMAP_DB_WAIT_S)") from None
    raise AssertionError("unreachable: tenacity returns or raises")
