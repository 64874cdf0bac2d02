"""Concurrent batch updates against the real database (SPEC §5 rule 3):
the version check runs under row locks, so of several writers that read the
same version exactly one wins, and a batch with a stale company writes nothing.

Each race runs both through the in-process app (one test client per thread,
sharing the thread-safe pool) and through a real gunicorn with two worker
processes (separate pools, separate processes)."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
import requests

from .api_support import fund_state, set_version, unchanged
from .support import running_gunicorn

WAIT_S = 30


@pytest.fixture(scope="module")
def gunicorn_url(database_url):
    with running_gunicorn(database_url, workers=2) as base_url:
        yield base_url


@pytest.fixture(params=["in-process", "gunicorn"])
def post(request, app):
    """post(fund_id, body) → (status, json body), safe to call from threads."""
    if request.param == "in-process":
        def post_in_process(fund_id, body):
            response = app.test_client().post(f"/api/funds/{fund_id}/allocations", json=body)
            return response.status_code, response.get_json()
        return post_in_process

    base_url = request.getfixturevalue("gunicorn_url")

    def post_over_http(fund_id, body):
        response = requests.post(f"{base_url}/api/funds/{fund_id}/allocations", json=body,
                                 timeout=WAIT_S)
        return response.status_code, response.json()
    return post_over_http


def race(post, fund_id, bodies):
    """Post every body at once (released together by a barrier); results in body order."""
    barrier = threading.Barrier(len(bodies))

    def send(body):
        barrier.wait(timeout=WAIT_S)
        return post(fund_id, body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def single_update(company_id, version, planned):
    return {"expected_version": version,
            "updates": [{"company_id": company_id, "planned_reserves_cents": planned}]}


@pytest.mark.parametrize("round_", range(3))
def test_two_writers_with_the_same_version_one_wins(post, fund_factory, sql, round_):
    fund_id, (company,) = fund_factory.fund_with_companies([{"name": "Contested"}])
    set_version(sql, company, 3)
    results = race(post, fund_id, [single_update(company, 3, 111), single_update(company, 3, 222)])

    assert sorted(status for status, _ in results) == [200, 409], results
    (winner_index,) = [i for i, (status, _) in enumerate(results) if status == 200]
    winner_planned = (111, 222)[winner_index]
    _, won = results[winner_index]
    _, lost = results[1 - winner_index]
    assert won["companies"] == [{"company_id": company, "allocation_version": 4}]
    assert lost["error"] == "version_conflict"
    assert lost["message"] == "Version conflict: 1 companies have been updated by another user"
    assert lost["conflicts"] == [{"company_id": company, "expected_version": 3,
                                  "actual_version": 4}]

    row = fund_factory.row(company)
    assert (row["allocation_version"], row["planned_reserves_cents"]) == (4, winner_planned)
    (event,) = fund_factory.events(fund_id)
    assert event["payload"]["updates"][0]["planned_reserves_cents"] == winner_planned


def test_many_writers_with_the_same_version_one_wins(post, fund_factory):
    fund_id, companies = fund_factory.fund_with_companies([{"name": "A"}, {"name": "B"}])
    bodies = [{"expected_version": 1, "updates": [
        {"company_id": cid, "planned_reserves_cents": n} for cid in companies]}
        for n in range(8)]
    results = race(post, fund_id, bodies)

    assert sorted(status for status, _ in results) == [200] + [409] * 7, results
    for status, body in results:
        if status == 409:
            assert body["conflicts"] == [
                {"company_id": cid, "expected_version": 1, "actual_version": 2}
                for cid in sorted(companies)]
    assert [fund_factory.row(cid)["allocation_version"] for cid in companies] == [2, 2]
    assert len(fund_factory.events(fund_id)) == 1


def test_overlapping_batches_in_opposite_orders_do_not_deadlock(post, fund_factory):
    fund_id, (a, b, c) = fund_factory.fund_with_companies(
        [{"name": "A"}, {"name": "B"}, {"name": "C"}])
    forward = {"expected_version": 1, "updates": [
        {"company_id": cid, "planned_reserves_cents": 1} for cid in (a, b, c)]}
    backward = {"expected_version": 1, "updates": [
        {"company_id": cid, "planned_reserves_cents": 2} for cid in (c, b, a)]}
    results = race(post, fund_id, [forward, backward] * 3)

    assert sorted(status for status, _ in results) == [200] + [409] * 5, results
    winner = next(i for i, (status, _) in enumerate(results) if status == 200)
    planned = 1 if winner % 2 == 0 else 2
    assert [fund_factory.row(cid)["planned_reserves_cents"] for cid in (a, b, c)] == [planned] * 3
    assert len(fund_factory.events(fund_id)) == 1


def test_batch_with_one_stale_company_writes_nothing(post, fund_factory, sql):
    fund_id, (a, b, c) = fund_factory.fund_with_companies(
        [{"name": "A", "allocation_reason": "keep"}, {"name": "B"}, {"name": "C"}])
    set_version(sql, b, 2)
    body = {"expected_version": 1, "updates": [
        {"company_id": cid, "planned_reserves_cents": 5, "allocation_reason": "new"}
        for cid in (a, b, c)]}
    with unchanged(sql, fund_id):
        status, error = post(fund_id, body)
    assert status == 409
    assert error["conflicts"] == [{"company_id": b, "expected_version": 1, "actual_version": 2}]


def wait_until_blocked_on_a_lock(sql):
    """Wait until a backend waits for a row lock (the POST under test)."""
    deadline = time.monotonic() + WAIT_S
    with sql.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                        "AND query LIKE %s", ("%FOR UPDATE%",))
            if cur.fetchone()[0] > 0:
                return
            time.sleep(0.02)
    raise AssertionError("the POST never waited for the row lock")


def test_version_is_checked_after_waiting_for_the_row_lock(post, fund_factory, sql,
                                                           database_url):
    """A writer that commits while the batch waits for its lock makes the
    batch stale: the check sees the committed version, not an earlier read."""
    fund_id, (a, b, c) = fund_factory.fund_with_companies(
        [{"name": "A"}, {"name": "B"}, {"name": "C"}])
    other_writer = psycopg2.connect(database_url)
    try:
        with other_writer.cursor() as cur:
            cur.execute("UPDATE portfoliocompanies SET allocation_version = 2, "
                        "planned_reserves_cents = 77 WHERE id = %s", (b,))
        before = fund_state(sql, fund_id)  # the other writer's change is not yet visible
        body = {"expected_version": 1, "updates": [
            {"company_id": cid, "planned_reserves_cents": 5} for cid in (a, b, c)]}
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(post, fund_id, body)
            wait_until_blocked_on_a_lock(sql)
            other_writer.commit()
            status, error = pending.result(timeout=WAIT_S)
    finally:
        other_writer.close()

    assert status == 409, error
    assert error["conflicts"] == [{"company_id": b, "expected_version": 1, "actual_version": 2}]
    companies, events = fund_state(sql, fund_id)
    assert events == before[1] == []
    assert [row for row in companies if row[0] != b] == [row for row in before[0] if row[0] != b]
    assert fund_factory.row(b)["planned_reserves_cents"] == 77
