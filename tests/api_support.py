"""Helpers for tests that speak to the API: SPEC §2 error checks, posting
batches, before/after snapshots of a fund, and the API's own formats."""
import re
from contextlib import contextmanager
from datetime import timezone

ERROR_KEYS = {"error", "message", "details", "conflicts", "request_id"}
MAX_AMOUNT = 2**53 - 1
MAX_INT4 = 2**31 - 1
UNKNOWN_FUND_ID = MAX_INT4  # a valid id no test fund will ever reach
API_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def post_batch(client, fund_id, body, headers=None):
    return client.post(f"/api/funds/{fund_id}/allocations", json=body, headers=headers or {})


def post_raw(client, fund_id, text, content_type="application/json"):
    return client.post(f"/api/funds/{fund_id}/allocations", data=text,
                       content_type=content_type)


def assert_validation_error(response, *paths):
    """400 validation_error whose details name exactly these field paths."""
    body = assert_error(response, 400, "validation_error")
    assert sorted(body["details"]) == sorted(paths), body["details"]
    for messages in body["details"].values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    return body


def fund_state(sql, *fund_ids):
    """Every column of the funds' companies and every audit event, in id order."""
    with sql.cursor() as cur:
        cur.execute("SELECT * FROM portfoliocompanies WHERE fund_id = ANY(%s) ORDER BY id",
                    (list(fund_ids),))
        companies = cur.fetchall()
        cur.execute("SELECT * FROM fund_events WHERE fund_id = ANY(%s) ORDER BY id",
                    (list(fund_ids),))
        events = cur.fetchall()
    return companies, events


@contextmanager
def unchanged(sql, *fund_ids):
    """Asserts that nothing in these funds changed inside the block."""
    before = fund_state(sql, *fund_ids)
    yield
    assert fund_state(sql, *fund_ids) == before


def api_timestamp(moment):
    """A timestamptz as the API renders it (milliseconds, truncated, Z)."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def set_version(sql, company_id, version):
    with sql.cursor() as cur:
        cur.execute("UPDATE portfoliocompanies SET allocation_version = %s WHERE id = %s",
                    (version, company_id))


def assert_error(response, status, code):
    """`response` is SPEC §2's error: exact status and code, only the allowed
    keys, and the request id of the X-Request-ID header. Returns the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert {"error", "message", "request_id"} <= set(body) <= ERROR_KEYS
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def get_latest(client, fund_id, headers=None):
    return client.get(f"/api/funds/{fund_id}/allocations/latest", headers=headers or {})
