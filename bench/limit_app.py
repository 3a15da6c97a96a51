"""The limit: the same WSGI server (gunicorn) answering fixed responses from memory, of the sizes this
server's answers have. LIMIT_SIZES names a JSON file of [request, size] pairs, the request being the
path of a GET or the body of a POST, so every request of a run is answered with as many bytes as this
server answers it with (a mix's answers range from 0.5 to 85 KB: one median size would not be the same
work); a request not listed, or no file, gets LIMIT_BYTES."""
import json
import os

DEFAULT = b"x" * int(os.environ.get("LIMIT_BYTES", "2000"))
BODIES = {}
if os.environ.get("LIMIT_SIZES"):
    with open(os.environ["LIMIT_SIZES"]) as f:
        BODIES = {key.encode(): b"x" * size for key, size in json.load(f)}


def app(environ, start_response):
    key = environ.get("PATH_INFO", "").encode("latin-1")
    if environ.get("CONTENT_LENGTH"):
        key = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    body = BODIES.get(key, DEFAULT)
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))])
    return [body]
