"""Input types shared by every endpoint (SPEC §2)."""
import re

from marshmallow import fields, validate
from werkzeug.routing import BaseConverter

from .errors import ApiError

MAX_AMOUNT = 2**53 - 1  # exact in every JSON client
MAX_INT4 = 2**31 - 1    # PostgreSQL integer: ids and versions


class StrictInteger(fields.Integer):
    """An integer and nothing that merely converts to one: `true`, `1.0`,
    `1.5` and `"5"` are refused."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def Amount(**kwargs):
    """Integer cents, 0 … 2^53−1."""
    return StrictInteger(validate=validate.Range(0, MAX_AMOUNT), **kwargs)


def Int4Id(**kwargs):
    """An id or a version: 1 … 2^31−1."""
    return StrictInteger(validate=validate.Range(1, MAX_INT4), **kwargs)


class Text(fields.String):
    """A string PostgreSQL can store: no NUL, no unpaired surrogate."""

    default_error_messages = {
        "nul": "Must not contain the NUL character (U+0000).",
        "surrogate": "Must not contain unpaired surrogates.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        if not is_utf8_encodable(text):
            raise self.make_error("surrogate")
        return text


def is_utf8_encodable(text: str) -> bool:
    """False for a string holding an unpaired surrogate (JSON `"\\ud800"`)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_int_in(value, low: int, high: int) -> bool:
    """A JSON integer (not a bool, not a float) within [low, high]."""
    return type(value) is int and low <= value <= high


class QueryInteger(fields.Integer):
    """An integer in a query string: plain ASCII digits only. Python's int()
    would also take `+5`, ` 5`, `1_0` and other scripts' digits."""

    _PLAIN_DIGITS = re.compile(r"[0-9]{1,10}")

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and self._PLAIN_DIGITS.fullmatch(value)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


_DIGITS = re.compile(r"[1-9][0-9]{0,9}")


def parse_fund_id(raw: str) -> int:
    if _DIGITS.fullmatch(raw) and int(raw) <= MAX_INT4:
        return int(raw)
    raise ApiError(400, "invalid_fund_id",
                   f"fund_id must be a positive integer no greater than {MAX_INT4}.")


class FundIdConverter(BaseConverter):
    """`<fund_id:fund_id>` in a route: any path segment matches, and one that
    is not a valid id answers 400 `invalid_fund_id` instead of Flask's 404."""

    regex = r"[^/]+"

    def to_python(self, value):
        return parse_fund_id(value)

    def to_url(self, value):
        return str(value)


def fund_id_schema(_converter):
    return {"type": "integer", "minimum": 1, "maximum": MAX_INT4}

