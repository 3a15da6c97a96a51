"""What people read, computed from a store by queries: the headline `summary`, the `conflicts`
between sources, membership `coverage`, the faceted lists of `browse`, the bilingual `search`
index, the SVG `charts`, and the `documents` of single resources (their statements with the graph
each comes from, incoming links, owned blank nodes and labels). Used by the web pages and by the
command line alike; none of it writes anything."""
