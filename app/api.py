"""flask-smorest's Api, with SPEC §2's error body for every HTTP error."""
from flask_smorest import Api as SmorestApi
from marshmallow import Schema, fields

from .errors import error_response


class ErrorSchema(Schema):
    """Every error response (SPEC §2)."""

    error = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True, metadata={"example": "The request body is invalid."})
    details = fields.Dict(
        metadata={"description": "Field paths (`updates.0.planned_reserves_cents`) mapped "
                                 "to messages, or other structured detail.",
                  "example": {"updates.0.planned_reserves_cents": ["Missing data for required field."]}})
    conflicts = fields.List(fields.Dict(), metadata={
        "description": "version_conflict only: one entry per stale company."})
    request_id = fields.String(required=True, metadata={"example": "3f2c9a0e5b7d4c1f"})


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema
    # Document only the responses an endpoint really gives (no catch-all
    # "default"), so that a client or a fuzzer can hold us to them.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        return error_response(error)


# Every error code an endpoint may document: status and an example message.
ERROR_CATALOGUE = {
    "invalid_fund_id": (400, "fund_id must be a positive integer no greater than 2147483647."),
    "invalid_request_body": (400, "The request body is not valid JSON."),
    "validation_error": (400, "The request body is invalid."),
    "invalid_query_parameters": (400, "The query string is invalid."),
    "unauthorized": (401, "A valid bearer token is required."),
    "forbidden": (403, "Your token's role may not do this."),
    "fund_not_found": (404, "Fund not found."),
    "company_not_found": (404, "1 company is not in this fund."),
    "version_conflict": (409, "Version conflict: 1 companies have been updated by another user"),
    "payload_too_large": (413, "The request body is larger than the limit."),
    "rate_limited": (429, "Too many requests; slow down."),
    "internal_error": (500, "An unexpected error occurred."),
    "service_unavailable": (503, "The service is temporarily unavailable; retry later."),
}

_EXAMPLE_EXTRAS = {
    "validation_error": {"details": {
        "updates.0.planned_reserves_cents": ["Must be greater than or equal to 0 and "
                                             "less than or equal to 9007199254740991."]}},
    "invalid_query_parameters": {"details": {"limit": ["Must be greater than or equal to 1 "
                                                       "and less than or equal to 200."]}},
    "company_not_found": {"details": {"missing_company_ids": [999]}},
    "version_conflict": {"conflicts": [{"company_id": 456, "expected_version": 3,
                                        "actual_version": 5}]},
}

ALWAYS_POSSIBLE = ("internal_error", "service_unavailable")


def documents_errors(blp, *codes):
    """Decorator: document these error codes (and 500/503) as responses of a view."""
    by_status = {}
    for code in (*codes, *ALWAYS_POSSIBLE):
        status, message = ERROR_CATALOGUE[code]
        body = {"error": code, "message": message, **_EXAMPLE_EXTRAS.get(code, {}),
                "request_id": "3f2c9a0e5b7d4c1f"}
        by_status.setdefault(status, {})[code] = {"value": body}

    def decorator(view):
        for status, examples in sorted(by_status.items()):
            headers = ({"Retry-After": {"schema": {"type": "integer"},
                                        "description": "Seconds to wait before retrying."}}
                       if status in (429, 503) else None)
            view = blp.alt_response(status, schema=ErrorSchema, examples=examples,
                                    headers=headers,
                                    description=" / ".join(f"`{c}`" for c in examples))(view)
        return view

    return decorator


def json_text_response(document: str, status: int = 200):
    """A response whose body is JSON text built elsewhere (by PostgreSQL)."""
    from flask import current_app

    return current_app.response_class(document, status=status, mimetype="application/json")
