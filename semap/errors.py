"""One tree of SeMap errors. The API maps these to HTTP statuses in one place (semap.api.errors)."""

from __future__ import annotations


class SemapError(Exception):
    """Base of every error SeMap raises on purpose; its message is meant for a person."""


class InternalError(SemapError):
    """Something SeMap did not expect (a bug): the server logs it and answers 500 in the one error shape."""


class ConfigError(SemapError):
    """A setting is missing or malformed."""


class StoreUnavailable(SemapError):
    """The configured database cannot be reached or is not usable (e.g. no PostGIS extension). A server answers
    503, with Retry-After when it is worth trying again (``retry_after_s``: a database that refused a connection)."""

    def __init__(self, message: str, retry_after_s: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.transient = transient  # worth waiting for: not listening yet, starting up, full


class StoreBusy(StoreUnavailable):
    """The store is at capacity (the queue for it was too long, or the database refuses more connections): try
    again shortly. Answered 503 with Retry-After."""

    def __init__(self, message: str, retry_after_s: int = 2) -> None:
        super().__init__(message, retry_after_s, transient=True)


class StoreNotBuilt(SemapError):
    """The store holds no data yet: run `semap build`."""


class BuildInProgress(SemapError):
    """Another `semap build` is writing the same store."""


class BuildRefused(SemapError):
    """A build would lose served data (a registry rejected whole, or a dataset shrinking past the threshold)."""


class GeodataError(SemapError):
    """A source file could not be fetched, verified or read."""


class ChecksumMismatch(GeodataError):
    """A source file's sha256 differs from the manifest."""


class NotFound(SemapError):
    """A requested object does not exist."""


class PrintFailed(SemapError):
    """A print-ready map could not be drawn or written (never the data's fault: their text is drawn as text)."""


class InvalidParameter(SemapError):
    """A request parameter is out of range or malformed."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class GeocoderError(SemapError):
    """A geocoding provider failed (not: found nothing, which is a None result)."""


class GeocoderAuthenticationFailed(GeocoderError):
    """The provider refused the API key (HTTP 401/403 or its own error code)."""


class GeocoderQuotaExceeded(GeocoderError):
    """The provider's rate limit or quota is exhausted (HTTP 429 or its own error code)."""


class GeocoderTimedOut(GeocoderError):
    """The provider did not answer in time."""


class GeocoderUnavailable(GeocoderError):
    """The provider could not be reached or answered with a server error."""


class GeocoderParseError(GeocoderError):
    """The provider's answer was not what its API documents (malformed JSON, missing fields)."""


class Forbidden(SemapError):
    """The person may not do this (another district's or another organization's record)."""


class NotSignedIn(Forbidden):
    """The request needs a coordinator's or admin's session and has none (a page asks them to sign in; a form
    post or an API call is refused with 403: a cookie session has no WWW-Authenticate challenge for a 401)."""


class LinkInvalid(Forbidden):
    """An owner's edit link is expired, revoked, tampered with or for another purpose."""


class RateLimited(SemapError):
    """Too many attempts (logins, problem reports) in a short time."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class MailNotSent(SemapError):
    """The mail server could not be reached or refused a message; ``sent`` messages went out before it failed."""

    def __init__(self, message: str, sent: int = 0) -> None:
        super().__init__(message)
        self.sent = sent


class Conflict(SemapError):
    """The request answers something already answered (a proposal approved twice)."""


class UploadTooLarge(SemapError):
    """An uploaded file is larger than SeMap takes (answered 413)."""


class UnreadableUpload(SemapError):
    """An uploaded file is not one SeMap reads: not CSV or XLSX by its bytes, empty, or no header row (400)."""
