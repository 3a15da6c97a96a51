"""The framing between a web worker and a query process: a JSON header and a byte payload, each
preceded by its length, so neither side ever has to guess where a message ends."""
from __future__ import annotations

import json
import socket
import struct

_LENGTHS = struct.Struct("!II")


def send(sock: socket.socket, header: dict, payload: bytes = b"") -> None:
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    sock.sendall(_LENGTHS.pack(len(head), len(payload)) + head + payload)


def _exactly(sock: socket.socket, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(sock: socket.socket) -> tuple[dict, bytes]:
    """One message; EOFError when the peer went away, socket.timeout when it is too slow."""
    head_len, payload_len = _LENGTHS.unpack(_exactly(sock, _LENGTHS.size))
    header = json.loads(_exactly(sock, head_len).decode("utf-8"))
    return header, _exactly(sock, payload_len)
