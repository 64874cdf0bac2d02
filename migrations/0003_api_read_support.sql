-- depends: 0002_fund_events
-- What the read endpoints need: one index per company-list sort order (and a
-- variant led by status for the status filter), so that every page is read
-- from an index in key order and stops after `limit + 1` rows, however large
-- the fund; and two SQL helper functions the queries share (both are simple
-- SQL functions, which the planner inlines).
--
-- exit_moic_desc sorts NULLs last; exit_moic_bps is CHECKed >= 0, so
-- coalesce(exit_moic_bps, -1) orders the NULLs after every real value and
-- lets a single index and a single row comparison serve the whole order.

CREATE INDEX idx_portfoliocompanies_list_exit_moic
    ON portfoliocompanies (fund_id, (coalesce(exit_moic_bps, -1)), id);
CREATE INDEX idx_portfoliocompanies_list_status_exit_moic
    ON portfoliocompanies (fund_id, status, (coalesce(exit_moic_bps, -1)), id);

CREATE INDEX idx_portfoliocompanies_list_planned
    ON portfoliocompanies (fund_id, planned_reserves_cents, id);
CREATE INDEX idx_portfoliocompanies_list_status_planned
    ON portfoliocompanies (fund_id, status, planned_reserves_cents, id);

CREATE INDEX idx_portfoliocompanies_list_name
    ON portfoliocompanies (fund_id, name, id);
CREATE INDEX idx_portfoliocompanies_list_status_name
    ON portfoliocompanies (fund_id, status, name, id);

-- RFC 3339 UTC with milliseconds and Z: 2025-10-07T14:30:00.000Z
CREATE FUNCTION api_timestamp(ts timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- One company as the company list returns it (SPEC §4 item).
CREATE FUNCTION company_list_item(c portfoliocompanies) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT json_build_object(
    'id', c.id,
    'fund_id', c.fund_id,
    'name', c.name,
    'sector', c.sector,
    'stage', c.stage,
    'status', c.status,
    'invested_cents', c.invested_cents,
    'planned_reserves_cents', c.planned_reserves_cents,
    'deployed_reserves_cents', c.deployed_reserves_cents,
    'exit_moic_bps', c.exit_moic_bps,
    'ownership_pct', c.ownership_current_pct,
    'allocation_cap_cents', c.allocation_cap_cents,
    'allocation_reason', c.allocation_reason,
    'allocation_version', c.allocation_version,
    'last_allocation_at', api_timestamp(c.last_allocation_at)
) $$;
