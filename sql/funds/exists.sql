-- Purpose: does a fund exist? (asked only when a read found nothing, to tell
--   an unknown fund (404) from a fund with no matching company (200, []).)
-- Parameters: fund_id (integer).
-- Locks: none.
-- Index: funds primary key.
SELECT EXISTS (SELECT 1 FROM funds WHERE id = %(fund_id)s)
