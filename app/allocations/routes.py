"""HTTP for allocations: GET …/allocations/latest and POST …/allocations."""
import hashlib

from flask import current_app, g, request
from flask_smorest import Blueprint

from .. import metrics
from ..api import documents_errors, json_text_response
from . import service
from .schemas import AllocationBatchSchema, AllocationResultSchema, LatestAllocationsSchema

blp = Blueprint("allocations", __name__, url_prefix="/api/funds",
                description="Read a fund's allocations and update many companies at once.")

IF_NONE_MATCH = {"in": "header", "name": "If-None-Match", "required": False,
                 "schema": {"type": "string"},
                 "description": "An ETag from an earlier response: 304 if unchanged."}

LATEST_EXAMPLE = {
    "fund_id": 1,
    "companies": [{
        "company_id": 456, "company_name": "Acme Corp", "sector": "Fintech",
        "stage": "Series B", "status": "active", "planned_reserves_cents": 500000,
        "deployed_reserves_cents": 100000, "allocation_cap_cents": 750000,
        "allocation_reason": "High performer, Series B follow-on",
        "allocation_version": 3, "last_allocation_at": "2025-10-07T14:30:00.000Z"}],
    "metadata": {"total_planned_cents": 500000, "total_deployed_cents": 100000,
                 "companies_count": 1, "last_updated_at": "2025-10-07T14:30:00.000Z"},
}

BATCH_EXAMPLE = {
    "expected_version": 3,
    "updates": [
        {"company_id": 456, "planned_reserves_cents": 750000,
         "allocation_cap_cents": 1000000, "allocation_reason": "Series C follow-on"},
        {"company_id": 457, "planned_reserves_cents": 500000, "expected_version": 5},
    ],
}


def _database():
    return current_app.extensions["database"]


@blp.route("/<fund_id:fund_id>/allocations/latest", parameters=[IF_NONE_MATCH])
@blp.response(200, LatestAllocationsSchema, example=LATEST_EXAMPLE,
              headers={"ETag": {"schema": {"type": "string"},
                                "description": "Send back in If-None-Match."}})
@blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
@documents_errors(blp, "invalid_fund_id", "fund_not_found")
def latest_allocations(fund_id):
    """Latest allocations of every company of a fund

    Companies of every status, ordered by company_id, with totals computed
    by the database. Carries an ETag; send it back in If-None-Match to get
    304 while nothing changed.
    """
    document = service.latest_allocations(_database(), fund_id)
    response = json_text_response(document)
    response.set_etag(hashlib.sha256(document.encode()).hexdigest()[:32])
    return response.make_conditional(request)


@blp.route("/<fund_id:fund_id>/allocations", methods=["POST"])
@blp.arguments(AllocationBatchSchema, example=BATCH_EXAMPLE, error_status_code=400)
@blp.response(200, AllocationResultSchema)
@documents_errors(blp, "invalid_fund_id", "invalid_request_body", "validation_error",
                  "fund_not_found", "company_not_found", "version_conflict",
                  "payload_too_large")
def update_allocations(batch, fund_id):
    """Update many companies' allocations at once, all or nothing

    Optimistic locking: each company's allocation_version must equal its
    expected version (the update's own `expected_version`, else the top-level
    one) or nothing is written and 409 lists every stale company. Omitted
    `allocation_cap_cents` / `allocation_reason` keep the stored value; null
    clears it. The cap may never end below the planned reserves. One audit
    event records the batch.

    **On 409:** re-read `GET …/allocations/latest`, re-apply your change to
    the fresh values, and post again with the new versions.
    """
    result = service.update_allocations(_database(), fund_id, batch,
                                        user_id=g.get("user_id"), request_id=g.request_id)
    metrics.count_applied_batch(result["updated_count"])
    return result
