-- Purpose: add the demo companies to the demo fund, in one set-based insert.
-- Parameters: fund_id (integer) and parallel arrays, one element per company:
--   names, sectors, stages, statuses (text[]), invested, deployed, planned,
--   caps (bigint[]), moics (integer[]), ownerships (numeric[]), reasons (text[]).
-- Locks: none beyond the insert.
-- Index: none.
INSERT INTO portfoliocompanies (
    fund_id, name, sector, stage, status, invested_cents, deployed_reserves_cents,
    planned_reserves_cents, allocation_cap_cents, exit_moic_bps,
    ownership_current_pct, allocation_reason)
SELECT %(fund_id)s, d.*
FROM unnest(%(names)s::text[], %(sectors)s::text[], %(stages)s::text[],
            %(statuses)s::text[], %(invested)s::bigint[], %(deployed)s::bigint[],
            %(planned)s::bigint[], %(caps)s::bigint[], %(moics)s::integer[],
            %(ownerships)s::numeric[], %(reasons)s::text[]) AS d
