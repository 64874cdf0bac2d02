"""What each scenario does, twice: through the API (HTTP) and as its floor —
the same result obtained with psycopg2 directly, with the cheapest SQL.

Floors (see bench/README.md):
- POST of k companies, in three round trips: BEGIN with SELECT … ORDER BY id
  FOR UPDATE (versions and previous values); UPDATE … FROM unnest(…) with the
  version check and the INSERT of the audit event (the same payload shape,
  built in Python) in one statement; COMMIT.
- GET latest: one SELECT of the fund's rows in id order, fetched as tuples
  (no JSON, no totals: a lower bound).
- GET companies: one SELECT of the page's columns, ORDER BY the index key,
  LIMIT 201, fetched as tuples.
"""
import json
from itertools import count

from .http_client import BenchError

LIST_FLOOR_ORDER = {
    "exit_moic_desc": "coalesce(exit_moic_bps, -1) DESC, id DESC",
    "planned_reserves_desc": "planned_reserves_cents DESC, id DESC",
    "name_asc": "name ASC, id ASC",
}
LIST_COLUMNS = ("id, fund_id, name, sector, stage, status, invested_cents, "
                "planned_reserves_cents, deployed_reserves_cents, exit_moic_bps, "
                "ownership_current_pct, allocation_cap_cents, allocation_reason, "
                "allocation_version, last_allocation_at")
LATEST_COLUMNS = ("id, name, sector, stage, status, planned_reserves_cents, "
                  "deployed_reserves_cents, allocation_cap_cents, allocation_reason, "
                  "allocation_version, last_allocation_at")


class BatchRotation:
    """Successive batches of `size` companies, cycling through disjoint groups
    of a fund's companies, each sent with the versions the last success left:
    every POST is expected to succeed (200), never to be refused as stale."""

    def __init__(self, versions: dict, size):
        company_ids = sorted(versions)
        usable = len(company_ids) - len(company_ids) % size
        self._groups = [company_ids[i:i + size] for i in range(0, usable, size)]
        self.versions = dict(versions)
        self._turn = count()

    def next_batch(self):
        """(company ids, planned value) of the next batch."""
        n = next(self._turn)
        return self._groups[n % len(self._groups)], (n % 1000) * 100


def post_body(rotation, company_ids, planned):
    return {"expected_version": rotation.versions[company_ids[0]],
            "updates": [{"company_id": cid, "planned_reserves_cents": planned,
                         "allocation_cap_cents": planned * 2, "allocation_reason": "bench",
                         "expected_version": rotation.versions[cid]}
                        for cid in company_ids]}


def http_post(client, fund_id, rotation):
    path = f"/api/funds/{fund_id}/allocations"

    def call():
        company_ids, planned = rotation.next_batch()
        result = client.post_json(path, post_body(rotation, company_ids, planned))
        if result["updated_count"] != len(company_ids):
            raise BenchError(f"POST updated {result['updated_count']} of {len(company_ids)}")
        for company in result["companies"]:
            rotation.versions[company["company_id"]] = company["allocation_version"]
    return call


def floor_post(conn, fund_id, rotation):
    """`conn` is in autocommit mode: three round trips, as few as the work
    allows — BEGIN with the locking SELECT; the UPDATE and the audit INSERT in
    one statement; COMMIT."""

    def call():
        company_ids, planned = rotation.next_batch()
        size = len(company_ids)
        with conn.cursor() as cur:
            cur.execute(
                "BEGIN; SELECT id, allocation_version, planned_reserves_cents, "
                "allocation_cap_cents, allocation_reason FROM portfoliocompanies "
                "WHERE id = ANY(%s) AND fund_id = %s ORDER BY id FOR UPDATE",
                (company_ids, fund_id))
            previous = cur.fetchall()
            if [row[1] for row in previous] != [rotation.versions[c] for c in company_ids]:
                raise BenchError("floor: unexpected versions")
            cur.execute(
                "WITH updated AS (UPDATE portfoliocompanies c SET planned_reserves_cents = b.planned, "
                "allocation_cap_cents = b.cap, allocation_reason = b.reason, "
                "allocation_version = c.allocation_version + 1, last_allocation_at = now() "
                "FROM unnest(%s::integer[], %s::bigint[], %s::bigint[], %s::text[], "
                "%s::integer[]) AS b (id, planned, cap, reason, expected) "
                "WHERE c.id = b.id AND c.id = ANY(%s) AND c.allocation_version = b.expected "
                "RETURNING 1), "
                "event AS (INSERT INTO fund_events (fund_id, event_type, payload, operation, "
                "entity_type, metadata) VALUES (%s, 'ALLOCATION_UPDATED', %s, 'UPDATE', "
                "'allocation', %s) RETURNING 1) "
                "SELECT (SELECT count(*) FROM updated), (SELECT count(*) FROM event)",
                (company_ids, [planned] * size, [planned * 2] * size, ["bench"] * size,
                 [row[1] for row in previous], company_ids,
                 fund_id, _audit_payload(previous, planned), json.dumps({"company_count": size})))
            if cur.fetchone() != (size, 1):
                raise BenchError("floor: version check failed")
            cur.execute("COMMIT")
        for row in previous:
            rotation.versions[row[0]] = row[1] + 1
    return call


def _audit_payload(previous, planned):
    updates = [{"company_id": cid, "planned_reserves_cents": planned,
                "allocation_cap_cents": planned * 2, "allocation_reason": "bench",
                "new_version": version + 1,
                "previous": {"planned_reserves_cents": old_planned, "allocation_cap_cents": cap,
                             "allocation_reason": reason, "allocation_version": version}}
               for cid, version, old_planned, cap, reason in previous]
    return json.dumps({"updates": updates, "new_version": max(u["new_version"] for u in updates),
                       "update_count": len(updates)})


def http_get(client, path, item_key: bytes, expect_items: int):
    """GET `path`, checking that the body holds `expect_items` items (counted
    by a key every item has once)."""
    def call():
        body = client.get(path)
        if body.count(item_key) != expect_items:
            raise BenchError(f"GET {path}: expected {expect_items} items")
    return call


def floor_latest(conn, fund_id, expect_rows):
    query = f"SELECT {LATEST_COLUMNS} FROM portfoliocompanies WHERE fund_id = %s ORDER BY id"

    def call():
        with conn.cursor() as cur:
            cur.execute(query, (fund_id,))
            if len(cur.fetchall()) != expect_rows:
                raise BenchError("floor latest: wrong row count")
    return call


def floor_list(conn, fund_id, sort_by, limit):
    query = (f"SELECT {LIST_COLUMNS} FROM portfoliocompanies WHERE fund_id = %s "
             f"ORDER BY {LIST_FLOOR_ORDER[sort_by]} LIMIT %s")

    def call():
        with conn.cursor() as cur:
            cur.execute(query, (fund_id, limit + 1))
            if len(cur.fetchall()) != limit + 1:
                raise BenchError("floor list: short page")
    return call
