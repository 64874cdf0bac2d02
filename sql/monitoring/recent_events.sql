-- Purpose: the latest audit events of one fund, newest first: who changed
--   what, when, and from which request (for operators and auditors).
-- Parameters: fund_id (integer), limit (integer).
-- Returns: id, event_time, user_id, event_type, operation, update_count,
--   new_version, request_id.
-- Locks: none.
-- Index: idx_fund_events_fund_time (fund_id, event_time), read backwards.
SELECT id, api_timestamp(event_time) AS event_time, user_id, event_type, operation,
       payload ->> 'update_count' AS update_count,
       payload ->> 'new_version' AS new_version,
       metadata ->> 'request_id' AS request_id
FROM fund_events
WHERE fund_id = %(fund_id)s
ORDER BY event_time DESC, id DESC
LIMIT %(limit)s
