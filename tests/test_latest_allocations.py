"""GET /api/funds/{fund_id}/allocations/latest (SPEC §3): the document, its
order and totals, timestamps, empty and unknown funds, ETag and 304."""
import pytest

from .api_support import (
    API_TIMESTAMP,
    MAX_AMOUNT,
    UNKNOWN_FUND_ID,
    api_timestamp,
    assert_error,
    get_latest,
    post_batch,
)


def expected_company(row):
    return {
        "company_id": row["id"], "company_name": row["name"], "sector": row["sector"],
        "stage": row["stage"], "status": row["status"],
        "planned_reserves_cents": row["planned_reserves_cents"],
        "deployed_reserves_cents": row["deployed_reserves_cents"],
        "allocation_cap_cents": row["allocation_cap_cents"],
        "allocation_reason": row["allocation_reason"],
        "allocation_version": row["allocation_version"],
        "last_allocation_at": (api_timestamp(row["last_allocation_at"])
                               if row["last_allocation_at"] else None),
    }


@pytest.fixture
def fund(fund_factory, sql):
    """A fund with companies of every status; the first one is updated last
    so that its row is no longer first in the table's physical order."""
    fund_id, ids = fund_factory.fund_with_companies([
        {"name": "Acme", "sector": "Fintech", "stage": "Series B", "status": "active",
         "planned_reserves_cents": 500_000, "deployed_reserves_cents": 100_000,
         "allocation_cap_cents": 750_000, "allocation_reason": "High performer",
         "allocation_version": 3, "last_allocation_at": "2025-10-07 16:30:00.250+02"},
        {"name": "Exited Co", "status": "exited", "planned_reserves_cents": 0,
         "deployed_reserves_cents": 2_000_000},
        {"name": "Gone Inc", "status": "written-off", "planned_reserves_cents": 1,
         "deployed_reserves_cents": 3, "last_allocation_at": "2025-11-01 09:00:00.999+00"},
        {"name": "Big", "planned_reserves_cents": MAX_AMOUNT, "deployed_reserves_cents": MAX_AMOUNT,
         "last_allocation_at": "2025-10-31 23:59:59+00"},
    ])
    with sql.cursor() as cur:
        cur.execute("UPDATE portfoliocompanies SET name = 'Acme Corp' WHERE id = %s", (ids[0],))
    return fund_id, ids


def test_document_lists_every_company_by_id_with_exact_values(client, fund_factory, fund):
    fund_id, ids = fund
    response = get_latest(client, fund_id)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["fund_id"] == fund_id
    assert [c["company_id"] for c in document["companies"]] == sorted(ids)
    assert document["companies"] == [expected_company(fund_factory.row(cid)) for cid in ids]
    assert {c["status"] for c in document["companies"]} == {"active", "exited", "written-off"}


def test_metadata_totals_count_and_last_update(client, fund):
    fund_id, _ = fund
    metadata = get_latest(client, fund_id).get_json()["metadata"]
    assert metadata == {
        "total_planned_cents": 500_000 + 0 + 1 + MAX_AMOUNT,
        "total_deployed_cents": 100_000 + 2_000_000 + 3 + MAX_AMOUNT,
        "companies_count": 4,
        "last_updated_at": "2025-11-01T09:00:00.999Z",
    }


def test_timestamps_are_utc_with_milliseconds(client, fund):
    fund_id, ids = fund
    document = get_latest(client, fund_id).get_json()
    stamps = {c["company_id"]: c["last_allocation_at"] for c in document["companies"]}
    assert stamps == {ids[0]: "2025-10-07T14:30:00.250Z", ids[1]: None,
                      ids[2]: "2025-11-01T09:00:00.999Z", ids[3]: "2025-10-31T23:59:59.000Z"}
    for stamp in [*filter(None, stamps.values()), document["metadata"]["last_updated_at"]]:
        assert API_TIMESTAMP.fullmatch(stamp)


def test_fund_whose_companies_were_never_allocated_has_no_last_update(client, fund_factory):
    fund_id, _ = fund_factory.fund_with_companies([{"name": "A"}, {"name": "B"}])
    metadata = get_latest(client, fund_id).get_json()["metadata"]
    assert metadata["companies_count"] == 2 and metadata["last_updated_at"] is None


def test_other_funds_companies_are_not_listed(client, fund_factory, fund):
    fund_id, ids = fund
    fund_factory.fund_with_companies([{"name": "Elsewhere", "planned_reserves_cents": 9}])
    document = get_latest(client, fund_id).get_json()
    assert [c["company_id"] for c in document["companies"]] == ids


def test_unknown_fund(client):
    assert_error(get_latest(client, UNKNOWN_FUND_ID), 404, "fund_not_found")


@pytest.mark.parametrize("raw_id", ["abc", "0", "-1", "1.5", "2147483648", "99999999999", "%00"])
def test_invalid_fund_id(client, raw_id):
    assert_error(get_latest(client, raw_id), 400, "invalid_fund_id")


# ---------------------------------------------------------------- ETag

def test_matching_if_none_match_gets_304_without_body(client, fund):
    fund_id, _ = fund
    first = get_latest(client, fund_id)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    again = get_latest(client, fund_id, {"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    assert again.get_data() == b""


def test_unchanged_fund_keeps_its_etag(client, fund):
    fund_id, _ = fund
    first, second = get_latest(client, fund_id), get_latest(client, fund_id)
    assert first.headers["ETag"] == second.headers["ETag"]


def test_non_matching_if_none_match_gets_the_document(client, fund):
    fund_id, _ = fund
    response = get_latest(client, fund_id, {"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert response.get_json()["fund_id"] == fund_id


def test_update_changes_the_etag(client, fund):
    fund_id, ids = fund
    old = get_latest(client, fund_id)
    updated = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": ids[1], "planned_reserves_cents": 42}]})
    assert updated.status_code == 200
    response = get_latest(client, fund_id, {"If-None-Match": old.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["ETag"] != old.headers["ETag"]
    changed = next(c for c in response.get_json()["companies"] if c["company_id"] == ids[1])
    assert (changed["planned_reserves_cents"], changed["allocation_version"]) == (42, 2)
    new_etag = response.headers["ETag"]
    assert get_latest(client, fund_id, {"If-None-Match": new_etag}).status_code == 304


def test_etags_differ_between_funds(client, fund_factory):
    first, second = fund_factory.fund(), fund_factory.fund()
    assert get_latest(client, first).headers["ETag"] != get_latest(client, second).headers["ETag"]
