"""A minimal HTTP/1.1 client on http.client: the least client-side work per
request, so the timings are the server's, not the client library's.

It asks for keep-alive; gunicorn's sync workers answer `Connection: close`
to every request, so http.client reconnects (a loopback connect, ~0.1 ms)
when the server closed the previous connection.
"""
import http.client
import json
from urllib.parse import urlsplit


class BenchError(RuntimeError):
    """A request did not succeed: the benchmark stops and exits non-zero."""


class Client:
    def __init__(self, base_url: str, token: str | None = None):
        parts = urlsplit(base_url)
        self._conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self._headers = {"Connection": "keep-alive"}
        if token is not None:
            self._headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str) -> bytes:
        return self._send("GET", path, None)

    def post_json(self, path: str, document) -> dict:
        return json.loads(self._send("POST", path, json.dumps(document).encode()))

    def close(self):
        self._conn.close()

    def _send(self, method, path, body) -> bytes:
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        self._conn.request(method, path, body=body, headers=headers)
        response = self._conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise BenchError(f"{method} {path} answered {response.status}: {data[:300]!r}")
        if response.will_close:
            self._conn.close()
        return data
