-- Purpose: allocation activity per fund over the last N hours (seed's
--   "allocation activity in last 24 hours").
-- Parameters: hours (integer).
-- Returns: fund_id, update_count, last_update (RFC 3339 text).
-- Locks: none.
-- Index: idx_fund_events_type_time (event_type, event_time).
SELECT fund_id, count(*) AS update_count, api_timestamp(max(event_time)) AS last_update
FROM fund_events
WHERE event_type = 'ALLOCATION_UPDATED'
  AND event_time > now() - make_interval(hours => %(hours)s)
GROUP BY fund_id
ORDER BY fund_id
