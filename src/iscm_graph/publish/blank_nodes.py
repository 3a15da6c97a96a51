"""Matching the blank nodes of two releases, so that a patch between them names what changed and not
what was relabelled. Each build labels blank nodes by RDF canonicalization over the whole dataset:
one membership more and most labels shift. A blank node here hangs from an IRI (a membership's
period, the period's beginning and end): it is matched by where it hangs (the IRI, property and graph
above it, followed up through parent blank nodes), or by what it holds where that alone is not
unique. Labels of the new release are replaced by the old release's labels of the matched nodes
(others get fresh labels): the result is the same RDF dataset, written with labels the old one shares.

Works on N-Quads lines as the build writes them: a blank node is a line's subject or its object."""
from __future__ import annotations

import re
from collections import defaultdict

_OBJECT = re.compile(r"^(<[^>]*>) (_:[A-Za-z0-9_.-]+)( .*)$", re.S)   # predicate, blank object, the rest
_ROUNDS = 6                                                       # deeper than any nesting of the data


def _edges(lines):
    """(incoming edges, outgoing edges) of every blank node of the lines: (subject, predicate, rest)
    and (predicate, object, rest), the object a blank node's label or the rest of the line."""
    incoming, outgoing = defaultdict(list), defaultdict(list)
    for line in lines:
        if "_:" not in line:
            continue
        subject, _, rest = line.partition(" ")
        m = _OBJECT.match(rest)
        if m:
            incoming[m[2]].append((subject, m[1], m[3]))
            outgoing.setdefault(m[2], [])
        if subject.startswith("_:"):
            outgoing[subject].append((m[1], m[2], m[3]) if m else ("", "", rest))
            incoming.setdefault(subject, [])
    return incoming, outgoing


def _signatures(lines) -> dict[str, object]:
    """A blank node that something points to is known by where it hangs (the IRIs above it, through
    parent blank nodes); one nothing points to (a reified statement) by what it holds, its blank
    objects known by where they hang."""
    incoming, outgoing = _edges(lines)
    roots = {b for b, inc in incoming.items() if not inc}
    base = {b: tuple(sorted(e for e in inc if not e[0].startswith("_:"))) for b, inc in incoming.items()}
    sig = dict(base)
    for _ in range(_ROUNDS):
        sig = {b: hash((base[b], tuple(sorted((sig.get(s), p, t) for s, p, t in incoming[b]
                                              if s.startswith("_:") and s not in roots))))
               for b in incoming}
    for b in roots:
        sig[b] = hash(("root", tuple(sorted((p, sig[o] if o else 0, t) for p, o, t in outgoing[b]))))
    # where the place is shared (two blank nodes under one subject and property), what they hold decides
    counts = defaultdict(int)
    for s in sig.values():
        counts[s] += 1
    held = {b: tuple(sorted(t for p, o, t in out if not o)) for b, out in outgoing.items()}
    return {b: (s if counts[s] == 1 else hash((s, held.get(b, ())))) for b, s in sig.items()}


def _groups(sig: dict) -> dict:
    groups = defaultdict(list)
    for b, s in sig.items():
        groups[s].append(b)
    return groups


def relabel(new_lines: set[str], old_lines: set[str]) -> set[str]:
    """`new_lines` with their blank nodes relabelled as the matching ones of `old_lines`. Any one-to-one
    relabelling gives the same dataset; matching only makes the patch smaller. Nodes that cannot be
    told apart by their signature are paired in label order."""
    old_sig = _signatures(old_lines)
    old, new = _groups(old_sig), _groups(_signatures(new_lines))
    mapping = {}
    for s in new.keys() & old.keys():
        mapping.update(zip(sorted(new[s]), sorted(old[s])))
    used = set(old_sig)
    fresh = 0

    def label(b: str) -> str:
        nonlocal fresh
        if b not in mapping:
            while f"_:n{fresh}" in used:
                fresh += 1
            mapping[b] = f"_:n{fresh}"
            used.add(mapping[b])
        return mapping[b]

    out = set()
    for line in new_lines:
        if "_:" not in line:
            out.add(line)
            continue
        subject, _, rest = line.partition(" ")
        if subject.startswith("_:"):
            subject = label(subject)
        m = _OBJECT.match(rest)
        if m:
            rest = f"{m[1]} {label(m[2])}{m[3]}"
        out.add(f"{subject} {rest}")
    return out
