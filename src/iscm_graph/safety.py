"""What a public, read-only endpoint refuses before a query reaches the engine.

pyoxigraph evaluates SERVICE by opening HTTP connections and offers no switch to turn that off, so
federated queries are refused here. SPARQL allows \\u escapes anywhere in the query text (they are
decoded before parsing), so the check decodes them first, then looks at the query with its
strings, IRIs and comments blanked out, so that a literal "SERVICE" in a string is not refused.
"""
from __future__ import annotations

import re

from .errors import QueryError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>" r"|#[^\n]*")
_FORBIDDEN = re.compile(r"\b(SERVICE|LOAD)\b", re.IGNORECASE)


def decode_escapes(text: str) -> str:
    def repl(m):
        code = int(m.group(1) or m.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            raise QueryError(f"invalid escape sequence {m.group(0)!r}") from None
    return _ESCAPE.sub(repl, text)


def check_query(text: str) -> None:
    """Raise QueryError if the query would make the server reach outside its build."""
    bare = _LEXICAL.sub(" ", decode_escapes(text))
    m = _FORBIDDEN.search(bare)
    if m:
        raise QueryError(f"{m.group(1).upper()} is not allowed on this endpoint: it answers from its "
                         "own data only and never opens connections or files")
