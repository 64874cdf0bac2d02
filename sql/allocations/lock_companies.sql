-- Purpose: first step of a batch update. Locks the batch's companies that
--   belong to the fund and reads their current allocation (for the version
--   check and the audit's "previous" values); also says whether the fund exists.
-- Parameters: fund_id (integer), company_ids (integer[]).
-- Returns: one row per locked company: fund_exists, id, allocation_version,
--   planned_reserves_cents, allocation_cap_cents, allocation_reason; or a
--   single row with fund_exists and NULL company columns when none matched.
-- Locks: FOR UPDATE on the matched portfoliocompanies rows, taken in id order
--   (LockRows runs above the Sort), so concurrent batches over overlapping
--   companies queue instead of deadlocking. Waits at most lock_timeout.
-- Index: portfoliocompanies primary key (id = ANY), fund_id checked per row;
--   funds primary key.
WITH locked AS (
    SELECT c.id, c.allocation_version, c.planned_reserves_cents,
           c.allocation_cap_cents, c.allocation_reason
    FROM portfoliocompanies c
    WHERE c.id = ANY(%(company_ids)s::integer[])
      AND c.fund_id = %(fund_id)s
    ORDER BY c.id
    FOR UPDATE
)
SELECT EXISTS (SELECT 1 FROM funds WHERE id = %(fund_id)s) AS fund_exists,
       locked.id, locked.allocation_version, locked.planned_reserves_cents,
       locked.allocation_cap_cents, locked.allocation_reason
FROM (VALUES (1)) AS one (n)
LEFT JOIN locked ON true
ORDER BY locked.id
