"""Database faults (issue 5, "Deliver" 4 and 5; SPEC §2, §6): an unreachable
database is 503 with Retry-After (never 500) and /readyz says so; connections
killed between or during requests cost at most 503s, then the service
serves 200s again by itself; a lock wait past lock_timeout is 503; a
deadlock or serialization failure is retried once inside the server; no
POST is ever half-applied."""
import dataclasses
import logging

import psycopg2
import pytest
import requests

from app import create_app
from app.db import Database, DatabaseUnavailable

from .api_support import assert_error
from .security_support import (
    InThread,
    app_backends_waiting_on_locks,
    assert_http_error,
    batch,
    bearer,
    row_locked,
    terminate_app_connections,
    version_and_events,
    wait_until,
)
from .support import running_gunicorn

UNREACHABLE_URL = "postgresql://postgres@127.0.0.1:1/nowhere"


def app_with(test_settings, database, **overrides):
    application = create_app(dataclasses.replace(test_settings, **overrides), database=database)
    application.testing = True
    return application


@pytest.fixture
def own_database(database_url):
    """A Database (and pool) of the test's own, so that killing its
    connections disturbs no other test."""
    db = Database(database_url, max_size=4)
    yield db
    db.close()


def assert_unavailable(response):
    assert_error(response, 503, "service_unavailable")
    assert response.headers["Retry-After"] == "1"


# --- database unreachable ---------------------------------------------------

@pytest.fixture
def unreachable(test_settings):
    db = Database(UNREACHABLE_URL, connect_timeout_s=1)
    return app_with(test_settings, db).test_client()


def test_an_unreachable_database_gives_503_on_every_endpoint_never_500(unreachable):
    assert_unavailable(unreachable.get("/api/funds/1/allocations/latest"))
    assert_unavailable(unreachable.get("/api/funds/1/companies"))
    assert_unavailable(unreachable.post("/api/funds/1/allocations", json=batch(1, 1, 1)))
    assert_unavailable(unreachable.get("/readyz"))
    assert unreachable.get("/healthz").get_json() == {"status": "ok"}
    assert unreachable.get("/metrics").status_code == 200


def test_with_auth_on_an_unreachable_database_is_503_not_401(test_settings):
    db = Database(UNREACHABLE_URL, connect_timeout_s=1)
    client = app_with(test_settings, db, auth_mode="on").test_client()
    assert_unavailable(client.get("/api/funds/1/companies", headers=bearer("x" * 43)))
    # A request that needs no lookup is still answered.
    assert_error(client.get("/api/funds/1/companies"), 401, "unauthorized")


# --- connections killed -----------------------------------------------------

def test_connections_killed_between_requests_are_replaced_without_a_restart(
        test_settings, own_database, sql, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    client = app_with(test_settings, own_database).test_client()
    url = f"/api/funds/{fund_id}/allocations/latest"
    assert client.get(url).status_code == 200
    assert own_database.pool.in_use == 0

    for round_number in range(3):
        assert terminate_app_connections(sql) >= 1
        # The dead pooled connection is noticed before use and replaced.
        assert client.get(url).status_code == 200
        response = client.post(f"/api/funds/{fund_id}/allocations",
                               json=batch(company_id, round_number + 1, round_number))
        assert response.status_code == 200

    version, events = version_and_events(sql, fund_id, company_id)
    assert (version, events) == (4, [2, 3, 4])


def test_a_connection_killed_during_a_post_is_503_and_nothing_is_applied(
        test_settings, own_database, database_url, sql, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    client = app_with(test_settings, own_database).test_client()
    before = version_and_events(sql, fund_id, company_id)

    with row_locked(database_url, company_id):
        post = InThread(lambda: client.post(f"/api/funds/{fund_id}/allocations",
                                            json=batch(company_id, 1, 10)))
        wait_until(lambda: app_backends_waiting_on_locks(sql), "the POST to wait on the lock")
        assert terminate_app_connections(sql) >= 1
        assert_unavailable(post.result())

    assert version_and_events(sql, fund_id, company_id) == before
    assert own_database.pool.in_use == 0
    response = client.post(f"/api/funds/{fund_id}/allocations", json=batch(company_id, 1, 10))
    assert response.status_code == 200
    assert version_and_events(sql, fund_id, company_id) == (2, [2])


def test_gunicorn_survives_killed_connections_between_and_during_requests(
        database_url, sql, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    with running_gunicorn(database_url, workers=2) as base_url:
        latest = f"{base_url}/api/funds/{fund_id}/allocations/latest"
        post_url = f"{base_url}/api/funds/{fund_id}/allocations"
        assert [requests.get(latest, timeout=30).status_code for _ in range(6)] == [200] * 6

        # Between requests: every worker's pooled connection dies.
        assert terminate_app_connections(sql) >= 1
        statuses = [requests.get(latest, timeout=30).status_code for _ in range(6)]
        assert set(statuses) <= {200, 503} and statuses[-2:] == [200, 200], statuses

        # During a request: a POST waiting on a row lock loses its connection.
        with row_locked(database_url, company_id):
            post = InThread(lambda: requests.post(post_url, json=batch(company_id, 1, 10),
                                                  timeout=60))
            wait_until(lambda: app_backends_waiting_on_locks(sql), "the POST to wait")
            assert terminate_app_connections(sql) >= 1
            assert_http_error(post.result(), 503, "service_unavailable")
        assert version_and_events(sql, fund_id, company_id) == (1, [])

        # Then the same processes serve again: no restart needed.
        responses = [requests.post(post_url, json=batch(company_id, v, v), timeout=30)
                     for v in (1, 2, 3)]
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert requests.get(f"{base_url}/readyz", timeout=30).status_code == 200
    assert version_and_events(sql, fund_id, company_id) == (4, [2, 3, 4])


# --- lock_timeout -----------------------------------------------------------

def test_a_lock_wait_past_lock_timeout_is_503_and_writes_nothing(
        test_settings, database_url, sql, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    impatient = Database(database_url, max_size=2, lock_timeout_ms=200)
    client = app_with(test_settings, impatient).test_client()
    try:
        with row_locked(database_url, company_id):
            assert_unavailable(client.post(f"/api/funds/{fund_id}/allocations",
                                           json=batch(company_id, 1, 10)))
            # Readers never wait for writers.
            assert client.get(f"/api/funds/{fund_id}/allocations/latest").status_code == 200
        assert version_and_events(sql, fund_id, company_id) == (1, [])
        assert client.post(f"/api/funds/{fund_id}/allocations",
                           json=batch(company_id, 1, 10)).status_code == 200
    finally:
        impatient.close()


# --- deadlock and serialization failure: retried once ----------------------

@pytest.fixture
def deadlock_detecting_database(database_url):
    """PostgreSQL looks for a deadlock once, deadlock_timeout after a backend
    starts waiting. The app's backends wait 3 s before looking (not 1 s): the
    test's other transaction has that long to close the cycle, even on a busy
    machine, and the lock wait never times out first."""
    db = Database(database_url + "&options=-c%20deadlock_timeout%3D3s", max_size=4,
                  lock_timeout_ms=30_000)
    yield db
    db.close()


def test_a_deadlocked_post_is_retried_once_and_applied_once(
        test_settings, deadlock_detecting_database, database_url, sql, fund_factory, caplog):
    fund_id, (first, second) = fund_factory.fund_with_companies([{}, {}])
    client = app_with(test_settings, deadlock_detecting_database).test_client()
    body = {"expected_version": 1, "updates": [
        {"company_id": first, "planned_reserves_cents": 11},
        {"company_id": second, "planned_reserves_cents": 22}]}

    other = psycopg2.connect(database_url)
    try:
        with other.cursor() as cur:
            # Only the server's transaction may be the one chosen to die.
            cur.execute("SET deadlock_timeout = '60s'")
            cur.execute("SELECT id FROM portfoliocompanies WHERE id = %s FOR UPDATE", (second,))
        with caplog.at_level(logging.INFO, logger="app.db"):
            post = InThread(lambda: client.post(f"/api/funds/{fund_id}/allocations", json=body))
            # The POST holds `first` and waits for `second`; now wait for `first`.
            wait_until(lambda: app_backends_waiting_on_locks(sql), "the POST to wait")
            with other.cursor() as cur:
                cur.execute("SELECT id FROM portfoliocompanies WHERE id = %s FOR UPDATE",
                            (first,))
            other.commit()
            response = post.result()
    finally:
        other.close()

    assert response.status_code == 200, response.get_json()
    assert any("retrying once" in record.getMessage() for record in caplog.records)
    assert version_and_events(sql, fund_id, first) == (2, [2])
    assert fund_factory.row(second)["allocation_version"] == 2


@pytest.fixture
def failing_database(database_url):
    """A Database whose one query fails with a real serialization failure
    (SQLSTATE 40001) while `failures_left` > 0."""
    queries = {
        "fail": "DO $$ BEGIN RAISE EXCEPTION 'could not serialize' "
                "USING ERRCODE = 'serialization_failure'; END $$",
        "ok": "SELECT 'done'",
    }
    db = Database(database_url, max_size=2, queries=queries)
    yield db
    db.close()


def test_a_serialization_failure_is_retried_once(failing_database):
    attempts = []

    def work(tx):
        attempts.append(len(attempts) + 1)
        return tx.fetch_value("fail" if len(attempts) == 1 else "ok")

    assert failing_database.run(work) == "done"
    assert attempts == [1, 2]


def test_a_second_serialization_failure_becomes_unavailable(failing_database):
    attempts = []

    def work(tx):
        attempts.append(1)
        return tx.fetch_value("fail")

    with pytest.raises(DatabaseUnavailable):
        failing_database.run(work)
    assert len(attempts) == 2
    assert failing_database.pool.in_use == 0
