"""POST /api/funds/{fund_id}/allocations (SPEC §2, §5): every validation rule
at its boundaries, the order of the rules, the version check, the merge of
omitted fields, the written rows, the audit event and the response.

"""
import copy
import json
import re

import pytest

from .api_support import (
    MAX_AMOUNT,
    MAX_INT4,
    UNKNOWN_FUND_ID,
    api_timestamp,
    assert_error,
    assert_validation_error,
    post_batch,
    post_raw,
    set_version,
    unchanged,
)


def with_value(body, path, value):
    """A deep copy of `body` with the value at `path` (keys / indexes) replaced."""
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def without(body, path):
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


# ---------------------------------------------------------------- fixtures

@pytest.fixture
def fund(fund_factory):
    """(fund_id, [three company ids]) at version 1 with caps and reasons."""
    return fund_factory.fund_with_companies([
        {"name": "Alpha", "planned_reserves_cents": 100_000, "deployed_reserves_cents": 10_000,
         "allocation_cap_cents": 200_000, "allocation_reason": "seeded alpha"},
        {"name": "Beta", "planned_reserves_cents": 300_000, "deployed_reserves_cents": 0,
         "allocation_cap_cents": 500_000, "allocation_reason": "seeded beta"},
        {"name": "Gamma", "planned_reserves_cents": 0, "allocation_cap_cents": None,
         "allocation_reason": None},
    ])


def valid_body(company_ids):
    return {"expected_version": 1, "updates": [
        {"company_id": cid, "planned_reserves_cents": 150_000,
         "allocation_cap_cents": 250_000, "allocation_reason": "follow-on"}
        for cid in company_ids]}


# ---------------------------------------------------------------- success

def test_success_response_lists_versions_sorted_by_company_id(client, sql, fund):
    fund_id, (a, b, c) = fund
    set_version(sql, b, 4)
    body = {"expected_version": 1, "updates": [
        {"company_id": c, "planned_reserves_cents": 1},
        {"company_id": b, "planned_reserves_cents": 2, "expected_version": 4},
        {"company_id": a, "planned_reserves_cents": 3},
    ]}
    response = post_batch(client, fund_id, body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "success": True, "new_version": 5, "updated_count": 3,
        "companies": [{"company_id": a, "allocation_version": 2},
                      {"company_id": b, "allocation_version": 5},
                      {"company_id": c, "allocation_version": 2}]}


def test_written_rows_and_one_shared_timestamp(client, sql, fund_factory, fund):
    fund_id, (a, b, c) = fund
    before = {cid: fund_factory.row(cid) for cid in (a, b, c)}
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": b, "planned_reserves_cents": 400_000, "allocation_cap_cents": 600_000,
         "allocation_reason": "bigger round"},
        {"company_id": a, "planned_reserves_cents": 0, "allocation_cap_cents": 0,
         "allocation_reason": ""},
    ]})
    assert response.status_code == 200
    after = {cid: fund_factory.row(cid) for cid in (a, b, c)}
    assert after[c] == before[c]
    stamp = after[a]["last_allocation_at"]
    assert stamp is not None and after[b]["last_allocation_at"] == stamp
    expected_changes = {
        a: {"planned_reserves_cents": 0, "allocation_cap_cents": 0, "allocation_reason": ""},
        b: {"planned_reserves_cents": 400_000, "allocation_cap_cents": 600_000,
            "allocation_reason": "bigger round"},
    }
    for cid, changes in expected_changes.items():
        assert after[cid] == {**before[cid], **changes, "allocation_version": 2,
                              "last_allocation_at": stamp}


def test_omitted_cap_and_reason_keep_stored_values(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 150_000}]})
    assert response.status_code == 200
    row = fund_factory.row(a)
    assert (row["planned_reserves_cents"], row["allocation_cap_cents"],
            row["allocation_reason"], row["allocation_version"]) == (
        150_000, 200_000, "seeded alpha", 2)


def test_explicit_nulls_clear_cap_and_reason(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 900_000,
         "allocation_cap_cents": None, "allocation_reason": None}]})
    assert response.status_code == 200
    row = fund_factory.row(a)
    assert (row["planned_reserves_cents"], row["allocation_cap_cents"],
            row["allocation_reason"]) == (900_000, None, None)


def test_cap_equal_to_planned_is_accepted(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 200_000}]})  # stored cap is 200_000
    assert response.status_code == 200
    assert fund_factory.row(a)["planned_reserves_cents"] == 200_000


def test_reason_keeps_unicode_exactly(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    reason = "Série C 🚀 — “follow-on”"
    response = post_raw(client, fund_id, json.dumps({"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 1, "allocation_reason": reason}]}))
    assert response.status_code == 200
    assert fund_factory.row(a)["allocation_reason"] == reason


# ---------------------------------------------------------------- audit event

def test_audit_event_records_the_merged_values_and_previous_ones(client, sql, fund_factory, fund):
    fund_id, (a, b, c) = fund
    set_version(sql, c, 7)
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": c, "planned_reserves_cents": 5, "allocation_reason": "new gamma",
         "expected_version": 7},
        {"company_id": b, "planned_reserves_cents": 350_000, "allocation_cap_cents": None,
         "allocation_reason": None},
        {"company_id": a, "planned_reserves_cents": 120_000},
    ]}, headers={"X-Request-ID": "audit-test.req:42"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "audit-test.req:42"
    (event,) = fund_factory.events(fund_id)
    written_at = fund_factory.row(a)["last_allocation_at"]

    assert event["payload"] == {
        "updates": [
            {"company_id": a, "planned_reserves_cents": 120_000,
             "allocation_cap_cents": 200_000, "allocation_reason": "seeded alpha",
             "new_version": 2,
             "previous": {"planned_reserves_cents": 100_000, "allocation_cap_cents": 200_000,
                          "allocation_reason": "seeded alpha", "allocation_version": 1}},
            {"company_id": b, "planned_reserves_cents": 350_000,
             "allocation_cap_cents": None, "allocation_reason": None, "new_version": 2,
             "previous": {"planned_reserves_cents": 300_000, "allocation_cap_cents": 500_000,
                          "allocation_reason": "seeded beta", "allocation_version": 1}},
            {"company_id": c, "planned_reserves_cents": 5, "allocation_cap_cents": None,
             "allocation_reason": "new gamma", "new_version": 8,
             "previous": {"planned_reserves_cents": 0, "allocation_cap_cents": None,
                          "allocation_reason": None, "allocation_version": 7}},
        ],
        "new_version": 8,
        "update_count": 3,
    }
    assert event["metadata"] == {"timestamp": api_timestamp(written_at), "company_count": 3,
                                 "request_id": "audit-test.req:42"}
    assert (event["event_type"], event["operation"], event["entity_type"], event["user_id"]) == (
        "ALLOCATION_UPDATED", "UPDATE", "allocation", None)
    assert fund_factory.row(b)["last_allocation_at"] == written_at
    assert fund_factory.row(c)["last_allocation_at"] == written_at


def test_generated_request_id_is_recorded(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, valid_body([a]))
    assert response.status_code == 200
    (event,) = fund_factory.events(fund_id)
    assert event["metadata"]["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", event["metadata"]["request_id"])


def test_one_event_per_successful_batch(client, fund_factory, fund):
    fund_id, (a, b, _) = fund
    assert post_batch(client, fund_id, valid_body([a, b])).status_code == 200
    assert post_batch(client, fund_id, valid_body([a])).status_code == 409
    body = valid_body([a])
    body["expected_version"] = 2
    assert post_batch(client, fund_id, body).status_code == 200
    events = fund_factory.events(fund_id)
    assert [e["payload"]["update_count"] for e in events] == [2, 1]
    assert [e["payload"]["new_version"] for e in events] == [2, 3]


# ---------------------------------------------------------------- boundaries

@pytest.mark.parametrize("field", ["planned_reserves_cents", "allocation_cap_cents"])
@pytest.mark.parametrize("amount", [0, MAX_AMOUNT])
def test_amount_boundaries_are_accepted(client, fund_factory, fund, field, amount):
    fund_id, (_, _, gamma) = fund  # no stored cap
    update = {"company_id": gamma, "planned_reserves_cents": 0, field: amount}
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [update]})
    assert response.status_code == 200, response.get_json()
    assert fund_factory.row(gamma)[field] == amount


@pytest.mark.parametrize("field", ["planned_reserves_cents", "allocation_cap_cents"])
@pytest.mark.parametrize("amount", [-1, MAX_AMOUNT + 1])
def test_amounts_out_of_range_are_refused(client, sql, fund, field, amount):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(
            valid_body([a]), ("updates", 0, field), amount))
    assert_validation_error(response, f"updates.0.{field}")


INTEGER_PATHS = [
    ("expected_version",),
    ("updates", 0, "company_id"),
    ("updates", 0, "planned_reserves_cents"),
    ("updates", 0, "allocation_cap_cents"),
    ("updates", 0, "expected_version"),
]


def dotted(path):
    return ".".join(str(part) for part in path)


@pytest.mark.parametrize("path", INTEGER_PATHS, ids=dotted)
@pytest.mark.parametrize("value", [True, False, 1.5, 1.0, "5", [5], {"v": 5}],
                         ids=["true", "false", "1.5", "1.0", "string", "list", "object"])
def test_non_integers_are_refused(client, sql, fund, path, value):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(valid_body([a]), path, value))
    assert_validation_error(response, dotted(path))


@pytest.mark.parametrize("path", [("expected_version",), ("updates", 0, "company_id"),
                                  ("updates", 0, "expected_version")], ids=dotted)
@pytest.mark.parametrize("value", [0, -1, MAX_INT4 + 1])
def test_ids_and_versions_out_of_range_are_refused(client, sql, fund, path, value):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(valid_body([a]), path, value))
    assert_validation_error(response, dotted(path))


def test_largest_version_is_valid_and_reaches_the_version_check(client, sql, fund):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(
            valid_body([a]), ("expected_version",), MAX_INT4))
    body = assert_error(response, 409, "version_conflict")
    assert body["conflicts"] == [
        {"company_id": a, "expected_version": MAX_INT4, "actual_version": 1}]


def test_largest_company_id_is_valid_and_reaches_the_membership_check(client, sql, fund):
    fund_id, _ = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, valid_body([MAX_INT4]))
    body = assert_error(response, 404, "company_not_found")
    assert body["details"] == {"missing_company_ids": [MAX_INT4]}


@pytest.mark.parametrize("path", [("expected_version",), ("updates",),
                                  ("updates", 0, "company_id"),
                                  ("updates", 0, "planned_reserves_cents")], ids=dotted)
def test_required_fields_may_not_be_null(client, sql, fund, path):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(valid_body([a]), path, None))
    assert_validation_error(response, dotted(path))


@pytest.mark.parametrize("path", [("expected_version",), ("updates",),
                                  ("updates", 0, "company_id"),
                                  ("updates", 0, "planned_reserves_cents")], ids=dotted)
def test_required_fields_may_not_be_missing(client, sql, fund, path):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, without(valid_body([a]), path))
    assert_validation_error(response, dotted(path))


def test_optional_fields_may_be_missing(client, fund):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 1}]})
    assert response.status_code == 200


@pytest.mark.parametrize("path", [("unexpected",), ("updates", 0, "unexpected"),
                                  ("updates", 0, "company")], ids=dotted)
def test_unknown_fields_are_refused(client, sql, fund, path):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(valid_body([a]), path, 1))
    assert_validation_error(response, dotted(path))


def test_100_updates_are_accepted(client, fund_factory):
    fund_id = fund_factory.fund()
    ids = fund_factory.many_companies(fund_id, 100)
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": cid, "planned_reserves_cents": 7} for cid in ids]})
    assert response.status_code == 200
    assert response.get_json()["updated_count"] == 100
    assert all(fund_factory.row(cid)["planned_reserves_cents"] == 7 for cid in ids)


def test_101_updates_are_refused(client, sql, fund_factory):
    fund_id = fund_factory.fund()
    ids = fund_factory.many_companies(fund_id, 101)
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
            {"company_id": cid, "planned_reserves_cents": 7} for cid in ids]})
    assert_validation_error(response, "updates")


@pytest.mark.parametrize("updates,path", [
    ([], "updates"), ({}, "updates"), ("x", "updates"),
    ([1], "updates.0._schema"), ([None], "updates.0"),
], ids=["empty", "object", "string", "number-item", "null-item"])
def test_updates_must_be_a_non_empty_list_of_objects(client, sql, fund, updates, path):
    fund_id, _ = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, {"expected_version": 1, "updates": updates})
    assert_validation_error(response, path)


REASON_CHARACTERS = ["r", "é", "🚀"]  # 1, 2 and 4 bytes of UTF-8; limits count characters


@pytest.mark.parametrize("character", REASON_CHARACTERS)
def test_reason_of_1000_characters_is_accepted(client, fund_factory, fund, character):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, with_value(
        valid_body([a]), ("updates", 0, "allocation_reason"), character * 1000))
    assert response.status_code == 200
    assert fund_factory.row(a)["allocation_reason"] == character * 1000


@pytest.mark.parametrize("character", REASON_CHARACTERS)
def test_reason_of_1001_characters_is_refused(client, sql, fund, character):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(
            valid_body([a]), ("updates", 0, "allocation_reason"), character * 1001))
    assert_validation_error(response, "updates.0.allocation_reason")


@pytest.mark.parametrize("raw_reason",
                         [r'"a\u0000b"', r'"a\ud800b"', r'"\udc00"', r'"\ude00\ud83d"'],
                         ids=["nul", "lone-high-surrogate", "lone-low-surrogate", "reversed-pair"])
def test_reason_postgres_cannot_store_is_refused(client, sql, fund, raw_reason):
    fund_id, (a, b, _) = fund
    text = ('{"expected_version": 1, "updates": ['
            f'{{"company_id": {b}, "planned_reserves_cents": 1}}, '
            f'{{"company_id": {a}, "planned_reserves_cents": 1, '
            f'"allocation_reason": {raw_reason}}}]}}')
    with unchanged(sql, fund_id):
        response = post_raw(client, fund_id, text)
    assert_validation_error(response, "updates.1.allocation_reason")


def test_escaped_surrogate_pair_is_a_valid_character(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    text = ('{"expected_version": 1, "updates": [{"company_id": %d, '
            '"planned_reserves_cents": 1, "allocation_reason": "up \\ud83d\\ude80"}]}' % a)
    response = post_raw(client, fund_id, text)
    assert response.status_code == 200
    assert fund_factory.row(a)["allocation_reason"] == "up 🚀"


@pytest.mark.parametrize("reason", [5, True, ["x"]], ids=["number", "bool", "list"])
def test_reason_must_be_a_string(client, sql, fund, reason):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, with_value(
            valid_body([a]), ("updates", 0, "allocation_reason"), reason))
    assert_validation_error(response, "updates.0.allocation_reason")


def test_duplicate_company_ids_are_refused(client, sql, fund):
    fund_id, (a, b, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, valid_body([a, b, a]))
    assert_validation_error(response, "updates.2.company_id")


def test_cap_below_planned_in_the_request_is_refused(client, sql, fund):
    fund_id, (a, b, _) = fund
    body = valid_body([a, b])
    body["updates"][1].update(planned_reserves_cents=10_001, allocation_cap_cents=10_000)
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, body)
    assert_validation_error(response, "updates.1.allocation_cap_cents")


def test_cap_below_planned_after_merging_is_refused(client, sql, fund):
    fund_id, (a, b, c) = fund
    # b's stored cap is 500_000; the update omits the cap and plans more.
    body = {"expected_version": 1, "updates": [
        {"company_id": c, "planned_reserves_cents": 1},
        {"company_id": b, "planned_reserves_cents": 500_001},
        {"company_id": a, "planned_reserves_cents": 200_001},
    ]}
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, body)
    assert_validation_error(response, "updates.1.allocation_cap_cents",
                            "updates.2.allocation_cap_cents")


def test_clearing_the_cap_allows_any_planned_amount(client, fund_factory, fund):
    fund_id, (a, _, _) = fund
    response = post_batch(client, fund_id, {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": MAX_AMOUNT, "allocation_cap_cents": None}]})
    assert response.status_code == 200
    assert fund_factory.row(a)["planned_reserves_cents"] == MAX_AMOUNT


# ---------------------------------------------------------------- body and path

@pytest.mark.parametrize("text,content_type", [
    ("{not json", "application/json"),
    ("[]", "application/json"),
    ('"text"', "application/json"),
    ("null", "application/json"),
    ("", "application/json"),
    ('{"expected_version": NaN, "updates": []}', "application/json"),
    ('{"expected_version": 1, "updates": []}', "text/plain"),
], ids=["malformed", "array", "string", "null", "empty", "nan", "text-plain"])
def test_a_body_that_is_not_a_json_object_is_refused(client, sql, fund, text, content_type):
    fund_id, _ = fund
    with unchanged(sql, fund_id):
        response = post_raw(client, fund_id, text, content_type)
    assert_error(response, 400, "invalid_request_body")


@pytest.mark.parametrize("raw_id", ["abc", "0", "-1", "1.5", "2147483648", "99999999999", "01"])
def test_invalid_fund_id_is_refused(client, sql, fund, raw_id):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, raw_id, valid_body([a]))
    assert_error(response, 400, "invalid_fund_id")


# ---------------------------------------------------------------- rule order

def test_invalid_fund_id_comes_before_an_invalid_body(client):
    assert_error(post_batch(client, "abc", {"updates": "nope"}), 400, "invalid_fund_id")


def test_invalid_body_comes_before_an_unknown_fund(client):
    response = post_batch(client, UNKNOWN_FUND_ID, {"expected_version": 1, "updates": []})
    assert_validation_error(response, "updates")


def test_request_cap_below_planned_comes_before_an_unknown_fund(client):
    response = post_batch(client, UNKNOWN_FUND_ID, {"expected_version": 1, "updates": [
        {"company_id": 1, "planned_reserves_cents": 2, "allocation_cap_cents": 1}]})
    assert_validation_error(response, "updates.0.allocation_cap_cents")


def test_unknown_fund_comes_before_foreign_companies(client, sql, fund):
    fund_id, (a, _, _) = fund
    with unchanged(sql, fund_id):
        response = post_batch(client, UNKNOWN_FUND_ID, valid_body([a]))
    assert_error(response, 404, "fund_not_found")


def test_company_of_another_fund_is_not_found(client, sql, fund_factory, fund):
    fund_id, (a, _, _) = fund
    other_fund, (foreign,) = fund_factory.fund_with_companies([{"name": "Foreign"}])
    with unchanged(sql, fund_id, other_fund):
        response = post_batch(client, fund_id, valid_body([a, foreign]))
    body = assert_error(response, 404, "company_not_found")
    assert body["details"] == {"missing_company_ids": [foreign]}


def test_missing_companies_come_before_stale_versions_and_are_sorted(client, sql, fund_factory,
                                                                      fund):
    fund_id, (a, b, _) = fund
    other_fund, (foreign,) = fund_factory.fund_with_companies([{"name": "Foreign"}])
    set_version(sql, a, 3)
    body = valid_body([MAX_INT4, b, foreign, a, MAX_INT4 - 1])
    with unchanged(sql, fund_id, other_fund):
        response = post_batch(client, fund_id, body)
    body = assert_error(response, 404, "company_not_found")
    assert body["details"] == {"missing_company_ids": [foreign, MAX_INT4 - 1, MAX_INT4]}


def test_stale_version_comes_before_a_merged_cap_violation(client, sql, fund):
    fund_id, (a, b, _) = fund
    set_version(sql, a, 2)
    body = {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 1},
        {"company_id": b, "planned_reserves_cents": 500_001}]}  # above b's stored cap
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, body)
    body = assert_error(response, 409, "version_conflict")
    assert body["conflicts"] == [{"company_id": a, "expected_version": 1, "actual_version": 2}]


# ---------------------------------------------------------------- version check

def test_conflict_lists_every_stale_company_sorted(client, sql, fund):
    fund_id, (a, b, c) = fund
    set_version(sql, a, 5)
    set_version(sql, c, 2)
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, valid_body([c, b, a]))
    body = assert_error(response, 409, "version_conflict")
    assert body["message"] == "Version conflict: 2 companies have been updated by another user"
    assert body["conflicts"] == [
        {"company_id": a, "expected_version": 1, "actual_version": 5},
        {"company_id": c, "expected_version": 1, "actual_version": 2}]
    assert "details" not in body


def test_single_conflict_message(client, sql, fund):
    fund_id, (a, _, _) = fund
    set_version(sql, a, 2)
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, valid_body([a]))
    body = assert_error(response, 409, "version_conflict")
    assert body["message"] == "Version conflict: 1 companies have been updated by another user"


def test_per_update_version_overrides_a_stale_top_level_one(client, sql, fund_factory, fund):
    fund_id, (a, b, _) = fund
    set_version(sql, a, 3)
    body = {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 1, "expected_version": 3},
        {"company_id": b, "planned_reserves_cents": 1}]}
    response = post_batch(client, fund_id, body)
    assert response.status_code == 200
    assert response.get_json()["companies"] == [{"company_id": a, "allocation_version": 4},
                                                {"company_id": b, "allocation_version": 2}]


def test_per_update_version_overrides_a_matching_top_level_one(client, sql, fund):
    fund_id, (a, b, _) = fund
    body = {"expected_version": 1, "updates": [
        {"company_id": a, "planned_reserves_cents": 1, "expected_version": 2},
        {"company_id": b, "planned_reserves_cents": 1}]}
    with unchanged(sql, fund_id):
        response = post_batch(client, fund_id, body)
    body = assert_error(response, 409, "version_conflict")
    assert body["conflicts"] == [{"company_id": a, "expected_version": 2, "actual_version": 1}]
