"""Reject a query string that is not UTF-8, on every route.

werkzeug turns percent-encoded bytes that are not UTF-8 (the only way to put
an unpaired surrogate in a URL) into U+FFFD and carries on; SPEC §2 wants 400.
"""
from urllib.parse import unquote_to_bytes

from flask import request

from .errors import ApiError


def require_utf8_query_string():
    for pair in request.query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            for part in (name, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            parameter = unquote_to_bytes(name).decode("utf-8", "replace")
            raise ApiError(400, "invalid_query_parameters", "The query string is invalid.",
                           details={parameter: ["Not valid UTF-8."]}) from None
