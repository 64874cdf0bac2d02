"""Query string and response of GET /api/funds/{fund_id}/companies (SPEC §4)."""
from marshmallow import RAISE, Schema, fields, validate

from ..fields import QueryInteger, Text

STATUSES = ("active", "exited", "written-off")
SORT_ORDERS = ("exit_moic_desc", "planned_reserves_desc", "name_asc")
MAX_LIMIT = 200


class CompanyListQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    cursor = Text(validate=validate.Length(min=1, max=1024), metadata={
        "description": "pagination.next_cursor of the previous page (opaque; bound to sortBy)."})
    limit = QueryInteger(load_default=50, validate=validate.Range(1, MAX_LIMIT),
                         metadata={"description": f"Page size, 1–{MAX_LIMIT}."})
    q = Text(validate=validate.Length(max=255), metadata={
        "description": "Case-insensitive substring of the company name; % _ and \\ match themselves."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    sector = Text(validate=validate.Length(max=100),
                  metadata={"description": "Exact, case-sensitive."})
    stage = Text(validate=validate.Length(max=50),
                 metadata={"description": "Exact, case-sensitive."})
    sort_by = fields.String(data_key="sortBy", load_default="exit_moic_desc",
                            validate=validate.OneOf(SORT_ORDERS), metadata={
        "description": "exit_moic_desc: exit_moic_bps DESC NULLS LAST, id DESC; "
                       "planned_reserves_desc: planned_reserves_cents DESC, id DESC; "
                       "name_asc: name ASC, id ASC."})


class CompanySchema(Schema):
    id = fields.Integer(required=True)
    fund_id = fields.Integer(required=True)
    name = fields.String(required=True)
    sector = fields.String(allow_none=True, required=True)
    stage = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    invested_cents = fields.Integer(required=True)
    planned_reserves_cents = fields.Integer(required=True)
    deployed_reserves_cents = fields.Integer(required=True)
    exit_moic_bps = fields.Integer(allow_none=True, required=True)
    ownership_pct = fields.Float(allow_none=True, required=True,
                                 metadata={"description": "0 to 1 (0.15 = 15 %)."})
    allocation_cap_cents = fields.Integer(allow_none=True, required=True)
    allocation_reason = fields.String(allow_none=True, required=True)
    allocation_version = fields.Integer(required=True)
    last_allocation_at = fields.String(allow_none=True, required=True,
                                       metadata={"format": "date-time"})


class PaginationSchema(Schema):
    next_cursor = fields.String(allow_none=True, required=True)
    has_more = fields.Boolean(required=True)


class CompanyPageSchema(Schema):
    companies = fields.List(fields.Nested(CompanySchema), required=True)
    pagination = fields.Nested(PaginationSchema, required=True)
