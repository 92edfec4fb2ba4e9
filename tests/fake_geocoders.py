"""Loopback HTTP servers that answer like Kakao Local, VWorld and Nominatim, including their failure modes.

A test picks the behaviour by the address it sends: the fake looks for a marker in the query text.
"""

from __future__ import annotations

import http.server
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import orjson

from tests.loopback import serving

KNOWN = {"서울특별시 중구 세종대로 110": (126.97797, 37.56654)}  # 서울특별시청
# Road names a test uses to choose a failure (no real road has these names).
UNAUTHORIZED, THROTTLED, SLOW, MALFORMED, BROKEN, FLAKY = (
    "인증실패로",
    "한도초과로",
    "지연로",
    "깨진응답로",
    "서버오류로",
    "가끔실패로",
)
SLOW_SECONDS = 2.0


class _Handler(http.server.BaseHTTPRequestHandler):
    requests: list[str]  # set per server
    flaky_left: dict[str, int]

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        text = query.get("query") or query.get("address") or query.get("q") or ""
        self.requests.append(text)
        if SLOW in text:
            time.sleep(SLOW_SECONDS)
        if BROKEN in text:
            return self._send(500, b"internal error", "text/plain")
        if FLAKY in text and self.flaky_left.get(text, 1) > 0:
            self.flaky_left[text] = 0
            return self._send(503, b"try later", "text/plain")
        if MALFORMED in text:
            return self._send(200, b"{not json")
        if url.path.startswith("/v2/local"):
            return self._kakao(text)
        if url.path.startswith("/req/address"):
            return self._vworld(text, query)
        if url.path.startswith("/search"):
            return self._nominatim(text)
        self._send(404, b"{}")

    def _kakao(self, text: str) -> None:
        if UNAUTHORIZED in text or self.headers.get("Authorization") != "KakaoAK test-key":
            return self._send(401, b'{"errorType":"AccessDeniedError","message":"cannot find appkey"}')
        if THROTTLED in text:
            return self._send(429, b'{"errorType":"RequestThrottled","message":"API limit has been exceeded."}')
        documents = []
        if text in KNOWN or FLAKY in text:
            lon, lat = KNOWN.get(text, (126.9, 37.5))
            documents.append(
                {"address_name": text, "address_type": "ROAD_ADDR", "x": str(lon), "y": str(lat), "road_address": {}}
            )
        meta = {"total_count": len(documents), "pageable_count": len(documents), "is_end": True}
        self._send(200, orjson.dumps({"meta": meta, "documents": documents}))

    def _vworld(self, text: str, query: dict[str, str]) -> None:
        status, extra = "NOT_FOUND", {}
        if UNAUTHORIZED in text or query.get("key") != "test-key":
            status, extra = "ERROR", {"error": {"level": "1", "code": "INVALID_KEY", "text": "등록되지 않은 인증키"}}
        elif THROTTLED in text:
            status, extra = "ERROR", {"error": {"level": "1", "code": "OVER_REQUEST_LIMIT", "text": "한도 초과"}}
        elif text in KNOWN or FLAKY in text:
            lon, lat = KNOWN.get(text, (126.9, 37.5))
            status = "OK"
            extra = {"refined": {"text": text}, "result": {"crs": "EPSG:4326", "point": {"x": str(lon), "y": str(lat)}}}
        body = {"response": {"service": {"name": "address", "operation": "getcoord"}, "status": status, **extra}}
        self._send(200, orjson.dumps(body))

    def _nominatim(self, text: str) -> None:
        if UNAUTHORIZED in text:
            return self._send(403, b"<html>Access blocked</html>", "text/html")
        if THROTTLED in text:
            return self._send(429, b"<html>Too many requests</html>", "text/html")
        results = []
        if text in KNOWN or FLAKY in text:
            lon, lat = KNOWN.get(text, (126.9, 37.5))
            results.append(
                {
                    "place_id": 1,
                    "lat": str(lat),
                    "lon": str(lon),
                    "display_name": text,
                    "class": "building",
                    "type": "yes",
                    "addresstype": "building",
                    "importance": 0.5,
                }
            )
        self._send(200, orjson.dumps(results))


@contextmanager
def fake_geocoder_server() -> Iterator[tuple[str, list[str]]]:
    """(base URL, list of query texts received)."""
    requests: list[str] = []
    handler = type("Handler", (_Handler,), {"requests": requests, "flaky_left": {}})
    with serving(handler) as url:
        yield url, requests
