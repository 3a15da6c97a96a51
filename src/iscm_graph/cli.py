"""The `iscm-graph` command: a thin click layer over the library. Exit codes: 0 ok, 1 data does not
conform, 2 error (bad input, missing build, bad settings)."""
from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

import click

from iscm_graph.errors import IscmError, QueryError
from iscm_graph.rdf.formats import graph_format_names, result_format_names

# query answers: an aligned table, or any SPARQL results format (rdf/formats.py)
FORMATS = ["table", *result_format_names()]


def _settings(ctx):
    from iscm_graph.config import load_settings
    opts = ctx.obj
    return load_settings(opts["config"], source_dir=opts["source"], build_dir=opts["build_dir"])


def handle_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except IscmError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--source", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with ontology/, shapes/, data/ and queries/ (default: the installed copy).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where builds are written and read (default: ~/.local/share/iscm-graph; ISCM_BUILD_DIR).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Settings file (TOML); ISCM_CONFIG also names one.")
@click.version_option(package_name="iscm-graph")
@click.pass_context
def main(ctx, source, build_dir, config):
    """Knowledge graph of Inter-State Consultation Mechanisms on Migration."""
    ctx.obj = {"source": source, "build_dir": build_dir, "config": config}


@main.command()
@click.pass_context
@handle_errors
def build(ctx):
    """Load, reason, validate; write the build only if it conforms."""
    from iscm_graph.pipeline.build import run_build
    from iscm_graph.pipeline.reason import InconsistentError
    from iscm_graph.query.store import EmbeddedStore
    from iscm_graph.reports.summary import headline_counts, render_wikidata_coverage, wikidata_coverage

    settings = _settings(ctx)
    started = time.perf_counter()
    try:
        result = run_build(settings, progress=lambda m: click.echo(m, err=True))
    except InconsistentError as exc:
        click.echo(f"Build failed, the last good build is unchanged. {exc}", err=True)
        sys.exit(1)
    for r in result.report.warnings:
        click.echo(r.line(), err=True)
    if not result.ok:
        for r in result.report.violations:
            click.echo(r.line(), err=True)
        click.echo(f"Build failed: {len(result.report.violations)} violation(s); "
                   "the last good build is unchanged.", err=True)
        sys.exit(1)
    click.echo("\nTriples per graph:")
    width = max(len(g) for g in result.graph_counts)
    for graph, n in sorted(result.graph_counts.items()):
        click.echo(f"  {graph.ljust(width)}  {n:>7}")
    click.echo(f"  {'total'.ljust(width)}  {sum(result.graph_counts.values()):>7}")
    store = EmbeddedStore.from_build(result.path)
    click.echo("\nSummary:")
    for what, n in headline_counts(store).items():
        click.echo(f"  {n:>5}  {what}")
    click.echo(render_wikidata_coverage(wikidata_coverage(store)))
    from iscm_graph.reports.coverage import membership_coverage, render_coverage
    click.echo("\nMemberships:")
    click.echo(render_coverage(*membership_coverage(store)))
    click.echo(f"\n{len(result.report.warnings)} warning(s), 0 violations.")
    click.echo(f"Build {result.path.name} written to {result.path}")
    click.echo(f"Build time: {time.perf_counter() - started:.2f} s "
               + "(" + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()) + ")")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True)
@click.option("--alone", is_flag=True,
              help="Check FILES by themselves, not in the graph of the data folder they would join.")
@click.pass_context
@handle_errors
def validate(ctx, files, fmt, alone):
    """Check data files as the build does (load, derive, reason, validate against the shapes): TriG,
    N-Quads or JSON-LD with one named graph each, or Turtle, N-Triples or RDF/XML (one graph per
    file); with no FILES, the whole data folder. FILES are checked in the graph they would join (the
    data folder and them) and the report keeps what concerns them. Files that would expand XML
    entities or fetch remote JSON-LD contexts are refused."""
    from iscm_graph.pipeline.check import check
    from iscm_graph.pipeline.reason import InconsistentError

    try:
        report = check(_settings(ctx), files=list(files) or None, with_data=not alone).report
    except InconsistentError as exc:
        click.echo(f"Violation: {', '.join(map(str, files)) or 'data'}: {exc}")
        sys.exit(1)
    click.echo(report.render(fmt))
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.argument("query_or_file")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Value of a catalogue query's parameter (repeatable).")
@click.pass_context
@handle_errors
def query(ctx, query_or_file, fmt, params):
    """Run SPARQL (text, a .rq file, or a catalogue query's name) over the last good build."""
    from iscm_graph import build_folder as bf
    from iscm_graph.query.catalogue import catalogue, parse_query_file
    from iscm_graph.query.results import render
    from iscm_graph.query.store import EmbeddedStore

    build = bf.current_build(_settings(ctx))
    queries = catalogue(build / bf.QUERIES)
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        values[name] = value
    path = Path(query_or_file)
    named = None
    if query_or_file.endswith(".rq") or (len(query_or_file) < 255 and path.is_file()):
        if not path.is_file():
            raise QueryError(f"no such query file: {query_or_file}")
        named = parse_query_file(path)
    elif query_or_file in queries:
        named = queries[query_or_file]
    store = EmbeddedStore.from_build(build)
    if named is not None:
        from iscm_graph.reports.resolve import Resolver
        # iri parameters take names, codes and slugs too (`-p state=egy`)
        text, bindings = named.text, named.bind(values, Resolver(store))
    else:
        if values:
            raise QueryError("--param is only for catalogue queries (queries/*.rq)")
        text, bindings = query_or_file, {}
    click.echo(render(store.query(text, bindings), fmt).rstrip("\n"))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
@handle_errors
def conflicts(ctx, fmt):
    """List every disagreement between sources and within one: names, documents, lines (JSON keeps IRIs)."""
    from iscm_graph.build_folder import current_build
    from iscm_graph.reports.conflicts import context, find_conflicts, render_conflicts
    from iscm_graph.query.store import EmbeddedStore

    store = EmbeddedStore.from_build(current_build(_settings(ctx)))
    found = find_conflicts(store)
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=2))
        return
    click.echo(render_conflicts(found, *context(store)))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
@handle_errors
def memberships(ctx, fmt):
    """Membership coverage: declared counts beside listed members, and states in no mechanism."""
    from dataclasses import asdict

    from iscm_graph.build_folder import current_build
    from iscm_graph.reports.coverage import membership_coverage, render_coverage
    from iscm_graph.query.store import EmbeddedStore

    rows, unlisted = membership_coverage(EmbeddedStore.from_build(current_build(_settings(ctx))))
    if fmt == "json":
        click.echo(json.dumps({"mechanisms": [{**asdict(r), "status": r.status} for r in rows],
                               "states_in_no_mechanism_but_gfmd": [s for s, _ in unlisted]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(render_coverage(rows, unlisted))


@main.command()
@click.option("--format", "fmt", type=click.Choice([*graph_format_names(), "quickstatements", "csvw"]),
              default="nq", show_default=True,
              help="An RDF format; quickstatements (memberships for Wikidata) or csvw (CSV tables with "
                   "CSV on the Web metadata, into the folder -o names).")
@click.option("--graph", "graphs", multiple=True, metavar="IRI", help="Only this named graph (repeatable).")
@click.option("--inferred/--no-inferred", default=True, show_default=True, help="Include the inferred graph.")
@click.option("-o", "--output", default=None,
              help="File to write (gzip when it ends in .gz; a folder for csvw); default stdout.")
@click.pass_context
@handle_errors
def export(ctx, fmt, graphs, inferred, output):
    """Export the last good build: deterministic (canonical blank nodes, sorted)."""
    from iscm_graph.build_folder import current_build
    from iscm_graph.publish.export import REGISTRY_FORMATS, export_for_registry, export_to

    if fmt in REGISTRY_FORMATS:
        click.echo(export_for_registry(current_build(_settings(ctx)), fmt, output, list(graphs)), err=True)
        return
    n = export_to(current_build(_settings(ctx)), fmt, output, list(graphs) or None, inferred)
    if output not in (None, "-"):
        click.echo(f"{n} statements written to {output}", err=True)


@main.command()
@click.option("--base", default="https://w3id.org/iscm", show_default=True,
              help="Public base URL of the deployment the description points to.")
@click.option("-o", "--output", default=None, help="File to write (Turtle); default stdout.")
@click.pass_context
@handle_errors
def dcat(ctx, base, output):
    """The dataset description (DCAT-AP 3 and VoID: the dataset, its dumps and its SPARQL service, for
    data portals), as the last good build holds it, with its links resolved against BASE."""
    from iscm_graph import build_folder as bf
    from iscm_graph.publish.description import read_description

    path = bf.current_build(_settings(ctx))
    text = read_description(path / bf.DESCRIPTION, base).serialize(format="turtle")
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


@main.command()
@click.option("--endpoint", required=True, help="SPARQL query endpoint of the target store.")
@click.option("--graph-store", default=None,
              help="Graph Store Protocol endpoint (default: ENDPOINT-graph-crud, or -graph-crud-auth with --user).")
@click.option("--user", default=None)
@click.option("--password", default=None, envvar="ISCM_STORE_PASSWORD")
@click.pass_context
@handle_errors
def publish(ctx, endpoint, graph_store, user, password):
    """Push every named graph of the last good build into a triple store (PUT per graph), then
    verify each graph's triple count on the store."""
    from iscm_graph.build_folder import current_build
    from iscm_graph.publish.push import publish as push

    results = push(current_build(_settings(ctx)), endpoint, graph_store, user, password,
                   progress=lambda m: click.echo(m, err=True))
    for r in results:
        click.echo(f"{r.found:>7}  {r.graph}  (verified)")
    click.echo(f"{len(results)} graphs published and verified, {sum(r.found for r in results)} triples.")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1; ISCM_HOST).")
@click.option("--port", type=int, default=None, help="Port (default 5000; ISCM_PORT).")
@click.option("--workers", type=int, default=None, help="Worker processes (default 2; ISCM_WORKERS).")
@click.option("--store", default=None,
              help="'embedded' (default) or sparql+http://host:port/sparql to answer from an external store "
                   "(ISCM_STORE); publish the build there first.")
@click.pass_context
@handle_errors
def serve(ctx, host, port, workers, store):
    """Serve the last good build: SPARQL endpoint, dereferenceable IRIs, dumps (gunicorn)."""
    from iscm_graph.config import load_settings
    from iscm_graph.web.server import serve as run_server

    opts = ctx.obj
    settings = load_settings(opts["config"], source_dir=opts["source"], build_dir=opts["build_dir"],
                             host=host, port=port, workers=workers, store=store)
    run_server(settings, settings.host, settings.port, settings.workers)


@main.command("queries")
@click.pass_context
@handle_errors
def list_queries(ctx):
    """List the catalogue of competency queries with their summaries and parameters: the catalogue
    of the last good build (what `query` runs), or of the source folder while there is no build."""
    from iscm_graph import build_folder as bf
    from iscm_graph.errors import NoBuildError
    from iscm_graph.query.catalogue import catalogue

    settings = _settings(ctx)
    try:
        folder = bf.current_build(settings) / bf.QUERIES
    except NoBuildError:
        folder = settings.queries_dir
        click.echo(f"(no build yet: the catalogue of {folder})", err=True)
    for name, q in catalogue(folder).items():
        params = ", ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in q.params)
        click.echo(f"{name}: {q.summary}" + (f"  [{params}]" if params else ""))


@main.group()
def release():
    """Releases: published builds kept read-only beside each other, citable by version."""


@release.command("publish")
@click.option("--version", "version", default=None,
              help="YYYY.MM.DD (.N for a further release of one day); default: today's next free version.")
@click.option("--build", "build_id", default=None, help="A build id or folder (default: the current build).")
@click.pass_context
@handle_errors
def release_publish(ctx, version, build_id):
    """Publish the last good build (or --build) as a release and make it the current one."""
    from iscm_graph.publish.changes import headline
    from iscm_graph.publish.releases import changes, publish_release

    r = publish_release(_settings(ctx), build_id, version)
    click.echo(f"Release {r.version} <{r.iri}> of build {r.build_id} published at {r.published.isoformat()}"
               f" in {r.path}" + (f" (previous: {r.previous})" if r.previous else ""))
    click.echo(headline(changes(r)))


@release.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
@handle_errors
def release_list(ctx, fmt):
    """Every release, oldest first: version, published, build, triples and disk use."""
    from iscm_graph.publish.releases import current_release, disk_total, disk_use, list_releases, manifest

    settings = _settings(ctx)
    current = current_release(settings)
    rows = []
    for r in list_releases(settings):
        use = disk_use(r)
        rows.append({"version": r.version, "published": r.published.isoformat(), "build": r.build_id,
                     "triples": manifest(r)["triples"], "own_bytes": use.own, "shared_bytes": use.shared,
                     "current": bool(current and current.version == r.version)})
    if fmt == "json":
        click.echo(json.dumps({"releases": rows, "disk_bytes": disk_total(settings)}, indent=2))
        return
    if not rows:
        click.echo("no releases yet: `iscm-graph release publish` publishes the last good build")
        return
    click.echo(f"{'version':<14} {'published':<26} {'build':<17} {'triples':>8} {'own':>10} {'shared':>10}")
    for row in rows:
        click.echo(f"{row['version']:<14} {row['published']:<26} {row['build']:<17} {row['triples']:>8} "
                   f"{_size(row['own_bytes']):>10} {_size(row['shared_bytes']):>10}"
                   + ("  (current)" if row["current"] else ""))
    click.echo(f"Disk used by all releases (hard links counted once): {_size(disk_total(settings))}")


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


@release.command("prune")
@click.option("--keep", type=int, required=True, help="How many of the newest releases to keep (at least 1).")
@click.pass_context
@handle_errors
def release_prune(ctx, keep):
    """Remove old releases; never the current one, nor one a running server holds (its lease)."""
    from iscm_graph.publish.releases import prune

    removed = prune(_settings(ctx), keep)
    click.echo(f"{len(removed)} release(s) removed" + (": " + ", ".join(removed) if removed else ""))


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--patch", "patch_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write the exact patch there: removed.nq and added.nq (A minus removed plus added = B).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
@handle_errors
def diff(ctx, a, b, patch_dir, fmt):
    """What changed from release A to release B: memberships, members, counts, sources, corrections."""
    from iscm_graph.publish.changes import render, summarize, write_patch
    from iscm_graph.publish.releases import get_release

    settings = _settings(ctx)
    ra, rb = get_release(settings, a), get_release(settings, b)
    summary = summarize(ra.path, rb.path)
    click.echo(json.dumps(summary, ensure_ascii=False, indent=1) if fmt == "json" else render(summary, a, b))
    if patch_dir is not None:
        n_removed, n_added = write_patch(ra.path, rb.path, patch_dir)
        click.echo(f"Patch written to {patch_dir}: removed.nq ({n_removed} quads), added.nq ({n_added} quads)",
                   err=True)
