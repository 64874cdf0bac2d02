"""The seed document's 15 test cases ("Test Coverage"), one test each, run
against the real database through the Flask app. The other allocation test
files take each rule further; these mirror the original design's list."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from .api_support import (
    MAX_INT4,
    UNKNOWN_FUND_ID,
    api_timestamp,
    assert_error,
    assert_validation_error,
    get_latest,
    post_batch,
    set_version,
    unchanged,
)


@pytest.fixture
def fund(fund_factory):
    """A fund with three companies at version 1."""
    return fund_factory.fund_with_companies([
        {"name": "Acme Corp", "planned_reserves_cents": 500_000,
         "deployed_reserves_cents": 100_000, "allocation_cap_cents": 750_000,
         "allocation_reason": "High performer"},
        {"name": "Beta Labs", "planned_reserves_cents": 200_000,
         "deployed_reserves_cents": 50_000},
        {"name": "Gamma AI", "status": "exited", "planned_reserves_cents": 0,
         "deployed_reserves_cents": 300_000},
    ])


def update(company_id, planned, **fields):
    return {"company_id": company_id, "planned_reserves_cents": planned, **fields}


# 1
def test_01_successful_get_request(client, fund):
    fund_id, (a, b, c) = fund
    response = get_latest(client, fund_id)
    assert response.status_code == 200
    document = response.get_json()
    assert document["fund_id"] == fund_id
    assert [(x["company_id"], x["company_name"], x["planned_reserves_cents"],
             x["deployed_reserves_cents"], x["allocation_cap_cents"], x["allocation_reason"],
             x["allocation_version"], x["last_allocation_at"]) for x in document["companies"]] == [
        (a, "Acme Corp", 500_000, 100_000, 750_000, "High performer", 1, None),
        (b, "Beta Labs", 200_000, 50_000, None, None, 1, None),
        (c, "Gamma AI", 0, 300_000, None, None, 1, None)]
    assert document["metadata"] == {"total_planned_cents": 700_000,
                                    "total_deployed_cents": 450_000,
                                    "companies_count": 3, "last_updated_at": None}


# 2
def test_02_get_with_non_existent_fund(client):
    assert_error(get_latest(client, UNKNOWN_FUND_ID), 404, "fund_not_found")


# 3
@pytest.mark.parametrize("raw_id", ["abc", "0", "-1", "1.5", "2147483648"])
def test_03_get_with_invalid_fund_id(client, raw_id):
    assert_error(get_latest(client, raw_id), 400, "invalid_fund_id")


# 4
def test_04_get_with_empty_fund(client, fund_factory):
    fund_id = fund_factory.fund()
    response = get_latest(client, fund_id)
    assert response.status_code == 200
    assert response.get_json() == {
        "fund_id": fund_id, "companies": [],
        "metadata": {"total_planned_cents": 0, "total_deployed_cents": 0,
                     "companies_count": 0, "last_updated_at": None}}


# 5
def test_05_successful_single_company_update(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        update(a, 600_000, allocation_cap_cents=900_000, allocation_reason="Series C")]})
    assert response.status_code == 200
    assert response.get_json() == {"success": True, "new_version": 2, "updated_count": 1,
                                   "companies": [{"company_id": a, "allocation_version": 2}]}
    row = fund_factory.row(a)
    assert (row["planned_reserves_cents"], row["allocation_cap_cents"], row["allocation_reason"],
            row["allocation_version"]) == (600_000, 900_000, "Series C", 2)
    assert row["last_allocation_at"] is not None


# 6
def test_06_successful_batch_update_of_three_companies(client, fund_factory, fund):
    fund_id, ids = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        update(cid, 1_000 * (n + 1)) for n, cid in enumerate(ids)]})
    assert response.status_code == 200
    assert response.get_json() == {
        "success": True, "new_version": 2, "updated_count": 3,
        "companies": [{"company_id": cid, "allocation_version": 2} for cid in ids]}
    rows = [fund_factory.row(cid) for cid in ids]
    assert [r["planned_reserves_cents"] for r in rows] == [1_000, 2_000, 3_000]
    assert len({r["last_allocation_at"] for r in rows}) == 1


# 7
def test_07_version_conflict(client, sql, fund):
    fund_id, (a, _, _) = fund
    set_version(sql, a, 2)
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, {"expected_version": 1,
                                                "updates": [update(a, 1)]})
    body = assert_error(response, 409, "version_conflict")
    assert body["message"] == "Version conflict: 1 companies have been updated by another user"
    assert body["conflicts"] == [{"company_id": a, "expected_version": 1, "actual_version": 2}]


# 8
def test_08_partial_batch_conflict_rolls_back_everything(client, sql, fund):
    fund_id, (a, b, c) = fund
    set_version(sql, c, 4)
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
            update(a, 1), update(b, 2), update(c, 3)]})
    body = assert_error(response, 409, "version_conflict")
    assert body["conflicts"] == [{"company_id": c, "expected_version": 1, "actual_version": 4}]


# 9
def test_09_company_not_found(client, sql, fund):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
            update(a, 1), update(MAX_INT4, 1)]})
    body = assert_error(response, 404, "company_not_found")
    assert body["details"] == {"missing_company_ids": [MAX_INT4]}


# 10
def test_10_company_not_in_fund(client, sql, fund_factory, fund):
    fund_id, (a, _, _) = fund
    other_fund, (foreign,) = fund_factory.fund_with_companies([{"name": "Elsewhere"}])
    with unchanged(sql, fund_id, other_fund):
        response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
            update(a, 1), update(foreign, 1)]})
    body = assert_error(response, 404, "company_not_found")
    assert body["details"] == {"missing_company_ids": [foreign]}


# 11
@pytest.mark.parametrize("make_body,path", [
    (lambda ids: {"expected_version": 1, "updates": [update(ids[0], -100)]},
     "updates.0.planned_reserves_cents"),
    (lambda ids: {"expected_version": 1, "updates": [
        update(ids[0], 1_000_000, allocation_cap_cents=500_000)]},
     "updates.0.allocation_cap_cents"),
    (lambda ids: {"expected_version": 1, "updates": []}, "updates"),
    (lambda ids: {"expected_version": 1, "updates": [update(ids[0], 1)] * 101}, "updates"),
    (lambda ids: {"expected_version": 0, "updates": [update(ids[0], 1)]}, "expected_version"),
    (lambda ids: {"updates": [update(ids[0], 1)]}, "expected_version"),
    (lambda ids: {"expected_version": 1, "updates": [
        update(ids[0], 1, allocation_reason="x" * 1001)]}, "updates.0.allocation_reason"),
    (lambda ids: {"expected_version": 1, "updates": [{"company_id": ids[0]}]},
     "updates.0.planned_reserves_cents"),
    (lambda ids: {"expected_version": 1, "updates": [update(ids[0], "100")]},
     "updates.0.planned_reserves_cents"),
], ids=["negative-reserves", "cap-below-planned", "empty-updates", "101-updates",
        "version-zero", "no-version", "long-reason", "no-planned", "string-amount"])
def test_11_invalid_request_data(client, sql, fund, make_body, path):
    fund_id, ids = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, make_body(ids))
    assert_validation_error(response, path)


# 12
def test_12_audit_log_verification(client, fund_factory, fund):
    fund_id, (a, b, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        update(b, 250_000, allocation_reason="Bridge"), update(a, 550_000)]},
        headers={"X-Request-ID": "seed-case-12"})
    assert response.status_code == 200
    (event,) = fund_factory.events(fund_id)
    assert (event["event_type"], event["operation"], event["entity_type"], event["user_id"]) == (
        "ALLOCATION_UPDATED", "UPDATE", "allocation", None)
    assert event["payload"] == {"new_version": 2, "update_count": 2, "updates": [
        {"company_id": a, "planned_reserves_cents": 550_000, "allocation_cap_cents": 750_000,
         "allocation_reason": "High performer", "new_version": 2,
         "previous": {"planned_reserves_cents": 500_000, "allocation_cap_cents": 750_000,
                      "allocation_reason": "High performer", "allocation_version": 1}},
        {"company_id": b, "planned_reserves_cents": 250_000, "allocation_cap_cents": None,
         "allocation_reason": "Bridge", "new_version": 2,
         "previous": {"planned_reserves_cents": 200_000, "allocation_cap_cents": None,
                      "allocation_reason": None, "allocation_version": 1}}]}
    assert event["metadata"] == {
        "timestamp": api_timestamp(fund_factory.row(a)["last_allocation_at"]),
        "company_count": 2, "request_id": "seed-case-12"}


# 13
def test_13_concurrent_update_race(app, fund_factory, fund):
    fund_id, (a, _, _) = fund
    barrier = threading.Barrier(2)

    def send(planned):
        barrier.wait(timeout=30)
        return post_batch(app.test_client(), fund_id,
                          {"expected_version": 1, "updates": [update(a, planned)]})

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(send, [111, 222]))
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.get_json()["conflicts"] == [
        {"company_id": a, "expected_version": 1, "actual_version": 2}]
    assert fund_factory.row(a)["allocation_version"] == 2
    assert len(fund_factory.events(fund_id)) == 1


# 14
def test_14_null_values_handling(client, fund_factory, fund):
    fund_id, (a, b, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        update(a, 10, allocation_cap_cents=None, allocation_reason=None),  # clear both
        update(b, 20)]})                                                   # keep both (null)
    assert response.status_code == 200
    row_a, row_b = fund_factory.row(a), fund_factory.row(b)
    assert (row_a["allocation_cap_cents"], row_a["allocation_reason"]) == (None, None)
    assert (row_b["allocation_cap_cents"], row_b["allocation_reason"]) == (None, None)
    listed = {c["company_id"]: c for c in get_latest(client, fund_id).get_json()["companies"]}
    assert (listed[a]["allocation_cap_cents"], listed[a]["allocation_reason"]) == (None, None)


# 15 — speed is measured by the benchmark; here: a 50-company batch works.
def test_15_batch_of_50_companies(client, fund_factory):
    fund_id = fund_factory.fund()
    ids = fund_factory.many_companies(fund_id, 50)
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        update(cid, 5_000 + n, allocation_cap_cents=10_000) for n, cid in enumerate(ids)]})
    assert response.status_code == 200
    assert response.get_json()["updated_count"] == 50
    rows = [fund_factory.row(cid) for cid in ids]
    assert [(r["planned_reserves_cents"], r["allocation_cap_cents"], r["allocation_version"])
            for r in rows] == [(5_000 + n, 10_000, 2) for n in range(50)]
    assert len({r["last_allocation_at"] for r in rows}) == 1
    (event,) = fund_factory.events(fund_id)
    assert event["payload"]["update_count"] == 50
