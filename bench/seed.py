"""Realistic funds, seeded fast: one set-based INSERT … SELECT generate_series.

Shared by the benchmark and the query-plan tests. The data has what the
list and latest queries meet in production: every status, sectors and
stages with NULLs, exit MOICs with NULLs and many ties, tied planned
reserves and tied names, caps and reasons on some rows, timestamps on most.
"""

_INSERT_COMPANIES = """
INSERT INTO portfoliocompanies (
    fund_id, name, sector, stage, status, invested_cents, deployed_reserves_cents,
    planned_reserves_cents, exit_moic_bps, ownership_current_pct,
    allocation_cap_cents, allocation_reason, last_allocation_at)
SELECT %(fund_id)s,
       (ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne',
              'Tyrell', 'Cyberdyne', 'Soylent'])[1 + g %% 10]
           || ' ' || (g * 7 %% greatest(%(count)s / 3, 1)),
       (ARRAY['Fintech', 'Health', 'Climate', 'SaaS', 'AI', 'Consumer', NULL])[1 + g %% 7],
       (ARRAY['Seed', 'Series A', 'Series B', 'Series C', NULL])[1 + g %% 5],
       CASE WHEN g %% 10 < 7 THEN 'active'
            WHEN g %% 10 < 9 THEN 'exited' ELSE 'written-off' END,
       (g * 7919 %% 1000) * 100000,
       (g * 31 %% 200) * 10000,
       (g * 37 %% 500) * 10000,
       CASE WHEN g %% 7 = 0 THEN NULL ELSE (g * 13 %% 400) * 100 END,
       (g %% 1000) / 10000.0,
       CASE WHEN g %% 3 = 0 THEN NULL ELSE 10000000 END,
       CASE WHEN g %% 4 = 0 THEN NULL ELSE 'Follow-on plan ' || (g %% 17) END,
       CASE WHEN g %% 5 = 0 THEN NULL ELSE now() - g * interval '1 minute' END
FROM generate_series(1, %(count)s) AS g
"""


def seed_fund(conn, company_count: int, name: str = "Bench Fund") -> int:
    """Create a fund with `company_count` companies (autocommit connection);
    returns the fund id. Call `analyze(conn)` once after seeding."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO funds (name) VALUES (%s) RETURNING id", (name,))
        fund_id = cur.fetchone()[0]
        cur.execute(_INSERT_COMPANIES, {"fund_id": fund_id, "count": company_count})
    return fund_id


def analyze(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("ANALYZE funds, portfoliocompanies, fund_events")


def settle(conn) -> None:
    """After seeding: vacuum and analyze now, and flush the dirty pages, so
    that neither autovacuum nor a checkpoint runs during the measurements
    (on 2 cores either would show up in the first scenarios' figures)."""
    with conn.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) funds, portfoliocompanies, fund_events")
        cur.execute("CHECKPOINT")


def company_versions(conn, fund_id: int) -> dict[int, int]:
    """company id → allocation_version, for every company of the fund."""
    with conn.cursor() as cur:
        cur.execute("SELECT id, allocation_version FROM portfoliocompanies WHERE fund_id = %s",
                    (fund_id,))
        return dict(cur.fetchall())
