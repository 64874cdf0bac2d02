"""Request and response bodies of the allocation endpoints (SPEC §3, §5)."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..fields import MAX_AMOUNT, MAX_INT4, Amount, Int4Id, Text, is_int_in, is_utf8_encodable

MAX_UPDATES = 100
MAX_REASON_LENGTH = 1000


class AllocationUpdateSchema(Schema):
    class Meta:
        unknown = RAISE

    company_id = Int4Id(required=True, metadata={"example": 456})
    planned_reserves_cents = Amount(required=True, metadata={"example": 750000})
    allocation_cap_cents = Amount(allow_none=True, metadata={
        "description": "Omitted: keep the stored cap. null: clear it. Must be >= planned.",
        "example": 1000000})
    allocation_reason = Text(allow_none=True, validate=validate.Length(max=MAX_REASON_LENGTH),
                             metadata={"description": "Omitted: keep. null: clear.",
                                       "example": "Series C follow-on"})
    expected_version = Int4Id(metadata={
        "description": "This company's expected allocation_version; overrides the top-level one.",
        "example": 4})

    @validates_schema
    def cap_not_below_planned(self, data, **_kwargs):
        cap = data.get("allocation_cap_cents")
        if cap is not None and cap < data["planned_reserves_cents"]:
            raise ValidationError(
                "allocation_cap_cents must be greater than or equal to planned_reserves_cents.",
                field_name="allocation_cap_cents")


_UPDATE_FIELDS = frozenset(AllocationUpdateSchema().fields)
_REQUIRED_UPDATE_FIELDS = frozenset({"company_id", "planned_reserves_cents"})


def _plainly_valid_update(item) -> bool:
    """True only for an update AllocationUpdateSchema accepts unchanged: the
    same rules, checked directly. Never true for anything the schema refuses."""
    if type(item) is not dict or not (_REQUIRED_UPDATE_FIELDS <= item.keys() <= _UPDATE_FIELDS):
        return False
    planned, cap = item["planned_reserves_cents"], item.get("allocation_cap_cents")
    reason = item.get("allocation_reason")
    return (is_int_in(item["company_id"], 1, MAX_INT4)
            and is_int_in(planned, 0, MAX_AMOUNT)
            and (cap is None or (is_int_in(cap, 0, MAX_AMOUNT) and cap >= planned))
            and (reason is None or (type(reason) is str and len(reason) <= MAX_REASON_LENGTH
                                    and "\x00" not in reason and is_utf8_encodable(reason)))
            and is_int_in(item.get("expected_version", 1), 1, MAX_INT4))


class AllocationUpdateList(fields.List):
    """`updates`: a list of AllocationUpdateSchema items. marshmallow's
    per-field machinery costs ~20 µs an item (a millisecond for a batch of 50,
    the largest Python cost of a POST), so items that pass a direct check of
    the same rules are taken as they are; a batch with any other item goes
    through the full schema, which words the error messages."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(AllocationUpdateSchema), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list and all(map(_plainly_valid_update, value)):
            return [dict(item) for item in value]
        return super()._deserialize(value, attr, data, **kwargs)


class AllocationBatchSchema(Schema):
    class Meta:
        unknown = RAISE

    expected_version = Int4Id(required=True, metadata={
        "description": "The allocation_version every company is expected to have "
                       "(unless an update names its own).",
        "example": 3})
    updates = AllocationUpdateList(
        required=True,
        validate=validate.Length(min=1, max=MAX_UPDATES),
        metadata={"description": f"1 to {MAX_UPDATES} updates, each company at most once."})

    @validates_schema
    def company_ids_unique(self, data, **_kwargs):
        first_index = {}
        errors = {}
        for index, update in enumerate(data["updates"]):
            company_id = update["company_id"]
            if company_id in first_index:
                errors[index] = {"company_id": [
                    f"Duplicate company_id {company_id} (also at updates.{first_index[company_id]})."]}
            else:
                first_index[company_id] = index
        if errors:
            raise ValidationError({"updates": errors})


class CompanyVersionSchema(Schema):
    company_id = fields.Integer(required=True)
    allocation_version = fields.Integer(required=True)


class AllocationResultSchema(Schema):
    success = fields.Boolean(required=True, metadata={"example": True})
    new_version = fields.Integer(required=True, metadata={
        "description": "The highest allocation_version among the updated companies.",
        "example": 4})
    updated_count = fields.Integer(required=True, metadata={"example": 1})
    companies = fields.List(fields.Nested(CompanyVersionSchema), required=True, metadata={
        "description": "Each updated company's new version, sorted by company_id."})


class LatestCompanySchema(Schema):
    company_id = fields.Integer(required=True)
    company_name = fields.String(required=True)
    sector = fields.String(allow_none=True)
    stage = fields.String(allow_none=True)
    status = fields.String()
    planned_reserves_cents = fields.Integer(required=True)
    deployed_reserves_cents = fields.Integer(required=True)
    allocation_cap_cents = fields.Integer(allow_none=True, required=True)
    allocation_reason = fields.String(allow_none=True, required=True)
    allocation_version = fields.Integer(required=True)
    last_allocation_at = fields.String(allow_none=True, required=True,
                                       metadata={"format": "date-time"})


class LatestMetadataSchema(Schema):
    total_planned_cents = fields.Integer(required=True)
    total_deployed_cents = fields.Integer(required=True)
    companies_count = fields.Integer(required=True)
    last_updated_at = fields.String(allow_none=True, required=True,
                                    metadata={"format": "date-time"})


class LatestAllocationsSchema(Schema):
    fund_id = fields.Integer(required=True)
    companies = fields.List(fields.Nested(LatestCompanySchema), required=True,
                            metadata={"description": "Every company of the fund, by company_id."})
    metadata = fields.Nested(LatestMetadataSchema, required=True)
