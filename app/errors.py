"""The one error model of SPEC §2, for every error the service can return.

Body: {"error", "message", "details"?, "conflicts"?, "request_id"} and nothing
else. Raise `ApiError` anywhere in a request; Flask's and werkzeug's own
HTTP errors (404, 405, 413, …) and webargs' validation errors are rewritten
into the same shape by `error_response`.
"""
import logging

from flask import g, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Codes for HTTP errors raised by Flask, werkzeug or extensions themselves.
_CODE_BY_STATUS = {
    400: ("invalid_request_body", "The request could not be understood."),
    401: ("unauthorized", "Authentication required."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "No such resource."),
    405: ("method_not_allowed", "Method not allowed on this resource."),
    413: ("payload_too_large", "The request body is larger than the limit."),
    415: ("invalid_request_body", "The request body must be application/json."),
    429: ("rate_limited", "Too many requests; slow down."),
    500: ("internal_error", "An unexpected error occurred."),
    503: ("service_unavailable", "The service is temporarily unavailable; retry later."),
}


class ApiError(HTTPException):
    """An error response of SPEC §2, raised from any layer below the routes."""

    def __init__(self, status, error, message, *, details=None, conflicts=None,
                 headers=None):
        super().__init__(description=message)
        self.code = status
        self.error = error
        self.message = message
        self.details = details
        self.conflicts = conflicts
        self.extra_headers = headers or {}


def flatten_messages(messages, prefix=""):
    """Turn marshmallow's nested messages into flat dotted paths:
    {"updates": {0: {"x": ["bad"]}}} → {"updates.0.x": ["bad"]}."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_messages(value, path))
    elif isinstance(messages, (list, tuple)) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            flat.update(flatten_messages(message, prefix))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def _from_webargs(error):
    """webargs reports a bad body or query string with messages keyed by
    location; SPEC wants a code naming which part was wrong."""
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    if "json" in messages:
        return ApiError(400, "validation_error", "The request body is invalid.",
                        details=flatten_messages(messages["json"]))
    if "query" in messages:
        return ApiError(400, "invalid_query_parameters", "The query string is invalid.",
                        details=flatten_messages(messages["query"]))
    return ApiError(400, "validation_error", "The request is invalid.",
                    details=flatten_messages(messages))


def as_api_error(error: HTTPException) -> ApiError:
    if isinstance(error, ApiError):
        return error
    if "messages" in (getattr(error, "data", None) or {}):
        return _from_webargs(error)
    code, message = _CODE_BY_STATUS.get(
        error.code, (error.name.lower().replace(" ", "_"), error.name + ".")
    )
    headers = {}
    if error.code == 405:
        headers["Allow"] = ", ".join(getattr(error, "valid_methods", None) or [])
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    data_headers = (getattr(error, "data", None) or {}).get("headers") or {}
    headers.update(data_headers)
    return ApiError(error.code or 500, code, message, headers=headers)


def error_response(error: HTTPException):
    api_error = as_api_error(error)
    body = {"error": api_error.error, "message": api_error.message}
    if api_error.details is not None:
        body["details"] = api_error.details
    if api_error.conflicts is not None:
        body["conflicts"] = api_error.conflicts
    body["request_id"] = g.get("request_id")
    response = jsonify(body)
    response.status_code = api_error.code
    for name, value in api_error.extra_headers.items():
        response.headers[name] = value
    return response


def unexpected_error_response(error: Exception):
    """Any exception that is not an HTTP error: 500, logged without a stack
    trace (which could carry data) but with where it happened."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
    log.error("unhandled %s at %s", type(error).__name__, where,
              extra={"request_id": g.get("request_id")})
    return error_response(ApiError(500, *_CODE_BY_STATUS[500]))


def service_unavailable(retry_after_s):
    return ApiError(503, *_CODE_BY_STATUS[503], headers={"Retry-After": str(retry_after_s)})


def fund_not_found():
    return ApiError(404, "fund_not_found", "Fund not found.")
