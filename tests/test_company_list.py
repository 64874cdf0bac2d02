"""GET /api/funds/{fund_id}/companies (SPEC §4): the item, the filters, the
query-string rules, and keyset paging in every sort order."""
import base64
import json
from itertools import permutations
from urllib.parse import quote

import pytest

from .api_support import UNKNOWN_FUND_ID, api_timestamp, assert_error

ITEM_FIELDS = {"id", "fund_id", "name", "sector", "stage", "status", "invested_cents",
               "planned_reserves_cents", "deployed_reserves_cents", "exit_moic_bps",
               "ownership_pct", "allocation_cap_cents", "allocation_reason",
               "allocation_version", "last_allocation_at"}
SORT_ORDERS = ["exit_moic_desc", "planned_reserves_desc", "name_asc"]


def list_companies(client, fund_id, **params):
    query = "&".join(f"{name}={quote(str(value), safe='')}" for name, value in params.items())
    return client.get(f"/api/funds/{fund_id}/companies" + (f"?{query}" if query else ""))


def listed_ids(client, fund_id, **params):
    response = list_companies(client, fund_id, limit=200, **params)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["pagination"] == {"next_cursor": None, "has_more": False}
    return [company["id"] for company in response.get_json()["companies"]]


def assert_bad_query(response, parameter):
    body = assert_error(response, 400, "invalid_query_parameters")
    assert list(body["details"]) == [parameter], body["details"]


# ---------------------------------------------------------------- items

def test_item_has_exactly_the_spec_fields_with_row_values(client, fund_factory):
    fund_id, (full, bare) = fund_factory.fund_with_companies([
        {"name": "Acme Corp", "sector": "Fintech", "stage": "Series B", "status": "exited",
         "invested_cents": 250_000_000, "planned_reserves_cents": 500_000,
         "deployed_reserves_cents": 100_000, "exit_moic_bps": 42_000,
         "ownership_current_pct": "0.1500", "allocation_cap_cents": 750_000,
         "allocation_reason": "High performer", "allocation_version": 3,
         "last_allocation_at": "2025-10-07 14:30:00.5+00"},
        {"name": "Bare"},
    ])
    response = list_companies(client, fund_id, sortBy="name_asc")
    assert response.status_code == 200
    companies = response.get_json()["companies"]
    assert companies == [
        {"id": full, "fund_id": fund_id, "name": "Acme Corp", "sector": "Fintech",
         "stage": "Series B", "status": "exited", "invested_cents": 250_000_000,
         "planned_reserves_cents": 500_000, "deployed_reserves_cents": 100_000,
         "exit_moic_bps": 42_000, "ownership_pct": 0.15, "allocation_cap_cents": 750_000,
         "allocation_reason": "High performer", "allocation_version": 3,
         "last_allocation_at": "2025-10-07T14:30:00.500Z"},
        {"id": bare, "fund_id": fund_id, "name": "Bare", "sector": None, "stage": None,
         "status": "active", "invested_cents": 0, "planned_reserves_cents": 0,
         "deployed_reserves_cents": 0, "exit_moic_bps": None, "ownership_pct": None,
         "allocation_cap_cents": None, "allocation_reason": None, "allocation_version": 1,
         "last_allocation_at": None},
    ]
    assert all(set(company) == ITEM_FIELDS for company in companies)
    assert isinstance(companies[0]["ownership_pct"], float)


def test_item_timestamp_matches_the_row(client, fund_factory):
    fund_id, (cid,) = fund_factory.fund_with_companies(
        [{"name": "T", "last_allocation_at": "2025-01-02 03:04:05.678+05:30"}])
    (item,) = list_companies(client, fund_id).get_json()["companies"]
    assert item["last_allocation_at"] == api_timestamp(fund_factory.row(cid)["last_allocation_at"])
    assert item["last_allocation_at"] == "2025-01-01T21:34:05.678Z"


def test_unknown_fund(client):
    assert_error(list_companies(client, UNKNOWN_FUND_ID), 404, "fund_not_found")


def test_unknown_fund_with_a_filter(client):
    assert_error(list_companies(client, UNKNOWN_FUND_ID, q="x"), 404, "fund_not_found")


def test_known_fund_without_match(client, fund_factory):
    fund_id, _ = fund_factory.fund_with_companies([{"name": "Acme"}])
    response = list_companies(client, fund_id, q="nothing like it")
    assert response.status_code == 200
    assert response.get_json() == {"companies": [],
                                   "pagination": {"next_cursor": None, "has_more": False}}


def test_fund_without_companies(client, fund_factory):
    fund_id = fund_factory.fund()
    assert listed_ids(client, fund_id) == []


@pytest.mark.parametrize("raw_id", ["abc", "0", "-1", "1.5", "2147483648", "99999999999"])
def test_invalid_fund_id(client, raw_id):
    assert_error(list_companies(client, raw_id), 400, "invalid_fund_id")


# ---------------------------------------------------------------- filters

@pytest.fixture
def named_fund(fund_factory):
    """A fund whose names contain LIKE wildcards and names a wildcard would match."""
    names = ["100% Growth", "1000 Ventures", "A_B Labs", "AxB Labs", "ab labs",
             "Back\\Slash", "Back Slash", "BackSlash", "Acme Corp", "ACME labs", "Café Crème"]
    fund_id, ids = fund_factory.fund_with_companies([{"name": name} for name in names])
    return fund_id, dict(zip(names, ids))


@pytest.mark.parametrize("q,expected_names", [
    ("100%", ["100% Growth"]),
    ("%", ["100% Growth"]),
    ("a_b", ["A_B Labs"]),
    ("_", ["A_B Labs"]),
    ("k\\s", ["Back\\Slash"]),
    ("\\", ["Back\\Slash"]),
    ("acme", ["Acme Corp", "ACME labs"]),
    ("ACME L", ["ACME labs"]),
    ("b labs", ["A_B Labs", "AxB Labs", "ab labs"]),
    ("CAFÉ CR", ["Café Crème"]),
    ("100", ["100% Growth", "1000 Ventures"]),
], ids=["percent-word", "percent", "underscore-word", "underscore", "backslash-word",
        "backslash", "case-insensitive", "upper", "substring", "non-ascii", "digits"])
def test_q_is_a_literal_case_insensitive_substring(client, named_fund, q, expected_names):
    fund_id, ids = named_fund
    assert sorted(listed_ids(client, fund_id, q=q)) == sorted(ids[n] for n in expected_names)


@pytest.fixture
def tagged_fund(fund_factory):
    rows = [
        {"name": "a", "status": "active", "sector": "Fintech", "stage": "Seed"},
        {"name": "b", "status": "active", "sector": "fintech", "stage": "Series A"},
        {"name": "c", "status": "exited", "sector": "Fintech", "stage": "Series A"},
        {"name": "d", "status": "written-off", "sector": "Fintech ", "stage": "seed"},
        {"name": "e", "status": "active", "sector": None, "stage": None},
    ]
    fund_id, ids = fund_factory.fund_with_companies(rows)
    return fund_id, dict(zip("abcde", ids))


@pytest.mark.parametrize("params,expected", [
    ({"status": "active"}, "abe"),
    ({"status": "exited"}, "c"),
    ({"status": "written-off"}, "d"),
    ({"sector": "Fintech"}, "ac"),
    ({"sector": "fintech"}, "b"),
    ({"sector": "Fintech "}, "d"),
    ({"sector": "Fin"}, ""),
    ({"stage": "Seed"}, "a"),
    ({"stage": "seed"}, "d"),
    ({"stage": "Series A"}, "bc"),
    ({"status": "active", "sector": "Fintech"}, "a"),
    ({"status": "exited", "stage": "Series A", "sector": "Fintech"}, "c"),
    ({"status": "active", "stage": "Series A", "q": "B"}, "b"),
    ({"status": "active", "stage": "Series A", "q": "a"}, ""),
])
def test_exact_filters_and_combinations(client, tagged_fund, params, expected):
    fund_id, ids = tagged_fund
    assert sorted(listed_ids(client, fund_id, **params)) == sorted(ids[n] for n in expected)


# ---------------------------------------------------------------- query rules

@pytest.mark.parametrize("params,parameter", [
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "abc"}, "limit"),
    ({"limit": "1.5"}, "limit"),
    ({"limit": "1.0"}, "limit"),
    ({"limit": ""}, "limit"),
    ({"limit": "+5"}, "limit"),
    ({"limit": " 5"}, "limit"),
    ({"limit": "1_0"}, "limit"),
    ({"limit": "\u0665"}, "limit"),  # ARABIC-INDIC DIGIT FIVE
    ({"limit": "9" * 5000}, "limit"),
    ({"status": "Active"}, "status"),
    ({"status": "deleted"}, "status"),
    ({"sortBy": "name_desc"}, "sortBy"),
    ({"sortBy": "NAME_ASC"}, "sortBy"),
    ({"q": "x" * 256}, "q"),
    ({"sector": "s" * 101}, "sector"),
    ({"stage": "s" * 51}, "stage"),
    ({"q": "a\x00b"}, "q"),
    ({"sector": "\x00"}, "sector"),
    ({"stage": "\x00"}, "stage"),
    ({"cursor": ""}, "cursor"),
    ({"unknown": "1"}, "unknown"),
    ({"sortby": "name_asc"}, "sortby"),
], ids=lambda value: str(value)[:40] if isinstance(value, dict) else value)
def test_invalid_query_parameters(client, fund_factory, params, parameter):
    fund_id = fund_factory.fund()
    assert_bad_query(list_companies(client, fund_id, **params), parameter)


@pytest.mark.parametrize("raw_query,parameter", [
    ("q=%ED%A0%80", "q"),            # UTF-8-style encoding of the surrogate U+D800
    ("q=a%FFb", "q"),
    ("sector=%C3", "sector"),
    ("stage=%ED%B0%80&limit=5", "stage"),
])
def test_query_strings_that_are_not_utf8_are_refused(client, fund_factory, raw_query, parameter):
    fund_id, _ = fund_factory.fund_with_companies([{"name": "a\ufffdb"}])
    assert_bad_query(client.get(f"/api/funds/{fund_id}/companies?{raw_query}"), parameter)


def test_replacement_character_itself_is_an_ordinary_character(client, fund_factory):
    fund_id, (cid,) = fund_factory.fund_with_companies([{"name": "a\ufffdb"}])
    assert listed_ids(client, fund_id, q="\ufffd") == [cid]


@pytest.mark.parametrize("params", [
    {"limit": "1"}, {"limit": "200"}, {"limit": "007"}, {"q": "x" * 255}, {"sector": "s" * 100},
    {"stage": "s" * 50}, *({"sortBy": order} for order in SORT_ORDERS),
], ids=lambda value: str(value)[:40])
def test_query_boundaries_are_accepted(client, fund_factory, params):
    fund_id, _ = fund_factory.fund_with_companies([{"name": "Only"}])
    assert list_companies(client, fund_id, **params).status_code == 200


def test_bad_query_comes_before_an_unknown_fund(client):
    assert_bad_query(list_companies(client, UNKNOWN_FUND_ID, limit="0"), "limit")


def test_default_limit_is_50(client, fund_factory):
    fund_id = fund_factory.fund()
    fund_factory.many_companies(fund_id, 51)
    page = list_companies(client, fund_id).get_json()
    assert len(page["companies"]) == 50 and page["pagination"]["has_more"] is True


# ---------------------------------------------------------------- keyset paging

MOICS = [None, 5000, 5000, 12000, None, 0, 12000]
PLANNED = [0, 100, 100, 250, 100, 0]
NAMES = ["alpha", "Alpha", "beta", "Beta", "alpha", "_under", "Zeta 2", "zeta", "a b", "ab"]
STATUSES = ["active", "active", "exited", "written-off"]
PAGED_COMPANIES = 42  # a multiple of 1, 2 and 7: the last page is exactly full


@pytest.fixture
def tied_fund(fund_factory):
    """Companies with many equal sort keys and NULL exit MOICs; rows are
    created in an order unrelated to any sort key."""
    fund_id = fund_factory.fund()
    rows = {}
    for n in range(PAGED_COMPANIES):
        i = (n * 17) % PAGED_COMPANIES
        columns = {"name": NAMES[i % len(NAMES)], "exit_moic_bps": MOICS[i % len(MOICS)],
                   "planned_reserves_cents": PLANNED[i % len(PLANNED)],
                   "status": STATUSES[i % len(STATUSES)]}
        rows[fund_factory.company(fund_id, **columns)] = columns
    return fund_id, rows


def expected_order(sql, fund_id, rows, sort_by, status=None):
    selected = {cid: row for cid, row in rows.items() if status in (None, row["status"])}
    if sort_by == "exit_moic_desc":
        def moic(cid):  # NULLs after every real value
            value = selected[cid]["exit_moic_bps"]
            return -1 if value is None else value
        return sorted(selected, key=lambda cid: (moic(cid), cid), reverse=True)
    if sort_by == "planned_reserves_desc":
        return sorted(selected, key=lambda cid: (selected[cid]["planned_reserves_cents"], cid),
                      reverse=True)
    with sql.cursor() as cur:  # the database's collation decides name order
        cur.execute("SELECT id FROM portfoliocompanies WHERE fund_id = %s "
                    "AND (%s::text IS NULL OR status = %s) ORDER BY name, id",
                    (fund_id, status, status))
        return [row[0] for row in cur.fetchall()]


def page_through(client, fund_id, limit, **params):
    """Every page's ids, checking the pagination envelope of each page."""
    pages, cursor = [], None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        response = list_companies(client, fund_id, limit=limit, **params, **extra)
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        ids = [company["id"] for company in page["companies"]]
        pages.append(ids)
        cursor = page["pagination"]["next_cursor"]
        assert page["pagination"]["has_more"] is (cursor is not None)
        if cursor is None:
            return pages
        assert len(ids) == limit
        assert len(pages) <= PAGED_COMPANIES, "paging does not end"


def test_tied_fund_has_ties_and_nulls(tied_fund):
    _, rows = tied_fund
    for column in ("exit_moic_bps", "planned_reserves_cents", "name"):
        values = [row[column] for row in rows.values()]
        assert len(set(values)) < len(values)
    assert sum(row["exit_moic_bps"] is None for row in rows.values()) >= 2


@pytest.mark.parametrize("sort_by", SORT_ORDERS)
@pytest.mark.parametrize("limit", [1, 2, 7, 200])
def test_paging_yields_exactly_the_unpaginated_order(client, sql, tied_fund, sort_by, limit):
    fund_id, rows = tied_fund
    expected = expected_order(sql, fund_id, rows, sort_by)
    pages = page_through(client, fund_id, limit, sortBy=sort_by)
    assert [cid for page in pages for cid in page] == expected
    assert len(pages) == -(-PAGED_COMPANIES // limit)
    assert all(len(page) == min(limit, PAGED_COMPANIES) for page in pages)


@pytest.mark.parametrize("sort_by", SORT_ORDERS)
@pytest.mark.parametrize("status", ["active", "exited"])
def test_paging_with_a_status_filter(client, sql, tied_fund, sort_by, status):
    fund_id, rows = tied_fund
    expected = expected_order(sql, fund_id, rows, sort_by, status)
    pages = page_through(client, fund_id, 3, sortBy=sort_by, status=status)
    assert [cid for page in pages for cid in page] == expected


def test_default_sort_is_exit_moic_desc(client, sql, tied_fund):
    fund_id, rows = tied_fund
    assert listed_ids(client, fund_id) == expected_order(sql, fund_id, rows, "exit_moic_desc")


def test_nulls_come_last_in_exit_moic_order(client, tied_fund):
    fund_id, rows = tied_fund
    moics = [rows[cid]["exit_moic_bps"] for cid in listed_ids(client, fund_id)]
    first_null = moics.index(None)
    assert all(m is None for m in moics[first_null:])
    assert all(m is not None for m in moics[:first_null])


def test_rows_updated_between_pages_are_neither_skipped_nor_repeated(client, sql, tied_fund):
    """A row changed behind the cursor does not shift the rest of the walk."""
    fund_id, rows = tied_fund
    order = expected_order(sql, fund_id, rows, "planned_reserves_desc")
    first = list_companies(client, fund_id, limit=10, sortBy="planned_reserves_desc").get_json()
    assert [c["id"] for c in first["companies"]] == order[:10]
    moved = order[0]
    with sql.cursor() as cur:  # move an already-seen row behind the cursor's position
        cur.execute("UPDATE portfoliocompanies SET planned_reserves_cents = 0 WHERE id = %s",
                    (moved,))
    rest = page_through_from(client, fund_id, first["pagination"]["next_cursor"],
                             sortBy="planned_reserves_desc")
    assert [cid for cid in rest if cid != moved] == order[10:]
    assert rest.count(moved) == 1


def page_through_from(client, fund_id, cursor, **params):
    ids = []
    while cursor:
        page = list_companies(client, fund_id, limit=7, cursor=cursor, **params).get_json()
        ids += [company["id"] for company in page["companies"]]
        cursor = page["pagination"]["next_cursor"]
    return ids


# ---------------------------------------------------------------- cursors

def first_cursor(client, fund_id, sort_by):
    page = list_companies(client, fund_id, limit=1, sortBy=sort_by).get_json()
    return page["pagination"]["next_cursor"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def flip(text, index):
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1:]


def tampered_cursors(cursor):
    body, signature = cursor.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged_key = [decoded[0], decoded[1], decoded[2] + 1]
    return {
        "flipped-payload": flip(cursor, 3),
        "flipped-signature": flip(cursor, len(body) + 3),
        "truncated": cursor[:-4],
        "payload-only": body,
        "extra-part": cursor + ".x",
        "garbage": "not-a-cursor!",
        "non-ascii": "café.café",
        "unsigned-other-json": b64(json.dumps({"a": 1}).encode()),
        "other-json-real-signature": b64(json.dumps(forged_key).encode()) + "." + signature,
        "wrong-shape-real-signature": b64(b'"x"') + "." + signature,
    }


@pytest.mark.parametrize("sort_by", SORT_ORDERS)
@pytest.mark.parametrize("variant", ["flipped-payload", "flipped-signature", "truncated",
                                     "payload-only", "extra-part", "garbage", "non-ascii",
                                     "unsigned-other-json", "other-json-real-signature",
                                     "wrong-shape-real-signature"])
def test_tampered_cursor_is_refused(client, tied_fund, sort_by, variant):
    fund_id, _ = tied_fund
    cursor = tampered_cursors(first_cursor(client, fund_id, sort_by))[variant]
    assert_bad_query(list_companies(client, fund_id, sortBy=sort_by, cursor=cursor), "cursor")


@pytest.mark.parametrize("made_for,used_for", list(permutations(SORT_ORDERS, 2)))
def test_cursor_of_another_sort_order_is_refused(client, tied_fund, made_for, used_for):
    fund_id, _ = tied_fund
    cursor = first_cursor(client, fund_id, made_for)
    assert_bad_query(list_companies(client, fund_id, sortBy=used_for, cursor=cursor), "cursor")


def test_cursor_for_default_sort_is_refused_by_another_sort(client, tied_fund):
    fund_id, _ = tied_fund
    cursor = first_cursor(client, fund_id, "exit_moic_desc")
    assert list_companies(client, fund_id, cursor=cursor).status_code == 200
    assert_bad_query(list_companies(client, fund_id, sortBy="name_asc", cursor=cursor), "cursor")
