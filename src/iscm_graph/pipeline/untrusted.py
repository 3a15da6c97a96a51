"""Checks a file must pass before an RDF parser reads it, because the parsers trust their input:
rdflib's RDF/XML parser expands XML entities (a "billion laughs" file grows without bound; an external
entity reads a file or URL), and its JSON-LD parser fetches remote contexts over the network. Files
that would do either are refused with a message naming the file and the place; nothing is fetched."""
from __future__ import annotations

import json
import re
from pathlib import Path

from iscm_graph.errors import DataError

MAX_FILE_BYTES = 64 * 1024 * 1024
# file suffix -> rdflib parser name
FORMATS = {".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld", ".ttl": "turtle", ".nt": "nt",
           ".rdf": "xml", ".owl": "xml", ".xml": "xml"}
# the parsers whose files hold triples only (no graph names)
TRIPLE_FORMATS = {"turtle", "nt", "xml"}
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\b(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _remote_contexts(node, where: str = "$"):
    """Yield (JSON path, reference) for every context the document would fetch."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for i, ctx in enumerate(value if isinstance(value, list) else [value]):
                    if isinstance(ctx, str):
                        yield f"{where}.@context", ctx
                    elif isinstance(ctx, dict) and "@import" in ctx:
                        yield f"{where}.@context[{i}].@import", str(ctx["@import"])
            yield from _remote_contexts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _remote_contexts(item, f"{where}[{i}]")


def check_file(path: Path, fmt: str) -> None:
    """Raise DataError if parsing `path` as `fmt` could expand entities, read or fetch anything."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(f"{path}: {size} bytes, more than the {MAX_FILE_BYTES} a source file may have")
    if fmt == "xml":
        data = path.read_bytes()
        m = _ENTITY.search(data)
        if m:
            raise DataError(f"{path}: line {_line(data, m.start())}: declares an XML entity (<!ENTITY ...>); "
                            "entity declarations are refused: they can expand without bound or read files "
                            "and URLs")
        m = _EXTERNAL_DTD.search(data)
        if m:
            raise DataError(f"{path}: line {_line(data, m.start())}: refers to an external DTD; "
                            "it is not read: remove the DOCTYPE")
    elif fmt == "json-ld":
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
        except RecursionError:
            raise DataError(f"{path}: JSON nested too deeply") from None
        except ValueError as exc:
            raise DataError(f"{path}: not valid JSON: {exc}") from None
        try:
            remote = next(_remote_contexts(document), None)
        except RecursionError:
            raise DataError(f"{path}: JSON nested too deeply") from None
        if remote:
            raise DataError(f"{path}: {remote[0]}: refers to the context {remote[1]!r}, which would be "
                            "fetched; remote JSON-LD contexts are refused: put the context in the file")
