"""Build time only: from the source folder (ontology, shapes, data, queries, source texts) to a
written build. `sources` loads every file into named graphs (`rdf_files` reads one file, after
`untrusted` has refused what a parser must not see; `states` and `membership_lists` generate the
ISO 3166-1 states and the membership graphs from tables); `derive` adds rule-derived memberships and
current members, `reason` the OWL 2 RL entailments, both into the inferred graph; `validate` checks
everything against the shapes; `write` writes the build folder and makes it current; `build` runs
the steps in order. Nothing that serves (web/, query/) imports this package: its libraries (owlrl,
pyshacl, pycountry) stay out of every server process."""
