"""The small part of CQL2 text SeMap reads (OGC API – Features Part 3's ``filter``): a property equal to a literal,
conditions joined by AND, in parentheses or not — ``type = '협동조합' AND (category = '교육·학원')``. Anything else
is refused with a message that says so, never guessed at."""

from __future__ import annotations

import re

from semap.errors import InvalidParameter

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*|"[^"]+")
      | (?P<symbol>[()=])
    )""",
    re.VERBOSE,
)
SUPPORTED = "only equality of a property and a literal, joined by AND (e.g. type = '협동조합' AND status = 'operating')"


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise InvalidParameter("filter", f"cannot read {text[position : position + 20]!r}: {SUPPORTED}")
        kind = match.lastgroup or ""
        tokens.append((kind, match[kind]))
        position = match.end()
    return tokens


def equalities(text: str) -> list[tuple[str, str]]:
    """(property, value) pairs a CQL2 text filter of equalities joined by AND states, in its order."""
    tokens = _tokens(text)
    pairs: list[tuple[str, str]] = []
    position = 0

    def take(kind: str, value: str | None = None) -> str:
        nonlocal position
        if position >= len(tokens) or tokens[position][0] != kind or value not in (None, tokens[position][1]):
            raise InvalidParameter("filter", SUPPORTED)
        position += 1
        return tokens[position - 1][1]

    def condition() -> None:
        if position < len(tokens) and tokens[position] == ("symbol", "("):
            take("symbol", "(")
            conjunction()
            take("symbol", ")")
            return
        name = take("name").strip('"')
        take("symbol", "=")
        kind = tokens[position][0] if position < len(tokens) else ""
        literal = take(kind if kind in ("string", "number") else "string")
        pairs.append((name, literal[1:-1].replace("''", "'") if kind == "string" else literal))

    def conjunction() -> None:
        condition()
        while position < len(tokens) and tokens[position][0] == "name" and tokens[position][1].upper() == "AND":
            take("name")
            condition()

    conjunction()
    if position != len(tokens):
        raise InvalidParameter("filter", SUPPORTED)
    return pairs
