"""Every format the project reads or writes: the one table. Each entry is a pyoxigraph format (which
gives its media type, file extension and W3C format IRI) with the words and other media types people
use for it; the views, the query processes, the command line, export, the dumps, the dataset and
service descriptions all look formats up here and keep no table of their own."""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

HTML = "text/html"
JSON = "application/json"
TEXT = "text/plain"
CSV = "text/csv"
GZIP = "application/gzip"
ZIP = "application/zip"                 # the CSVW tables served with a build
LINK_FORMAT = "application/link-format"   # Memento TimeMaps (RFC 6690 link-format)
JSONLD = "application/ld+json"
XML = "application/xml"                 # the sitemap
SVG = "image/svg+xml"                   # the charts
ATOM = "application/atom+xml"           # the feed of releases
BIBTEX = "application/x-bibtex"         # a release's citation
CSL_JSON = "application/vnd.citationstyles.csl+json"
# what a SPARQL protocol request may send
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Format:
    name: str                                   # the word for `format=`, the command line, file names
    engine: ox.RdfFormat | ox.QueryResultsFormat
    media_aliases: tuple[str, ...] = ()          # other media types answered in this format
    words: tuple[str, ...] = ()                  # other words for `format=`
    eu_file_type: str | None = None              # the EU file-type authority's code (DCAT-AP)

    @property
    def media_type(self) -> str:
        return self.engine.media_type.split(";")[0]

    @property
    def extension(self) -> str:
        return self.engine.file_extension

    @property
    def title(self) -> str:
        return self.engine.name

    @property
    def iri(self) -> str:
        # pyoxigraph names JSON-LD by a data/ IRI; the W3C's list of format IRIs has this one
        return "http://www.w3.org/ns/formats/JSON-LD" if self.engine == ox.RdfFormat.JSON_LD else self.engine.iri

    @property
    def is_graph(self) -> bool:
        return isinstance(self.engine, ox.RdfFormat)

    @property
    def quads(self) -> bool:
        """Written as quads (graph names kept); JSON-LD could, but documents use it for triples."""
        return self.engine in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.media_aliases)


# RDF graphs and datasets, in the order they are offered. Turtle is also valid N3, so N3 clients get
# Turtle under their media type; text/plain is N-Triples' old media type.
GRAPH_FORMATS = (
    Format("turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "text/n3", "text/rdf+n3"), ("ttl",), "RDF_TURTLE"),
    Format("jsonld", ox.RdfFormat.JSON_LD, (), ("json-ld",), "JSON_LD"),
    Format("rdfxml", ox.RdfFormat.RDF_XML, (), ("rdf", "rdf+xml", "xml-rdf"), "RDF_XML"),
    Format("nt", ox.RdfFormat.N_TRIPLES, (TEXT,), ("ntriples",), "RDF_N_TRIPLES"),
    Format("nq", ox.RdfFormat.N_QUADS, (), ("nquads",), "NQUADS"),
    Format("trig", ox.RdfFormat.TRIG, (), (), "TRIG"),
)
# SPARQL SELECT / ASK results
RESULT_FORMATS = (
    Format("json", ox.QueryResultsFormat.JSON, (JSON,), ("srj",)),
    Format("xml", ox.QueryResultsFormat.XML, (XML,), ("srx",)),
    Format("csv", ox.QueryResultsFormat.CSV),
    Format("tsv", ox.QueryResultsFormat.TSV),
)
_BY_MEDIA_TYPE = {mt: f for f in GRAPH_FORMATS + RESULT_FORMATS for mt in f.media_types}
_GRAPH_WORDS = {w: f for f in GRAPH_FORMATS for w in (f.name, f.extension, *f.words)}
_RESULT_WORDS = {w: f for f in RESULT_FORMATS for w in (f.name, f.extension, *f.words)}

GRAPH_TYPES = [mt for f in GRAPH_FORMATS for mt in f.media_types]
RESULT_TYPES = [mt for f in RESULT_FORMATS for mt in f.media_types]
DOCUMENT_TYPES = [HTML] + [f.media_type for f in GRAPH_FORMATS]
# the extensions a document path may end in (/doc/.../x.ttl), and the media type each stands for
EXTENSIONS = {f.extension: f.media_type for f in GRAPH_FORMATS} | {"html": HTML}
# the tables of the browse pages and the query API: word -> media type
TABLE_TYPES = {"html": HTML, "json": JSON, "csv": CSV}


def by_media_type(media_type: str) -> Format:
    return _BY_MEDIA_TYPE[media_type]


def graph_format(word: str) -> Format:
    """A graph format by its name, extension or another word (`turtle`, `ttl`, `nq`, ...)."""
    return _GRAPH_WORDS[word]


def result_format(word: str) -> Format:
    return _RESULT_WORDS[word]


def graph_format_names() -> list[str]:
    return [f.name for f in GRAPH_FORMATS]


def result_format_names() -> list[str]:
    return [f.name for f in RESULT_FORMATS]


def content_type(media_type: str) -> str:
    """The Content-Type header for a media type: text is always UTF-8."""
    return media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")


def _media_type_of_word(word: str) -> str | None:
    word = word.lower()
    if word == "html":
        return HTML
    if word == "n3":             # N3 clients ask by this word and get Turtle as text/n3
        return "text/n3"
    if "/" in word:
        return word
    for table in (_RESULT_WORDS, _GRAPH_WORDS):
        if word in table:
            return table[word].media_type
    return None


def choose(accept, offered: list[str], explicit: str | None = None) -> str | None:
    """The media type to answer with: an explicit `format=` wins, else the Accept header
    (werkzeug's parser, q-values included); None when nothing acceptable is offered."""
    if explicit:
        mt = _media_type_of_word(explicit)
        if mt in offered:
            return mt
        if mt is not None:
            return None          # a format we know (or a media type) that this answer cannot take
        # an unknown word (clients add their own, e.g. SPARQLWrapper's format=n3 on GET): use Accept
    if not accept or not list(accept.values()):
        return offered[0]
    return accept.best_match(offered)


# --- /sparql: one media type per query form ---------------------------------------------------------
# The web worker chooses before the query runs, so it does not know the form: it chooses for each.
# A SELECT takes any results format; an ASK only those that carry a boolean (the CSV and TSV results
# formats define none, and clients read pyoxigraph's bare `true` as a table); a CONSTRUCT or DESCRIBE
# any RDF format. The first of each list is the form's default, what a request without Accept gets:
# SPARQL JSON results, and Turtle for graphs (Fuseki's default RDF format too; Fuseki falls back to
# SPARQL XML results). No RDF format would let roqet 0.9.33 (Debian's rasqal-utils) parse a graph
# it asked for with -p: rasqal's protocol client reads every answer as SPARQL XML results, whatever
# its Content-Type (Turtle gives it an XML parse error, RDF/XML zero rows). roqet reads an
# endpoint's graphs as a data source (`roqet -D URL`), and raptor asks for RDF formats then.
BOOLEAN_TYPES = [mt for f in RESULT_FORMATS if f.name in ("json", "xml") for mt in f.media_types]
# Words of `format=` that mean an RDF format in a graph query: SPARQLWrapper sends format=xml and
# format=json with CONSTRUCT and DESCRIBE and reads RDF/XML and JSON-LD back.
_GRAPH_READINGS = {"xml": "rdfxml", "json": "jsonld"}


def query_media_types(accept, explicit: str | None = None) -> dict[str, str | None]:
    """The media type of a /sparql answer for each query form: `results_type` (SELECT),
    `boolean_type` (ASK), `graph_type` (CONSTRUCT, DESCRIBE); None means 406.

    The fallback rule: when the Accept header (or `format=`) names only formats of another query
    form, the answer takes this form's default, what a request without Accept gets, instead of 406.
    Clients send one Accept for every query: roqet asks for SPARQL XML results alone, rdflib's
    SPARQLStore for results formats alone (returnFormat json, csv, tsv) or for RDF/XML alone
    (returnFormat application/rdf+xml). An Accept naming nothing this endpoint writes (image/png)
    still gets 406."""
    return {"results_type": _for_query_form(accept, explicit, RESULT_TYPES),
            "boolean_type": _for_query_form(accept, explicit, BOOLEAN_TYPES),
            "graph_type": _for_query_form(accept, explicit, GRAPH_TYPES, _GRAPH_READINGS)}


def _for_query_form(accept, explicit, offered: list[str], readings: dict[str, str] | None = None) -> str | None:
    if explicit:
        word = explicit.lower()
        mt = graph_format(readings[word]).media_type if readings and word in readings else _media_type_of_word(word)
        if mt in offered:
            return mt
        if mt in _BY_MEDIA_TYPE:
            return _default(accept, offered)     # a format of another query form
        if mt is not None:
            return None                          # a media type this endpoint never writes
        # an unknown word: Accept decides
    if not accept or not list(accept.values()):
        return offered[0]
    best = accept.best_match(offered)
    if best is None and any(_bare(value) in _BY_MEDIA_TYPE for value, q in accept if q > 0):
        return _default(accept, offered)
    return best


def _bare(value: str) -> str:
    return value.split(";")[0].strip().lower()


def _default(accept, offered: list[str]) -> str | None:
    """The form's default, unless the client refused that format (q=0, under any of its media types
    or a range): then the next format."""
    ranges = [_bare(value) for value, q in accept if q <= 0] if accept else []

    def refused(mt: str) -> bool:
        return any(r == "*/*" or r == mt or (r.endswith("/*") and mt.startswith(r[:-1])) for r in ranges)

    for mt in offered:
        if not any(refused(other) for other in _BY_MEDIA_TYPE[mt].media_types):
            return mt
    return None
