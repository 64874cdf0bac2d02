-- Purpose: reset allocation_iteration for companies not reallocated within a
--   year (seed's cleanup query). Does not touch allocation_version.
-- Parameters: none.
-- Returns: the number of rows reset.
-- Locks: row locks on the updated rows (waits at most lock_timeout).
-- Index: none (a full scan, run by an operator).
WITH reset AS (
    UPDATE portfoliocompanies
    SET allocation_iteration = 0
    WHERE last_allocation_at < now() - interval '1 year'
      AND allocation_iteration <> 0
    RETURNING 1
)
SELECT count(*) FROM reset
