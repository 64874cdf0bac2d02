"""HTTP for GET /api/funds/{fund_id}/companies."""
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE

from ..api import documents_errors, json_text_response
from . import service
from .schemas import CompanyListQuerySchema, CompanyPageSchema

blp = Blueprint("companies", __name__, url_prefix="/api/funds",
                description="List, filter and page through a fund's portfolio companies.")

PAGE_EXAMPLE = {
    "companies": [{
        "id": 456, "fund_id": 1, "name": "Acme Corp", "sector": "Fintech",
        "stage": "Series B", "status": "active", "invested_cents": 250000000,
        "planned_reserves_cents": 500000, "deployed_reserves_cents": 100000,
        "exit_moic_bps": 42000, "ownership_pct": 0.12, "allocation_cap_cents": 750000,
        "allocation_reason": "High performer", "allocation_version": 3,
        "last_allocation_at": "2025-10-07T14:30:00.000Z"}],
    "pagination": {"next_cursor": "WyJleGl0X21vaWNfZGVzYyIsNDIwMDAsNDU2XQ.x8nU2kq1FJ3b0t0a",
                   "has_more": True},
}


@blp.route("/<fund_id:fund_id>/companies")
# webargs ignores unknown query parameters unless told otherwise; refuse them
# so that a misspelt parameter (`sortby=name_asc`) is not silently ignored.
@blp.arguments(CompanyListQuerySchema, location="query", as_kwargs=False, unknown=RAISE,
               error_status_code=400)
@blp.response(200, CompanyPageSchema, example=PAGE_EXAMPLE)
@documents_errors(blp, "invalid_fund_id", "invalid_query_parameters", "fund_not_found")
def list_companies(query, fund_id):
    """List a fund's companies, filtered, sorted, one page at a time

    Keyset pagination: pass `pagination.next_cursor` back as `cursor` (with
    the same sortBy) until it is null. Paging never skips or repeats a row.
    """
    extensions = current_app.extensions
    return json_text_response(service.list_companies(
        extensions["database"], extensions["company_cursors"], fund_id, query))
