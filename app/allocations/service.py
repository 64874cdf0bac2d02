"""The allocation rules of SPEC §5 and their transaction boundary."""
from ..errors import ApiError, fund_not_found
from . import repository
from .repository import NewAllocation


def latest_allocations(database, fund_id: int) -> str:
    """The SPEC §3 document as JSON text."""
    document = database.run(lambda tx: repository.latest_allocations_json(tx, fund_id))
    if document is None:
        raise fund_not_found()
    return document


def update_allocations(database, fund_id: int, batch: dict, *, user_id, request_id) -> dict:
    """Apply a validated batch all or nothing (rules 2–4 of SPEC §5, in order)."""
    default_version = batch["expected_version"]
    # Each update with its index in the request, for error paths (updates.<i>.…).
    indexed = sorted(enumerate(batch["updates"]), key=lambda item: item[1]["company_id"])
    company_ids = [update["company_id"] for _, update in indexed]

    def work(tx):
        locked = repository.lock_companies(tx, fund_id, company_ids)
        _require_fund_and_companies(locked, company_ids)
        _require_expected_versions(locked, indexed, default_version)
        allocations = _merge_with_stored(locked, indexed, default_version)
        payload = _audit_payload(locked, allocations)
        updated_count, event_id = repository.apply_batch(
            tx, fund_id, allocations, payload=payload, user_id=user_id, request_id=request_id)
        if updated_count != len(allocations) or event_id is None:
            # Impossible while the row locks hold; never commit half a batch.
            raise RuntimeError("batch update touched other rows than it locked")
        return _result(payload)

    return database.run(work)


def _require_fund_and_companies(locked, company_ids):
    if not locked.fund_exists:
        raise fund_not_found()
    missing = [cid for cid in company_ids if cid not in locked.companies]
    if missing:
        raise ApiError(404, "company_not_found",
                       f"{len(missing)} compan{'y is' if len(missing) == 1 else 'ies are'} "
                       "not in this fund.",
                       details={"missing_company_ids": missing})


def _require_expected_versions(locked, indexed, default_version):
    conflicts = []
    for _, update in indexed:
        expected = update.get("expected_version", default_version)
        actual = locked.companies[update["company_id"]].allocation_version
        if actual != expected:
            conflicts.append({"company_id": update["company_id"],
                              "expected_version": expected, "actual_version": actual})
    if conflicts:
        raise ApiError(409, "version_conflict",
                       f"Version conflict: {len(conflicts)} companies have been "
                       "updated by another user",
                       conflicts=conflicts)


def _merge_with_stored(locked, indexed, default_version) -> list[NewAllocation]:
    """Omitted cap or reason keeps the stored value; then cap >= planned must
    hold for every row (rule 4)."""
    allocations, errors = [], {}
    for index, update in indexed:
        stored = locked.companies[update["company_id"]]
        allocation = NewAllocation(
            company_id=update["company_id"],
            planned_reserves_cents=update["planned_reserves_cents"],
            allocation_cap_cents=update.get("allocation_cap_cents", stored.allocation_cap_cents),
            allocation_reason=update.get("allocation_reason", stored.allocation_reason),
            expected_version=update.get("expected_version", default_version),
        )
        cap = allocation.allocation_cap_cents
        if cap is not None and cap < allocation.planned_reserves_cents:
            errors[f"updates.{index}.allocation_cap_cents"] = [
                f"The allocation cap ({cap}) would be below planned_reserves_cents "
                f"({allocation.planned_reserves_cents}); send a higher cap or null."]
        allocations.append(allocation)
    if errors:
        raise ApiError(400, "validation_error", "The request body is invalid.", details=errors)
    return allocations


def _audit_payload(locked, allocations) -> dict:
    updates = []
    for allocation in allocations:
        stored = locked.companies[allocation.company_id]
        updates.append({
            "company_id": allocation.company_id,
            "planned_reserves_cents": allocation.planned_reserves_cents,
            "allocation_cap_cents": allocation.allocation_cap_cents,
            "allocation_reason": allocation.allocation_reason,
            "new_version": stored.allocation_version + 1,
            "previous": {
                "planned_reserves_cents": stored.planned_reserves_cents,
                "allocation_cap_cents": stored.allocation_cap_cents,
                "allocation_reason": stored.allocation_reason,
                "allocation_version": stored.allocation_version,
            },
        })
    return {"updates": updates,
            "new_version": max(u["new_version"] for u in updates),
            "update_count": len(updates)}


def _result(payload) -> dict:
    return {
        "success": True,
        "new_version": payload["new_version"],
        "updated_count": payload["update_count"],
        "companies": [{"company_id": u["company_id"], "allocation_version": u["new_version"]}
                      for u in payload["updates"]],
    }
