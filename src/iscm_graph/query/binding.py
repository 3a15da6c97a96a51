"""Bound parameters as a VALUES block at the start of the query's WHERE group.

Both stores bind this way. pyoxigraph's own `substitutions` are applied after its planner has chosen
the join order, so a query about one entity was planned as if the entity were unknown: it scanned
every membership of the graph and got slower as unrelated data grew (bench/per_query.py). A VALUES
block is part of the query the planner sees. The values are RDF terms written by the RDF library's
serialiser (IRIs checked, literals escaped), never the raw input pasted into the text."""
from __future__ import annotations

import re

from iscm_graph.errors import QueryError
from iscm_graph.query.guard import _LEXICAL


def where_position(text: str) -> int | None:
    """Where the WHERE group's body starts (just after its brace), or None when the query has none.
    Strings, IRIs and comments are blanked first, so a brace inside them is never taken."""
    bare = _LEXICAL.sub(lambda m: " " * len(m.group(0)), text)
    m = re.search(r"\bWHERE\s*\{", bare, re.IGNORECASE) or re.search(r"\{", bare)
    return m.end() if m else None


def values_block(bindings: dict, write_term) -> str:
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"invalid parameter name {name!r}")
    return ("VALUES (" + " ".join("?" + n for n in names) + ") { ("
            + " ".join(write_term(bindings[n]) for n in names) + ") } ")


def inject_values(text: str, bindings: dict, write_term, at: int | None = None) -> str:
    """`text` with the VALUES block at `at` (where_position(text) when the caller has not found it)."""
    at = where_position(text) if at is None else at
    if at is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return text[:at] + " " + values_block(bindings, write_term) + text[at:]
