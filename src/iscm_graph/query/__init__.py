"""Answering SPARQL over a written build. `store` is the store interface: the embedded pyoxigraph
store over the build's dataset, or `remote`, an external SPARQL 1.1 endpoint with the same query()
method. User queries to /sparql go through `guard` (nothing that could fetch, read files or nest
without bound), then to the supervised pool of query processes (`pool`, which the web workers reach
through `client` over `wire`), where `evaluate` runs one query within the time and row limits.
`catalogue` reads the competency questions; `results` renders answers for the command line."""
