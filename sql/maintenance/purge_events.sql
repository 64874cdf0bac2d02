-- Purpose: delete ALLOCATION_UPDATED audit events older than the 7-year
--   retention period (seed's cleanup query). The append-only trigger lets
--   exactly these rows go and refuses any younger one.
-- Parameters: none.
-- Returns: the number of rows deleted.
-- Locks: row locks on the deleted rows.
-- Index: idx_fund_events_type_time (event_type, event_time).
WITH purged AS (
    DELETE FROM fund_events
    WHERE event_type = 'ALLOCATION_UPDATED'
      AND event_time < now() - interval '7 years'
    RETURNING 1
)
SELECT count(*) FROM purged
