"""Query results as text: SPARQL 1.1 JSON/CSV/TSV (pyoxigraph's writers) or an aligned table."""
from __future__ import annotations

import pyoxigraph as ox

from iscm_graph.namespaces import PREFIXES
from iscm_graph.rdf.formats import graph_format, result_format



def _compact(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


def table(results) -> str:
    if isinstance(results, ox.QueryBoolean):
        return "true" if bool(results) else "false"
    if isinstance(results, (ox.QueryTriples, list)):
        return "\n".join(" ".join(_compact(t) for t in (tr.subject, tr.predicate, tr.object)) + " ."
                         for tr in results)
    names = [v.value for v in results.variables]
    rows = [[_compact(sol[n]) for n in names] for sol in results]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def render(results, fmt: str) -> str:
    if isinstance(results, (ox.QueryTriples, list)):
        # CONSTRUCT/DESCRIBE: JSON-LD for json, N-Triples for the tabular formats, Turtle to read.
        rdf = graph_format({"json": "jsonld", "csv": "nt", "tsv": "nt"}.get(fmt, "turtle")).engine
        return ox.serialize(results, format=rdf, prefixes=PREFIXES if rdf == ox.RdfFormat.TURTLE
                            else None).decode("utf-8")
    if fmt == "table":
        return table(results)
    return results.serialize(format=result_format(fmt).engine).decode("utf-8")
