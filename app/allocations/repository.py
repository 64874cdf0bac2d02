"""The allocation SQL (sql/allocations/), run on a transaction handle."""
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class StoredAllocation:
    company_id: int
    allocation_version: int
    planned_reserves_cents: int
    allocation_cap_cents: int | None
    allocation_reason: str | None


@dataclass(frozen=True)
class LockedBatch:
    fund_exists: bool
    companies: dict  # company_id → StoredAllocation


@dataclass(frozen=True)
class NewAllocation:
    company_id: int
    planned_reserves_cents: int
    allocation_cap_cents: int | None
    allocation_reason: str | None
    expected_version: int


def latest_allocations_json(tx, fund_id: int) -> str | None:
    """The SPEC §3 document, built by PostgreSQL; None if the fund is unknown."""
    return tx.fetch_value("allocations/latest", {"fund_id": fund_id})


def lock_companies(tx, fund_id: int, company_ids: list[int]) -> LockedBatch:
    rows = tx.fetch_all("allocations/lock_companies",
                        {"fund_id": fund_id, "company_ids": company_ids})
    companies = {row[1]: StoredAllocation(*row[1:]) for row in rows if row[1] is not None}
    return LockedBatch(fund_exists=rows[0][0], companies=companies)


def apply_batch(tx, fund_id: int, allocations: list[NewAllocation], *,
                payload: dict, user_id: int | None, request_id: str) -> tuple[int, int | None]:
    """Write the batch and its audit event; (rows updated, event id)."""
    return tx.fetch_one("allocations/apply_batch", {
        "fund_id": fund_id,
        "company_ids": [a.company_id for a in allocations],
        "planned": [a.planned_reserves_cents for a in allocations],
        "caps": [a.allocation_cap_cents for a in allocations],
        "reasons": [a.allocation_reason for a in allocations],
        "expected_versions": [a.expected_version for a in allocations],
        "payload": json.dumps(payload, ensure_ascii=False),
        "user_id": user_id,
        "request_id": request_id,
    })
