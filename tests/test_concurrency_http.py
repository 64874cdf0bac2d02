"""Many clients at once, through a real gunicorn with two worker processes:
no update is lost, and overlapping batches never deadlock into a 5xx."""
import random
import threading
import time
from collections import Counter

import pytest
import requests

from .support import running_gunicorn


@pytest.fixture(scope="module")
def server(database_url):
    with running_gunicorn(database_url, workers=2) as base_url:
        yield base_url


def run_clients(count, target):
    """Run `target(index)` in `count` threads; re-raise the first failure."""
    failures = []

    def guarded(index):
        try:
            target(index)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def latest_by_company(session, server, fund_id):
    response = session.get(f"{server}/api/funds/{fund_id}/allocations/latest", timeout=30)
    assert response.status_code == 200, response.text
    return {c["company_id"]: c for c in response.json()["companies"]}


CLIENTS, INCREMENTS_PER_CLIENT, MAX_ATTEMPTS = 8, 25, 2000


def test_read_modify_write_increments_are_never_lost(server, fund_factory):
    fund_id, (company_id, bystander_id) = fund_factory.fund_with_companies(
        [{"name": "Contended", "planned_reserves_cents": 1_000},
         {"name": "Bystander", "planned_reserves_cents": 7}])
    successes = []  # (client, delta) of every increment the server accepted
    statuses = Counter()
    lock = threading.Lock()

    def client(index):
        delta = index + 1  # each client adds its own amount: a lost one shows
        with requests.Session() as session:
            done = attempts = 0
            while done < INCREMENTS_PER_CLIENT:
                attempts += 1
                assert attempts <= MAX_ATTEMPTS, "no progress"
                current = latest_by_company(session, server, fund_id)[company_id]
                response = session.post(f"{server}/api/funds/{fund_id}/allocations", json={
                    "expected_version": current["allocation_version"],
                    "updates": [{"company_id": company_id, "planned_reserves_cents":
                                 current["planned_reserves_cents"] + delta}]}, timeout=30)
                with lock:
                    statuses[response.status_code] += 1
                if response.status_code == 200:
                    assert response.json()["companies"] == [
                        {"company_id": company_id,
                         "allocation_version": current["allocation_version"] + 1}]
                    with lock:
                        successes.append((index, delta))
                    done += 1
                else:
                    assert response.status_code == 409, response.text
                    assert response.json()["error"] == "version_conflict"

    run_clients(CLIENTS, client)

    assert len(successes) == CLIENTS * INCREMENTS_PER_CLIENT
    assert set(statuses) <= {200, 409}
    row = fund_factory.row(company_id)
    assert row["planned_reserves_cents"] == 1_000 + sum(delta for _, delta in successes)
    assert row["allocation_version"] == 1 + len(successes)
    events = fund_factory.events(fund_id)
    assert [e["event_type"] for e in events] == ["ALLOCATION_UPDATED"] * len(successes)
    # Each event records the step it made: previous value + delta = new value.
    steps = Counter()
    for event in events:
        (update,) = event["payload"]["updates"]
        assert update["new_version"] == update["previous"]["allocation_version"] + 1
        steps[update["planned_reserves_cents"] - update["previous"]["planned_reserves_cents"]] += 1
    assert steps == Counter({index + 1: INCREMENTS_PER_CLIENT for index in range(CLIENTS)})
    assert sorted(e["payload"]["new_version"] for e in events) == \
        list(range(2, 2 + len(successes)))
    assert fund_factory.row(bystander_id)["allocation_version"] == 1
    assert fund_factory.row(bystander_id)["planned_reserves_cents"] == 7


DEADLOCK_CLIENTS, DEADLOCK_SECONDS, SHARED_COMPANIES = 4, 10.0, 10


def test_overlapping_batches_in_any_order_never_deadlock(server, fund_factory):
    fund_id, company_ids = fund_factory.fund_with_companies(
        [{"name": f"Shared {i}", "planned_reserves_cents": 0} for i in range(SHARED_COMPANIES)])
    statuses = Counter()
    included = Counter()  # company id → successful batches that included it
    successful_batches = []
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLOCK_SECONDS

    def client(index):
        rng = random.Random(index)
        with requests.Session() as session:
            while time.monotonic() < deadline:
                versions = latest_by_company(session, server, fund_id)
                batch = rng.sample(company_ids, rng.randint(2, SHARED_COMPANIES))  # shuffled
                response = session.post(f"{server}/api/funds/{fund_id}/allocations", json={
                    "expected_version": 1,
                    "updates": [{"company_id": cid, "planned_reserves_cents": rng.randint(0, 10**6),
                                 "expected_version": versions[cid]["allocation_version"]}
                                for cid in batch]}, timeout=30)
                with lock:
                    statuses[response.status_code] += 1
                    if response.status_code == 200:
                        successful_batches.append(sorted(batch))
                        included.update(batch)
                assert response.status_code in (200, 409), response.text

    run_clients(DEADLOCK_CLIENTS, client)

    assert set(statuses) <= {200, 409}
    assert statuses[200] == len(successful_batches) > 0
    for company_id in company_ids:
        assert fund_factory.row(company_id)["allocation_version"] == 1 + included[company_id]
    events = fund_factory.events(fund_id)
    assert len(events) == len(successful_batches)
    assert sorted(sorted(u["company_id"] for u in e["payload"]["updates"]) for e in events) == \
        sorted(successful_batches)
