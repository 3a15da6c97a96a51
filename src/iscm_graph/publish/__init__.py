"""Handing a written build to others: `export` writes it in any RDF format (deterministic, chosen
graphs, with or without the inferred graph), `description` makes the build's one dataset
description (VoID and DCAT-AP, with relative links that resolve wherever it is served), and `push`
puts every named graph into an external triple store with the Graph Store Protocol and verifies
the counts there. `releases` publishes builds as dated, read-only releases (and prunes them),
`changes` says what changed between two releases and writes the exact patch, `release_catalog`
describes the releases (DCAT 3 series, citations, Atom feed)."""
