"""The most-asked answers made for new data (semap.api.priming): what is counted, and one failing answer does not
stop the others being made."""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive, Scope, Send

from semap.api.priming import AskedAnswers, AskedRequest, prime


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> Scope:
    return {"scheme": "http", "server": ("testserver", 80), "path": path, "query_string": b"", "headers": headers}


def test_the_most_asked_are_counted_and_a_signed_in_request_never() -> None:
    asked = AskedAnswers(capacity=3)
    for path, times in (("/a", 3), ("/b", 1), ("/c", 2)):
        for _ in range(times):
            asked.record(path, _scope(path, [(b"host", b"testserver"), (b"user-agent", b"x")]))
    asked.record("/private", _scope("/private", [(b"cookie", b"semap_session=someone")]))
    assert [r.path for r in asked.most_asked(2)] == ["/a", "/c"]
    assert asked.most_asked(5)[0].headers == ((b"host", b"testserver"),)  # only what an answer depends on
    asked.record("/d", _scope("/d", []))  # full: the counts halve, those asked once are forgotten
    assert sorted(r.path for r in asked.most_asked(5)) == ["/a", "/c", "/d"]


def test_one_failing_answer_leaves_the_others_to_make() -> None:
    made: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/fails":
            raise RuntimeError("a route's bug")
        made.append(scope["path"])
        start: Message = {"type": "http.response.start", "status": 200, "headers": []}
        await send(start)
        await send({"type": "http.response.body", "body": b"ok"})

    requests = [AskedRequest("http", None, path, b"", ()) for path in ("/fails", "/a", "/b")]
    assert asyncio.run(prime(app, requests)) == 2
    assert made == ["/a", "/b"]
