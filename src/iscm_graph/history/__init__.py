"""The graph as it was: Memento (RFC 7089) over the published releases (publish/releases.py).
`memento` negotiates datetimes and writes Link headers and TimeMaps; `presence` tells in which
releases a resource appears."""
