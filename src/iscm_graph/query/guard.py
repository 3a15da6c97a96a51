"""What a public, read-only endpoint refuses before a query reaches the engine.

pyoxigraph evaluates SERVICE by opening HTTP connections and offers no switch to turn that off, so
federated queries are refused here. SPARQL allows \\u escapes anywhere in the query text (they are
decoded before parsing), so the check decodes them first, then looks at the query with its
strings, IRIs and comments blanked out, so that a literal "SERVICE" in a string is not refused.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urljoin, urlsplit

from iscm_graph.errors import QueryError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>" r"|#[^\n]*")
# the keywords, not a variable (?service), a prefixed name (ex:load) or a prefix (service:)
_FORBIDDEN = re.compile(r"(?<![?$:\w-])(SERVICE|LOAD)(?![:\w-])", re.IGNORECASE)
# The engine's parser recurses once per nesting level and crashes its process near a few thousand
# levels; real queries stay far below this.
MAX_NESTING = 64
_OPEN, _CLOSE = set("{(["), set("})]")


def decode_escapes(text: str) -> str:
    def repl(m):
        code = int(m.group(1) or m.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            raise QueryError(f"invalid escape sequence {m.group(0)!r}") from None
    return _ESCAPE.sub(repl, text)


_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_BASE = re.compile(r"\bBASE\s*<([^>]*)>", re.IGNORECASE)
_DATASET = re.compile(r"\bFROM\s+(?:NAMED\s+)?(<[^>]*>|[A-Za-z][\w.-]*:[^\s{}]*|:[^\s{}]*)", re.IGNORECASE)
_SAFE_SCHEMES = ("http", "https", "urn")


def check_graph_name(iri: str, where: str) -> None:
    """A dataset graph (FROM, FROM NAMED, default-graph-uri, named-graph-uri) is only ever a name
    looked up in the build; names that look like files or internal addresses are refused outright,
    so nobody can take them for something the server fetched."""
    parts = urlsplit(iri)
    scheme = parts.scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        raise QueryError(f"{where} <{iri}>: only http(s) and urn graph names are accepted; this endpoint "
                         "never reads files or fetches URLs, it answers from its own data")
    host = (parts.hostname or "").lower()
    try:
        internal = host == "localhost" or host.endswith(".localhost") or (
            bool(host) and not ipaddress.ip_address(host).is_global)
    except ValueError:
        internal = False
    if internal:
        raise QueryError(f"{where} <{iri}>: names an internal address; this endpoint never fetches URLs")


def _dataset_iris(text: str, prefixes: dict) -> list[tuple[str, str]]:
    keep_iris = _LEXICAL.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", text)
    declared = {**prefixes, **{(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(keep_iris)}}
    base = next((m.group(1) for m in _BASE.finditer(keep_iris)), "")
    found = []
    for m in _DATASET.finditer(keep_iris):
        term = m.group(1)
        if term.startswith("<"):
            iri = urljoin(base, term[1:-1]) if base else term[1:-1]
        else:
            prefix, _, local = term.partition(":")
            iri = declared.get(prefix, prefix + ":") + local
        found.append((m.group(0).split()[0].upper() + (" NAMED" if "NAMED" in m.group(0).upper() else ""), iri))
    return found


def check_query(text: str, prefixes: dict | None = None) -> None:
    """Raise QueryError if the query would make the server reach outside its build."""
    decoded = decode_escapes(text)
    for where, iri in _dataset_iris(decoded, prefixes or {}):
        check_graph_name(iri, where)
    bare = _LEXICAL.sub(" ", decoded)
    m = _FORBIDDEN.search(bare)
    if m:
        raise QueryError(f"{m.group(1).upper()} is not allowed on this endpoint: it answers from its "
                         "own data only and never opens connections or files")
    depth = 0
    for i, ch in enumerate(bare):
        if ch in _OPEN:
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"the query nests brackets more than {MAX_NESTING} levels deep "
                                 f"(at character {i + 1})")
        elif ch in _CLOSE:
            depth -= 1
