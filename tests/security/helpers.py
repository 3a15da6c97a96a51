"""What the security tests share: the one error shape, canary listeners, raw HTTP."""
from __future__ import annotations

import html
import json
import os
import re
import socket
import threading
from pathlib import Path

SPARQL_JSON = {"Accept": "application/sparql-results+json"}
_TEXT_ERROR = re.compile(r"^(\d{3}) (.+)\n$", re.DOTALL)
_PAGE_HEADING = re.compile(r"<h1>(\d{3}) · [^<]+</h1>")
_PAGE_DETAILS = re.compile(r'<span lang="en" dir="ltr">([^<]*)</span>')


def assert_error(resp, status: int | None = None) -> str:
    """The response is a client error (or the given status) in the one error shape; its message."""
    code = resp.status_code
    if status is not None:
        assert code == status, (code, resp.text[:300])
    else:
        assert 400 <= code < 500, (code, resp.text[:300])
    ctype = resp.headers.get("Content-Type", "")
    assert "Traceback" not in resp.text
    if ctype.startswith("text/html"):
        return _error_page(resp, code)
    if ctype.startswith("application/json"):
        body = resp.json()
        assert body["error"]["status"] == code and body["error"]["message"], body
        return body["error"]["message"]
    assert ctype.startswith("text/plain"), (code, ctype, resp.text[:200])
    m = _TEXT_ERROR.match(resp.text)
    assert m and int(m.group(1)) == code, resp.text[:300]
    return m.group(2)


def sparql_get(server, query: str, address: str | None = None, **kw):
    """GET /sparql for JSON results; `address` is sent as X-Forwarded-For (a client of its own behind
    a trusted proxy)."""
    import requests

    headers = dict(SPARQL_JSON, **({"X-Forwarded-For": address} if address else {}))
    return requests.get(server.url + "/sparql", params={"query": query}, headers=headers, timeout=60, **kw)


def pool_status(server) -> dict:
    """The query pool as /healthz reports it."""
    import requests

    return requests.get(server.url + "/healthz", timeout=30).json()["query_pool"]


def _error_page(resp, code: int) -> str:
    """A browser's error: the page in its language (web/errors.py), only for a request that prefers
    HTML to JSON and plain text; its message."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    from iscm_graph.web.errors import prefers_html
    request = getattr(resp, "request", None)
    if request is not None:
        accept = parse_accept_header(request.headers.get("Accept", ""), MIMEAccept)
        assert prefers_html(accept), ("an error page for a client that does not prefer HTML",
                                      request.headers.get("Accept"))
    heading = _PAGE_HEADING.search(resp.text)
    assert heading and int(heading.group(1)) == code, resp.text[:300]
    assert 'action="/search"' in resp.text and 'href="/"' in resp.text
    details = _PAGE_DETAILS.search(resp.text)
    assert details and details.group(1), resp.text[:300]
    return html.unescape(details.group(1))


def raw_http(port: int, data: bytes, read_timeout: float = 30) -> tuple[int, dict, bytes]:
    """Send raw bytes, read one response: (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass                       # the server may answer and close before reading everything
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            head, sep, rest = b"".join(chunks).partition(b"\r\n\r\n")
            if sep:
                headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line)
                length = int(headers.get("Content-Length", "-1"))
                if 0 <= length <= len(rest):
                    break
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


class Canary:
    """A TCP listener on loopback that records every connection made to it (and answers like a
    SPARQL endpoint, so a client that did connect would get a plausible answer)."""

    ANSWER = json.dumps({"head": {"vars": ["canary"]}, "results": {"bindings": [
        {"canary": {"type": "literal", "value": "CANARY-REACHED"}}]}}).encode()

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.hits: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.hits.append(conn.recv(4096))
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: %d\r\n\r\n" % len(self.ANSWER) + self.ANSWER)
                except OSError:
                    self.hits.append(b"")

    def close(self):
        self.sock.close()


class FifoCanary:
    """A named pipe outside the build: opening it for reading (as a file read would) unblocks the
    writer thread, which records it."""

    def __init__(self, folder: Path):
        self.path = folder / "canary.ttl"
        os.mkfifo(self.path)
        self.opened = threading.Event()
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self):
        try:
            with open(self.path, "wb") as fh:     # blocks until somebody opens the pipe to read
                if not self._closing:
                    self.opened.set()
                fh.write(b"<http://canary/s> <http://canary/p> <http://canary/o> .\n")
        except OSError:
            pass

    _closing = False

    def close(self):
        self._closing = True
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)   # release the blocked writer
        os.close(fd)
        self._thread.join(timeout=5)
