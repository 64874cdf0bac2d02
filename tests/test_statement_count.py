"""A POST runs the same, small number of SQL statements whatever its batch size.

The statements are counted where they leave the process: a psycopg2
connection whose cursors record every execute() call.
"""
import psycopg2.extensions
import pytest

from app import create_app
from app.db import Database, load_queries

QUERIES = load_queries()


def counting_connection_class(executed: list):
    """A psycopg2 connection class whose cursors append each statement they
    send to `executed`."""

    class CountingCursor(psycopg2.extensions.cursor):
        def execute(self, query, vars=None):
            executed.append(query)
            return super().execute(query, vars)

        def executemany(self, query, vars_list):
            executed.append(query)
            return super().executemany(query, vars_list)

    class CountingConnection(psycopg2.extensions.connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.cursor_factory = CountingCursor

    return CountingConnection


@pytest.fixture
def executed():
    return []


@pytest.fixture
def counting_client(test_settings, executed):
    database = Database(test_settings.database_url, max_size=2,
                        connection_factory=counting_connection_class(executed))
    application = create_app(test_settings, database=database)
    application.testing = True
    yield application.test_client()
    database.close()


def post_batch(client, fund_id, company_ids):
    return client.post(f"/api/funds/{fund_id}/allocations", json={
        "expected_version": 1,
        "updates": [{"company_id": cid, "planned_reserves_cents": 1000 + i,
                     "allocation_cap_cents": 5000, "allocation_reason": "count"}
                    for i, cid in enumerate(company_ids)],
    })


def statements_of_post(client, executed, fund_id, company_ids):
    executed.clear()
    response = post_batch(client, fund_id, company_ids)
    assert response.status_code == 200, response.json
    assert response.json["updated_count"] == len(company_ids)
    return list(executed)


def named(statements):
    """Each statement sent, named by the SQL file it runs. The first one
    carries the BEGIN (with its settings) in front of the query, parameters
    bound; the others are the SQL files as they are."""
    first, *rest = statements
    begin, query = first.decode().split(";\n", 1)
    assert begin.startswith("BEGIN; SELECT set_config('statement_timeout'")
    names = [name for name, sql in QUERIES.items() if query.startswith(sql.split("%(")[0])]
    by_text = {sql: name for name, sql in QUERIES.items()}
    return [f"BEGIN + {'/'.join(names)}"] + [by_text.get(sql, sql) for sql in rest]


def test_post_of_1_and_of_100_run_the_same_three_statements(counting_client, executed,
                                                           fund_factory):
    fund_id = fund_factory.fund()
    company_ids = fund_factory.many_companies(fund_id, 101)
    one = statements_of_post(counting_client, executed, fund_id, company_ids[:1])
    hundred = statements_of_post(counting_client, executed, fund_id, company_ids[1:])

    assert named(one) == named(hundred) == [
        "BEGIN + allocations/lock_companies", "allocations/apply_batch", "COMMIT"]
    # The batch really happened: 101 rows at version 2, one event per POST.
    assert {fund_factory.row(cid)["allocation_version"] for cid in company_ids} == {2}
    assert [e["payload"]["update_count"] for e in fund_factory.events(fund_id)] == [1, 100]


def test_a_refused_post_rolls_back_without_growing_either(counting_client, executed,
                                                         fund_factory):
    fund_id = fund_factory.fund()
    company_ids = fund_factory.many_companies(fund_id, 100)
    stale = {"expected_version": 7,
             "updates": [{"company_id": cid, "planned_reserves_cents": 1}
                         for cid in company_ids]}

    executed.clear()
    response = counting_client.post(f"/api/funds/{fund_id}/allocations", json=stale)

    assert response.status_code == 409
    assert len(response.json["conflicts"]) == 100
    assert named(executed) == ["BEGIN + allocations/lock_companies", "ROLLBACK"]
    assert fund_factory.events(fund_id) == []
