"""The batch schema's fast path (`_plainly_valid_update`) must never accept an
update that AllocationUpdateSchema refuses, and must load exactly what the
schema loads."""
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from app.allocations.schemas import AllocationUpdateSchema, _plainly_valid_update

EDGE_INTEGERS = [0, 1, -1, 2**31 - 1, 2**31, 2**53 - 1, 2**53, 10**30]
ANY_JSON_SCALAR = st.one_of(
    st.sampled_from(EDGE_INTEGERS), st.integers(-10, 10**6), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=3),
    st.sampled_from(["5", "1.0", 1.0, 1.5, [], {}]))
REASONS = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(
    ["a" * 1000, "a" * 1001, "nul\x00", "lone \ud800", "ok \U0001F600"]), ANY_JSON_SCALAR)
FIELD_VALUES = {
    "company_id": ANY_JSON_SCALAR,
    "planned_reserves_cents": ANY_JSON_SCALAR,
    "allocation_cap_cents": ANY_JSON_SCALAR,
    "allocation_reason": REASONS,
    "expected_version": ANY_JSON_SCALAR,
    "unknown_field": ANY_JSON_SCALAR,
}
UPDATES = st.fixed_dictionaries({}, optional=FIELD_VALUES)

SCHEMA = AllocationUpdateSchema()


def schema_load(item):
    try:
        return SCHEMA.load(item)
    except ValidationError:
        return None


@settings(max_examples=3000, deadline=None)
@given(UPDATES)
def test_fast_path_accepts_only_what_the_schema_accepts_unchanged(item):
    if _plainly_valid_update(item):
        assert schema_load(item) == item


def test_fast_path_takes_the_usual_update():
    item = {"company_id": 7, "planned_reserves_cents": 100, "allocation_cap_cents": 100,
            "allocation_reason": "x" * 1000, "expected_version": 2}
    assert _plainly_valid_update(item)
    assert _plainly_valid_update({"company_id": 7, "planned_reserves_cents": 0,
                                  "allocation_cap_cents": None, "allocation_reason": None})


def test_fast_path_leaves_every_refusal_to_the_schema():
    for item in ({"company_id": True, "planned_reserves_cents": 1},
                 {"company_id": 1, "planned_reserves_cents": 2**53},
                 {"company_id": 1, "planned_reserves_cents": 5, "allocation_cap_cents": 4},
                 {"company_id": 1, "planned_reserves_cents": 5, "allocation_reason": "a\x00"},
                 {"company_id": 1, "planned_reserves_cents": 5, "allocation_reason": "\ud800"},
                 {"company_id": 1, "planned_reserves_cents": 5, "allocation_reason": "a" * 1001},
                 {"company_id": 1, "planned_reserves_cents": 5, "expected_version": 0},
                 {"company_id": 1, "planned_reserves_cents": 5, "extra": 1},
                 {"company_id": 1}):
        assert not _plainly_valid_update(item)
        assert schema_load(item) is None
