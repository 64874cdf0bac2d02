"""The schema of SPEC §1 in a real PostgreSQL: migrations apply, roll back and
apply again; every CHECK constraint rejects a bad row; the audit log is
append-only (issue 2, "Deliver" 3 and 8)."""
import psycopg2
import psycopg2.errors
import pytest

from app import migrations

SCHEMA_TABLES = {"funds", "portfoliocompanies", "fund_events"}
SCHEMA_FUNCTIONS = {"fund_events_append_only", "api_timestamp", "company_list_item"}


def _user_tables(url) -> set[str]:
    """Tables in the public schema, leaving out yoyo's own bookkeeping."""
    rows = _query(url, "SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = 'public'")
    return {name for (name,) in rows if "yoyo" not in name}


def _user_functions(url) -> set[str]:
    rows = _query(url, "SELECT p.proname FROM pg_proc p "
                       "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'")
    return {name for (name,) in rows}


def _query(url, statement):
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
            return cur.fetchall()
    finally:
        conn.close()


# --- migrations -------------------------------------------------------------

def test_migrations_apply_roll_back_and_apply_again_on_an_empty_database(empty_database_url):
    every_id = [migration_id for migration_id, _ in migrations.status(empty_database_url)]
    assert every_id[:3] == ["0001_funds_and_companies", "0002_fund_events",
                            "0003_api_read_support"]
    assert _user_tables(empty_database_url) == set()

    assert migrations.upgrade(empty_database_url) == every_id
    assert migrations.status(empty_database_url) == [(m, True) for m in every_id]
    assert SCHEMA_TABLES <= _user_tables(empty_database_url)
    assert SCHEMA_FUNCTIONS <= _user_functions(empty_database_url)

    assert migrations.rollback(empty_database_url, None) == list(reversed(every_id))
    assert migrations.status(empty_database_url) == [(m, False) for m in every_id]
    assert _user_tables(empty_database_url) == set()  # api_tokens too, if present
    assert _user_functions(empty_database_url) == set()

    assert migrations.upgrade(empty_database_url) == every_id
    assert migrations.status(empty_database_url) == [(m, True) for m in every_id]
    assert SCHEMA_TABLES <= _user_tables(empty_database_url)
    assert migrations.pending(empty_database_url) == []


def test_rollback_undoes_one_migration_at_a_time_newest_first(empty_database_url):
    every_id = migrations.upgrade(empty_database_url)
    for position in range(len(every_id) - 1, -1, -1):
        assert migrations.rollback(empty_database_url) == [every_id[position]]
        assert migrations.pending(empty_database_url) == every_id[position:]
    assert migrations.rollback(empty_database_url) == []
    assert _user_tables(empty_database_url) == set()


def test_upgrade_of_a_current_database_applies_nothing(empty_database_url):
    migrations.upgrade(empty_database_url)
    assert migrations.upgrade(empty_database_url) == []


# --- CHECK constraints and defaults ----------------------------------------

BAD_COMPANY_VALUES = [
    ("status", "bogus"),
    ("invested_cents", -1),
    ("deployed_reserves_cents", -1),
    ("planned_reserves_cents", -1),
    ("exit_moic_bps", -1),
    ("exit_moic_bps", 10_000_001),
    ("ownership_current_pct", "-0.0001"),
    ("ownership_current_pct", "1.0001"),
    ("allocation_cap_cents", -1),
    ("allocation_iteration", -1),
    ("allocation_version", 0),
]


def test_funds_size_check_rejects_a_negative_size(fund_factory):
    with pytest.raises(psycopg2.errors.CheckViolation) as refused:
        fund_factory.fund(size_cents=-1)
    assert refused.value.diag.constraint_name == "funds_size_cents_check"


@pytest.mark.parametrize(("column", "value"), BAD_COMPANY_VALUES)
def test_company_check_constraint_rejects_a_bad_row(fund_factory, sql, column, value):
    fund_id = fund_factory.fund()
    with pytest.raises(psycopg2.errors.CheckViolation) as refused:
        fund_factory.company(fund_id, **{column: value})
    assert refused.value.diag.constraint_name == f"portfoliocompanies_{column}_check"
    with sql.cursor() as cur:
        cur.execute("SELECT count(*) FROM portfoliocompanies WHERE fund_id = %s", (fund_id,))
        assert cur.fetchone()[0] == 0


@pytest.mark.parametrize(("column", "value", "stored"), [
    ("exit_moic_bps", 0, 0),
    ("exit_moic_bps", 10_000_000, 10_000_000),
    ("ownership_current_pct", "0", 0),
    ("ownership_current_pct", "1", 1),
    ("allocation_version", 1, 1),
    ("allocation_cap_cents", 0, 0),
    ("status", "written-off", "written-off"),
])
def test_boundary_values_are_accepted(fund_factory, column, value, stored):
    company_id = fund_factory.company(fund_factory.fund(), **{column: value})
    assert fund_factory.row(company_id)[column] == stored


def test_company_defaults_are_the_seeds(fund_factory):
    row = fund_factory.row(fund_factory.company(fund_factory.fund(), name="Bare"))
    assert row["status"] == "active"
    assert row["invested_cents"] == 0
    assert row["deployed_reserves_cents"] == 0
    assert row["planned_reserves_cents"] == 0
    assert row["allocation_iteration"] == 0
    assert row["allocation_version"] == 1
    for nullable in ("sector", "stage", "exit_moic_bps", "ownership_current_pct",
                     "allocation_cap_cents", "allocation_reason", "last_allocation_at"):
        assert row[nullable] is None


def test_planned_above_cap_is_not_forbidden_by_the_database(fund_factory):
    company_id = fund_factory.company(fund_factory.fund(), planned_reserves_cents=500,
                                      allocation_cap_cents=100)
    assert fund_factory.row(company_id)["planned_reserves_cents"] == 500


# --- the append-only audit log ---------------------------------------------

def _insert_event(sql, fund_id, *, years_ago=None, event_type="ALLOCATION_UPDATED") -> int:
    with sql.cursor() as cur:
        cur.execute(
            "INSERT INTO fund_events (fund_id, event_type, payload, operation, entity_type, "
            "event_time) VALUES (%s, %s, '{}', 'UPDATE', 'portfoliocompanies', "
            "now() - make_interval(years => %s)) RETURNING id",
            (fund_id, event_type, years_ago or 0))
        return cur.fetchone()[0]


def _event_ids(sql, fund_id) -> list[int]:
    with sql.cursor() as cur:
        cur.execute("SELECT id FROM fund_events WHERE fund_id = %s ORDER BY id", (fund_id,))
        return [row[0] for row in cur.fetchall()]


def test_event_defaults(sql, fund_factory):
    fund_id = fund_factory.fund()
    _insert_event(sql, fund_id)
    (event,) = fund_factory.events(fund_id)
    assert event["metadata"] == {}
    assert event["user_id"] is None
    assert event["event_time"] is not None


def test_updating_an_event_is_refused(sql, fund_factory):
    fund_id = fund_factory.fund()
    event_id = _insert_event(sql, fund_id)
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="append-only: UPDATE"):
        with sql.cursor() as cur:
            cur.execute("UPDATE fund_events SET event_type = 'TAMPERED' WHERE id = %s",
                        (event_id,))
    assert fund_factory.events(fund_id)[0]["event_type"] == "ALLOCATION_UPDATED"


def test_deleting_a_recent_event_is_refused(sql, fund_factory):
    fund_id = fund_factory.fund()
    event_id = _insert_event(sql, fund_id, years_ago=6)
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="append-only: DELETE"):
        with sql.cursor() as cur:
            cur.execute("DELETE FROM fund_events WHERE id = %s", (event_id,))
    assert _event_ids(sql, fund_id) == [event_id]


def test_deleting_an_event_older_than_seven_years_is_allowed(sql, fund_factory):
    fund_id = fund_factory.fund()
    old_id = _insert_event(sql, fund_id, years_ago=8)
    recent_id = _insert_event(sql, fund_id)
    with sql.cursor() as cur:
        cur.execute("DELETE FROM fund_events WHERE id = %s", (old_id,))
        assert cur.rowcount == 1
    assert _event_ids(sql, fund_id) == [recent_id]


def test_truncating_the_events_is_refused(database_url, sql, fund_factory):
    fund_id = fund_factory.fund()
    event_id = _insert_event(sql, fund_id)
    # Its own transaction, rolled back whatever happens: a TRUNCATE that got
    # through must not wipe the events of the session's other tests.
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SET LOCAL lock_timeout = '5s'")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege,
                               match="append-only: TRUNCATE"):
                cur.execute("TRUNCATE fund_events")
    finally:
        conn.rollback()
        conn.close()
    assert _event_ids(sql, fund_id) == [event_id]
