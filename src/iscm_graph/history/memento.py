"""Memento (RFC 7089) over releases: each release is one memento of every resource it holds, dated by
its publication. Datetime negotiation, the Link header values and the TimeMap in link-format
(RFC 6690); nothing here knows HTTP frameworks."""
from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from iscm_graph.errors import IscmError
from iscm_graph.rdf.formats import LINK_FORMAT
# RFC 7089 §2.1.1: Accept-Datetime is an HTTP-date in its RFC 1123 form, always GMT
_RFC1123 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                      r"(\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class DatetimeError(IscmError):
    """An Accept-Datetime that is not an RFC 1123 date."""


def parse_accept_datetime(value: str) -> dt.datetime:
    m = _RFC1123.match(value.strip())
    if not m:
        raise DatetimeError(f"Accept-Datetime {value!r} is not an RFC 1123 date such as "
                            "'Tue, 10 Mar 2026 12:00:00 GMT' (RFC 7089 section 2.1.1)")
    _, day, month, year, hh, mm, ss = m.groups()
    try:
        return dt.datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hh), int(mm), int(ss),
                           tzinfo=dt.timezone.utc)
    except ValueError as exc:
        raise DatetimeError(f"Accept-Datetime {value!r}: {exc}") from None


def http_date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when.astimezone(dt.timezone.utc), usegmt=True)


@dataclass(frozen=True)
class Memento:
    uri: str
    datetime: dt.datetime
    version: str


def choose(mementos: list[Memento], when: dt.datetime) -> Memento:
    """The memento of the release current at `when` (the last published at or before it); before
    the first one, the first: the nearest (RFC 7089 leaves the choice to the TimeGate)."""
    earlier = [m for m in mementos if m.datetime <= when]
    return earlier[-1] if earlier else mementos[0]


def _link(uri: str, rel: str, **attributes) -> str:
    extra = "".join(f'; {k}="{v}"' for k, v in attributes.items())
    return f'<{uri}>; rel="{rel}"{extra}'


def _memento_rel(mementos: list[Memento], i: int, this: Memento | None) -> str:
    rels = []
    if i == 0:
        rels.append("first")
    if i == len(mementos) - 1:
        rels.append("last")
    if this is not None:
        at = mementos.index(this)
        if i == at - 1:
            rels.append("prev")
        if i == at + 1:
            rels.append("next")
    return " ".join(rels + ["memento"])


def original_links(original: str, timegate: str, timemap: str) -> str:
    """The Link value of the original resource, which is its own TimeGate (RFC 7089 pattern 2.1)."""
    rel = "original timegate" if original == timegate else "original"
    links = [_link(original, rel)]
    if original != timegate:
        links.append(_link(timegate, "timegate"))
    links.append(_link(timemap, "timemap", type=LINK_FORMAT))
    return ", ".join(links)


def memento_links(original: str, timegate: str, timemap: str, mementos: list[Memento],
                  this: Memento | None = None) -> str:
    """The Link value of a memento (`this`) or of a TimeGate's redirect (`this` None): original,
    timegate, timemap and the first, last, previous and next mementos, with their datetimes."""
    links = [original_links(original, timegate, timemap)]
    if this is not None and this not in mementos:
        mementos = sorted(mementos + [this], key=lambda m: m.datetime)
    for i, m in enumerate(mementos):
        rel = _memento_rel(mementos, i, this)
        if m is this or rel != "memento":
            links.append(_link(m.uri, rel, datetime=http_date(m.datetime)))
    return ", ".join(links)


def timemap(original: str, timegate: str, timemap_uri: str, mementos: list[Memento]) -> str:
    """The TimeMap (RFC 7089 §5.1) in link-format: every memento with its datetime, one per line."""
    lines = [_link(original, "original"), _link(timegate, "timegate"),
             _link(timemap_uri, "self", type=LINK_FORMAT,
                   **({"from": http_date(mementos[0].datetime), "until": http_date(mementos[-1].datetime)}
                      if mementos else {}))]
    for i, m in enumerate(mementos):
        lines.append(_link(m.uri, _memento_rel(mementos, i, None), datetime=http_date(m.datetime)))
    return ",\n".join(lines) + "\n"
