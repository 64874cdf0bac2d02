"""OpenAPI for authentication: a bearer security scheme on every /api/
operation (Swagger UI's "Authorize" button), with its 401, 403 and 429."""
from apispec import BasePlugin

from ..api import ERROR_CATALOGUE

SCHEME = "bearerAuth"
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def _error_response(code, description, headers=None):
    status, message = ERROR_CATALOGUE[code]
    response = {
        "description": description,
        "content": {"application/json": {
            "schema": _ERROR_REF,
            "example": {"error": code, "message": message, "request_id": "3f2c9a0e5b7d4c1f"}}},
    }
    if headers:
        response["headers"] = headers
    return str(status), response


_UNAUTHORIZED = _error_response(
    "unauthorized", "`unauthorized`: the bearer token is missing, malformed, unknown, "
    "expired or revoked.",
    {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer …`"}})
_FORBIDDEN = _error_response("forbidden", "`forbidden`: a reader token may not change data.")
_RATE_LIMITED = _error_response(
    "rate_limited", "`rate_limited`: too many requests for this token (or address).",
    {"Retry-After": {"schema": {"type": "integer"},
                     "description": "Seconds to wait before retrying."}})


class BearerAuthPlugin(BasePlugin):
    def __init__(self, *, auth_on: bool):
        self.auth_on = auth_on

    def init_spec(self, spec):
        super().init_spec(spec)
        spec.components.security_scheme(SCHEME, {
            "type": "http", "scheme": "bearer",
            "description": "A token from `flask --app wsgi tokens create`."})

    def operation_helper(self, path=None, operations=None, **kwargs):
        if not path or not path.startswith("/api/"):
            return
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault(*_RATE_LIMITED)
            if not self.auth_on:
                continue
            operation["security"] = [{SCHEME: []}]
            responses.setdefault(*_UNAUTHORIZED)
            if method in _WRITE_METHODS:
                responses.setdefault(*_FORBIDDEN)
