-- Purpose: a fund's latest allocation state as the finished JSON document of
--   SPEC §3: every company (all statuses) ordered by id, and the totals.
--   PostgreSQL builds the JSON; the API returns the text as it is.
-- Parameters: fund_id (integer).
-- Returns: one row (the JSON text) if the fund exists, no row otherwise.
-- Locks: none (a plain MVCC read: one snapshot for companies and totals).
-- Index: funds primary key; idx_portfoliocompanies_cursor (fund_id, id DESC),
--   scanned backwards, delivers the companies in id order without a sort.
SELECT json_build_object(
    'fund_id', f.id,
    'companies', coalesce(agg.companies, '[]'::json),
    'metadata', json_build_object(
        'total_planned_cents', coalesce(agg.total_planned_cents, 0),
        'total_deployed_cents', coalesce(agg.total_deployed_cents, 0),
        'companies_count', agg.companies_count,
        'last_updated_at', api_timestamp(agg.last_updated_at)
    )
)::text
FROM funds f
CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object(
               'company_id', c.id,
               'company_name', c.name,
               'sector', c.sector,
               'stage', c.stage,
               'status', c.status,
               'planned_reserves_cents', c.planned_reserves_cents,
               'deployed_reserves_cents', c.deployed_reserves_cents,
               'allocation_cap_cents', c.allocation_cap_cents,
               'allocation_reason', c.allocation_reason,
               'allocation_version', c.allocation_version,
               'last_allocation_at', api_timestamp(c.last_allocation_at)
           )) AS companies,
           sum(c.planned_reserves_cents) AS total_planned_cents,
           sum(c.deployed_reserves_cents) AS total_deployed_cents,
           count(*) AS companies_count,
           max(c.last_allocation_at) AS last_updated_at
    FROM (
        SELECT * FROM portfoliocompanies
        WHERE fund_id = %(fund_id)s  -- the parameter, not f.id: lets the planner see the fund's size
        ORDER BY id
    ) c
) agg
WHERE f.id = %(fund_id)s
