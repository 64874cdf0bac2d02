"""Reject, before any view runs, a request body that is not a JSON object.

webargs would turn some of these into a 422 and let others (a body nested
thousands of levels deep, NaN) through or into a 500; SPEC §2 wants 400
`invalid_request_body` for every one of them.
"""
import json

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import ApiError

_METHODS_WITH_BODY = {"POST", "PUT", "PATCH"}


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def parse_json_object(data: bytes):
    """The body as a dict, or ApiError(400 invalid_request_body)."""
    try:
        body = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_request_body", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request_body", "The request body must be a JSON object.")
    return body


def require_json_object_body():
    if request.method not in _METHODS_WITH_BODY or request.url_rule is None:
        return  # routing errors (404, 405) are reported by the router
    if not request.is_json:
        raise ApiError(400, "invalid_request_body",
                       "The request body must be JSON (Content-Type: application/json).")
    parse_json_object(_read_body())


def _read_body() -> bytes:
    """The body, or 413 when it is over the limit. werkzeug refuses a too-long
    Content-Length itself, but silently cuts a chunked body (no length) at the
    limit; a chunked body that fills the limit is therefore refused too."""
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        raise RequestEntityTooLarge()
    return data
