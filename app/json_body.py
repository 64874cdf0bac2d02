"""Reject, before any view runs, a request body that is not a JSON object.

webargs would turn some of these into a 422 and let others (a body nested
thousands of levels deep, NaN) through or into a 500; SPEC §2 wants 400
`invalid_request_body` for every one of them.
"""
import json

from flask import request

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
    parse_json_object(request.get_data(cache=True))
