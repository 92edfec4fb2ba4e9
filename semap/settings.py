"""Settings per concern, read from the environment (prefix ``SEMAP_``) with pydantic-settings."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from semap.errors import ConfigError
from semap.resources import PACKAGE_DATA_DIR

# A CSP host-source naming one site (or its subdomains): no paths, no keywords, no bare "*".
FRAME_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?/?")


class StoreSettings(BaseSettings):
    """Where SeMap keeps its data: PostGIS when a URL is given, else an embedded DuckDB file."""

    model_config = SettingsConfigDict(env_prefix="SEMAP_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="postgresql+psycopg://user@host:port/db for PostGIS; unset for the embedded DuckDB store",
    )
    data_dir: Path = Field(default=Path("data"), description="downloads, the embedded store and reports")
    db_connections: int = Field(
        default=15,
        ge=3,
        description="PostGIS: the most connections one SeMap process holds (its share of max_connections, see the "
        "README's connection budget): a third (at least 2) read plain tiles and pages on the event loop, the rest "
        "serve everything else",
    )
    work_at_once: int | None = Field(
        default=None,
        ge=1,
        description="answers a server computes from the store at once; the others queue. Default: the engine's "
        "connections on PostGIS, twice the cores on the embedded store",
    )
    db_wait_s: float = Field(
        default=60.0,
        ge=0,
        description="how long `semap build` and `semap serve` wait for PostGIS to accept connections (docker compose "
        "starts the app and the database together), retrying with a growing pause",
    )
    queue_timeout_s: float = Field(
        default=4.0,
        gt=0,
        description="how long a request waits for its turn (or a PostGIS connection) before it is answered 503 "
        "with Retry-After",
    )
    data_version_ttl_s: float = Field(
        default=1.0,
        ge=0,
        description="PostGIS: how long a server trusts the data version it read before asking again; another "
        "process's build reaches cached answers within this time (this process's own edits at once)",
    )

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, url: str | None) -> str | None:
        if not url:
            return None
        if url.startswith(("postgresql+psycopg://", "postgresql://", "postgres://", "duckdb:///")):
            return url
        raise ValueError(
            f"SEMAP_DATABASE_URL={url!r} is not supported: use postgresql+psycopg://user@host:port/db "
            "for PostGIS, duckdb:///path/file.duckdb, or leave it unset for the embedded store"
        )

    @property
    def embedded_path(self) -> Path:
        if self.database_url and self.database_url.startswith("duckdb:///"):
            return Path(self.database_url.removeprefix("duckdb:///"))
        return self.data_dir / "semap.duckdb"

    @property
    def reader_connections(self) -> int:
        """The event-loop reader's share of the connection budget."""
        return max(2, self.db_connections // 3)

    @property
    def engine_connections(self) -> int:
        return self.db_connections - self.reader_connections

    @property
    def is_postgis(self) -> bool:
        return self.database_url is not None and not self.database_url.startswith("duckdb:///")


class GeodataSettings(BaseSettings):
    """Where source files come from and where the committed manifests live."""

    model_config = SettingsConfigDict(env_prefix="SEMAP_", extra="ignore")

    geodata_mirror: Path | None = Field(
        default=None, description="a local folder holding source files (<source dir>/<file>) instead of downloading"
    )
    geodata_dir: Path = Field(default=PACKAGE_DATA_DIR, description="the source manifest and shipped data")
    data_dir: Path = Path("data")
    download_timeout_s: float = 60.0
    registries: Path = Field(
        default=PACKAGE_DATA_DIR / "demo" / "registries.toml", description="manifest of the registries to ingest"
    )
    juso_month: str | None = Field(
        default=None, description="YYYYMM: build the address database from that month's juso.go.kr 위치정보요약DB zip"
    )
    juso_url: str | None = Field(default=None, description="where monthly juso zips are downloaded from")
    study_area: str = Field(default="서울특별시", description="rows of registries in another 시도 are not loaded")
    shrink_threshold: float = Field(
        default=0.2, ge=0, le=1, description="a build that would serve this share fewer records stops"
    )
    build_niceness: int = Field(
        default=19,
        ge=0,
        le=19,
        description="`semap build` lowers its CPU priority by this much (nice): on the serving machine a rebuild "
        "takes the cores the server leaves, not those its requests need (0: as any process)",
    )

    @property
    def download_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


class ApiSettings(BaseSettings):
    """How the HTTP service listens and whom it lets in."""

    model_config = SettingsConfigDict(env_prefix="SEMAP_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = Field(default_factory=list)
    frame_ancestors: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="the sites that may show the embedded map (/embed) in a frame, as origins separated by commas "
        "or spaces, e.g. https://www.songpa.go.kr, https://*.seoul.go.kr; every other page may be framed only by "
        "SeMap itself (CSP frame-ancestors 'self')",
    )
    response_cache_mb: int = Field(
        default=64, ge=0, description="memory for tiles, exports, pages and tables per data version; 0: none"
    )
    telemetry: bool = Field(
        default=False,
        description="FastAPI's OpenTelemetry traces, metrics and logs of each request, to a provider the operator "
        "configures; off, FastAPI skips a check that cost about a quarter of a cached tile's CPU",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="server processes `semap serve` starts (uvicorn workers); each has its own memory cache and "
        "queue, and the per-address limits are shared out among them",
    )
    warm_pages: bool = Field(
        default=True,
        description="render the map page while the server starts (its map by a child process: Folium and pandas "
        "never load in the server) and compute the statistics a build did not prepare, so the first visitor waits "
        "for neither; off for a server of tiles and data only",
    )
    prime_answers: int = Field(
        default=64,
        ge=0,
        description="how many of the most-asked public answers the server makes for new data another process "
        "swapped into the embedded store, before serving them (at most 10 s); 0: each is made when first asked",
    )
    tiles_ahead_mb: int = Field(
        default=32,
        ge=0,
        description="memory for the embedded store's vector tiles rendered ahead, all of a zoom at once, when the "
        "server is first asked for a tile of a data version (the demo's z10-z16: 1.6 MB, under a second); zooms "
        "are rendered from the highest down while they fit; 0: each tile made when first asked (PostGIS always)",
    )
    tiles_ahead_zooms: tuple[int, int] = Field(
        default=(10, 16), description="the lowest and highest zoom of the tiles rendered ahead, e.g. [10, 16]"
    )
    records_ahead: int = Field(
        default=20_000,
        ge=0,
        description="the embedded store: read both layers' public records once per data version, when the server is "
        "first asked for a plain page of them, and cut the pages a map and a list ask for (district, bbox, limit, "
        "offset, properties) from memory, while the layers hold at most this many records (the demo: 2,426 records, "
        "5.5 MB: about 2.3 KB a record); 0: every page read from the store (PostGIS always)",
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated addresses or networks (10.0.0.0/8) of the reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; default none: the connection's peer is the client",
    )

    @field_validator("frame_ancestors", mode="before")
    @classmethod
    def _origins(cls, value: object) -> list[str]:
        if isinstance(value, str) and value.strip().startswith("["):
            value = json.loads(value)  # the JSON list pydantic-settings reads for other list settings
        items = re.split(r"[\s,]+", value) if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        origins = []
        for item in (str(i).strip() for i in items):
            if item in ("", "'self'"):  # SeMap itself may always frame its pages
                continue
            if not FRAME_ORIGIN.fullmatch(item):
                raise ValueError(
                    f"SEMAP_FRAME_ANCESTORS: {item!r} is not a site's origin "
                    "(scheme://host[:port], e.g. https://www.songpa.go.kr or https://*.seoul.go.kr)"
                )
            origins.append(item.rstrip("/"))
        return origins

    @field_validator("tiles_ahead_zooms")
    @classmethod
    def _zoom_range(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 0 <= low <= high <= 22:
            raise ValueError(f"SEMAP_TILES_AHEAD_ZOOMS: {list(value)} is not [lowest, highest] within 0..22")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for item in (part.strip() for part in value.split(",")):
            if item:
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(
                        f"SEMAP_TRUSTED_PROXIES: {item!r} is not an IP address or network (e.g. 10.0.0.2, 10.0.0.0/8)"
                    ) from None
        return value

    def forwarding(self) -> dict[str, Any]:
        """uvicorn's options for forwarded headers: believed from the trusted proxies only (uvicorn's own default
        believes any process on the machine, which let a client choose its address for the rate limits)."""
        proxies = [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]
        return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies}


SettingsT = TypeVar("SettingsT", bound=BaseSettings)


def load(cls: type[SettingsT]) -> SettingsT:
    """Instantiate settings, turning a validation failure into one clear line."""
    try:
        return cls()
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        errors: list[dict[str, object]] = getattr(exc, "errors", lambda: [])()
        message = "; ".join(str(e.get("msg", e)) for e in errors) or str(exc)
        raise ConfigError(message.removeprefix("Value error, ")) from None


class GeocodeSettings(BaseSettings):
    """Which geocoders run, in order, and their keys. Online providers are off unless named here."""

    model_config = SettingsConfigDict(env_prefix="SEMAP_", extra="ignore")

    geocoders: str = Field(
        default="offline,legal_dong,offline_road",
        description="in order, comma-separated: offline (building/lot, juso entrances), kakao, vworld, nominatim, "
        "legal_dong (kozip + NGII legal dongs), offline_road (nearest real entrance on the road)",
    )
    kakao_api_key: str | None = None
    kakao_url: str = "https://dapi.kakao.com"
    vworld_api_key: str | None = None
    vworld_url: str = "https://api.vworld.kr"
    nominatim_url: str = "https://nominatim.openstreetmap.org"
    nominatim_user_agent: str = "semap (https://github.com/semap)"
    geocode_timeout_s: float = 10.0
    geocode_min_interval_s: float = 0.1
    nominatim_min_interval_s: float = 1.0

    @property
    def names(self) -> list[str]:
        return [n.strip() for n in self.geocoders.split(",") if n.strip()]


class MapSettings(BaseSettings):
    """The citizen map's base map. Empty SEMAP_BASEMAP_URL: no base map (data layers only, for closed networks)."""

    model_config = SettingsConfigDict(env_prefix="SEMAP_", extra="ignore")

    basemap_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    basemap_attribution: str = "&copy; OpenStreetMap contributors"
    public_url: str = Field(
        default="http://localhost:8000", description="where SeMap is reached: printed maps' QR codes link there"
    )
    stale_after_months: int = Field(
        default=24,
        ge=1,
        description="a marker is drawn faded when its record was not confirmed in this many months before the data "
        "date (and only when that sets some records apart from others)",
    )

    @property
    def public_url_is_local(self) -> bool:
        """Whether the public address only works on this computer (the default): a printed QR code would lead
        nowhere."""
        host = (urlsplit(self.public_url).hostname or "").lower()
        if host == "localhost" or host.endswith(".localhost"):
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return address.is_loopback or address.is_unspecified


class AccessSettings(BaseSettings):
    """Accounts, edit links and the e-mail that carries them."""

    model_config = SettingsConfigDict(env_prefix="SEMAP_", extra="ignore")

    secret_key: str | None = Field(
        default=None, description="signs owners' edit links; unset: one is generated once and kept with the data"
    )
    smtp_host: str | None = Field(default=None, description="unset: e-mails are printed, not sent")
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "SeMap <semap@localhost>"
    login_attempts_per_minute: int = Field(default=10, description="per client address, before 429")
    reports_per_hour: int = Field(default=10, description="problem reports per client address, before 429")
    upload_max_kb: int = Field(
        default=2048, ge=1, description="the largest survey file a coordinator may upload (KiB), before 413"
    )


class PublicationSettings(BaseSettings):
    """Who publishes the data and under which licence: the dataset description (JSON-LD) of the map's home page and
    of the OGC API, and each collection's licence link."""

    model_config = SettingsConfigDict(env_prefix="SEMAP_", extra="ignore")

    publisher: str = Field(default="서울시 사회적경제지원센터 (Seoul Social Economy Support Center)")
    publisher_url: str | None = Field(default=None, description="the publisher's own site, if any")
    data_licence: str = Field(default="KOGL Type 1 (공공누리 제1유형: 출처표시 / attribution)")
    data_licence_url: str = Field(default="https://www.kogl.or.kr/info/licenseType1.do")
