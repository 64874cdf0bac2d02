"""The Flask CLI run as an operator runs it (`flask --app wsgi …` in a
subprocess): migrations, the demo seed, the monitoring and cleanup commands
(issue 2, "Deliver" 3, 6 and 8; SPEC §6)."""

import pytest

from app import migrations
from app.demo.service import DEMO_FUND, demo_companies

from .support import flask, run_flask


def _lines(result) -> list[str]:
    return result.stdout.splitlines()


# --- db upgrade | rollback | status -----------------------------------------

def test_db_commands_upgrade_roll_back_and_report_status(empty_database_url):
    every_id = [migration_id for migration_id, _ in migrations.status(empty_database_url)]
    url = empty_database_url

    assert _lines(flask(url, "db", "status")) == [f"pending  {m}" for m in every_id]
    assert _lines(flask(url, "db", "upgrade")) == [f"applied {m}" for m in every_id]
    assert _lines(flask(url, "db", "status")) == [f"applied  {m}" for m in every_id]
    assert _lines(flask(url, "db", "upgrade")) == ["already up to date"]

    assert _lines(flask(url, "db", "rollback")) == [f"rolled back {every_id[-1]}"]
    assert _lines(flask(url, "db", "status")) == (
        [f"applied  {m}" for m in every_id[:-1]] + [f"pending  {every_id[-1]}"])

    assert _lines(flask(url, "db", "rollback", "--all")) == [
        f"rolled back {m}" for m in reversed(every_id[:-1])]
    assert migrations.pending(url) == every_id
    assert _lines(flask(url, "db", "rollback")) == ["nothing to roll back"]

    assert _lines(flask(url, "db", "upgrade")) == [f"applied {m}" for m in every_id]
    assert migrations.pending(url) == []


# --- seed-demo ----------------------------------------------------------------

def _demo_companies(sql, fund_id) -> list[dict]:
    with sql.cursor() as cur:
        cur.execute("SELECT * FROM portfoliocompanies WHERE fund_id = %s ORDER BY id",
                    (fund_id,))
        names = [c.name for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def test_seed_demo_is_idempotent_and_prints_the_fund_id(database_url, sql):
    first = flask(database_url, "seed-demo")
    second = flask(database_url, "seed-demo")

    fund_id = int(first.stdout.strip())
    assert second.stdout.strip() == str(fund_id)
    assert second.stderr.strip().endswith(f"found demo fund {fund_id}")
    with sql.cursor() as cur:
        cur.execute("SELECT id, size_cents, vintage_year FROM funds WHERE name = %s",
                    (DEMO_FUND["name"],))
        assert cur.fetchall() == [(fund_id, DEMO_FUND["size_cents"], DEMO_FUND["vintage_year"])]
    assert len(_demo_companies(sql, fund_id)) == len(demo_companies())


def test_demo_fund_is_realistic(database_url, sql):
    fund_id = int(flask(database_url, "seed-demo").stdout)
    companies = _demo_companies(sql, fund_id)

    assert 20 <= len(companies) <= 30
    assert len({c["name"] for c in companies}) == len(companies)
    assert {c["status"] for c in companies} == {"active", "exited", "written-off"}
    assert len({c["sector"] for c in companies}) >= 5
    assert len({c["stage"] for c in companies}) >= 3
    assert all(c["allocation_cap_cents"] >= c["planned_reserves_cents"]
               for c in companies if c["allocation_cap_cents"] is not None)
    assert any(c["allocation_cap_cents"] is not None for c in companies)
    assert any(c["allocation_cap_cents"] is None for c in companies)
    assert any(c["exit_moic_bps"] is None for c in companies)
    assert any(c["exit_moic_bps"] is not None for c in companies)
    assert all(c["ownership_current_pct"] is not None for c in companies)
    assert sum(c["planned_reserves_cents"] for c in companies) > 0
    assert sum(c["deployed_reserves_cents"] for c in companies) > 0
    assert all(c["planned_reserves_cents"] == 0 for c in companies if c["status"] != "active")


# --- monitoring -------------------------------------------------------------------

def _table(result) -> tuple[list[str], list[list[str]]]:
    header, *rows = _lines(result)
    return header.split("\t"), [row.split("\t") for row in rows]


def _insert_event(sql, fund_id, *, years_ago=0, event_type="ALLOCATION_UPDATED") -> int:
    with sql.cursor() as cur:
        cur.execute(
            "INSERT INTO fund_events (fund_id, event_type, payload, operation, entity_type, "
            "event_time) VALUES (%s, %s, '{}', 'UPDATE', 'portfoliocompanies', "
            "now() - make_interval(years => %s)) RETURNING id",
            (fund_id, event_type, years_ago))
        return cur.fetchone()[0]


def test_monitor_activity_counts_recent_allocation_updates_per_fund(database_url, sql,
                                                                     fund_factory):
    busy, quiet, stale = fund_factory.fund(), fund_factory.fund(), fund_factory.fund()
    _insert_event(sql, busy)
    _insert_event(sql, busy)
    _insert_event(sql, busy, event_type="FUND_RENAMED")
    _insert_event(sql, stale, years_ago=1)

    header, rows = _table(flask(database_url, "monitor", "activity", "--hours", "24"))

    assert header == ["fund_id", "update_count", "last_update"]
    by_fund = {int(row[0]): row for row in rows}
    assert by_fund[busy][1] == "2"
    assert by_fund[busy][2].endswith("Z")
    assert quiet not in by_fund and stale not in by_fund


def test_monitor_events_lists_a_funds_audit_events_newest_first(database_url, app, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    other_fund = fund_factory.fund()
    client = app.test_client()
    for version in (1, 2):
        response = client.post(
            f"/api/funds/{fund_id}/allocations",
            json={"expected_version": version,
                  "updates": [{"company_id": company_id, "planned_reserves_cents": version}]},
            headers={"X-Request-ID": f"cli-events-{version}"})
        assert response.status_code == 200

    header, rows = _table(flask(database_url, "monitor", "events", "--fund", str(fund_id)))
    _, other_rows = _table(flask(database_url, "monitor", "events", "--fund", str(other_fund)))
    _, newest_only = _table(flask(database_url, "monitor", "events", "--fund", str(fund_id),
                                  "--limit", "1"))

    assert header == ["id", "event_time", "user_id", "event_type", "operation",
                      "update_count", "new_version", "request_id"]
    assert [(r[3], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("ALLOCATION_UPDATED", "UPDATE", "1", "3", "cli-events-2"),
        ("ALLOCATION_UPDATED", "UPDATE", "1", "2", "cli-events-1")]
    assert all(r[2] == "" for r in rows)  # authentication is off in the test app
    assert other_rows == []
    assert newest_only == rows[:1]


def test_monitor_high_versions_lists_contended_companies(database_url, fund_factory):
    fund_id = fund_factory.fund()
    hot = fund_factory.company(fund_id, name="Hot Co", allocation_version=2_000_000_000)
    fund_factory.company(fund_id, name="Calm Co", allocation_version=3)

    header, rows = _table(flask(database_url, "monitor", "high-versions",
                                "--min-version", "1999999999", "--limit", "1000"))

    assert header == ["id", "name", "allocation_version", "last_allocation_at"]
    assert [str(hot), "Hot Co", "2000000000", ""] in rows
    assert not any(row[1] == "Calm Co" for row in rows)


def test_monitor_cap_violations_lists_a_company_planned_above_its_cap(database_url,
                                                                      fund_factory):
    fund_id = fund_factory.fund()
    over = fund_factory.company(fund_id, name="Over Cap", planned_reserves_cents=500,
                                allocation_cap_cents=120)
    at_cap = fund_factory.company(fund_id, name="At Cap", planned_reserves_cents=120,
                                  allocation_cap_cents=120)
    uncapped = fund_factory.company(fund_id, name="No Cap", planned_reserves_cents=900)

    header, rows = _table(flask(database_url, "monitor", "cap-violations"))

    assert header == ["id", "name", "planned_reserves_cents", "allocation_cap_cents", "excess"]
    assert [str(over), "Over Cap", "500", "120", "380"] in rows
    listed = {int(row[0]) for row in rows}
    assert at_cap not in listed and uncapped not in listed


# --- maintenance --------------------------------------------------------------------

def test_purge_events_deletes_exactly_the_expired_allocation_updates(database_url, sql,
                                                                     fund_factory):
    fund_id = fund_factory.fund()
    expired = [_insert_event(sql, fund_id, years_ago=8), _insert_event(sql, fund_id, years_ago=9)]
    kept = [
        _insert_event(sql, fund_id),
        _insert_event(sql, fund_id, years_ago=6),
        _insert_event(sql, fund_id, years_ago=8, event_type="FUND_CREATED"),
    ]
    with sql.cursor() as cur:
        cur.execute("SELECT count(*) FROM fund_events WHERE event_type = 'ALLOCATION_UPDATED' "
                    "AND event_time < now() - interval '7 years'")
        expired_in_database = cur.fetchone()[0]
    assert expired_in_database >= len(expired)

    result = flask(database_url, "maintenance", "purge-events")

    assert _lines(result) == [f"deleted {expired_in_database} event(s)"]
    assert [e["id"] for e in fund_factory.events(fund_id)] == kept
    assert _lines(flask(database_url, "maintenance", "purge-events")) == ["deleted 0 event(s)"]


def test_reset_iterations_resets_only_companies_idle_for_over_a_year(database_url, sql,
                                                                     fund_factory):
    fund_id = fund_factory.fund()
    idle = fund_factory.company(fund_id, allocation_iteration=4, allocation_version=5)
    busy = fund_factory.company(fund_id, allocation_iteration=3)
    with sql.cursor() as cur:
        cur.execute("UPDATE portfoliocompanies SET last_allocation_at = now() - interval '2 years'"
                    " WHERE id = %s", (idle,))
        cur.execute("UPDATE portfoliocompanies SET last_allocation_at = now() - interval '1 day'"
                    " WHERE id = %s", (busy,))
        cur.execute("SELECT count(*) FROM portfoliocompanies WHERE allocation_iteration <> 0 "
                    "AND last_allocation_at < now() - interval '1 year'")
        stale_in_database = cur.fetchone()[0]
    assert stale_in_database >= 1

    result = flask(database_url, "maintenance", "reset-iterations")

    assert _lines(result) == [f"reset {stale_in_database} compan(ies)"]
    assert fund_factory.row(idle)["allocation_iteration"] == 0
    assert fund_factory.row(idle)["allocation_version"] == 5
    assert fund_factory.row(busy)["allocation_iteration"] == 3



UNREACHABLE = "postgresql://postgres@127.0.0.1:1/none"


@pytest.mark.parametrize("args", [("db", "status"), ("db", "upgrade"), ("seed-demo",),
                                  ("tokens", "list"), ("monitor", "cap-violations"),
                                  ("maintenance", "purge-events")])
def test_an_unreachable_database_is_one_line_on_stderr_not_a_traceback(args):
    result = run_flask(UNREACHABLE, *args)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Error: database unavailable: " in result.stderr
    assert result.stdout == ""
