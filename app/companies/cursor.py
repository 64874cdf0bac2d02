"""Opaque keyset cursors for the company list (SPEC §4).

A cursor carries the sort order it was made for, the last row's sort key and
its id, and an HMAC over them (CURSOR_SECRET): anything that does not decode,
fails the check, belongs to another sortBy or holds a key of the wrong type
is refused with 400 invalid_query_parameters. The secret only detects
tampering: a forged cursor could at most point at a position the client could
page to anyway.
"""
import base64
import binascii
import hashlib
import hmac
import json

from ..errors import ApiError
from ..fields import MAX_INT4

_SIG_BYTES = 12


class Cursors:
    def __init__(self, secret: str, key_validators: dict):
        self._secret = secret.encode()
        self._key_validators = key_validators  # sortBy → callable(key) → bool

    def encode(self, sort_by: str, key, last_id: int) -> str:
        body = json.dumps([sort_by, key, last_id], separators=(",", ":")).encode()
        return _b64(body) + "." + _b64(self._sign(body))

    def decode(self, cursor: str, sort_by: str):
        """(key, last_id) of a cursor made for `sort_by`, or ApiError(400)."""
        try:
            body_part, sig_part = cursor.split(".")
            body = _unb64(body_part)
            if not hmac.compare_digest(_unb64(sig_part), self._sign(body)):
                raise ValueError("bad signature")
            cursor_sort, key, last_id = json.loads(body)
        except (ValueError, TypeError, binascii.Error):
            raise _invalid("This cursor is not valid.") from None
        if cursor_sort != sort_by:
            raise _invalid("This cursor belongs to another sortBy.")
        valid_id = type(last_id) is int and 1 <= last_id <= MAX_INT4
        if not (valid_id and self._key_validators[sort_by](key)):
            raise _invalid("This cursor is not valid.")
        return key, last_id

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._secret, body, hashlib.sha256).digest()[:_SIG_BYTES]


def _invalid(message):
    return ApiError(400, "invalid_query_parameters", message,
                    details={"cursor": [message]})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
