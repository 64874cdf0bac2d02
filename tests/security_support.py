"""Helpers for the security and operations tests: apps with authentication
on, tokens, lock holders and connection killers."""
import dataclasses
import threading
import time
from contextlib import contextmanager

import psycopg2

from app import create_app
from app.auth import service as auth_service

APP_NAME = "fund-allocation-api"  # application_name of every pooled connection
WAIT_S = 30


def secured_app(test_settings, database, **overrides):
    """An in-process app with authentication on (unless overridden)."""
    settings = dataclasses.replace(test_settings, **{"auth_mode": "on", **overrides})
    application = create_app(settings, database=database)
    application.testing = True
    return application


def issue_token(database, *, user_id=1, role="writer", fund_ids=None, expires_in_days=None):
    """(token id, token), made the way `flask tokens create` makes them."""
    return auth_service.create_token(database, user_id=user_id, role=role,
                                     fund_ids=fund_ids, expires_in_days=expires_in_days)


def bearer(token) -> dict:
    return {"Authorization": f"Bearer {token}"}


def batch(company_id, version, planned, **extra):
    return {"expected_version": version,
            "updates": [{"company_id": company_id, "planned_reserves_cents": planned, **extra}]}


def assert_http_error(response, status, code):
    """SPEC §2 error body of a `requests` response (a real HTTP server's)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code, body
    assert {"error", "message", "request_id"} <= set(body) <= {
        "error", "message", "details", "conflicts", "request_id"}
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def version_and_events(sql, fund_id, company_id):
    """(the company's allocation_version, [new_version of each audit event])."""
    with sql.cursor() as cur:
        cur.execute("SELECT allocation_version FROM portfoliocompanies WHERE id = %s",
                    (company_id,))
        version = cur.fetchone()[0]
        cur.execute("SELECT (payload->>'new_version')::int FROM fund_events "
                    "WHERE fund_id = %s ORDER BY id", (fund_id,))
        return version, [row[0] for row in cur.fetchall()]


def terminate_app_connections(sql) -> int:
    """pg_terminate_backend every connection the service has open to this
    test database (none of other databases' or of this session's own), and
    wait (up to 5 s) until each of those backends is gone."""
    with sql.cursor() as cur:
        cur.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s "
            "AND pid <> pg_backend_pid()", (APP_NAME,))
        return cur.fetchone()[0]


def app_backends_waiting_on_locks(sql) -> list[int]:
    with sql.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = %s AND wait_event_type = 'Lock'", (APP_NAME,))
        return [row[0] for row in cur.fetchall()]


def wait_until(condition, what, timeout_s=WAIT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def row_locked(database_url, company_id):
    """Hold FOR UPDATE on a company from a separate connection until exit."""
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id FROM portfoliocompanies WHERE id = %s FOR UPDATE",
                        (company_id,))
        yield conn
    finally:
        conn.rollback()
        conn.close()


class InThread:
    """Run a call in a thread; `.result()` waits for it and re-raises."""

    def __init__(self, call):
        self._result, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call):
        try:
            self._result = call()
        except BaseException as exc:  # noqa: BLE001 - re-raised in result()
            self._error = exc

    def result(self, timeout_s=WAIT_S):
        self._thread.join(timeout_s)
        assert not self._thread.is_alive(), "the call did not finish in time"
        if self._error is not None:
            raise self._error
        return self._result
