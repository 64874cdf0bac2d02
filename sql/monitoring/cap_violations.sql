-- Purpose: rows whose planned reserves exceed their cap. The API never writes
--   one; this finds rows written around it (seed's "cap violations").
-- Parameters: none.
-- Returns: id, name, planned_reserves_cents, allocation_cap_cents, excess.
-- Locks: none.
-- Index: none (a full scan, run by an operator, not on a request path).
SELECT id, name, planned_reserves_cents, allocation_cap_cents,
       planned_reserves_cents - allocation_cap_cents AS excess
FROM portfoliocompanies
WHERE allocation_cap_cents IS NOT NULL
  AND planned_reserves_cents > allocation_cap_cents
ORDER BY excess DESC, id
