"""The limit: the same WSGI server (gunicorn) answering a fixed response of a given size from memory."""
import os

BODY = b"x" * int(os.environ.get("LIMIT_BYTES", "2000"))


def app(environ, start_response):
    if environ.get("CONTENT_LENGTH"):
        environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(BODY)))])
    return [BODY]
