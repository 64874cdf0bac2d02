"""The read queries are answered from an index in key order, never by sorting
the fund's rows: a page costs the same on a fund of any size.

Each query is explained exactly as the app sends it: inside the app's own
transaction (its BEGIN carries the planner settings), with the parameters the
repository function builds, interpolated by psycopg2's `mogrify`.
"""
import json

import pytest

from app.allocations import repository as allocations_repository
from app.companies import repository as companies_repository
from app.companies.schemas import SORT_ORDERS
from app.db import Database, Transaction
from bench.seed import analyze, seed_fund

COMPANY_COUNT = 10_000
NEIGHBOUR_FUNDS, NEIGHBOUR_SIZE = 30, 300
DEFAULT_PAGE_SIZE = 51  # the default limit (50) + 1, as the service asks

# The sort key of each order as the SQL compares it (see sql/companies/).
SORT_KEY_SQL = {
    "exit_moic_desc": ("coalesce(exit_moic_bps, -1)", "DESC"),
    "planned_reserves_desc": ("planned_reserves_cents", "DESC"),
    "name_asc": ("name", "ASC"),
}
SORT_NODES = {"Sort", "Incremental Sort"}
INDEX_NODES = {"Index Scan", "Index Only Scan"}


class ExplainingTransaction(Transaction):
    """A Transaction that returns the JSON plan of each query instead of
    running it; the query text is the app's, with its parameters mogrified in."""

    def execute(self, name, params=None):
        query = self._cursor.mogrify(self._queries[name], params).decode()
        return self._send("EXPLAIN (FORMAT JSON) " + query, None)


@pytest.fixture(scope="module")
def big_fund(database_url):
    import psycopg2

    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    try:
        fund_id = seed_fund(conn, COMPANY_COUNT, name="Plan Fund")
        # Neighbours, as in production: a plan that reads the table rather
        # than the fund's index range would read their rows too.
        for n in range(NEIGHBOUR_FUNDS):
            seed_fund(conn, NEIGHBOUR_SIZE, name=f"Neighbour {n}")
        analyze(conn)
        yield conn, fund_id
    finally:
        conn.close()


class ExplainingDatabase(Database):
    transaction_class = ExplainingTransaction


@pytest.fixture(scope="module")
def explaining_database(database_url):
    database = ExplainingDatabase(database_url, max_size=1)
    yield database
    database.close()


@pytest.fixture
def explain(big_fund, explaining_database):
    with explaining_database.transaction() as tx:
        yield tx


def plan_nodes(node, ancestors=()):
    """Every node of a plan tree with the list of its ancestors."""
    yield node, ancestors
    for child in node.get("Plans", []):
        yield from plan_nodes(child, (*ancestors, node))


def root_of(plan_json):
    plan = plan_json if isinstance(plan_json, list) else json.loads(plan_json)
    return plan[0]["Plan"]


def assert_index_ordered(root):
    nodes = list(plan_nodes(root))
    company_scans = [n for n, _ in nodes if n.get("Relation Name") == "portfoliocompanies"]
    assert company_scans, "the plan never reads portfoliocompanies"
    assert all(n["Node Type"] in INDEX_NODES for n in company_scans), \
        [n["Node Type"] for n in company_scans]
    for scan in company_scans:  # reads the fund's range of the index, not the table
        assert scan["Index Name"].startswith("idx_portfoliocompanies_"), scan["Index Name"]
        assert "(fund_id = " in scan["Index Cond"], scan["Index Cond"]
    for node, ancestors in nodes:
        if node.get("Relation Name") == "portfoliocompanies":
            sorts_above = [a["Node Type"] for a in ancestors if a["Node Type"] in SORT_NODES]
            assert sorts_above == [], f"{sorts_above} over portfoliocompanies rows"


def middle_position(conn, fund_id, sort_by):
    """The (sort key, id) of the row halfway down the fund in this order."""
    key_sql, direction = SORT_KEY_SQL[sort_by]
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT {key_sql}, id FROM portfoliocompanies WHERE fund_id = %s "
            f"ORDER BY {key_sql} {direction}, id {direction} OFFSET %s LIMIT 1",
            (fund_id, COMPANY_COUNT // 2))
        return cur.fetchone()


def test_latest_reads_the_fund_in_id_order_from_an_index(big_fund, explain):
    _, fund_id = big_fund
    root = root_of(allocations_repository.latest_allocations_json(explain, fund_id))
    assert_index_ordered(root)
    scans = [n for n, _ in plan_nodes(root) if n.get("Relation Name") == "portfoliocompanies"]
    assert [s["Index Name"] for s in scans] == ["idx_portfoliocompanies_cursor"]


@pytest.mark.parametrize("sort_by", SORT_ORDERS)
@pytest.mark.parametrize("status", [None, "active", "written-off"])
@pytest.mark.parametrize("page", ["first", "middle"])
def test_each_list_page_is_read_in_index_order(big_fund, explain, sort_by, status, page):
    conn, fund_id = big_fund
    after = middle_position(conn, fund_id, sort_by) if page == "middle" else None
    filters = {"status": status} if status else {}

    (plan,), = companies_repository.list_page(
        explain, fund_id, sort_by=sort_by, filters=filters, after=after,
        page_size=DEFAULT_PAGE_SIZE)

    root = root_of(plan)
    assert_index_ordered(root)
    assert root["Node Type"] == "Limit"
    (scan,) = [n for n, _ in plan_nodes(root) if n.get("Relation Name") == "portfoliocompanies"]
    # The filter and the cursor position are index conditions: the scan starts
    # at the page, inside the status's range, instead of filtering rows.
    assert (f"(status = '{status}'::text)" in scan["Index Cond"]) == bool(status)
    assert ("ROW(" in scan["Index Cond"]) == (page == "middle")


def test_the_largest_page_is_read_in_index_order_too(big_fund, explain):
    _, fund_id = big_fund
    for sort_by in SORT_ORDERS:
        (plan,), = companies_repository.list_page(
            explain, fund_id, sort_by=sort_by, filters={}, after=None, page_size=201)
        assert_index_ordered(root_of(plan))
