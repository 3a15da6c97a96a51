"""Fair sharing of the query processes between clients: each client may have at most
`client_queries` queries running or waiting; one more gets 429 at once, so a few clients that keep
long queries running cannot hold every query process (see SECURITY.md).

A client is its address, an IPv6 address counted by its /64 (one household or host usually holds a
whole /64). Behind a reverse proxy listed in `trusted_proxies`, the address is read from
X-Forwarded-For, right to left, skipping the trusted proxies: the first other address is the one
the nearest trusted proxy saw. Without a trusted proxy the header is ignored, so it cannot be used
to pose as many clients.

A slot is a Unix socket bound to an abstract name (`\\0iscm-graph/<server>/<client>/<n>`): binding
is atomic and exclusive across the web workers' processes and threads, and the kernel frees the
name when the socket is closed or its process dies, so no slot is ever leaked."""
from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import ipaddress
import socket

from iscm_graph.errors import IscmError, LimitError


@functools.lru_cache(maxsize=16)
def parse_networks(text: str) -> tuple:
    """`trusted_proxies` ("10.0.0.1, 192.168.0.0/16, ::1") as networks; a bad entry is an IscmError."""
    networks = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise IscmError(f"setting 'trusted_proxies': {item!r} is not an IP address or network") from None
    return tuple(networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in net for net in networks)


def client_key(peer: str | None, forwarded_for: list[str], trusted_proxies: str) -> str:
    """Who sent a request: the peer's address, or behind trusted proxies the forwarded client's."""
    networks = parse_networks(trusted_proxies)
    address = _address(peer or "")
    if _trusted(address, networks):
        hops = [h.strip() for header in forwarded_for for h in header.split(",") if h.strip()]
        for hop in reversed(hops):
            hop_address = _address(hop)
            if not _trusted(hop_address, networks):
                address = hop_address
                if address is None:               # written by our own proxy: an opaque client name
                    return "name:" + hop
                break
    if address is None:
        return "peer:" + (peer or "unknown")
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class ClientSlots:
    """At most `per_client` slots per client key, shared by every process of one server."""

    def __init__(self, server: str, per_client: int):
        self.server = hashlib.sha256(server.encode("utf-8")).hexdigest()[:16]
        self.per_client = per_client

    def _name(self, key: str, n: int) -> bytes:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return f"\0iscm-graph/{self.server}/{digest}/{n}".encode("ascii")

    @contextlib.contextmanager
    def hold(self, key: str):
        """Hold one of the client's slots while the body runs; LimitError(429) when all are held."""
        for n in range(self.per_client):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.bind(self._name(key, n))
            except OSError as exc:
                sock.close()
                if exc.errno == errno.EADDRINUSE:      # the slot is held
                    continue
                raise LimitError(503, f"the server cannot count this client's queries now ({exc.strerror}): "
                                      "try again shortly", retry_after=2) from None
            try:
                yield
            finally:
                sock.close()
            return
        raise LimitError(429, f"this client ({key}) already has {self.per_client} queries running or waiting "
                              "(the client_queries limit): wait for one to finish, then send the next",
                         retry_after=2)
