-- Purpose: companies with many allocation versions, i.e. heavily contended
--   (seed's "high allocation versions (possible conflicts)").
-- Parameters: min_version (integer, seed: 10), limit (integer, seed: 20).
-- Returns: id, name, allocation_version, last_allocation_at.
-- Locks: none.
-- Index: none (a full scan, run by an operator, not on a request path).
SELECT id, name, allocation_version, api_timestamp(last_allocation_at) AS last_allocation_at
FROM portfoliocompanies
WHERE allocation_version > %(min_version)s
ORDER BY allocation_version DESC, id
LIMIT %(limit)s
